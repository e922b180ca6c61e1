import { describe, expect, it } from 'vitest';
import { e2eSuite } from './fixtures';

/**
 * The Trace tab end to end (issue 11, item 13): link events are entries (connecting, logged in,
 * dropped with its reason, reconnected); the capture scope chosen in the tab is a setting of the
 * router and leaves a live table's rows out of its trace, which says how many it left out.
 */
describe('trace capture', () => {
  const suite = e2eSuite();

  it('shows link events, and the scope selector leaves live-table rows out', async () => {
    const password = 'e2e-trace-5b1e';
    const sim = await suite.router({ identity: 'edge-T', password, connections: 3000 });
    const { app, host } = await suite.open();
    await app.addConnection({
      name: 'router-T',
      host: '127.0.0.1',
      port: sim.port as number,
      transport: 'plain',
      user: 'admin',
      password,
    });
    const ws = await app.connect('router-T');
    const id = (await host.services.handlers['connections:list']({})).connections.find((c) => c.name === 'router-T')!.id;

    await ws.open('Trace');
    const list = ws.traceList();
    await list.getByRole('listitem', { name: 'Note: link connecting =attempt=1' }).waitFor();
    await list.getByRole('listitem', { name: /^Note: link logged-in =identity=edge-T / }).waitFor();

    // Scope: everything but live-table rows, chosen in the tab, kept as the router's setting.
    await ws.region.getByRole('combobox', { name: 'Capture' }).selectOption({ label: 'All but live-table rows' });
    await expect.poll(async () => (await host.services.handlers['settings:get']({})).traceScopes[id]).toBe('no-rows');
    const table = await ws.startTable('/ip/firewall/connection');
    await table.getByRole('row').nth(1).waitFor();
    await ws.open('Trace');
    await ws.region.getByText(/3,000 not recorded \(scope\)/).waitFor();
    await ws.traceItem('/ip/firewall/connection/listen').first().waitFor();
    const trace = await host.services.handlers['trace:get']({ connectionId: id });
    const tableTags = new Set(
      trace.entries.filter((e) => e.direction === 'out' && e.words[0]!.startsWith('/ip/firewall/connection/')).map((e) => e.tag),
    );
    expect(tableTags.size).toBeGreaterThan(0);
    // Completion's replies (own traffic) are there; the table's rows are not.
    expect(trace.entries.filter((e) => e.words[0] === '!re' && tableTags.has(e.tag))).toEqual([]);

    // A drop and the reconnect are entries too, with the reason.
    sim.dropConnections();
    await list.getByRole('listitem', { name: /^Note: link dropped =reason=connection lost/ }).waitFor();
    await list.getByRole('listitem', { name: /^Note: link reconnected =identity=edge-T / }).waitFor();
  });

  it('marks a trap, folds a command and filters by reply type (issue 16)', async () => {
    const password = 'e2e-trace-9c4d';
    const sim = await suite.router({ identity: 'edge-D', password });
    const { app } = await suite.open();
    await app.addConnection({
      name: 'router-D',
      host: '127.0.0.1',
      port: sim.port as number,
      transport: 'plain',
      user: 'admin',
      password,
    });
    const ws = await app.connect('router-D');
    await ws.send(['/interface/print']);
    await ws.waitForOutcome('/interface/print', 'done');
    await ws.send(['/no/such/menu']);
    await ws.waitForOutcome('/no/such/menu', 'trap');

    await ws.open('Trace');
    const list = ws.traceList();
    const trap = ws.traceItem('!trap').first();
    await trap.getByText('Trap', { exact: true }).waitFor();
    expect(await trap.getByText('Trap', { exact: true }).getAttribute('title')).toMatch(/^Trap: no such command/);

    // Fold the print: its rows go, the command says how many it hides.
    const fold = list.getByRole('button', { name: /^Replies of \/interface\/print / });
    expect(await fold.getAttribute('aria-expanded')).toBe('true');
    await fold.click();
    await expect.poll(() => fold.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => ws.traceItem('=name=ether1').count()).toBe(0);
    await ws
      .traceItem('/interface/print')
      .getByText(/^\+\d+$/)
      .waitFor();
    await fold.click();
    await ws.traceItem('=name=ether1').first().waitFor();

    // Reply type: only the traps are left.
    await ws.region.getByRole('combobox', { name: 'Reply type' }).selectOption({ label: '!trap or !fatal' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);
    expect(await ws.traceItem('!trap').count()).toBe(2);
  });
});
