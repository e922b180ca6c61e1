import './setup';
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { connectDemo, renderApp } from './render';

/** Tables, as a new user finds them (issue 14, "Also"). */
describe('Tables: path box and row filter', () => {
  async function tables() {
    const ctx = await renderApp();
    const ws = await connectDemo();
    fireEvent.click(within(ws).getByRole('tab', { name: 'Tables' }));
    return { ...ctx, ws };
  }

  async function start(ws: HTMLElement, path: string, shows = 'bridge1'): Promise<HTMLElement> {
    fireEvent.change(within(ws).getByRole('textbox', { name: 'Path' }), { target: { value: path } });
    fireEvent.click(within(ws).getByRole('button', { name: 'Start' }));
    const table = await within(ws).findByRole('grid', { name: `Live table ${path}` });
    await within(table).findAllByRole('cell', { name: shows });
    return table;
  }

  it('the Path box starts empty, with an example as placeholder', async () => {
    const { ws } = await tables();
    const path = within(ws).getByRole('textbox', { name: 'Path' }) as HTMLInputElement;
    expect(path.value).toBe('');
    expect(path.placeholder).toMatch(/^\/interface/);
  });

  it('the row filter belongs to its path, and says so when it hides rows', async () => {
    const { ws } = await tables();
    await start(ws, '/interface');
    const filter = within(ws).getByRole('searchbox', { name: 'Filter rows' }) as HTMLInputElement;
    fireEvent.change(filter, { target: { value: 'vlan' } });
    const note = await within(ws).findByRole('status', { name: 'Row filter' });
    expect(note.textContent).toMatch(/Filter “vlan” hides 6 of 7 rows/);

    // Another path starts without the filter that was typed for /interface.
    await start(ws, '/ip/address');
    expect((within(ws).getByRole('searchbox', { name: 'Filter rows' }) as HTMLInputElement).value).toBe('');
    expect(within(ws).queryByRole('status', { name: 'Row filter' })).toBeNull();

    // Back on /interface, its filter is there again, and Clear filter removes it.
    await start(ws, '/interface', 'vlan10');
    expect((within(ws).getByRole('searchbox', { name: 'Filter rows' }) as HTMLInputElement).value).toBe('vlan');
    fireEvent.click(
      within(await within(ws).findByRole('status', { name: 'Row filter' })).getByRole('button', { name: 'Clear filter' }),
    );
    expect(within(ws).queryByRole('status', { name: 'Row filter' })).toBeNull();
    expect(screen.getAllByRole('cell', { name: 'ether5' }).length).toBeGreaterThan(0);
  });
});
