import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createServices } from '../../app-main/src/services/index';
import { e2eSuite } from './fixtures';

/**
 * Issue 11, "The window and the main process", in Chromium against simulated routers: Delete asks
 * first and can be undone with the password (item 10); repeated notices collapse and never cover
 * the Sentence box or Send at 1440×900 (item 11); Retry now during reconnect backoff (item 12).
 */
describe('destructive actions, notices and reconnect control', () => {
  const suite = e2eSuite();

  it('Delete asks first: Cancel keeps the router; after confirming, Undo restores it with its password', async () => {
    const password = 'undo-Pa55-91c2';
    const sim = await suite.router({ user: 'netops', password, identity: 'undo-1' });
    const t = await suite.open();
    const { app } = t;
    const list = async () => (await t.host.services.handlers['connections:list']({})).connections;
    await app.addConnection({ name: 'undo-1', host: '127.0.0.1', port: sim.port as number, user: 'netops', password });

    await app.select('undo-1');
    await app.action('Delete').click();
    const dialog = app.alertDialog('Delete undo-1?');
    await expect(dialog.textContent()).resolves.toMatch(/undo-1.*password/s);
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await app.router('undo-1').waitFor();
    expect((await list()).find((c) => c.name === 'undo-1')?.hasPassword).toBe(true);

    await app.deleteConnection('undo-1');
    expect((await list()).map((c) => c.name)).toEqual(['Demo router']);
    // Focus is on the router list, not on the Delete button of whichever router is selected now.
    await expect(app.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Routers');

    await app.notices().getByRole('button', { name: 'Undo', exact: true }).click();
    await app.router('undo-1').waitFor();
    expect((await list()).find((c) => c.name === 'undo-1')?.hasPassword).toBe(true);
    // The password really came back: the login works without asking for one.
    const ws = await app.connect('undo-1');
    await ws.send(['/system/identity/print']);
    await (await ws.waitForOutcome('/system/identity/print', 'done')).getByText('undo-1', { exact: true }).waitFor();
  });

  it('closing a workspace while a command runs asks first; Close and stop settles the command', async () => {
    const t = await suite.open();
    const { app } = t;
    const ws = await app.connect('Demo router');
    await ws.send(['/interface/listen']);
    await ws.command('/interface/listen').getByRole('button', { name: 'Cancel', exact: true }).waitFor();

    const closeTab = app.page.getByRole('button', { name: 'Close Demo router', exact: true });
    await closeTab.click();
    const dialog = app.alertDialog('Close Demo router?');
    await expect(dialog.textContent()).resolves.toMatch(/1 command is still running/);
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await ws.region.waitFor();
    await app.waitForState('Demo router', 'Connected');

    await closeTab.click();
    await app.alertDialog('Close Demo router?').getByRole('button', { name: 'Close and stop', exact: true }).click();
    await ws.region.waitFor({ state: 'detached' });
    await app.waitForState('Demo router', 'Offline');
    // The command ended (cancelled, or at worst "outcome unknown" if the close overtook /cancel).
    const id = (await t.host.services.handlers['connections:list']({})).connections[0]!.id;
    await expect
      .poll(async () => (await t.host.services.handlers['console:history']({ connectionId: id }))[0]?.outcome)
      .toMatch(/^(cancelled|outcome-unknown)$/);
  });

  it('identical notices collapse into one with a count and never cover the Sentence box or Send', async () => {
    const gone = await suite.router();
    const port = gone.port as number;
    await gone.stop();
    const t = await suite.open();
    const { app } = t;
    const demo = await app.connect('Demo router');
    await app.addConnection({ name: 'nowhere', host: '127.0.0.1', port, user: 'admin', password: 'x' });
    await app.select('nowhere');
    await app.action('Connect').click();
    await app
      .notices()
      .getByRole('alert')
      .getByText(/^Connecting nowhere: /)
      .waitFor();
    for (const n of [2, 3]) {
      await app.action('Connect').click();
      await app.notices().getByRole('alert').getByText(`×${n}`, { exact: true }).waitFor();
    }
    const alerts = app.notices().getByRole('alert');
    await expect(alerts.count()).resolves.toBe(1);
    await expect(alerts.first().textContent()).resolves.toMatch(/Connecting nowhere: .*×3.*\(3 times\)/s);

    // 1440×900, the Demo router's console in view: the notices and the composer do not overlap.
    await app.workspaceTab('Demo router').click();
    const box = async (l: Locator) => {
      const b = await l.boundingBox();
      if (!b) throw new Error('not laid out');
      return b;
    };
    const notices = await box(app.notices());
    for (const target of [demo.sentence(), demo.region.getByRole('button', { name: 'Send', exact: true })]) {
      const b = await box(target);
      const overlap =
        notices.x < b.x + b.width &&
        b.x < notices.x + notices.width &&
        notices.y < b.y + b.height &&
        b.y < notices.y + notices.height;
      expect(overlap, `notices ${JSON.stringify(notices)} cover ${JSON.stringify(b)}`).toBe(false);
      // And both are inside the window.
      expect(b.y + b.height).toBeLessThanOrEqual(900);
    }
  });

  it('during reconnect backoff the header and the sidebar show why, and Retry now reconnects at once', async () => {
    const sim = await suite.router({ user: 'admin', password: 'pw-retry', identity: 'retry-1' });
    // A one-minute backoff: within the test only Retry now can bring the router back.
    const t = await suite.open({
      createServices: (o) => createServices({ ...o, timings: { backoffStartMs: 60_000, backoffCapMs: 60_000 } }),
    });
    const { app } = t;
    await app.addConnection({ name: 'retry-1', host: '127.0.0.1', port: sim.port as number, password: 'pw-retry' });
    const ws = await app.connect('retry-1');

    await sim.stop();
    await app.waitForState('retry-1', /^Reconnecting/);
    const header = ws.header();
    await header.getByText(/connection lost/).waitFor();
    const details = app.page.getByRole('region', { name: 'Selected router' });
    await details.getByText(/^Connection lost/).waitFor();

    // Still down: the retry fails and the link keeps reconnecting (not "Failed").
    const states: string[] = [];
    const off = t.host.services.subscribe((event, payload) => {
      if (event === 'link:state') states.push((payload as { status: string }).status);
    });
    await header.getByRole('button', { name: 'Retry now', exact: true }).click();
    await expect.poll(() => states.join(' '), { timeout: 10_000 }).toBe('connecting backoff');
    off();
    await app.waitForState('retry-1', /^Reconnecting/);

    await sim.start();
    await details.getByRole('button', { name: 'Retry now', exact: true }).click();
    await app.waitForState('retry-1', 'Connected', 15_000);
    await expect(header.getByRole('button', { name: 'Retry now' }).count()).resolves.toBe(0);
    await ws.send(['/system/identity/print']);
    await ws.waitForOutcome('/system/identity/print', 'done');
  });
});
