import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/src/index';
import { e2eSuite, SCREENSHOTS, type AppUnderTest } from './fixtures';
import { ToolsPage } from './pages/ToolsPage';

/**
 * Compare tables: the same menu printed on two simulated routers of different versions whose data
 * differ (a comment set on one router, an address added through the app's own console on the
 * other), rows matched by name / address — never `.id` — with the differing cell and the missing
 * row marked, "only differences", and the diff exported as CSV and JSON.
 */
describe('cross-router table diff', () => {
  const suite = e2eSuite({ scope: 'all' });
  let t: AppUnderTest;
  let tools: ToolsPage;
  let siteA: Simulator;
  let siteB: Simulator;

  beforeAll(async () => {
    siteA = await suite.router({ identity: 'site-a', rosVersion: '7.20', password: 'a-pass' });
    siteB = await suite.router({ identity: 'site-b', rosVersion: '7.16', password: 'b-pass' });
    // Site B's ether1 got a different comment (the router's model, as another admin would).
    const ifaces = siteB.menu('/interface');
    ifaces.set(ifaces.findByName('ether1')!, { comment: 'changed on site-b' });
    t = await suite.open();
    const { app } = t;
    await app.addConnection({ name: 'Site A', host: '127.0.0.1', port: siteA.port!, user: 'admin', password: 'a-pass' });
    await app.addConnection({ name: 'Site B', host: '127.0.0.1', port: siteB.port!, user: 'admin', password: 'b-pass' });
    await app.connect('Site A');
    const b = await app.connect('Site B');
    // …and an address only Site B has, added through the app's console.
    await b.send(['/ip/address/add', '=address=10.55.0.1/24', '=interface=ether3']);
    await b.waitForOutcome('/ip/address/add', 'done');
    tools = new ToolsPage(app);
  });

  it('/interface by name: the differing comment cell is marked, counters are ignored by default', async () => {
    const panel = await tools.open('Compare tables');
    await tools.chooseRouters(panel, 'Compare', ['Site A', 'Site B']);
    const table = await tools.compare('/interface');
    await expect(panel.getByRole('combobox', { name: 'Match rows by' }).inputValue()).resolves.toBe('name');
    const ether1 = tools.group(table, 'ether1');
    await ether1.getByRole('cell', { name: /differs: .*comment/ }).waitFor();
    const marked = ether1.locator('[aria-description="differs"]');
    await expect(marked.allTextContents()).resolves.toEqual(
      expect.arrayContaining([expect.stringMatching(/^changed on site-b/)]),
    );
    // Marked in colour too, not only in words.
    const colour = await marked.last().evaluate((el) => getComputedStyle(el).backgroundColor);
    const plain = await ether1
      .getByRole('cell', { name: 'Site A', exact: true })
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(colour).not.toBe(plain);
    // Moving counters (rx-byte …) are not compared unless asked for.
    await expect(table.getByRole('columnheader', { name: 'rx-byte', exact: true }).count()).resolves.toBe(0);
    await expect(tools.group(table, 'ether2').getByRole('cell', { name: 'same', exact: true }).count()).resolves.toBe(1);
    await t.app.screenshot(join(SCREENSHOTS, 'diff.png'));
  });

  it('/ip/address by address: the row only Site B has is "missing on Site A"; only differences; export CSV and JSON', async () => {
    const panel = await tools.open('Compare tables');
    await tools.chooseRouters(panel, 'Compare', ['Site A', 'Site B']);
    const table = await tools.compare('/ip/address');
    await tools.matchBy('address');
    const added = tools.group(table, '10.55.0.1/24');
    await added.getByRole('cell', { name: 'missing on Site A', exact: true }).first().waitFor();
    await expect(added.locator('[data-diff="missing"]').textContent()).resolves.toBe('missing on Site A');

    await panel.getByRole('checkbox', { name: 'Only differences', exact: true }).check();
    await expect(table.getByRole('rowheader').allTextContents()).resolves.toEqual(['10.55.0.1/24']);

    const csv = await tools.download(panel, 'Export CSV');
    expect(csv.suggestedFilename()).toMatch(/^diff-ip-address-.*\.csv$/);
    const lines = (await readFile(await csv.path(), 'utf8')).trim().split('\r\n');
    expect(lines[0]!.startsWith('key,occurrence,status,missing on,differing columns,router,present,')).toBe(true);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^10\.55\.0\.1\/24,1,missing,Site A,,Site A,no,/),
      expect.stringMatching(/^10\.55\.0\.1\/24,1,missing,Site A,,Site B,yes,/),
    ]);

    const json = await tools.download(panel, 'Export JSON');
    const doc = JSON.parse(await readFile(await json.path(), 'utf8')) as {
      format: string;
      key: string[];
      routers: { name: string; version?: string }[];
      rows: { key: string[]; status: string; missingOn: string[] }[];
    };
    expect(doc.format).toBe('tikscope-diff');
    expect(doc.key).toEqual(['address']);
    expect(doc.routers.map((r) => [r.name, r.version?.slice(0, 4)])).toEqual([
      ['Site A', '7.20'],
      ['Site B', '7.16'],
    ]);
    expect(doc.rows).toEqual([expect.objectContaining({ key: ['10.55.0.1/24'], status: 'missing', missingOn: ['Site A'] })]);
    await panel.getByRole('checkbox', { name: 'Only differences', exact: true }).uncheck();
  });

  it('Refresh prints again and shows a change made meanwhile; a key that is not unique is explained', async () => {
    const panel = await tools.open('Compare tables');
    await tools.chooseRouters(panel, 'Compare', ['Site A', 'Site B']);
    let table = await tools.compare('/interface', { properties: 'name,type,mtu,comment' });
    await expect(tools.group(table, 'ether2').getByRole('cell', { name: 'same', exact: true }).count()).resolves.toBe(1);
    const ifaces = siteA.menu('/interface');
    ifaces.set(ifaces.findByName('ether2')!, { mtu: '9000' });
    table = await tools.compare('/interface', { properties: 'name,type,mtu,comment' });
    await tools.group(table, 'ether2').getByRole('cell', { name: 'differs: mtu', exact: true }).waitFor();

    await tools.matchBy('type');
    const note = panel.getByRole('note', { name: 'Duplicate keys' });
    await expect(note.textContent()).resolves.toMatch(/The key type is not unique: Site A has \d+ rows with “ether”/);
    await expect(note.textContent()).resolves.toMatch(/paired in print order/);
    await table.getByRole('rowheader', { name: 'ether #2', exact: true }).waitFor();
  });
});
