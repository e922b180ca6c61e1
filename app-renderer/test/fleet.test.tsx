import './setup';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../src/components/App';
import { StoreContext } from '../src/hooks';
import { filterFleet, fleetRows, sortFleet } from '../src/lib/fleet';
import { createAppStore } from '../src/store';
import { AUTO_WORKSPACES } from '../src/store/fleet';
import { bindBridgeEvents } from '../src/store/events';
import { inProcess, router, setup, until } from './helpers';
import { routerConnection, type SeedConnection } from './inprocess-bridge';

async function renderApp(connections: SeedConnection[]) {
  const ctx = await setup({ connections });
  render(
    <StoreContext.Provider value={ctx.store}>
      <App />
    </StoreContext.Provider>,
  );
  return ctx;
}

function openFleet(): HTMLElement {
  fireEvent.click(within(screen.getByRole('group', { name: 'Multi-router tools' })).getByRole('button', { name: 'Fleet' }));
  return screen.getByRole('region', { name: 'Fleet' });
}

const grid = (region: HTMLElement) => within(region).getByRole('grid', { name: 'Routers of the fleet' });
const bodyRows = (region: HTMLElement) => within(grid(region)).getAllByRole('row').slice(1);
/** The Name column of each shown row. */
const names = (region: HTMLElement) => bodyRows(region).map((r) => within(r).getAllByRole('gridcell')[2]!.textContent);

/** Three routers: two simulators (site-a) and one that is not there (site-b). */
async function fleet() {
  const core = await router({ identity: 'core', rosVersion: '7.19' });
  const edge = await router({ identity: 'edge', rosVersion: '7.9' });
  const ctx = await renderApp([
    { ...routerConnection('core', 'Core', core), group: 'site-a' },
    { ...routerConnection('edge', 'Edge', edge), group: 'site-a' },
    { id: 'gone', name: 'Attic', host: '127.0.0.1', port: 1, user: 'admin', group: 'site-b' },
  ]);
  return { ...ctx, core, edge };
}

