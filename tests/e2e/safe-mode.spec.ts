import { describe, expect, it } from 'vitest';
import { e2eSuite } from './fixtures';

/** Safe mode (docs/ui.md): take → add an address from the Console → Unroll → the address is gone. */
describe('safe mode on the Demo router', () => {
  const suite = e2eSuite();

  it('take → add → Unroll: the address leaves the live table', async () => {
    const { app } = await suite.open();
    const ws = await app.connect('Demo router');
    const table = await ws.startTable('/ip/address');
    await ws.cell(table, '192.168.88.1/24').waitFor();

    const toggle = ws.header().getByRole('button', { name: 'Safe mode', exact: true });
    await expect(toggle.getAttribute('aria-pressed')).resolves.toBe('false');
    await toggle.click();
    const banner = ws.header().getByRole('status', { name: 'Safe mode' });
    await banner.waitFor();
    await expect(toggle.getAttribute('aria-pressed')).resolves.toBe('true');

    await ws.send(['/ip/address/add', '=address=10.99.0.1/24', '=interface=ether2']);
    await ws.waitForOutcome('/ip/address/add', 'done');
    await ws.open('Tables');
    const added = ws.cell(ws.table('/ip/address'), '10.99.0.1/24');
    await added.waitFor();

    await banner.getByRole('button', { name: 'Unroll', exact: true }).click();
    await added.waitFor({ state: 'detached' });
    await banner.waitFor({ state: 'detached' });
    await expect(toggle.getAttribute('aria-pressed')).resolves.toBe('false');
    // The safe-mode sentences are in the trace like any other.
    await ws.open('Trace');
    await ws.filterTrace('/safe-mode/');
    await ws.traceItem('/safe-mode/take').first().waitFor();
    await ws.traceItem('/safe-mode/unroll').first().waitFor();
  });
});
