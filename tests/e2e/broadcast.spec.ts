import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/src/index';
import { e2eSuite, SCREENSHOTS, type AppUnderTest } from './fixtures';
import { ToolsPage } from './pages/ToolsPage';

/**
 * Broadcast: one sentence to several simulated routers of different versions — a read-only print
 * goes at once, a write waits for the confirmation (and is not sent when it is cancelled), and
 * stop-on-first-error skips the routers after one that traps (a read-only user).
 */
describe('broadcast to many routers', () => {
  const suite = e2eSuite({ scope: 'all' });
  let t: AppUnderTest;
  let tools: ToolsPage;
  let core: Simulator;
  let edge: Simulator;
  const ids: Record<string, string> = {};

  const traceHas = async (name: string, command: string): Promise<boolean> => {
    const trace = await t.host.services.handlers['trace:get']({ connectionId: ids[name]! });
    return trace.entries.some((e) => e.direction === 'out' && e.words[0] === command);
  };

  beforeAll(async () => {
    core = await suite.router({
      identity: 'core-a',
      rosVersion: '7.20',
      user: 'admin',
      password: 'core-pass',
      users: [{ name: 'viewer', password: 'view-pass', group: 'read' }],
    });
    edge = await suite.router({ identity: 'edge-b', rosVersion: '7.12', user: 'admin', password: 'edge-pass' });
    t = await suite.open();
    const { app } = t;
    await app.addConnection({ name: 'Core A', host: '127.0.0.1', port: core.port!, user: 'admin', password: 'core-pass' });
    await app.addConnection({ name: 'Edge B', host: '127.0.0.1', port: edge.port!, user: 'admin', password: 'edge-pass' });
    await app.addConnection({
      name: 'Viewer on Core',
      host: '127.0.0.1',
      port: core.port!,
      user: 'viewer',
      password: 'view-pass',
    });
    for (const name of ['Core A', 'Edge B', 'Viewer on Core']) await app.connect(name);
    const list = await t.host.services.handlers['connections:list']({});
    for (const c of list.connections) ids[c.name] = c.id;
    tools = new ToolsPage(app);
  });

  it('sends a read-only print to two routers at once: one row per router with outcome, replies and time', async () => {
    const panel = await tools.open('Broadcast');
    await tools.chooseRouters(panel, 'Send to', ['Core A', 'Edge B']);
    await tools.typeSentence(['/system/identity/print']);
    await tools.pressSend();
    await tools.waitForOutcome('Core A', 'done');
    await tools.waitForOutcome('Edge B', 'done');
    await expect(tools.confirmation().count()).resolves.toBe(0);
    // Identity and version per router, one !re each, a time in ms.
    await expect(tools.resultRow('Edge B').getByRole('cell').first().textContent()).resolves.toContain('RouterOS 7.12');
    await expect(tools.resultRow('Core A').getByRole('cell').nth(2).textContent()).resolves.toBe('1');
    await expect(tools.resultRow('Core A').getByRole('cell').nth(3).textContent()).resolves.toMatch(/\d+(\.\d+)? ?(ms|s)/);
    await tools.resultRow('Edge B').getByRole('button', { name: 'Show replies of Edge B' }).click();
    await tools.results().getByRole('list', { name: 'Replies from Edge B' }).getByText('=name=edge-b').waitFor();
    await t.app.screenshot(join(SCREENSHOTS, 'broadcast.png'));
    // The per-router trace has the command, as for a typed one.
    expect(await traceHas('Core A', '/system/identity/print')).toBe(true);
    expect(await traceHas('Edge B', '/system/identity/print')).toBe(true);

    const csv = await tools.download(panel, 'Export CSV');
    const lines = (await readFile(await csv.path(), 'utf8')).trim().split('\r\n');
    expect(lines[0]).toBe('router,identity,version,outcome,rows,time ms,tag,message,replies');
    expect(lines.filter((l) => /^(Core A|Edge B),/.test(l))).toHaveLength(2);
  });

  it('asks before a write, names the command and the routers; Cancel sends nothing, confirming sends to both', async () => {
    const panel = await tools.open('Broadcast');
    await tools.chooseRouters(panel, 'Send to', ['Core A', 'Edge B']);
    const words = ['/ip/address/add', '=address=10.77.0.1/32', '=interface=ether2', '=comment=from-broadcast'];
    await tools.typeSentence(words);
    await tools.pressSend();
    const dialog = t.app.page.getByRole('alertdialog', { name: 'Send /ip/address/add to 2 routers?' });
    await dialog.waitFor();
    await expect(dialog.getByRole('listitem').allTextContents()).resolves.toEqual(['Core A', 'Edge B']);
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    for (const sim of [core, edge])
      expect([...sim.menu('/ip/address').items()].some((x) => x.get('comment') === 'from-broadcast')).toBe(false);
    expect(await traceHas('Core A', '/ip/address/add')).toBe(false);
    expect(await traceHas('Edge B', '/ip/address/add')).toBe(false);

    await tools.pressSend();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Send to 2 routers', exact: true }).click();
    await tools.waitForOutcome('Core A', 'done');
    await tools.waitForOutcome('Edge B', 'done');
    for (const sim of [core, edge])
      expect([...sim.menu('/ip/address').items()].filter((x) => x.get('comment') === 'from-broadcast')).toHaveLength(1);
    expect(await traceHas('Edge B', '/ip/address/add')).toBe(true);
  });

  it('stop on first error: a read-only user traps and the router after it is skipped', async () => {
    const panel = await tools.open('Broadcast');
    await tools.chooseRouters(panel, 'Send to', ['Viewer on Core', 'Edge B']);
    await tools.setStopOnFirstError(true);
    // The viewer could not take the snapshot before the write (no ftp policy for /file/read); this
    // test is about the write's own trap.
    await tools.setSnapshotBefore(false);
    await tools.typeSentence(['/interface/set', '=.id=ether3', '=comment=stop-test']);
    await tools.pressSend();
    await tools.confirmation().getByRole('button', { name: 'Send to 2 routers', exact: true }).click();
    const trap = await tools.waitForOutcome('Viewer on Core', 'trap');
    await expect(trap.textContent()).resolves.toMatch(/not enough permissions/);
    const skipped = await tools.waitForOutcome('Edge B', 'skipped');
    await expect(skipped.textContent()).resolves.toMatch(/not sent: Viewer on Core ended trap/);
    expect(edge.menu('/interface').findByName('ether3')!.get('comment')).not.toBe('stop-test');
    expect(await traceHas('Edge B', '/interface/set')).toBe(false);

    // Without the option, every router gets it: Edge B is changed even though the viewer traps.
    await tools.setStopOnFirstError(false);
    await tools.pressSend();
    await tools.confirmation().getByRole('button', { name: 'Send to 2 routers', exact: true }).click();
    await tools.waitForOutcome('Edge B', 'done');
    await tools.waitForOutcome('Viewer on Core', 'trap');
    expect(edge.menu('/interface').findByName('ether3')!.get('comment')).toBe('stop-test');
  });

  it('a bad path traps on every router with the router’s own message', async () => {
    const panel = await tools.open('Broadcast');
    await tools.chooseRouters(panel, 'Send to', ['Core A', 'Edge B']);
    await tools.typeSentence(['/ip/no-such-menu/print']);
    await tools.pressSend();
    for (const name of ['Core A', 'Edge B']) {
      const cell = await tools.waitForOutcome(name, 'trap');
      await expect(cell.textContent()).resolves.toMatch(/no such command/);
    }
  });
});
