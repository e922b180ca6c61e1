import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { e2eSuite, SCREENSHOTS, type AppUnderTest } from './fixtures';
import { ToolsPage } from './pages/ToolsPage';

/**
 * The fleet view (issue 15) against three simulated routers of two versions and one router that is
 * not there: routers come in by importing a CSV file through the file picker, the fleet's filter,
 * multi-select and Connect selected connect a group at once (no workspace per router), the version
 * column sorts as versions, the selection carries into Broadcast, and Export writes no password.
 */
describe('the fleet view', () => {
  const suite = e2eSuite({ scope: 'all' });
  let t: AppUnderTest;
  let fleet: Locator;
  const grid = () => fleet.getByRole('grid', { name: 'Routers of the fleet', exact: true });
  const row = (name: string) =>
    grid()
      .getByRole('row')
      .filter({ has: t.app.page.getByRole('gridcell', { name, exact: true }) });
  /** The Name cells of the rows shown, top to bottom. */
  const names = async () =>
    (await grid().getByRole('row').all()).slice(1).map((r) => r.getByRole('gridcell').nth(2).textContent());

  beforeAll(async () => {
    const a1 = await suite.router({ identity: 'a1', rosVersion: '7.20' });
    const a2 = await suite.router({ identity: 'a2', rosVersion: '7.9' });
    const b1 = await suite.router({ identity: 'b1', rosVersion: '7.20' });
    t = await suite.open();
    await t.app.page
      .getByRole('group', { name: 'Multi-router tools' })
      .getByRole('button', { name: 'Fleet', exact: true })
      .click();
    fleet = t.app.page.getByRole('region', { name: 'Fleet', exact: true });
    await fleet.waitFor();
    const csv = [
      'name,host,port,user,group',
      `A1,127.0.0.1,${a1.port},admin,site-a`,
      `A2,127.0.0.1,${a2.port},admin,site-a`,
      `B1,127.0.0.1,${b1.port},admin,site-b`,
      'Attic,127.0.0.1,1,admin,site-b',
    ].join('\n');
    await fleet
      .getByLabel('Import connections from a CSV or JSON file', { exact: true })
      .setInputFiles({ name: 'routers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await row('Attic').waitFor();
  });

  it('lists every saved router after an import; filters, selects a group, connects it without a tab per router', async () => {
    expect(await Promise.all(await names())).toEqual(['A1', 'A2', 'Attic', 'B1', 'Demo router']);
    await fleet.getByRole('searchbox', { name: 'Filter routers' }).fill('site-a');
    await expect.poll(async () => Promise.all(await names())).toEqual(['A1', 'A2']);
    await grid().getByRole('checkbox', { name: 'Select all shown' }).check();
    await fleet.getByText('2 shown · 2 selected').waitFor();
    await fleet
      .getByRole('toolbar', { name: 'Fleet actions' })
      .getByRole('button', { name: 'Connect selected', exact: true })
      .click();
    for (const [name, identity] of [
      ['A1', 'a1'],
      ['A2', 'a2'],
    ] as const) {
      await row(name).getByRole('gridcell').nth(1).filter({ hasText: 'Connected' }).waitFor();
      await expect(row(name).getByRole('gridcell').nth(4).textContent()).resolves.toBe(identity);
      await expect(row(name).getByRole('gridcell').nth(6).textContent()).resolves.toBe('RB5009UG+S+');
      await expect(row(name).getByRole('gridcell').nth(9).textContent()).resolves.toMatch(/ ms$/);
    }
    await t.app.page.getByRole('region', { name: 'Notifications' }).getByText('Connected 2 of 2 routers.').waitFor();
    await expect(t.app.page.getByRole('tablist', { name: 'Open routers' }).count()).resolves.toBe(0);

    await fleet.getByRole('searchbox', { name: 'Filter routers' }).fill('');
    await fleet.getByRole('combobox', { name: 'Show' }).selectOption('online');
    await expect.poll(async () => Promise.all(await names())).toEqual(['A1', 'A2']);
    await fleet.getByRole('combobox', { name: 'Show' }).selectOption('all');
    // Versions sort as numbers (7.9 before 7.20); routers never seen go last.
    await grid().getByRole('button', { name: 'RouterOS' }).click();
    await expect.poll(async () => (await Promise.all(await names())).slice(0, 2)).toEqual(['A2', 'A1']);
    await t.app.screenshot(join(SCREENSHOTS, 'fleet.png'));
  });

  it('carries the selection into Broadcast, which answers for both routers', async () => {
    await fleet
      .getByRole('toolbar', { name: 'Fleet actions' })
      .getByRole('button', { name: 'Broadcast to selected', exact: true })
      .click();
    const tools = new ToolsPage(t.app);
    const panel = tools.region('Broadcast');
    await panel.waitFor();
    const picker = panel.getByRole('group', { name: 'Send to', exact: true });
    await expect(picker.getByRole('checkbox', { name: /^A1\b/ }).isChecked()).resolves.toBe(true);
    await expect(picker.getByRole('checkbox', { name: /^A2\b/ }).isChecked()).resolves.toBe(true);
    await expect(picker.getByRole('checkbox', { name: /^Group site-a/ }).isChecked()).resolves.toBe(true);
    await tools.typeSentence(['/system/identity/print']);
    await tools.pressSend();
    await tools.waitForOutcome('A1', 'done');
    await tools.waitForOutcome('A2', 'done');
  });

  it('exports the saved connections as CSV without passwords, and refuses a bad file naming line and field', async () => {
    await t.app.page
      .getByRole('group', { name: 'Multi-router tools' })
      .getByRole('button', { name: 'Fleet', exact: true })
      .click();
    await fleet.waitFor();
    const exportCsv = async () => {
      const [download] = await Promise.all([
        t.app.page.waitForEvent('download'),
        fleet.getByRole('button', { name: 'Export CSV', exact: true }).click(),
      ]);
      return readFile((await download.path())!, 'utf8');
    };
    // The selection (A1, A2) only…
    let text = await exportCsv();
    let lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('name,host,port,transport,user,group,encoding,fingerprint256,notes');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['A1', 'A2']);
    // …or every router shown (the Demo router is never exported).
    await grid().getByRole('checkbox', { name: 'Select all shown' }).check();
    text = await exportCsv();
    lines = text.trim().split('\r\n');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['A1', 'A2', 'B1', 'Attic']);
    expect(text.toLowerCase()).not.toContain('password');
    await fleet
      .getByLabel('Import connections from a CSV or JSON file', { exact: true })
      .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('name,host,user\nX,127.0.0.1,\n', 'utf8') });
    await t.app.page.getByRole('alert').filter({ hasText: 'bad.csv: line 2, field "user"' }).waitFor();
    expect(await Promise.all(await names())).toHaveLength(5);
  });
});
