import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/src/index';
import { e2eSuite, SCREENSHOTS, type AppUnderTest } from './fixtures';

/**
 * The command library and staged broadcast (issue 15): a command with a variable, saved in the
 * Library, runs on the two routers of a group in two waves — the write confirmed once, naming the
 * command and both routers; wave 2 waits for Continue; each router gets its own filled sentence.
 */
describe('command library', () => {
  const suite = e2eSuite({ scope: 'all' });
  let t: AppUnderTest;
  let north: Simulator;
  let south: Simulator;
  let lab: Simulator;

  const comment = (sim: Simulator) => sim.menu('/interface').findByName('ether2')!.get('comment');

  beforeAll(async () => {
    north = await suite.router({ identity: 'edge-north', rosVersion: '7.20', user: 'admin', password: 'n-pass' });
    south = await suite.router({ identity: 'edge-south', rosVersion: '7.16', user: 'admin', password: 's-pass' });
    lab = await suite.router({ identity: 'lab', user: 'admin', password: 'l-pass' });
    t = await suite.open();
    const { app } = t;
    const add = async (name: string, sim: Simulator, password: string, group: string) =>
      app.addConnection({ name, host: '127.0.0.1', port: sim.port!, user: 'admin', password, group });
    await add('North', north, 'n-pass', 'Edge sites');
    await add('South', south, 's-pass', 'Edge sites');
    await add('Lab', lab, 'l-pass', 'Lab');
    for (const name of ['North', 'South', 'Lab']) await app.connect(name);
  });

  it('a command with a variable runs on the two routers of a group in two waves', async () => {
    const page = t.app.page;
    await page.getByRole('group', { name: 'Multi-router tools' }).getByRole('button', { name: 'Library', exact: true }).click();
    const panel = page.getByRole('region', { name: 'Command library', exact: true });
    await panel.waitFor();

    // A new command: one sentence with {{vlan}} (default 10) and the per-router {{identity}}.
    await panel.getByRole('button', { name: 'New command', exact: true }).click();
    const form = panel.getByRole('form', { name: 'New command' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Tag the uplink');
    await form.getByRole('textbox', { name: 'Description', exact: true }).fill('Comment on ether2 with the VLAN');
    await form
      .getByRole('textbox', { name: 'Sentences', exact: true })
      .fill(['/interface/set', '=.id=ether2', '=comment=uplink vlan {{vlan}} at {{identity}}'].join('\n'));
    await form.getByRole('textbox', { name: 'Default for vlan', exact: true }).fill('10');
    await form.getByRole('button', { name: 'Save command', exact: true }).click();
    const run = panel.getByRole('region', { name: 'Run “Tag the uplink”' });
    await run.waitFor();
    await expect(
      panel
        .getByRole('list', { name: 'Saved commands' })
        .getByRole('button', { name: /Tag the uplink/ })
        .textContent(),
    ).resolves.toContain('writes');

    // The whole group at once; Lab stays out.
    await run.getByRole('combobox', { name: 'Add a group’s connected routers' }).selectOption('Edge sites');
    const picker = run.getByRole('group', { name: 'Run on', exact: true });
    await expect(picker.getByRole('checkbox', { name: /^North/ }).isChecked()).resolves.toBe(true);
    await expect(picker.getByRole('checkbox', { name: /^South/ }).isChecked()).resolves.toBe(true);
    await expect(picker.getByRole('checkbox', { name: /^Lab/ }).isChecked()).resolves.toBe(false);

    await run.getByRole('group', { name: 'Values' }).getByRole('textbox', { name: 'vlan', exact: true }).fill('42');
    await run.getByRole('button', { name: 'Preview', exact: true }).click();
    const preview = run.getByRole('region', { name: 'Preview' });
    await expect(preview.getByLabel('Preview for South').textContent()).resolves.toBe(
      '/interface/set\n=.id=ether2\n=comment=uplink vlan 42 at edge-south',
    );

    const waves = run.getByRole('group', { name: 'Waves' });
    await waves.getByRole('checkbox', { name: 'Send in waves', exact: true }).check();
    await waves.getByRole('textbox', { name: 'Routers per wave', exact: true }).fill('1');
    await waves.getByRole('checkbox', { name: 'Ask before each next wave', exact: true }).check();
    await run.getByRole('button', { name: 'Run on selected', exact: true }).click();

    // The write is confirmed once, naming the command and both routers.
    const dialog = page.getByRole('alertdialog', { name: 'Run “Tag the uplink” on 2 routers?' });
    await dialog.waitFor();
    await expect(dialog.getByRole('listitem').allTextContents()).resolves.toEqual(['North', 'South']);
    await dialog.getByRole('button', { name: 'Run on 2 routers', exact: true }).click();

    // Wave 1 (North) done, wave 2 (South) waits: South is not changed yet.
    const next = run.getByRole('button', { name: 'Continue with wave 2', exact: true });
    await next.waitFor();
    expect(comment(north)).toBe('uplink vlan 42 at edge-north');
    expect(comment(south)).not.toBe('uplink vlan 42 at edge-south');
    await expect(run.getByRole('list', { name: 'Waves', exact: true }).textContent()).resolves.toMatch(
      /Wave 1: done.*Wave 2: waiting for Continue/,
    );
    await next.click();

    const grid = run.getByRole('table', { name: 'Library run results' });
    await grid.waitFor();
    const rows = grid.getByRole('row');
    await expect(rows.count()).resolves.toBe(3);
    await expect(rows.nth(1).getByRole('cell').first().textContent()).resolves.toBe('1');
    await expect(rows.nth(2).getByRole('cell').first().textContent()).resolves.toBe('2');
    await expect(rows.nth(2).getByRole('cell').nth(2).textContent()).resolves.toMatch(/^done/);
    expect(comment(south)).toBe('uplink vlan 42 at edge-south');
    expect(comment(lab)).not.toMatch(/uplink vlan/);
    await t.app.screenshot(join(SCREENSHOTS, 'library.png'));

    // The command is a file in the data directory, ready for git.
    const list = await t.host.services.handlers['library:list']({});
    expect(list.commands.map((c) => c.fileName)).toEqual(['tag-the-uplink.json']);
  });
});
