import { describe, expect, it } from 'vitest';
import { e2eSuite } from './fixtures';

/** A live /log table follows new entries (issue 14, "Also"), until the user scrolls up to read. */
describe('live /log table', () => {
  const suite = e2eSuite();

  it('keeps the newest entry in view as entries arrive; scrolling up stops it', async () => {
    const sim = await suite.router({ identity: 'logger' });
    for (let i = 0; i < 80; i++) sim.model.log('system,info', `before ${i}`);
    const t = await suite.open();
    await t.host.services.handlers['connections:save']({
      input: { name: 'logger', host: '127.0.0.1', port: sim.port!, transport: 'plain', user: 'admin', password: '' },
    });
    const ws = await t.app.connect('logger');
    const table = await ws.startTable('/log');
    await ws.cell(table, 'before 79').waitFor();
    await expect(ws.region.getByRole('button', { name: 'Follow', exact: true }).getAttribute('aria-pressed')).resolves.toBe(
      'true',
    );
    const scroller = table.locator('xpath=..');
    const atBottom = () => scroller.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 40);
    await expect.poll(atBottom).toBe(true);

    for (let i = 0; i < 30; i++) sim.model.log('system,info', `after ${i}`);
    await ws.cell(table, 'after 29').waitFor();
    await expect.poll(atBottom).toBe(true);
    await expect(ws.cell(table, 'after 29').isVisible()).resolves.toBe(true);

    // Scrolled up to read: new entries do not pull the view down.
    await scroller.evaluate((el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    const rows = Number(await table.getAttribute('aria-rowcount'));
    sim.model.log('system,info', 'while reading');
    await expect.poll(async () => Number(await table.getAttribute('aria-rowcount'))).toBe(rows + 1);
    await expect(scroller.evaluate((el) => el.scrollTop)).resolves.toBe(0);
  });
});