describe('Fleet view', () => {
  it('is reachable with nothing connected and lists every saved router, one row each, with its group', async () => {
    await fleet();
    const region = openFleet();
    expect(names(region)).toEqual(['Attic', 'Core', 'Edge']);
    const attic = bodyRows(region)[0]!;
    expect(
      within(attic)
        .getAllByRole('gridcell')
        .map((c) => c.textContent),
    ).toEqual(['', ' Offline', 'Attic', 'site-b', '', '', '', '', '', '', '']);
    expect(
      within(grid(region))
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['', 'Status', 'Name▲', 'Group', 'Identity', 'RouterOS', 'Board', 'Uptime', 'CPU', 'Latency', 'Last seen']);
  });

  it('sorts by a header (again: descending), filters by text and by status', async () => {
    await fleet();
    const region = openFleet();
    const header = (name: string) => within(grid(region)).getByRole('button', { name });
    fireEvent.click(header('Name'));
    expect(within(grid(region)).getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe('descending');
    expect(names(region)).toEqual(['Edge', 'Core', 'Attic']);
    fireEvent.click(header('Group'));
    expect(names(region)).toEqual(['Core', 'Edge', 'Attic']);
    fireEvent.change(within(region).getByRole('searchbox', { name: 'Filter routers' }), { target: { value: 'site-a co' } });
    await until(() => expect(names(region)).toEqual(['Core']));
    fireEvent.change(within(region).getByRole('searchbox', { name: 'Filter routers' }), { target: { value: '' } });
    fireEvent.change(within(region).getByRole('combobox', { name: 'Show' }), { target: { value: 'online' } });
    await until(() => expect(within(region).getByText('No router matches the filter.')).toBeTruthy());
  });

  it('selects with click, Ctrl+click, Shift+click and checkboxes; connects the selection without a workspace each, live values show', async () => {
    const { s, store } = await fleet();
    const region = openFleet();
    const row = (name: string) => bodyRows(region).find((r) => within(r).getAllByRole('gridcell')[2]!.textContent === name)!;
    fireEvent.click(row('Attic'));
    expect(s().fleet.selected).toEqual(['gone']);
    fireEvent.click(row('Edge'), { shiftKey: true });
    expect(s().fleet.selected).toEqual(['gone', 'core', 'edge']);
    fireEvent.click(row('Attic'), { ctrlKey: true });
    expect(s().fleet.selected).toEqual(['core', 'edge']);
    expect(row('Core').getAttribute('aria-selected')).toBe('true');
    expect(row('Attic').getAttribute('aria-selected')).toBe('false');
    fireEvent.click(within(row('Attic')).getByRole('checkbox', { name: 'Select Attic' }));
    expect(s().fleet.selected).toEqual(['core', 'edge', 'gone']);
    fireEvent.click(within(row('Attic')).getByRole('checkbox', { name: 'Select Attic' }));
    expect(within(region).getByText('3 shown · 2 selected')).toBeTruthy();

    fireEvent.click(within(region).getByRole('button', { name: 'Connect selected' }));
    await until(() => expect(within(row('Core')).getAllByRole('gridcell')[1]!.textContent).toMatch(/Connected/));
    await until(() => expect(within(row('Edge')).getAllByRole('gridcell')[1]!.textContent).toMatch(/Connected/));
    const cells = within(row('Core'))
      .getAllByRole('gridcell')
      .map((c) => c.textContent);
    expect(cells[4]).toBe('core');
    expect(cells[5]).toMatch(/^7\.19/);
    expect(cells[6]).toBe('RB5009UG+S+');
    expect(cells[7]).toMatch(/^\d+d \d+h$/);
    expect(cells[8]).toMatch(/^\d+ %$/);
    expect(cells[9]).toMatch(/ ms$/);
    expect(cells[10]).toBe('now');
    // Connected from the fleet: no workspace (tab) per router.
    expect(store.getState().workspaces).toEqual([]);
    await until(() => expect(screen.getByText('Connected 2 of 2 routers.')).toBeTruthy());
    // Sorting by version compares numbers: 7.9 before 7.19.
    fireEvent.click(within(grid(region)).getByRole('button', { name: 'RouterOS' }));
    expect(names(region)).toEqual(['Edge', 'Core', 'Attic']);

    // Disconnected, the last known values stay (from main, which keeps them across restarts).
    fireEvent.click(within(region).getByRole('button', { name: 'Disconnect selected' }));
    await until(() => expect(within(row('Core')).getAllByRole('gridcell')[1]!.textContent).toMatch(/Offline/));
    await until(() => expect(within(row('Core')).getAllByRole('gridcell')[10]!.textContent).toBe('just now'));
    expect(within(row('Core')).getAllByRole('gridcell')[4]!.textContent).toBe('core');
    expect(row('Core').className).toContain('stale');
  });

  it('carries the selection into Broadcast and Compare, and moves it to a group', async () => {
    const { s } = await fleet();
    let region = openFleet();
    fireEvent.click(within(grid(region)).getByRole('checkbox', { name: 'Select all shown' }));
    expect(s().fleet.selected).toHaveLength(3);
    fireEvent.click(within(grid(region)).getByRole('checkbox', { name: 'Select Attic' }));
    fireEvent.click(within(region).getByRole('button', { name: 'Connect selected' }));
    await until(() => expect(screen.getByText('Connected 2 of 2 routers.')).toBeTruthy());

    fireEvent.click(within(region).getByRole('button', { name: 'Broadcast to selected' }));
    const bc = screen.getByRole('region', { name: 'Broadcast' });
    const picker = within(bc).getByRole('group', { name: 'Send to' });
    expect((within(picker).getByRole('checkbox', { name: /^Core/ }) as HTMLInputElement).checked).toBe(true);
    expect((within(picker).getByRole('checkbox', { name: /^Edge/ }) as HTMLInputElement).checked).toBe(true);
    // The group as a whole: unticking it clears both; ticking it chooses both again.
    const group = within(bc).getByRole('checkbox', { name: /^Group site-a/ });
    expect((group as HTMLInputElement).checked).toBe(true);
    fireEvent.click(group);
    expect(s().broadcast.selected).toEqual([]);
    fireEvent.click(group);
    expect([...s().broadcast.selected].sort()).toEqual(['core', 'edge']);

    region = openFleet();
    fireEvent.click(within(region).getByRole('button', { name: 'Compare selected' }));
    const diff = screen.getByRole('region', { name: 'Compare tables' });
    expect(
      (within(within(diff).getByRole('group', { name: 'Compare' })).getByRole('checkbox', { name: /^Edge/ }) as HTMLInputElement)
        .checked,
    ).toBe(true);

    region = openFleet();
    fireEvent.click(within(region).getByRole('button', { name: 'Move to group…' }));
    const form = within(region).getByRole('form', { name: 'Move to group' });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Group' }), { target: { value: 'core-sites' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Move 2' }));
    await until(() =>
      expect(
        s()
          .connections.filter((c) => c.group === 'core-sites')
          .map((c) => c.id)
          .sort(),
      ).toEqual(['core', 'edge']),
    );
    expect(names(region)).toContain('Core');
    expect(
      bodyRows(region)
        .map((r) => within(r).getAllByRole('gridcell')[3]!.textContent)
        .sort(),
    ).toEqual(['core-sites', 'core-sites', 'site-b']);
  });

  it('imports a CSV file through the file picker (all or nothing) and exports without passwords', async () => {
    const { s, downloads } = await fleet();
    const region = openFleet();
    const picker = within(region).getByLabelText('Import connections from a CSV or JSON file');
    const bad = new File(['name,host,user\nok,192.0.2.1,admin\nbad,no such host!,admin\n'], 'bad.csv', { type: 'text/csv' });
    await act(async () => {
      fireEvent.change(picker, { target: { files: [bad] } });
    });
    await until(() =>
      expect(screen.getByRole('alert').textContent).toMatch(/Importing bad\.csv: bad\.csv: line 3, field "host"/),
    );
    expect(s().connections).toHaveLength(3);
    const good = new File(['name,host,user,group\nr9,192.0.2.9,admin,site-c\n'], 'good.csv', { type: 'text/csv' });
    await act(async () => {
      fireEvent.change(picker, { target: { files: [good] } });
    });
    await until(() => expect(names(region)).toContain('r9'));
    expect(screen.getByText(/Imported 1 connection from good\.csv/)).toBeTruthy();

    fireEvent.click(within(region).getByRole('button', { name: 'Export CSV' }));
    await until(() => expect(downloads).toHaveLength(1));
    const csv = downloads[0]!;
    expect(csv.mime).toBe('text/csv');
    expect(String(csv.data).split('\r\n')[0]).toBe('name,host,port,transport,user,group,encoding,fingerprint256,notes');
    expect(String(csv.data)).toContain('r9,192.0.2.9,8728,plain,admin,site-c');
    expect(String(csv.data).toLowerCase()).not.toContain('password');
  });
});

