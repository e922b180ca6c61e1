import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eSuite, SCREENSHOTS } from './fixtures';

/**
 * Configuration history (issue 16), end to end: snapshot a simulated router from its History tab,
 * change an address in the console, snapshot again; the diff shows exactly that change, under
 * `/ip address`, and exports as a unified diff. The snapshot file never stays on the router.
 */
describe('configuration history', () => {
  const suite = e2eSuite();

  it('snapshot, change an address in the console, snapshot: the diff shows exactly that change', async () => {
    const sim = await suite.router({ identity: 'hist-1', password: 'h-pass' });
    const t = await suite.open();
    const { app } = t;
    await app.addConnection({ name: 'Hist', host: '127.0.0.1', port: sim.port!, user: 'admin', password: 'h-pass' });
    const ws = await app.connect('Hist');

    const snapshot = async (note: string, rows: number) => {
      await ws.open('History');
      const form = ws.region.getByRole('form', { name: 'Take a snapshot' });
      await form.getByRole('textbox', { name: 'Note', exact: true }).fill(note);
      await form.getByRole('button', { name: 'Snapshot', exact: true }).click();
      const table = ws.region.getByRole('table', { name: 'Snapshots' });
      await table
        .locator('tbody tr')
        .nth(rows - 1)
        .waitFor();
      await expect(table.locator('tbody tr').count()).resolves.toBe(rows);
      return table;
    };

    await snapshot('before', 1);
    await ws.send(['/ip/address/set', '=.id=*1', '=address=192.168.88.7/24']);
    await ws.waitForOutcome('/ip/address/set', 'done');
    const table = await snapshot('after', 2);
    await expect(table.textContent()).resolves.toMatch(/after.*before/s);
    expect([...sim.menu('/file').items()]).toEqual([]);

    for (const box of await table.getByRole('checkbox', { name: /^Select snapshot Hist / }).all()) await box.check();
    await ws.region.getByRole('button', { name: 'Compare selected', exact: true }).click();
    const diff = ws.region.getByRole('region', { name: 'Snapshot diff' });
    await diff.getByRole('status').getByText('1 line added, 1 line removed').waitFor();
    const groups = diff.getByRole('region');
    await expect(groups.count()).resolves.toBe(1);
    await expect(groups.first().getAttribute('aria-label')).resolves.toBe('/ip address: 1 added, 1 removed');
    await expect(groups.first().getByRole('listitem').allTextContents()).resolves.toEqual([
      '−removed: add address=192.168.88.1/24 interface=bridge1 comment=defconf',
      '+added: add address=192.168.88.7/24 interface=bridge1 comment=defconf',
    ]);
    await app.screenshot(join(SCREENSHOTS, 'history.png'));

    const [download] = await Promise.all([
      app.page.waitForEvent('download'),
      diff.getByRole('button', { name: 'Export unified diff', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^Hist-.*_Hist-.*\.diff$/);
    const unified = await readFile(await download.path(), 'utf8');
    const changes = unified.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    expect(changes).toEqual([
      '-add address=192.168.88.1/24 interface=bridge1 comment=defconf',
      '+add address=192.168.88.7/24 interface=bridge1 comment=defconf',
    ]);
  });
});
