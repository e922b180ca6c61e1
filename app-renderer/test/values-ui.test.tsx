import './setup';
import { act, fireEvent, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../src/lib/values';
import { until } from './helpers';
import { connectDemo, renderApp } from './render';

async function startTable(ws: HTMLElement, path: string, name = `Live table ${path}`): Promise<HTMLElement> {
  fireEvent.click(within(ws).getByRole('tab', { name: 'Tables' }));
  fireEvent.change(within(ws).getByRole('textbox', { name: 'Path' }), { target: { value: path } });
  fireEvent.click(within(ws).getByRole('button', { name: 'Start' }));
  // A live table's rows are selectable (a grid, issue 14); a detail view is a plain table.
  return within(ws).findByRole(name.startsWith('Live table') ? 'grid' : 'table', { name });
}

const headers = (table: HTMLElement) =>
  within(table)
    .getAllByRole('columnheader')
    .map((h) => within(h).getByRole('button').textContent);

describe('values a person can read (issue 14)', () => {
  it('shows /interface with its preset columns, readable values with the raw value on hover, and a Raw values switch', async () => {
    const { s } = await renderApp();
    const ws = await connectDemo();
    const table = await startTable(ws, '/interface');
    await within(table).findAllByRole('cell', { name: 'ether1' });
    expect(headers(table)).toEqual(['name', 'type', 'running', 'disabled', 'rx rate', 'tx rate', 'comment']);
    // Every other column is still in the chooser: show rx-byte.
    fireEvent.click(within(ws).getByRole('button', { name: 'Columns' }));
    fireEvent.click(within(ws).getByRole('checkbox', { name: 'rx-byte' }));
    fireEvent.click(within(ws).getByRole('button', { name: 'Done' }));
    await until(() => expect(headers(table)).toContain('rx-byte'));
    const raw = s().tables.demo!.rows.find((r) => r.name === 'ether1')!['rx-byte']!;
    expect(Number(raw)).toBeGreaterThan(1024 ** 3);
    const cell = within(table).getByRole('cell', { name: formatBytes(Number(raw)) });
    expect(cell.getAttribute('title')).toBe(raw);
    expect(within(table).getAllByRole('cell', { name: 'yes' }).length).toBeGreaterThan(0);

    const toggle = within(ws).getByRole('switch', { name: 'Raw values' });
    expect(toggle.getAttribute('aria-checked')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    expect(within(table).getByRole('cell', { name: raw })).toBeTruthy();
    expect(within(table).queryAllByRole('cell', { name: 'yes' })).toHaveLength(0);
    expect(within(table).getAllByRole('cell', { name: 'true' }).length).toBeGreaterThan(0);
  });

  it('Show all shows every column; Preset goes back to the preset', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    const table = await startTable(ws, '/interface');
    await within(table).findAllByRole('cell', { name: 'ether1' });
    fireEvent.click(within(ws).getByRole('button', { name: 'Columns' }));
    fireEvent.click(within(ws).getByRole('button', { name: 'Show all' }));
    await until(() => expect(headers(table)).toContain('mtu'));
    expect(headers(table)).toContain('rx-byte');
    fireEvent.click(within(ws).getByRole('button', { name: 'Preset' }));
    await until(() => expect(headers(table)).not.toContain('mtu'));
    expect(headers(table)[0]).toBe('name');
    await until(async () => {
      const r = await bridge.api['settings:get']({});
      expect(r.ok && r.value.tableColumns['/interface']).toBeUndefined();
    });
  });

  it('derives rates from successive counter updates', async () => {
    const { bridge, s } = await renderApp();
    const ws = await connectDemo();
    const table = await startTable(ws, '/interface');
    await within(table).findAllByRole('cell', { name: 'ether1' });
    const ether1 = () => s().tables.demo!.rows.find((r) => r.name === 'ether1')!;
    // As the router's own counting would (rx-byte is read-only to the API): 10 Mbit a step.
    const menu = bridge.demo.menu('/interface');
    let value = Number(ether1()['rx-byte']);
    const step = async () => {
      value += 1_250_000;
      act(() => menu.update(menu.findByName('ether1')!, { 'rx-byte': String(value) }));
      await until(() => expect(ether1()['rx-byte']).toBe(String(value)));
    };
    // The printed row is a baseline only (lib/rates.ts): the first change gives no rate yet.
    await step();
    expect(ether1()['rx rate']).toBe('');
    // The next gives one — unless the window got both within 50 ms (a loaded machine), which
    // merges them into the following step.
    for (let i = 0; i < 5 && ether1()['rx rate'] === ''; i++) await step();
    const rate = Number(ether1()['rx rate']);
    // 10 Mbit a step; the rate is that over the time between two samples (under a minute).
    expect(rate).toBeGreaterThan(10_000_000 / 60);
  });

  it('remembers a resized column per path', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    let table = await startTable(ws, '/interface');
    await within(table).findAllByRole('cell', { name: 'ether1' });
    const edge = within(table).getByRole('separator', { name: 'Resize column name' });
    const width = Number(edge.getAttribute('aria-valuenow'));
    fireEvent.keyDown(edge, { key: 'ArrowRight' });
    fireEvent.keyDown(edge, { key: 'ArrowRight', shiftKey: true });
    expect(Number(edge.getAttribute('aria-valuenow'))).toBe(width + 60);
    await until(async () => {
      const r = await bridge.api['settings:get']({});
      expect(r.ok && r.value.tableColumnWidths?.['/interface']?.name).toBe(width + 60);
    });
    // Another path, then back: the width is the remembered one.
    table = await startTable(ws, '/ip/address');
    await within(table).findAllByRole('cell', { name: 'bridge1' });
    table = await startTable(ws, '/interface');
    await within(table).findAllByRole('cell', { name: 'ether1' });
    expect(within(table).getByRole('separator', { name: 'Resize column name' }).getAttribute('aria-valuenow')).toBe(
      String(width + 60),
    );
  });

  it('shows a single-item menu as a detail view, read-only for /system/resource', async () => {
    await renderApp();
    const ws = await connectDemo();
    const detail = await startTable(ws, '/system/resource', 'Details of /system/resource');
    const uptime = within(detail).getByRole('rowheader', { name: 'uptime' }).closest('tr') as HTMLElement;
    const value = within(uptime).getAllByRole('cell')[0] as HTMLElement;
    expect(value.textContent).toMatch(/^\d+d \d+h \d+m$/);
    expect(value.getAttribute('title')).toMatch(/^\d+d\d+h\d+m\d+s$/);
    expect(within(detail).queryByRole('button', { name: /^Edit / })).toBeNull();
  });

  it('edits a settings menu from its detail view with set, showing the sentence first', async () => {
    const { bridge, s } = await renderApp();
    const ws = await connectDemo();
    const detail = await startTable(ws, '/system/identity', 'Details of /system/identity');
    fireEvent.click(within(detail).getByRole('button', { name: 'Edit name' }));
    fireEvent.change(within(detail).getByRole('textbox', { name: 'New value of name' }), { target: { value: 'core-7' } });
    expect(within(detail).getByLabelText('API sentence').textContent).toBe('/system/identity/set\n=name=core-7');
    fireEvent.click(within(detail).getByRole('button', { name: 'Send' }));
    await until(() => expect(bridge.demo.menu('system/identity').first()?.get('name')).toBe('core-7'));
    // It ran as a console command on that router, and the detail view follows the router.
    expect(s().consoles.demo!.commands.some((c) => c.words.join(' ') === '/system/identity/set =name=core-7')).toBe(true);
    await within(detail).findByRole('cell', { name: 'core-7' });
    expect(within(detail).queryByRole('textbox', { name: 'New value of name' })).toBeNull();
  });

  it('shows a single-item print in the console as a detail view with a Raw values switch', async () => {
    await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/system/resource/print' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    const card = await within(ws).findByRole('article', { name: /\/system\/resource\/print — done/ });
    fireEvent.click(within(card).getByRole('button', { name: 'Table view' }));
    const detail = within(card).getByRole('table', { name: 'Details of /system/resource' });
    const total = within(detail).getByRole('rowheader', { name: 'total-memory' }).closest('tr') as HTMLElement;
    expect(within(total).getByRole('cell', { name: '1 GiB' }).getAttribute('title')).toBe('1073741824');
    fireEvent.click(within(card).getByRole('switch', { name: 'Raw values' }));
    expect(within(detail).getAllByRole('cell', { name: '1073741824' }).length).toBeGreaterThan(0);
    // A settings menu's print can be edited from there; one row made by a query and a property
    // list cannot (it may not be a single-item menu).
    fireEvent.change(box, { target: { value: '/system/identity/print' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    const identity = await within(ws).findByRole('article', { name: /\/system\/identity\/print — done/ });
    fireEvent.click(within(identity).getByRole('button', { name: 'Table view' }));
    expect(within(identity).getByRole('button', { name: 'Edit name' })).toBeTruthy();
    fireEvent.change(box, { target: { value: '/interface/print\n?name=ether1\n=.proplist=name,mtu' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    const one = await within(ws).findByRole('article', { name: /\/interface\/print — done/ });
    fireEvent.click(within(one).getByRole('button', { name: 'Table view' }));
    expect(within(one).getByRole('table', { name: 'Details of /interface' })).toBeTruthy();
    expect(within(one).queryByRole('button', { name: /^Edit / })).toBeNull();
  });
});

describe('graphs (issue 14)', () => {
  it('graphs the clicked row of /interface: an img named after the row and its series, and its data as a table', async () => {
    await renderApp();
    const ws = await connectDemo();
    const table = await startTable(ws, '/interface');
    const graph = within(ws).getByRole('button', { name: 'Graph' });
    await within(table).findAllByRole('cell', { name: 'ether1' });
    expect((graph as HTMLButtonElement).disabled).toBe(true);
    const row = within(table).getAllByRole('cell', { name: 'ether1' })[0]!.closest('[role=row]') as HTMLElement;
    fireEvent.click(row);
    expect(row.getAttribute('aria-current')).toBe('true');
    fireEvent.click(graph);
    const img = await within(ws).findByRole('img', { name: 'ether1: rx rate, tx rate' });
    expect(img).toBeTruthy();
    fireEvent.click(within(ws).getByRole('button', { name: 'Show data' }));
    const data = within(ws).getByRole('table', { name: 'Data of ether1: rx rate, tx rate' });
    expect(
      within(data)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['time', 'rx rate', 'tx rate']);
    // A sample at once, then one a second.
    expect(within(data).getAllByRole('row')).toHaveLength(2);
    await until(() => expect(within(data).getAllByRole('row').length).toBeGreaterThan(2), 4000);
    fireEvent.click(within(ws).getByRole('button', { name: 'Close graph of ether1' }));
    expect(within(ws).queryByRole('img', { name: /^ether1/ })).toBeNull();
  });

  it('graphs monitor-traffic replies in the console', async () => {
    await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/interface/monitor-traffic\n=interface=ether1' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    const card = await within(ws).findByRole('article', { name: /\/interface\/monitor-traffic — running/ });
    await until(() => expect((within(card).getByRole('button', { name: 'Graph' }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(within(card).getByRole('button', { name: 'Graph' }));
    expect(within(card).getByRole('img', { name: 'ether1: rx-bits-per-second, tx-bits-per-second' })).toBeTruthy();
    fireEvent.click(within(card).getByRole('button', { name: 'Show data' }));
    const data = within(card).getByRole('table', { name: 'Data of ether1: rx-bits-per-second, tx-bits-per-second' });
    await until(() => expect(within(data).getAllByRole('row').length).toBeGreaterThan(2), 4000);
    fireEvent.click(within(card).getByRole('button', { name: 'Cancel' }));
    await within(ws).findByRole('article', { name: /\/interface\/monitor-traffic — cancelled/ });
  });
});