describe('a window opening on a fleet', () => {
  it('with more than AUTO_WORKSPACES routers connected opens the Fleet view, not a tab per router', async () => {
    const sim = await router({ identity: 'many' });
    const n = AUTO_WORKSPACES + 2;
    const seeds = Array.from({ length: n }, (_, i) => routerConnection(`m${i}`, `M${String(i).padStart(2, '0')}`, sim));
    const bridge = await inProcess({ connections: seeds });
    for (const c of seeds) expect((await bridge.api['link:connect']({ id: c.id })).ok).toBe(true);
    const store = createAppStore(bridge.api, { download: () => undefined });
    bindBridgeEvents(bridge.api, store);
    await store.getState().init();
    render(
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>,
    );
    expect(store.getState().workspaces).toEqual([]);
    expect(store.getState().tool).toBe('fleet');
    const region = screen.getByRole('region', { name: 'Fleet' });
    await until(() => expect(within(region).getByText(`${n} routers · ${n} connected`, { exact: false })).toBeTruthy());
  });

  it('with a few routers connected opens a workspace for each, as before', async () => {
    const sim = await router({ identity: 'few' });
    const seeds = [routerConnection('f1', 'F1', sim), routerConnection('f2', 'F2', sim)];
    const bridge = await inProcess({ connections: seeds });
    for (const c of seeds) await bridge.api['link:connect']({ id: c.id });
    const store = createAppStore(bridge.api, { download: () => undefined });
    await store.getState().init();
    expect(store.getState().workspaces.map((w) => w.id)).toEqual(['f1', 'f2']);
    expect(store.getState().tool).toBeUndefined();
  });
});

