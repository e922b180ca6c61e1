import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eSuite, SCREENSHOTS } from './fixtures';

/**
 * The newcomer path of issue 5: Demo router → Connect → Console → Tables → a set from the Console
 * shows up live → the Trace shows the live table's own sentences. Plus Cancel and the exports.
 */
describe('newcomer path on the Demo router', () => {
  const suite = e2eSuite();

  it('connects, prints, watches a live table change and finds its own sentences in the trace', async () => {
    const t = await suite.open();
    const { app } = t;
    await expect(app.router('Demo router').isVisible()).resolves.toBe(true);
    const ws = await app.connect('Demo router');
    await expect(ws.tab('Console').getAttribute('aria-selected')).resolves.toBe('true');

    await ws.send(['/system/resource/print']);
    const card = await ws.waitForOutcome('/system/resource/print', 'done');
    await ws.replyKind(card, '!re').first().waitFor();
    await ws.replyKind(card, '!done').waitFor();
    // A fuller console for the screenshot: a query with a property list, a trap, and CLI syntax.
    await ws.send(['/interface/print', '?type=ether', '=.proplist=.id,name,type,running,rx-byte']);
    await ws.waitForOutcome('/interface/print', 'done');
    await ws.send(['/ip/adress/print']);
    await ws.waitForOutcome('/ip/adress/print', 'trap');
    await ws.sentence().fill('/ip address print where interface=ether1 and disabled=no');
    await ws.region.getByRole('region', { name: 'API form' }).waitFor();
    await app.screenshot(join(SCREENSHOTS, 'console.png'));
    await ws.sentence().fill('');

    const table = await ws.startTable('/interface');
    await ws.cell(table, 'ether1').waitFor();

    await ws.send(['/interface/set', '=.id=ether1', '=comment=hello']);
    await ws.waitForOutcome('/interface/set', 'done');
    await ws.open('Tables');
    await ws.cell(ws.table('/interface'), 'hello').waitFor();
    // The column chooser: hidden columns go, the choice is saved per path (settings:set). The
    // preset of /interface (issue 14) hides most columns already; `type` is one of its own.
    const hidden = ['type', 'default-name', 'actual-mtu', 'l2mtu', 'max-l2mtu', 'last-link-up-time', 'link-downs'];
    await ws.hideColumns(hidden);
    const headers = await ws.columnHeaders(ws.table('/interface')).allTextContents();
    expect(headers.some((h) => h.startsWith('comment'))).toBe(true);
    expect(headers.some((h) => h.startsWith('l2mtu'))).toBe(false);
    const settings = await t.host.services.handlers['settings:get']({});
    expect(settings.tableColumns['/interface']).toEqual(expect.arrayContaining(hidden.map((h) => `!${h}`)));
    // A readable table for the screenshot, with a change flashing in it.
    await ws.showOnlyColumns([
      '.id',
      'name',
      'type',
      'mtu',
      'mac-address',
      'running',
      'disabled',
      'comment',
      'rx-byte',
      'tx-byte',
      'rx-packet',
      'tx-packet',
    ]);
    await ws.send(['/interface/set', '=.id=ether2', '=comment=to core-1']);
    await ws.waitForOutcome('/interface/set', 'done');
    await ws.open('Tables');
    await ws.cell(ws.table('/interface'), 'to core-1').waitFor();
    await app.screenshot(join(SCREENSHOTS, 'tables.png'), { animations: 'allow' });
    // The theme follows the OS unless chosen; the choice applies at once.
    await app.setTheme('light');
    await app.screenshot(join(SCREENSHOTS, 'tables-light.png'));
    await app.setTheme('system');

    await ws.open('Trace');
    await ws.filterTrace('/interface/listen');
    const listen = ws.traceItem('/interface/listen').first();
    await listen.waitFor();
    // The table's own listen went out on the wire with its tag.
    await expect(listen.locator('.t-dir').textContent()).resolves.toBe('<<<');
    await ws.filterTrace('');
    await app.screenshot(join(SCREENSHOTS, 'trace.png'));
  });

  it('keeps the console history across a restart (↑ recalls the last sentence)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tikscope-e2e-restart-'));
    try {
      let t = await suite.open({ dataDir });
      let ws = await t.app.connect('Demo router');
      await ws.send(['/ip/address/print', '?interface=ether1']);
      await ws.waitForOutcome('/ip/address/print', 'done');
      const errors = t.app.errors;
      await t.close();
      expect(errors).toEqual([]);

      t = await suite.open({ dataDir });
      ws = await t.app.connect('Demo router');
      await ws.sentence().click();
      await ws.sentence().press('ArrowUp');
      await expect(ws.sentence().inputValue()).resolves.toBe('/ip/address/print\n?interface=ether1');
    } finally {
      await suite.closeApp();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('explains how to start the app when the address has no token', async () => {
    const t = await suite.open();
    const page = await t.app.context.newPage();
    await page.goto(t.host.url.replace(/#.*$/, ''));
    await page.locator('[data-app-state="no-bridge"]').waitFor();
    await page.getByRole('heading', { name: 'Tikscope needs its host' }).waitFor();
    await page.getByText('npm run web', { exact: true }).waitFor();
    await page.close();
  });

  it('cancels a running /interface/listen with Cancel', async () => {
    const t = await suite.open();
    const ws = await t.app.connect('Demo router');
    await ws.send(['/interface/listen']);
    const card = ws.command('/interface/listen');
    const cancel = card.getByRole('button', { name: 'Cancel', exact: true });
    await card.locator('.cmd-status').getByText('running…', { exact: true }).waitFor();
    await cancel.click();
    await ws.waitForOutcome('/interface/listen', 'cancelled');
    await expect(cancel.count()).resolves.toBe(0);
    // The router's answer to /cancel: the interrupted trap, then done (protocol.md §7.2).
    await ws.replyKind(card, '!trap').waitFor();
    await ws.replyKind(card, '!done').waitFor();
  });

  it('exports the live table as CSV and JSON and the trace as JSON Lines and pcapng', async () => {
    const t = await suite.open();
    const ws = await t.app.connect('Demo router');
    const table = await ws.startTable('/interface');
    await ws.cell(table, 'ether1').waitFor();

    const csv = await ws.download('Export CSV');
    expect(csv.suggestedFilename()).toBe('interface.csv');
    const csvText = await readFile(await csv.path(), 'utf8');
    const [head, ...lines] = csvText.trim().split('\r\n');
    expect(head?.split(',')).toContain('name');
    expect(lines.some((l) => l.split(',').includes('ether1'))).toBe(true);

    const json = await ws.download('Export JSON');
    const rows = JSON.parse(await readFile(await json.path(), 'utf8')) as Record<string, string>[];
    expect(rows.map((r) => r.name)).toContain('ether1');

    await ws.open('Trace');
    const jsonl = await ws.download('Export JSON Lines');
    const jsonlText = await readFile(await jsonl.path(), 'utf8');
    // A header line first, then one entry per line.
    const entries = jsonlText
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { direction?: string; words?: string[] })
      .filter((e): e is { direction: string; words: string[] } => Array.isArray(e.words));
    expect(entries.some((e) => e.direction === 'out' && e.words[0] === '/interface/listen')).toBe(true);
    // Main redacts; the export never carries the Demo router's password.
    expect(entries.some((e) => e.words.includes('=password=demo'))).toBe(false);

    const pcap = await ws.download('Export pcapng');
    expect(pcap.suggestedFilename()).toMatch(/\.pcapng$/);
    const bytes = await readFile(await pcap.path());
    expect([...bytes.subarray(0, 4)]).toEqual([0x0a, 0x0d, 0x0d, 0x0a]);

    // And back: the exported JSON Lines open read-only in their own workspace (trace:import).
    const imported = await t.app.importTrace('capture.jsonl', jsonlText);
    await imported.filterTrace('/interface/listen');
    await imported.traceItem('/interface/listen').first().waitFor();
  });
});
