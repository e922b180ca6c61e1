/**
 * Editing from the tables (issue 14) in the window on the real services and the Demo router:
 * selectable rows, the action buttons and context menu, the form dialog with its API sentence
 * preview, field errors before anything is sent, and the table updating live after a send.
 */
import './setup';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { router, until } from './helpers';
import { routerConnection } from './inprocess-bridge';
import { connectDemo, renderApp } from './render';

async function startTable(ws: HTMLElement, path: string): Promise<HTMLElement> {
  fireEvent.click(within(ws).getByRole('tab', { name: 'Tables' }));
  fireEvent.change(within(ws).getByRole('textbox', { name: 'Path' }), { target: { value: path } });
  fireEvent.click(within(ws).getByRole('button', { name: 'Start' }));
  const grid = await within(ws).findByRole('grid', { name: `Live table ${path}` });
  return grid;
}

function rowOf(grid: HTMLElement, cell: string): HTMLElement {
  const c = within(grid).getAllByRole('cell', { name: cell })[0]!;
  return c.closest('[role="row"]') as HTMLElement;
}

function button(ws: HTMLElement, name: string): HTMLButtonElement {
  return within(ws).getByRole('button', { name }) as HTMLButtonElement;
}

async function preview(): Promise<string> {
  const dialog = await screen.findByRole('dialog');
  let text = '';
  await until(() => {
    text = within(dialog).getByRole('region', { name: 'API sentence' }).textContent ?? '';
    expect(text.trim()).not.toBe('');
  });
  return text;
}

