import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../app-main/src/services/index';
import type { Simulator, SimulatorOptions } from '../../simulator/src/index';
import { e2eSuite, SCREENSHOTS } from './fixtures';
import type { AppPage } from './pages/AppPage';
import type { WorkspacePage } from './pages/WorkspacePage';

/**
 * Completion from the router's own /console/inspect, in Chromium against several simulated
 * routers with different versions and data: path, command, argument and value; an unknown
 * argument flagged before sending; the per-version cache (a second 7.20 router sends no inspect
 * at all); and the quiet fallback for routers whose inspect is disabled or stalls.
 */
describe('autocomplete from the router', () => {
  const suite = e2eSuite();
  let app: AppPage | undefined;
  let services: Services | undefined;

  /** The real host, with services whose inspect time-out is short enough for a test (1.5 s). */
  async function open(): Promise<AppPage> {
    const t = await suite.open({
      createServices: async (o) => (services = await createServices({ ...o, inspect: { timeoutMs: 1500 } })),
    });
    app = t.app;
    return app;
  }

  async function router(name: string, opts: SimulatorOptions): Promise<Simulator> {
    const sim = await suite.router({ user: 'admin', password: `pw-${name}`, identity: name, ...opts });
    await app!.addConnection({
      name,
      host: '127.0.0.1',
      port: sim.port as number,
      transport: 'plain',
      user: 'admin',
      password: `pw-${name}`,
    });
    return sim;
  }

  const routerList = (ws: WorkspacePage): Locator =>
    ws.region.getByRole('listbox', { name: 'Completions from the router', exact: true });
  const option = (ws: WorkspacePage, name: RegExp): Locator => routerList(ws).getByRole('option', { name });

  async function inspectSent(connectionName: string): Promise<number> {
    const snapshot = await services!.handlers['connections:list']({});
    const id = snapshot.connections.find((c) => c.name === connectionName)!.id;
    const trace = await services!.handlers['trace:get']({ connectionId: id });
    return trace.entries.filter((e) => e.direction === 'out' && e.words[0] === '/console/inspect').length;
  }

  it('completes path, command, argument and value; flags an unknown argument; reuses the cache per version', async () => {
    await open();
    await router('core-720', { rosVersion: '7.20' });
    const edge = await router('edge-720', { rosVersion: '7.20' });
    edge.menu('interface/vlan').add({ name: 'vlan-edge', 'vlan-id': '77', interface: 'ether1' });
    await router('old-649', { rosVersion: '6.49' });

    const core = await app!.connect('core-720');
    await core.open('Console');
    const box = core.sentence();
    await expect(box.getAttribute('aria-autocomplete')).resolves.toBe('list');

    // A path: /ip/fi → /ip/firewall/ (Tab), then the next level opens by itself.
    await box.fill('/ip/fi');
    await option(core, /^firewall\//).waitFor();
    await expect(box.getAttribute('aria-controls')).resolves.toBe(await routerList(core).getAttribute('id'));
    await box.press('Tab');
    await expect(box.inputValue()).resolves.toBe('/ip/firewall/');
    await option(core, /^filter\//).click(); // mouse
    await expect(box.inputValue()).resolves.toBe('/ip/firewall/filter/');

    // A command, with ↓ and Enter; aria-activedescendant follows the highlighted option.
    await box.pressSequentially('ad');
    await option(core, /^add/).waitFor();
    await box.press('ArrowDown');
    const active = await box.getAttribute('aria-activedescendant');
    await expect(option(core, /^add/).getAttribute('id')).resolves.toBe(active);
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe('/ip/firewall/filter/add');

    // An argument name with the router's explanation, then an enumerated value.
    await box.press('Enter');
    await box.pressSequentially('=ac');
    await expect(option(core, /^=action=/).textContent()).resolves.toBe('=action=');
    await app!.screenshot(join(SCREENSHOTS, 'completion-list.png'));
    await box.press('Tab');
    await expect(box.inputValue()).resolves.toBe('/ip/firewall/filter/add\n=action=');
    await option(core, /^drop$/).waitFor();
    await option(core, /^accept$/).waitFor();
    await core.region.getByText('Values suggested by the router; the list may be incomplete.').waitFor();
    await box.pressSequentially('dr');
    await box.press('Tab');
    await expect(box.inputValue()).resolves.toBe('/ip/firewall/filter/add\n=action=drop');

    // An unknown argument is flagged before sending, naming the word; sending is still allowed.
    await box.press('Enter');
    await box.pressSequentially('=chain=input');
    await box.press('Enter');
    await box.pressSequentially('=protocl=tcp');
    const check = core.region.getByRole('status', { name: 'Sentence check' });
    await check.getByText(/^=protocl= is not an argument of \/ip\/firewall\/filter\/add\. Did you mean =protocol=\?/).waitFor();
    await expect(check.textContent()).resolves.not.toContain('=chain=');
    await app!.screenshot(join(SCREENSHOTS, 'completion.png'));
    await box.press('Control+Enter');
    await core.waitForOutcome('/ip/firewall/filter/add', 'trap');
    const sentByCore = await inspectSent('core-720');
    expect(sentByCore).toBeGreaterThan(0);

    // The second 7.20 router completes from the cache: not one inspect request on its wire.
    const second = await app!.connect('edge-720');
    await second.open('Console');
    await second.sentence().fill('/ip/fi');
    await option(second, /^firewall\//).waitFor();
    await second.sentence().press('Tab');
    await option(second, /^filter\//).waitFor();
    expect(await inspectSent('edge-720')).toBe(0);
    expect(services!.inspect.stats().maxInFlight).toBe(1);
    // Live values are per router, though: edge-720's own VLAN is offered for an interface.
    await second.sentence().fill('/ip/address/add\n=interface=vlan-');
    await option(second, /^vlan-edge$/).waitFor();

    // A 6.49 router has its own cache entry and asks for itself.
    const old = await app!.connect('old-649');
    await old.open('Console');
    await old.sentence().fill('/ip/fi');
    await option(old, /^firewall\//).waitFor();
    expect(await inspectSent('old-649')).toBeGreaterThan(0);
    expect(Object.keys(services!.inspect.stats().cache).sort()).toEqual(['6.49 (stable)', '7.20 (stable)']);

    // The Tables Path box completes menus from the same router (menus only, never commands).
    await old.open('Tables');
    const path = old.region.getByRole('textbox', { name: 'Path', exact: true });
    const menus = old.region.getByRole('listbox', { name: 'Menus from the router' });
    await path.fill('/ip/fi');
    await menus.getByRole('option', { name: /^\/ip\/firewall\// }).waitFor();
    await path.press('Tab');
    await expect(path.inputValue()).resolves.toBe('/ip/firewall/');
    await menus.getByRole('option', { name: /^\/ip\/firewall\/filter\// }).click();
    await expect(path.inputValue()).resolves.toBe('/ip/firewall/filter/');
    await old.region.getByRole('button', { name: 'Start' }).click();
    await old.table('/ip/firewall/filter').waitFor();
  });

  it('falls back quietly: a router without inspect and one whose inspect stalls', async () => {
    await open();
    await router('no-inspect', { rosVersion: '7.18', inspect: 'disabled' });
    const stallSim = await router('stalling', { rosVersion: '7.16', inspect: 'stall' });

    const none = await app!.connect('no-inspect');
    await none.open('Console');
    await none.sentence().fill('/system/ident');
    // Completion comes from the shipped RouterOS 7.18 command tree, and says so (issue 13).
    const fromTree = none.region.getByRole('listbox', {
      name: 'Completions from the RouterOS 7.18 command tree, not from this router',
    });
    await fromTree.getByRole('option', { name: /^identity\// }).waitFor();
    await none.region
      .getByText(
        /^Suggestions from the RouterOS 7\.18 command tree, not from this router \(the router has no usable \/console\/inspect/,
      )
      .waitFor();
    await none.sentence().fill('/system/identity/print');
    await none.sentence().press('Control+Enter');
    await none.waitForOutcome('/system/identity/print', 'done');
    await expect(none.region.getByRole('alert').count()).resolves.toBe(0);

    const stall = await app!.connect('stalling');
    await stall.open('Console');
    await stall.sentence().fill('/ip/fi');
    // The console is not held up while inspect hangs: a command completes meanwhile.
    await stall.send(['/system/identity/print']);
    await stall.waitForOutcome('/system/identity/print', 'done');
    await stall.sentence().fill('/ip/fi');
    await stall.region
      .getByText(
        /^Suggestions from the RouterOS 7\.16 command tree, not from this router \(the router did not answer \/console\/inspect within 1500 ms\)/,
      )
      .waitFor();
    await expect(routerList(stall).count()).resolves.toBe(0);
    await expect(stall.region.getByRole('alert').count()).resolves.toBe(0);
    // Fixed live, it stays off during the cool-down (no second stalled request piles up).
    stallSim.inspectMode = 'normal';
    await stall.sentence().fill('/ip/a');
    await stall.region.getByText(/^Suggestions from the RouterOS 7\.16 command tree, not from this router/).waitFor();
    expect(await inspectSent('stalling')).toBe(1);
  });

  it('completes from the shipped tree for a RouterOS 6.49 router with inspect disabled, marked as such', async () => {
    await open();
    await router('ros6', { rosVersion: '6.49', inspect: 'disabled' });
    const ws = await app!.connect('ros6');
    await ws.open('Console');
    await ws.sentence().fill('/ip/fire');
    // Below the oldest crawl (7.12.2), the oldest tree answers (issue 13).
    const list = ws.region.getByRole('listbox', {
      name: 'Completions from the RouterOS 7.12 command tree, not from this router',
    });
    await list.getByRole('option', { name: /^firewall\// }).waitFor();
    await ws.sentence().press('Tab');
    await expect(ws.sentence().inputValue()).resolves.toBe('/ip/firewall/');
    await list.getByRole('option', { name: /^filter\// }).waitFor();
    await ws.region.getByText(/^Suggestions from the RouterOS 7\.12 command tree, not from this router/).waitFor();
    // Not one inspect request after the first refusal: the tree answers.
    expect(await inspectSent('ros6')).toBe(1);
    // Compare versions, from the router's header: defaults to its nearest tree against the newest.
    await ws.region.getByRole('button', { name: 'Compare versions' }).first().click();
    const dialog = app!.page.getByRole('dialog', { name: 'Compare versions' });
    await dialog
      .getByRole('status')
      .getByText(/^7\.12\.2 → 7\.24: /)
      .waitFor();
    await dialog.getByRole('textbox', { name: 'Menu' }).fill('/safe-mode');
    await dialog.getByRole('button', { name: 'Compare' }).click();
    await dialog.getByRole('row', { name: /added \/safe-mode menu/ }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
  });
});
