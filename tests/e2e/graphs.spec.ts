import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eSuite, SCREENSHOTS } from './fixtures';

/**
 * Readable values and graphs end to end (issue 14): the Demo router's /interface counters move
 * (simulator activity), so the table derives rx/tx rates and a graph of ether1 plots them live.
 */
describe('graphs on the Demo router', () => {
  const suite = e2eSuite();

  it('graphs ether1 from the /interface table: rx and tx rates, live, with its data as a table', async () => {
    const t = await suite.open();
    const { app } = t;
    const ws = await app.connect('Demo router');
    const table = await ws.startTable('/interface');
    await ws.cell(table, 'ether1').waitFor();
    // The preset puts what admins look at first, rates included.
    const headers = await ws.columnHeaders(table).allTextContents();
    expect(headers.slice(0, 6)).toEqual(['name', 'type', 'running', 'disabled', 'rx rate', 'tx rate']);
    // The rate of a moving counter reads as bits per second.
    await table
      .getByRole('cell', { name: /^\d+(\.\d+)? [kMG]?bps$/ })
      .first()
      .waitFor();

    // Columns resize by dragging a header's edge; the width is remembered for the path.
    const edge = table.getByRole('separator', { name: 'Resize column name', exact: true });
    const before = Number(await edge.getAttribute('aria-valuenow'));
    const box = (await edge.boundingBox())!;
    await app.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await app.page.mouse.down();
    await app.page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2, { steps: 4 });
    await app.page.mouse.up();
    await expect
      .poll(async () => (await t.host.services.handlers['settings:get']({})).tableColumnWidths?.['/interface']?.name)
      .toBe(before + 40);

    await ws.cell(table, 'ether1').click();
    await ws.region.getByRole('button', { name: 'Graph', exact: true }).click();
    const chart = ws.region.getByRole('img', { name: 'ether1: rx rate, tx rate', exact: true });
    await chart.waitFor();
    // uPlot drew into it: a canvas of the chart's width.
    await chart.locator('canvas').first().waitFor();
    await ws.region.getByRole('button', { name: 'Show data', exact: true }).click();
    const data = ws.region.getByRole('table', { name: 'Data of ether1: rx rate, tx rate', exact: true });
    // Samples come once a second; the rates are numbers once two counter samples are in.
    // (Eight of them, for a screenshot worth looking at.)
    await expect.poll(async () => data.getByRole('row').count(), { timeout: 20_000 }).toBeGreaterThan(8);
    await data.getByRole('cell', { name: /bps$/ }).first().waitFor();
    await app.screenshot(join(SCREENSHOTS, 'graph.png'));
  });
});