describe('editing from the tables', () => {
  it('selects rows with click, Ctrl+click, Shift+click and the keyboard (aria-selected)', async () => {
    const { s } = await renderApp();
    const ws = await connectDemo();
    const grid = await startTable(ws, '/interface');
    await within(grid).findAllByRole('cell', { name: 'ether5' });
    fireEvent.click(within(rowOf(grid, 'ether2')).getAllByRole('cell')[0]!);
    expect(rowOf(grid, 'ether2').getAttribute('aria-selected')).toBe('true');
    expect(rowOf(grid, 'ether3').getAttribute('aria-selected')).toBe('false');
    fireEvent.click(rowOf(grid, 'ether4'), { ctrlKey: true });
    expect(s().tables.demo!.selected).toEqual(['*2', '*4']);
    fireEvent.click(rowOf(grid, 'ether5'), { shiftKey: true });
    // From the anchor (ether4, the last Ctrl+click) to ether5.
    expect(s().tables.demo!.selected).toEqual(['*4', '*5']);
    fireEvent.keyDown(grid, { key: 'ArrowUp' });
    expect(s().tables.demo!.selected).toEqual(['*4']);
    fireEvent.keyDown(grid, { key: 'ArrowUp', shiftKey: true });
    expect(s().tables.demo!.selected).toEqual(['*3', '*4']);
    fireEvent.keyDown(grid, { key: 'Escape' });
    expect(s().tables.demo!.selected).toEqual([]);
    fireEvent.keyDown(grid, { key: 'a', ctrlKey: true });
    expect(s().tables.demo!.selected).toHaveLength(7);
    // Enter on the keyboard's row opens Edit (once the menu's commands are known).
    await until(() => expect(button(ws, 'Edit').title).toBe('select one row'));
    fireEvent.keyDown(grid, { key: 'Enter' });
    await screen.findByRole('dialog', { name: /^Edit ether3 in \/interface/ });
    expect(s().tables.demo!.selected).toEqual(['*3']);
  });

  it('enables the actions the menu has for the selection; Disable of two rows is one sentence', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    const grid = await startTable(ws, '/interface');
    await within(grid).findAllByRole('cell', { name: 'ether5' });
    await until(() => expect(button(ws, 'Enable').title).toBe('select one or more rows'));
    // /interface has no add on the router.
    expect(button(ws, 'Add').disabled).toBe(true);
    expect(button(ws, 'Add').title).toBe('/interface has no add command');
    fireEvent.click(rowOf(grid, 'ether4'));
    fireEvent.click(rowOf(grid, 'ether5'), { ctrlKey: true });
    expect(button(ws, 'Edit').disabled).toBe(true);
    expect(button(ws, 'Disable').disabled).toBe(false);
    fireEvent.click(button(ws, 'Disable'));
    expect(await preview()).toBe('/interface/disable\n=numbers=*4,*5');
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText('2 rows: ether4, ether5')).toBeTruthy();
    // Keyboard focus is in the dialog, on Cancel rather than on the action.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send' }));
    await until(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.demo.model.menu('interface').findByName('ether5')?.get('disabled')).toBe('true');
    // The table follows with listen.
    await until(() => expect(within(rowOf(grid, 'ether5')).getAllByRole('cell', { name: 'yes' }).length).toBeGreaterThan(0));
  });

  it('double-click opens Edit pre-filled; only the changed comment is sent and the row updates', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    const grid = await startTable(ws, '/interface');
    await within(grid).findAllByRole('cell', { name: 'ether3' });
    await until(() => expect(button(ws, 'Enable').title).toBe('select one or more rows'));
    fireEvent.doubleClick(rowOf(grid, 'ether3'));
    const dialog = await screen.findByRole('dialog', { name: /Edit ether3 in \/interface/ });
    const name = (await within(dialog).findByRole('textbox', { name: 'name' })) as HTMLInputElement;
    // The first field has focus once the form has arrived.
    await until(() => expect(document.activeElement).toBe(within(dialog).getByRole('textbox', { name: 'comment' })));
    expect(name.value).toBe('ether3');
    expect((within(dialog).getByRole('switch', { name: 'disabled' }) as HTMLInputElement).checked).toBe(false);
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'comment' }), { target: { value: 'lab port' } });
    await until(() =>
      expect(within(dialog).getByRole('region', { name: 'API sentence' }).textContent).toBe(
        '/interface/set\n=numbers=*3\n=comment=lab port',
      ),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send' }));
    await until(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.demo.model.menu('interface').findByName('ether3')?.get('comment')).toBe('lab port');
    await within(grid).findByRole('cell', { name: 'lab port' });
  });

  it('Add on /ip/address shows a bad address beside the field and sends nothing until it is right', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    const grid = await startTable(ws, '/ip/address');
    await within(grid).findByRole('cell', { name: '192.168.88.1/24' });
    await until(() => expect(button(ws, 'Add').disabled).toBe(false));
    fireEvent.click(button(ws, 'Add'));
    const dialog = await screen.findByRole('dialog', { name: /Add to \/ip\/address/ });
    const address = (await within(dialog).findByRole('textbox', { name: 'address' })) as HTMLInputElement;
    fireEvent.change(address, { target: { value: '10.50.0.300/24' } });
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'interface' }), { target: { value: 'ether5' } });
    await until(() => expect(address.getAttribute('aria-invalid')).toBe('true'));
    const error = document.getElementById(address.getAttribute('aria-describedby')!);
    expect(error?.textContent).toMatch(/IPv4/);
    expect((within(dialog).getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    const before = bridge.demo.model.menu('ip/address').size;
    fireEvent.change(address, { target: { value: '10.50.0.1/24' } });
    await until(() =>
      expect(within(dialog).getByRole('region', { name: 'API sentence' }).textContent).toBe(
        '/ip/address/add\n=address=10.50.0.1/24\n=interface=ether5',
      ),
    );
    expect(address.getAttribute('aria-invalid')).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send' }));
    await until(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.demo.model.menu('ip/address').size).toBe(before + 1);
    await within(grid).findByRole('cell', { name: '10.50.0.1/24' });
  });

  it('a trap keeps the dialog open with the router’s message beside the field', async () => {
    await renderApp();
    const ws = await connectDemo();
    const grid = await startTable(ws, '/ip/address');
    await within(grid).findByRole('cell', { name: '192.168.88.1/24' });
    await until(() => expect(button(ws, 'Add').disabled).toBe(false));
    fireEvent.click(button(ws, 'Add'));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(await within(dialog).findByRole('textbox', { name: 'address' }), { target: { value: '10.51.0.1/24' } });
    const iface = within(dialog).getByRole('combobox', { name: 'interface' });
    fireEvent.change(iface, { target: { value: 'ether99' } });
    await until(() => expect(within(dialog).getByRole('region', { name: 'API sentence' }).textContent).toContain('ether99'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send' }));
    await until(() => expect(iface.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(iface.getAttribute('aria-describedby')!)?.textContent).toBe(
      'input does not match any value of interface',
    );
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('the context menu offers the same actions; Comment sets the comment of the selected rows', async () => {
    const { bridge, s } = await renderApp();
    const ws = await connectDemo();
    const grid = await startTable(ws, '/interface');
    await within(grid).findAllByRole('cell', { name: 'ether5' });
    await until(() => expect(button(ws, 'Enable').title).toBe('select one or more rows'));
    // From the keyboard: Shift+F10 on the focused table opens the menu; Escape gives focus back.
    grid.focus();
    fireEvent.keyDown(grid, { key: 'F10', shiftKey: true });
    const first = await screen.findByRole('menu', { name: 'Row actions' });
    expect(document.activeElement?.getAttribute('role')).toBe('menuitem');
    fireEvent.keyDown(first, { key: 'Escape' });
    await until(() => expect(screen.queryByRole('menu')).toBeNull());
    expect(document.activeElement).toBe(grid);
    fireEvent.contextMenu(rowOf(grid, 'ether5'), { clientX: 40, clientY: 60 });
    const menu = await screen.findByRole('menu', { name: 'Row actions' });
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((m) => m.textContent),
    ).toEqual(['Add', 'Edit', 'Remove', 'Enable', 'Disable', 'Comment']);
    expect(within(menu).getByRole('menuitem', { name: 'Add' }).getAttribute('aria-disabled')).toBe('true');
    expect(s().tables.demo!.selected).toEqual(['*5']);
    fireEvent.click(within(menu).getByRole('menuitem', { name: 'Comment' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'comment' }), { target: { value: 'spare' } });
    await until(() =>
      expect(within(dialog).getByRole('region', { name: 'API sentence' }).textContent).toBe(
        '/interface/comment\n=numbers=*5\n=comment=spare',
      ),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Open in Console' }));
    await until(() => expect(screen.queryByRole('dialog')).toBeNull());
    const box = within(ws).getByRole('textbox', { name: 'Sentence' }) as HTMLTextAreaElement;
    expect(box.value).toBe('/interface/comment\n=numbers=*5\n=comment=spare');
    expect(bridge.demo.model.menu('interface').findByName('ether5')?.get('comment')).toBeUndefined();
    act(() => undefined);
  });

  it('a user whose group lacks the write policy sees every action disabled with the reason', async () => {
    const lab = await router({ identity: 'lab', users: [{ name: 'viewer', password: 'pw', group: 'read' }] });
    const { s } = await renderApp({ connections: [{ ...routerConnection('lab', 'Lab', lab, 'pw'), user: 'viewer' }] });
    await act(() => s().connect('lab'));
    const ws = await screen.findByRole('region', { name: 'Lab' });
    const grid = await startTable(ws, '/interface');
    await within(grid).findAllByRole('cell', { name: 'ether5' });
    const reason = 'the user "viewer" is in group "read", which lacks the write policy';
    await until(() =>
      expect(within(within(ws).getByRole('group', { name: 'Row actions' })).getByRole('note').textContent).toBe(
        `Read-only: ${reason}`,
      ),
    );
    fireEvent.click(rowOf(grid, 'ether5'));
    for (const name of ['Add', 'Edit', 'Remove', 'Enable', 'Disable', 'Comment']) expect(button(ws, name).disabled).toBe(true);
    expect(button(ws, 'Disable').title).toBe(reason);
  });
});