describe('the virtualised sidebar', () => {
  it('with 2,000 saved routers renders only the rows in view; search and scrolling bring others', async () => {
    const seeds: SeedConnection[] = Array.from({ length: 2000 }, (_, i) => ({
      id: `r${i}`,
      name: `router-${String(i).padStart(4, '0')}`,
      host: `10.${(i >> 8) & 255}.${i & 255}.1`,
      group: `site-${i % 20}`,
    }));
    await renderApp(seeds);
    const list = screen.getByRole('listbox', { name: 'Routers' });
    const options = within(list).getAllByRole('option');
    // 600 px of list (test/setup.ts) at 60 px a row, plus overscan: far fewer than 2,000.
    expect(options.length).toBeGreaterThan(5);
    expect(options.length).toBeLessThan(30);
    expect(options[0]!.getAttribute('aria-setsize')).toBe('2000');
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search connections' }), { target: { value: 'router-1999' } });
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.getAttribute('aria-label')),
    ).toEqual(['router-1999']);
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search connections' }), { target: { value: '' } });
    // Scrolling far down renders rows from there (and not the first ones).
    list.scrollTop = 60 * 1500;
    fireEvent.scroll(list);
    await until(() => expect(within(list).queryByRole('option', { name: 'router-0000' })).toBeNull());
    expect(within(list).getAllByRole('option').length).toBeLessThan(30);
  });

  it('the keyboard moves through rows that were not rendered yet', async () => {
    const seeds: SeedConnection[] = Array.from({ length: 300 }, (_, i) => ({
      id: `r${i}`,
      name: `r-${String(i).padStart(3, '0')}`,
    }));
    const { s } = await renderApp(seeds);
    const list = screen.getByRole('listbox', { name: 'Routers' });
    fireEvent.keyDown(list, { key: 'End' });
    expect(s().selectedId).toBe('r299');
    await until(() => expect(list.getAttribute('aria-activedescendant')).toBe('conn-r299'));
    fireEvent.keyDown(list, { key: 'ArrowUp' });
    expect(s().selectedId).toBe('r298');
  });
});

describe('fleet rows (lib)', () => {
  it('sorts rows without a value last in both directions, ties by name', () => {
    const conns = ['b', 'a', 'c'].map((n) => ({ id: n, name: n, host: 'h', group: '' }) as never);
    const rows = fleetRows(conns, {}, { a: { connectionId: 'a', cpuLoad: 5 }, c: { connectionId: 'c', cpuLoad: 50 } }, 0);
    expect(sortFleet(rows, 'cpu', 'asc').map((r) => r.id)).toEqual(['a', 'c', 'b']);
    expect(sortFleet(rows, 'cpu', 'desc').map((r) => r.id)).toEqual(['c', 'a', 'b']);
    expect(filterFleet(rows, 'B', 'all').map((r) => r.id)).toEqual(['b']);
    expect(filterFleet(rows, '', 'problem')).toEqual([]);
  });
});
