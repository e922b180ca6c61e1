import { describe, expect, it } from 'vitest';
import { e2eSuite } from './fixtures';

/**
 * Issue 11: every command settles, nothing is orphaned. A reload (F5 in the browser host, Ctrl+R in
 * Electron) takes back what runs in main; a print that never gets its final reply ends in an error
 * that says so.
 */
describe('nothing is orphaned', () => {
  const suite = e2eSuite();

  it('a reload brings back the console cards and the running live table, which can still be stopped', async () => {
    const t = await suite.open();
    const { app, host } = t;
    const demo = await app.connect('Demo router');
    await demo.send(['/system/identity/print']);
    await demo.waitForOutcome('/system/identity/print', 'done');
    await demo.send(['/interface/listen']);
    await demo.waitForOutcome('/interface/listen', 'running…');
    const table = await demo.startTable('/interface');
    await demo.cell(table, 'ether1').waitFor();
    await demo.region.locator('.pill-live').waitFor();

    await app.page.reload();
    await app.ready();

    // The workspace, its cards (with their replies) and the table come back.
    const again = app.workspace('Demo router');
    await again.region.waitFor();
    await again.open('Console');
    const identity = await again.waitForOutcome('/system/identity/print', 'done');
    await identity.getByText('Tikscope Demo').waitFor();
    await again.waitForOutcome('/interface/listen', 'running…');
    await again.open('Tables');
    const back = again.table('/interface');
    await again.cell(back, 'ether1').waitFor();
    await again.region.locator('.pill-live').waitFor();
    await expect(again.region.getByRole('textbox', { name: 'Path', exact: true }).inputValue()).resolves.toBe('/interface');
    // The trace is main's too: everything before the reload is there.
    await again.open('Trace');
    await again.filterTrace('/interface/listen');
    await again.traceItem('/interface/listen').first().waitFor();
    await again.filterTrace('');
    await again.open('Tables');

    // What came back is the same command and table in main: Stop and Cancel reach the router.
    await again.region.getByRole('button', { name: 'Stop', exact: true }).click();
    await again.region.locator('.pill-stopped').waitFor();
    expect((await host.services.handlers['app:snapshot']({})).tables).toEqual([]);
    await again.open('Console');
    await again.command('/interface/listen').getByRole('button', { name: 'Cancel', exact: true }).click();
    await again.waitForOutcome('/interface/listen', 'cancelled');
  });

  it('a print answered !empty and never !done ends with "no final reply" after the time-out; Start works again', async () => {
    const sim = await suite.router({ faults: { noDoneAfterEmpty: true } });
    const t = await suite.open();
    const { app, host } = t;
    await host.services.handlers['settings:set']({ tablePrintTimeoutSeconds: 1 });
    await app.addConnection({ name: 'stuck', host: '127.0.0.1', port: sim.port as number, user: 'admin', password: '' });
    const ws = await app.connect('stuck');
    await ws.open('Tables');
    await ws.region.getByRole('textbox', { name: 'Path', exact: true }).fill('/ip/address');
    await ws.region.getByRole('textbox', { name: 'Query', exact: true }).fill('?comment=none');
    await ws.region.getByRole('button', { name: 'Start', exact: true }).click();
    await ws.region
      .getByText(/no final reply to \/ip\/address\/print within 1 s/)
      .first()
      .waitFor();
    await ws.region.locator('.pill-error').waitFor();
    expect(sim.sessions().every((s) => s.running === 0)).toBe(true);

    sim.faults.noDoneAfterEmpty = false;
    await ws.region.getByRole('button', { name: 'Start', exact: true }).click();
    await ws.region.locator('.pill-live').waitFor();
    await app.dismissNotices();
  });
});
