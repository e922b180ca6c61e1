import './setup';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { NoBridge } from '../src/components/App';
import { router, until } from './helpers';
import { removeRow, setRow } from './inprocess-bridge';
import { connectDemo, renderApp } from './render';

describe('<App> on the real services (in-process bridge)', () => {
  it('marks itself ready and lists the Demo router with its state', async () => {
    const { view } = await renderApp();
    expect(view.container.querySelector('[data-app-state]')?.getAttribute('data-app-state')).toBe('ready');
    const option = screen.getByRole('option', { name: 'Demo router' });
    expect(option.getAttribute('aria-selected')).toBe('true');
    expect(within(option).getByText('Offline')).toBeTruthy();
    for (const name of ['Connect', 'Disconnect', 'Edit', 'Duplicate', 'Delete', 'Add connection'])
      expect(screen.getByRole('button', { name })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Disconnect' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('connects: Connected, a workspace with Console/Tables/Trace/History tabs and a plain-link warning', async () => {
    await renderApp();
    const ws = await connectDemo();
    const tabs = within(ws).getByRole('tablist');
    expect(
      within(tabs)
        .getAllByRole('tab')
        .map((t) => t.textContent),
    ).toEqual(['Console', 'Tables', 'Trace', 'History']);
    expect(within(ws).getByRole('tab', { name: 'Console' }).getAttribute('aria-selected')).toBe('true');
    expect(within(ws).getByText(/Unencrypted/)).toBeTruthy();
    expect(within(ws).getByText('RouterOS 7.20 (stable)')).toBeTruthy();
    expect(screen.getByRole('tab', { name: 'Demo router' })).toBeTruthy();
  });

  it('sends with Ctrl+Enter and shows the replies with their tag and kinds', async () => {
    await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/system/resource/print' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    const card = await within(ws).findByRole('article', { name: /\/system\/resource\/print — done/ });
    expect(within(card).getByText('!re')).toBeTruthy();
    expect(within(card).getByText('!done')).toBeTruthy();
    expect(within(card).getByText('1 row')).toBeTruthy();
    expect(within(card).getByText(/^tag /)).toBeTruthy();
    expect((box as HTMLTextAreaElement).value).toBe('');
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect((box as HTMLTextAreaElement).value).toBe('/system/resource/print');
    fireEvent.click(within(card).getByRole('button', { name: 'Table view' }));
    expect(within(card).getByRole('cell', { name: 'RB5009UG+S+' })).toBeTruthy();
  });

  it('offers a Cancel button while a command runs, and it cancels', async () => {
    await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/interface/listen' } });
    fireEvent.click(within(ws).getByRole('button', { name: 'Send' }));
    const cancel = await within(ws).findByRole('button', { name: 'Cancel' });
    await until(() => expect((cancel as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(cancel);
    await within(ws).findByRole('article', { name: /\/interface\/listen — cancelled/ });
    expect(within(ws).queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(within(ws).getByText('!trap')).toBeTruthy();
  });

  it('offers the API form for CLI syntax and explains query words', async () => {
    await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/ip address print where interface=ether1' } });
    const hint = within(ws).getByRole('region', { name: 'API form' });
    expect(within(hint).getByText('?interface=ether1')).toBeTruthy();
    expect(within(hint).getByText(/query word: items whose interface equals ether1/)).toBeTruthy();
    fireEvent.click(within(hint).getByRole('button', { name: 'Use API form' }));
    expect((box as HTMLTextAreaElement).value).toBe('/ip/address/print\n?interface=ether1');
  });

  it('completes commands in a listbox; Tab accepts', async () => {
    await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/system/ident' } });
    const list = within(ws).getByRole('listbox', { name: 'Command suggestions' });
    expect(within(list).getAllByRole('option')[0]?.textContent).toBe('/system/identity/print');
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(box.getAttribute('aria-activedescendant')).toBe(within(list).getAllByRole('option')[0]?.id);
    fireEvent.keyDown(box, { key: 'Tab' });
    expect((box as HTMLTextAreaElement).value).toBe('/system/identity/print');
  });

  it('shows a live table with cells, live changes and removal; exports CSV', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    fireEvent.click(within(ws).getByRole('tab', { name: 'Tables' }));
    fireEvent.change(within(ws).getByRole('textbox', { name: 'Path' }), { target: { value: '/interface' } });
    fireEvent.click(within(ws).getByRole('button', { name: 'Start' }));
    const table = await within(ws).findByRole('grid', { name: 'Live table /interface' });
    // ether1 is its name and its default-name.
    await within(table).findAllByRole('cell', { name: 'ether1' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toContain('name');
    act(() => setRow(bridge.demo, '/interface', 'ether1', { comment: 'hello' }));
    const cell = await within(table).findByRole('cell', { name: 'hello' });
    expect(cell.className).toContain('flash');
    act(() => removeRow(bridge.demo, '/interface', 'ether5'));
    await until(() => expect(within(table).queryAllByRole('cell', { name: 'ether5' })).toHaveLength(0));
    expect(within(ws).getByText('6 rows')).toBeTruthy();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const blobs: Blob[] = [];
    const url = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:x';
    });
    fireEvent.click(within(ws).getByRole('button', { name: 'Export CSV' }));
    expect(click).toHaveBeenCalledTimes(1);
    const text = await blobs[0]?.text();
    expect(text?.split('\r\n')[0]).toContain('name');
    expect(text).toContain('hello');
    click.mockRestore();
    url.mockRestore();
  });

  it('a print with no final reply: the Tables panel names the command and the time-out, and Start works again', async () => {
    const { bridge, s } = await renderApp();
    // A router that answers an empty print with !empty and never !done (protocol.md §5.3), and a
    // print time-out of 1 s (issue 11 item 2).
    bridge.demo.faults.noDoneAfterEmpty = true;
    await bridge.api['settings:set']({ tablePrintTimeoutSeconds: 1 });
    const ws = await connectDemo();
    fireEvent.click(within(ws).getByRole('tab', { name: 'Tables' }));
    fireEvent.change(within(ws).getByRole('textbox', { name: 'Path' }), { target: { value: '/interface' } });
    act(() => s().setTableField('demo', 'queryText', '?name=none'));
    fireEvent.click(within(ws).getByRole('button', { name: 'Start' }));
    await within(ws).findByRole('grid', { name: 'Live table /interface' });
    const tableId = s().tables.demo!.tableId!;
    const alert = await within(ws).findByText(/no final reply to \/interface\/print within 1 s/, undefined, { timeout: 5000 });
    expect(alert).toBeTruthy();
    bridge.demo.faults.noDoneAfterEmpty = false;
    expect(within(ws).getByRole('status').textContent).toContain('Error');
    expect((within(ws).getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(false);
    expect((within(ws).getByRole('button', { name: 'Stop' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(ws).getByRole('button', { name: 'Start' }));
    await until(() => expect(s().tables.demo!.status).toBe('live'));
    expect(s().tables.demo!.tableId).not.toBe(tableId);
  });

  it('sorts by a column header and filters rows', async () => {
    await renderApp();
    const ws = await connectDemo();
    fireEvent.click(within(ws).getByRole('tab', { name: 'Tables' }));
    fireEvent.change(within(ws).getByRole('textbox', { name: 'Path' }), { target: { value: '/interface' } });
    fireEvent.click(within(ws).getByRole('button', { name: 'Start' }));
    const table = await within(ws).findByRole('grid', { name: 'Live table /interface' });
    await within(table).findByRole('cell', { name: 'bridge1' });
    const header = within(table)
      .getAllByRole('columnheader')
      .find((h) => h.textContent?.startsWith('name')) as HTMLElement;
    fireEvent.click(within(header).getByRole('button'));
    fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    const firstRow = within(table).getAllByRole('row')[1] as HTMLElement;
    expect(within(firstRow).getByRole('cell', { name: 'vlan10' })).toBeTruthy();
    fireEvent.change(within(ws).getByRole('searchbox', { name: 'Filter rows' }), { target: { value: 'bridge' } });
    await until(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(within(ws).getByText('1 of 7 rows')).toBeTruthy();
  });

  it('shows the trace with the table’s own listen, filters by text and follows a tag', async () => {
    await renderApp();
    const ws = await connectDemo();
    fireEvent.click(within(ws).getByRole('tab', { name: 'Tables' }));
    fireEvent.change(within(ws).getByRole('textbox', { name: 'Path' }), { target: { value: '/ip/address' } });
    fireEvent.click(within(ws).getByRole('button', { name: 'Start' }));
    await within(ws).findAllByRole('cell', { name: 'bridge1' });
    fireEvent.click(within(ws).getByRole('tab', { name: 'Trace' }));
    const list = within(ws).getByRole('list', { name: 'Trace' });
    fireEvent.change(within(ws).getByLabelText('Text'), { target: { value: 'listen' } });
    const item = await within(list).findByText('/ip/address/listen');
    const row = item.closest('[role=listitem]') as HTMLElement;
    const tag = within(row).getByRole('button').textContent;
    fireEvent.click(within(row).getByRole('button'));
    expect(within(ws).getByText(/Following tag/)).toBeTruthy();
    fireEvent.change(within(ws).getByLabelText('Text'), { target: { value: '' } });
    expect(
      within(list)
        .getAllByRole('listitem')
        .every((li) => within(li).queryByRole('button')?.textContent === tag),
    ).toBe(true);
  });

  it('validates the Add connection form next to each field', async () => {
    await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Add connection' }));
    const dialog = screen.getByRole('dialog', { name: 'Add connection' });
    for (const label of ['Name', 'Host', 'Port', 'Transport', 'User', 'Password'])
      expect(within(dialog).getByLabelText(label)).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('Port'), { target: { value: '99999' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const name = within(dialog).getByLabelText('Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(name.getAttribute('aria-describedby') as string)?.textContent).toBe('Give the router a name.');
    const port = within(dialog).getByLabelText('Port');
    expect(document.getElementById(port.getAttribute('aria-describedby') as string)?.textContent).toMatch(/between 1 and 65535/);
    expect(within(dialog).getByRole('alert').textContent).toMatch(/Please correct 3 marked fields/);
  });

  it('adds a connection, then edits and deletes it', async () => {
    const { bridge, s } = await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Add connection' }));
    let dialog = screen.getByRole('dialog', { name: 'Add connection' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'edge-1' } });
    fireEvent.change(within(dialog).getByLabelText('Host'), { target: { value: '10.1.1.1' } });
    fireEvent.change(within(dialog).getByLabelText('Transport'), { target: { value: 'tls-verify' } });
    expect((within(dialog).getByLabelText('Port') as HTMLInputElement).value).toBe('8729');
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: 's3cret' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const option = await screen.findByRole('option', { name: 'edge-1' });
    expect(option.getAttribute('aria-selected')).toBe('true');
    const id = s().connections.find((c) => c.name === 'edge-1')?.id as string;
    expect(bridge.keychain.items.get(id)).toBe('s3cret');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    dialog = screen.getByRole('dialog', { name: 'Edit edge-1' });
    expect((within(dialog).getByLabelText('Password') as HTMLInputElement).value).toBe('');
    fireEvent.change(within(dialog).getByLabelText('Host'), { target: { value: 'edge-1.example.net' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await until(() => expect(screen.queryByRole('dialog')).toBeNull());
    const listed = await bridge.api['connections:list']({});
    expect(listed.ok && listed.value.connections.find((c) => c.id === id)?.host).toBe('edge-1.example.net');
    expect(bridge.keychain.items.get(id)).toBe('s3cret');
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(within(screen.getByRole('alertdialog', { name: 'Delete edge-1?' })).getByRole('button', { name: 'Delete' }));
    await until(() => expect(screen.queryByRole('option', { name: 'edge-1' })).toBeNull());
    expect(bridge.keychain.items.has(id)).toBe(false);
  });

  it('sets the Encoding of a connection: UTF-8 by default, the Windows code pages, kept on edit', async () => {
    const { bridge } = await renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Add connection' }));
    let dialog = screen.getByRole('dialog', { name: 'Add connection' });
    const select = within(dialog).getByRole('combobox', { name: 'Encoding' }) as HTMLSelectElement;
    expect(select.value).toBe('utf-8');
    expect([...select.options].map((o) => o.value)).toEqual([
      'utf-8',
      'windows-1250',
      'windows-1251',
      'windows-1252',
      'windows-1253',
      'windows-1254',
      'windows-1255',
      'windows-1256',
      'windows-1257',
      'windows-1258',
    ]);
    expect(within(dialog).getByRole('option', { name: 'windows-1250 — Central European' })).toBeTruthy();
    // Its help says what it is for; it is the select's description.
    expect(document.getElementById(select.getAttribute('aria-describedby') as string)?.textContent).toMatch(
      /password and query values too/,
    );
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'pl-1' } });
    fireEvent.change(within(dialog).getByLabelText('Host'), { target: { value: '10.2.2.2' } });
    fireEvent.change(select, { target: { value: 'windows-1250' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await screen.findByRole('option', { name: 'pl-1' });
    const listed = await bridge.api['connections:list']({});
    expect(listed.ok && listed.value.connections.find((c) => c.name === 'pl-1')?.encoding).toBe('windows-1250');
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    dialog = screen.getByRole('dialog', { name: 'Edit pl-1' });
    expect((within(dialog).getByRole('combobox', { name: 'Encoding' }) as HTMLSelectElement).value).toBe('windows-1250');
  });

  it('puts a VALIDATION error from main next to its field', async () => {
    const { api } = await renderApp();
    const save = vi.spyOn(api, 'connections:save').mockResolvedValue({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: 'Host is not a valid name.',
        detail: { channel: 'connections:save', field: 'input.host' },
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add connection' }));
    const dialog = screen.getByRole('dialog', { name: 'Add connection' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'x' } });
    fireEvent.change(within(dialog).getByLabelText('Host'), { target: { value: 'x' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await until(() => expect(within(dialog).getByLabelText('Host').getAttribute('aria-invalid')).toBe('true'));
    expect(within(dialog).getByText('Host is not a valid name.')).toBeTruthy();
    save.mockRestore();
  });

  it('shows two workspaces side by side', async () => {
    const edge = await router({ port: null, tlsPort: 0, password: 'x' });
    const { s } = await renderApp();
    await act(async () => {
      const r = await s().saveConnection(undefined, {
        name: 'edge-2',
        host: edge.host,
        port: edge.tlsPort!,
        transport: 'tls-anonymous',
        user: 'admin',
        password: 'x',
      });
      if (r.ok) await s().connect(r.value.id);
      await s().connect('demo');
    });
    expect(screen.getAllByRole('region', { name: /Demo router|edge-2/ })).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Side by side' }));
    const regions = screen.getAllByRole('region', { name: /Demo router|edge-2/ });
    expect(regions).toHaveLength(2);
    expect(within(regions[0] as HTMLElement).getByText(/Not authenticated/)).toBeTruthy();
    for (const r of regions)
      expect(
        within(r)
          .getAllByRole('tab')
          .map((t) => t.textContent),
      ).toEqual(['Console', 'Tables', 'Trace', 'History']);
  });

  it('shows the shortcuts with F1 and switches themes', async () => {
    const { view, api } = await renderApp();
    fireEvent.keyDown(window, { key: 'F1' });
    const help = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(help).getByText(/Send the sentence/)).toBeTruthy();
    fireEvent.keyDown(help, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    const set = vi.spyOn(api, 'settings:set');
    fireEvent.change(screen.getByRole('combobox', { name: 'Theme' }), { target: { value: 'dark' } });
    expect(view.container.querySelector('.app')?.getAttribute('data-theme')).toBe('dark');
    expect(set).toHaveBeenCalledWith({ theme: 'dark' });
  });

  it('keyboard: Enter in the router list connects, Alt+2 opens Tables, Ctrl+. cancels the running command', async () => {
    await renderApp();
    const list = screen.getByRole('listbox', { name: 'Routers' });
    fireEvent.keyDown(list, { key: 'Enter' });
    await screen.findByText('Connected');
    const ws = screen.getByRole('region', { name: 'Demo router' });
    fireEvent.keyDown(window, { key: '2', altKey: true });
    expect(within(ws).getByRole('tab', { name: 'Tables' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(window, { key: '1', altKey: true });
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/interface/listen' } });
    fireEvent.keyDown(box, { key: 'Enter', metaKey: true });
    const cancel = await within(ws).findByRole('button', { name: 'Cancel' });
    await until(() => expect((cancel as HTMLButtonElement).disabled).toBe(false));
    fireEvent.keyDown(window, { key: '.', ctrlKey: true });
    await within(ws).findByRole('article', { name: /\/interface\/listen — cancelled/ });
  });

  it('shows errors as alerts with the hint', async () => {
    const { bridge } = await renderApp();
    // The router's API port is closed: the connection is refused.
    await bridge.demo.stop();
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/Connecting Demo router: cannot connect to 127\.0\.0\.1:\d+: connection refused/);
    expect(alert.textContent).toContain('Check the address, port and transport, and that the API service is enabled');
    expect(within(screen.getByRole('option', { name: 'Demo router' })).getByText(/^Failed: cannot connect/)).toBeTruthy();
  });

  it('explains how to start when there is no bridge', () => {
    const { container } = render(<NoBridge reason="no-token" />);
    expect(container.querySelector('[data-app-state="no-bridge"]')).toBeTruthy();
    expect(screen.getByText('npm run web')).toBeTruthy();
    expect(container.textContent).toMatch(/open the address it prints, e\.g\. http:\/\/127\.0\.0\.1:PORT\/#token=…/);
  });
});
