import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eSuite, SCREENSHOTS } from './fixtures';

/** Several routers: a second simulator added through the form, side by side; reconnect after a restart. */
describe('several routers', () => {
  const suite = e2eSuite();

  it('shows two routers side by side, each with its own Console, Tables and Trace', async () => {
    const sim = await suite.router({ user: 'admin', password: 'edge-pass', identity: 'edge-2', rosVersion: '7.18' });
    const t = await suite.open();
    const { app } = t;
    const demo = await app.connect('Demo router');
    await app.addConnection({
      name: 'edge-2',
      host: '127.0.0.1',
      port: sim.port as number,
      transport: 'plain',
      user: 'admin',
      password: 'edge-pass',
      group: 'lab',
    });
    const edge = await app.connect('edge-2');
    await expect(edge.header().textContent()).resolves.toContain('edge-2');
    await expect(edge.header().textContent()).resolves.toContain('RouterOS 7.18');

    await app.sideBySide();
    await demo.region.waitFor();
    await edge.region.waitFor();
    for (const ws of [demo, edge]) {
      for (const tab of ['Console', 'Tables', 'Trace'] as const) await expect(ws.tab(tab).isVisible()).resolves.toBe(true);
    }

    // Each workspace talks to its own router.
    await demo.send(['/system/identity/print']);
    await edge.send(['/system/identity/print']);
    const a = await demo.waitForOutcome('/system/identity/print', 'done');
    const b = await edge.waitForOutcome('/system/identity/print', 'done');
    await a.getByText('Tikscope Demo').waitFor();
    await b.getByText('edge-2', { exact: true }).waitFor();
    const table = await edge.startTable('/ip/address');
    await edge.cell(table, '192.168.88.1/24').waitFor();
    await demo.startTable('/interface');
    await demo.cell(demo.table('/interface'), 'ether1').waitFor();
    await app.screenshot(join(SCREENSHOTS, 'side-by-side.png'));
  });

  it('reconnects after the router restarts: Reconnecting…, then Connected again', async () => {
    const sim = await suite.router({ user: 'admin', password: 'pw-restart', identity: 'restarting' });
    const t = await suite.open();
    const { app } = t;
    await app.addConnection({
      name: 'flaky',
      host: '127.0.0.1',
      port: sim.port as number,
      user: 'admin',
      password: 'pw-restart',
    });
    const ws = await app.connect('flaky');
    const table = await ws.startTable('/interface');
    await ws.cell(table, 'ether1').waitFor();

    await sim.stop();
    await app.waitForState('flaky', /^Reconnecting/);
    await sim.start();
    await app.waitForState('flaky', 'Connected', 60_000);
    // The live table resubscribed on the new session and is live again.
    await ws.region.locator('.pill-live').waitFor({ timeout: 30_000 });
    await ws.cell(table, 'ether1').waitFor();
    await ws.send(['/system/identity/print']);
    await ws.waitForOutcome('/system/identity/print', 'done');
  });
});
