import './setup';
import { fireEvent, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { connectDemo, renderApp } from './render';

/** The live table's badge and rows while paused, failed and reconnecting (issue 14, "Also"). */
describe('Tables: badge, Pause and stale rows', () => {
  async function start(path: string) {
    const ctx = await renderApp();
    const ws = await connectDemo();
    fireEvent.click(within(ws).getByRole('tab', { name: 'Tables' }));
    fireEvent.change(within(ws).getByRole('textbox', { name: 'Path' }), { target: { value: path } });
    fireEvent.click(within(ws).getByRole('button', { name: 'Start' }));
    return { ...ctx, ws };
  }
  const badge = (ws: HTMLElement) => within(within(ws).getByRole('toolbar', { name: 'Live table' })).getAllByRole('status')[0]!;

  it('the badge says Paused while paused', async () => {
    const { ws } = await start('/interface');
    await within(ws).findAllByRole('cell', { name: 'bridge1' });
    expect(badge(ws).textContent).toMatch(/^Live/);
    fireEvent.click(within(ws).getByRole('button', { name: 'Pause' }));
    expect(badge(ws).textContent).toMatch(/^Paused/);
    fireEvent.click(within(ws).getByRole('button', { name: 'Resume' }));
    expect(badge(ws).textContent).toMatch(/^Live/);
  });

  it('Pause is disabled in the error state', async () => {
    const { ws } = await start('/ip/no-such-menu');
    await within(ws).findByText(/^Error/);
    expect((within(ws).getByRole('button', { name: 'Pause' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('rows are dimmed as stale while the link reconnects, and fresh again after', async () => {
    const { ws, bridge } = await start('/interface');
    const table = await within(ws).findByRole('grid', { name: 'Live table /interface' });
    await within(table).findAllByRole('cell', { name: 'bridge1' });
    expect(table.closest('.grid-scroll')!.classList.contains('stale')).toBe(false);
    bridge.demo.dropConnections();
    await within(ws).findByText(/^Resubscribing/);
    const stale = within(ws).getByRole('grid', { name: 'Live table /interface' });
    expect(stale.closest('.grid-scroll')!.classList.contains('stale')).toBe(true);
    expect(stale.getAttribute('aria-description')).toMatch(/stale/);
    await within(ws).findByText(/^Live/, undefined, { timeout: 10_000 });
    expect(
      within(ws).getByRole('grid', { name: 'Live table /interface' }).closest('.grid-scroll')!.classList.contains('stale'),
    ).toBe(false);
  });
});
