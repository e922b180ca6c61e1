import './setup';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { BroadcastSendArgs } from '../../app-main/src/common/contract';
import type { Simulator } from '../../simulator/src/index';
import { App } from '../src/components/App';
import { StoreContext } from '../src/hooks';
import { broadcastToCsv } from '../src/store/multi';
import { createAppStore } from '../src/store';
import { bindBridgeEvents } from '../src/store/events';
import { inProcess, interceptApi, router, setup, until } from './helpers';
import { removeRow, routerConnection, setRow, type SeedConnection } from './inprocess-bridge';

/** Two simulated routers: "Core" and "Edge" (identities core and edge). */
async function twoRouters(): Promise<{ core: Simulator; edge: Simulator; connections: SeedConnection[] }> {
  const core = await router({ identity: 'core' });
  const edge = await router({ identity: 'edge' });
  return { core, edge, connections: [routerConnection('core', 'Core', core), routerConnection('edge', 'Edge', edge)] };
}

const item = (sim: Simulator, path: string, name: string) => sim.menu(path).findByName(name)!;

async function renderApp() {
  const routers = await twoRouters();
  const ctx = { ...(await setup({ connections: routers.connections })), ...routers };
  render(
    <StoreContext.Provider value={ctx.store}>
      <App />
    </StoreContext.Provider>,
  );
  for (const id of ['core', 'edge']) await ctx.s().connect(id);
  await screen.findAllByText('Connected');
  return ctx;
}

function openTool(name: 'Broadcast' | 'Compare tables') {
  fireEvent.click(screen.getByRole('button', { name }));
  return screen.getByRole('region', { name });
}

describe('Broadcast panel', () => {
  it('is offered once a router is connected and sends a read-only print to the chosen routers', async () => {
    const { bridge } = await renderApp();
    const panel = openTool('Broadcast');
    const picker = within(panel).getByRole('group', { name: 'Send to' });
    fireEvent.click(within(picker).getByRole('checkbox', { name: /^Core/ }));
    fireEvent.click(within(picker).getByRole('checkbox', { name: /^Edge/ }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Sentence' }), { target: { value: '/system/identity/print' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    const grid = await within(panel).findByRole('table', { name: 'Broadcast results' });
    const rows = within(grid).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[1]!.textContent)).toEqual(['done', 'done']);
    expect(within(rows[0]!).getByRole('cell', { name: /^Core/ })).toBeTruthy();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    // Replies expand per router.
    fireEvent.click(within(grid).getByRole('button', { name: 'Show replies of Edge' }));
    const replies = within(grid).getByRole('list', { name: 'Replies from Edge' });
    expect(replies.textContent).toContain('=name=edge');
    expect(bridge.calls.filter((c) => c.channel === 'broadcast:send')).toHaveLength(1);
  });

  it('asks before a write, names the command and the routers, and sends nothing when cancelled', async () => {
    const { bridge, core, edge } = await renderApp();
    const panel = openTool('Broadcast');
    fireEvent.click(within(panel).getByRole('button', { name: 'Select all connected' }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Sentence' }), {
      target: { value: '/interface/set\n=.id=ether2\n=comment=fleet' },
    });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    const before = item(core, '/interface', 'ether2').get('comment');
    const dialog = await screen.findByRole('alertdialog', { name: 'Send /interface/set to 2 routers?' });
    expect(within(dialog).getByRole('list').textContent).toBe('CoreEdge');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(item(core, '/interface', 'ether2').get('comment')).toBe(before);
    const trace = await bridge.api['trace:get']({ connectionId: 'core' });
    expect(trace.ok && trace.value.entries.some((e) => e.words[0] === '/interface/set')).toBe(false);

    // Again, and confirm: both routers changed.
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    const again = await screen.findByRole('alertdialog');
    fireEvent.click(within(again).getByRole('button', { name: 'Send to 2 routers' }));
    await within(panel).findByRole('table', { name: 'Broadcast results' });
    expect(item(core, '/interface', 'ether2').get('comment')).toBe('fleet');
    expect(item(edge, '/interface', 'ether2').get('comment')).toBe('fleet');
  });

  it('Cancel broadcast names the running broadcast; routers that answered show meanwhile; the grid then shows what was cancelled', async () => {
    const { connections } = await twoRouters();
    const bridge = await inProcess({ connections });
    const sends: BroadcastSendArgs[] = [];
    const cancels: unknown[] = [];
    let api = interceptApi(bridge.api, 'broadcast:send', async (real, args) => {
      sends.push(args as BroadcastSendArgs);
      return real();
    });
    api = interceptApi(api, 'broadcast:cancel', async (real, args) => {
      cancels.push(args);
      return real();
    });
    const store = createAppStore(api, { download: () => undefined });
    bindBridgeEvents(api, store);
    await store.getState().init();
    render(
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>,
    );
    for (const id of ['core', 'edge']) await store.getState().connect(id);
    await screen.findAllByText('Connected');
    const panel = openTool('Broadcast');
    fireEvent.click(within(panel).getByRole('button', { name: 'Select all connected' }));
    // A listen runs until it is cancelled.
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Sentence' }), { target: { value: '/interface/listen' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    const cancel = await within(panel).findByRole('button', { name: 'Cancel broadcast' });
    expect(sends).toHaveLength(1);
    expect(sends[0]!.broadcastId).toMatch(/^ui-/);
    // A router that has answered shows before the grid (broadcast:progress, as main sends it when one
    // router's command ends); other ids are ignored.
    const edge = {
      connectionId: 'edge',
      name: 'Edge',
      outcome: 'done' as const,
      rows: 1,
      replies: [],
      repliesDropped: 0,
      elapsedMs: 3,
    };
    act(() => {
      bridge.deliver('broadcast:progress', { broadcastId: 'someone-else', total: 2, result: { ...edge, name: 'Other' } });
      bridge.deliver('broadcast:progress', { broadcastId: sends[0]!.broadcastId!, total: 2, result: edge });
    });
    const answered = within(panel).getByRole('list', { name: 'Answered so far' });
    expect(
      within(answered)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Edge: done']);
    expect(within(panel).getByText(/1 answered$/)).toBeTruthy();
    fireEvent.click(cancel);
    const grid = await within(panel).findByRole('table', { name: 'Broadcast results' });
    expect(cancels).toEqual([{ broadcastId: sends[0]!.broadcastId }]);
    const rows = within(grid).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[1]!.textContent)).toEqual(['cancelled', 'cancelled']);
    expect(within(panel).queryByRole('button', { name: 'Cancel broadcast' })).toBeNull();
  });

  it('stop on first error: the rest are skipped, and the grid says why', async () => {
    await renderApp();
    const panel = openTool('Broadcast');
    fireEvent.click(within(panel).getByRole('button', { name: 'Select all connected' }));
    fireEvent.click(within(panel).getByRole('checkbox', { name: 'Stop on first error' }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Sentence' }), { target: { value: '/ip/nothing/print' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    const grid = await within(panel).findByRole('table', { name: 'Broadcast results' });
    const outcomes = within(grid)
      .getAllByRole('row')
      .slice(1)
      .map((r) => within(r).getAllByRole('cell')[1]!.textContent);
    expect(outcomes[0]).toMatch(/^trap/);
    expect(outcomes[1]).toMatch(/^skipped not sent: Core ended trap/);
  });

  it('explains bad input next to the field', async () => {
    await renderApp();
    const panel = openTool('Broadcast');
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    expect((await within(panel).findAllByRole('alert')).map((a) => a.textContent)).toEqual([
      'Choose at least one router to send to.',
      'Type a sentence first, e.g. /system/identity/print.',
    ]);
    fireEvent.click(within(panel).getByRole('checkbox', { name: /^Core/ }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Sentence' }), { target: { value: 'interface print' } });
    expect(within(panel).getByRole('status').textContent).toMatch(/looks like CLI syntax/);
    fireEvent.click(within(panel).getByRole('button', { name: 'Use API form' }));
    expect((within(panel).getByRole('textbox', { name: 'Sentence' }) as HTMLTextAreaElement).value).toBe('/interface/print');
    fireEvent.change(within(panel).getByLabelText('Time limit (s)'), { target: { value: '0' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    expect((await within(panel).findByRole('alert')).textContent).toMatch(
      /Time limit must be a whole number of seconds from 1 to 3600/,
    );
  });

  it('exports the grid as CSV and JSON', async () => {
    const { downloads, s } = await renderApp();
    const panel = openTool('Broadcast');
    fireEvent.click(within(panel).getByRole('button', { name: 'Select all connected' }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Sentence' }), { target: { value: '/system/identity/print' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send to selected' }));
    await within(panel).findByRole('table', { name: 'Broadcast results' });
    fireEvent.click(within(panel).getByRole('button', { name: 'Export CSV' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Export JSON' }));
    expect(downloads.map((d) => d.fileName)).toEqual([
      expect.stringMatching(/^broadcast-system-identity-print-.*\.csv$/),
      expect.stringMatching(/\.json$/),
    ]);
    expect(String(downloads[0]!.data).split('\r\n')[0]).toBe('router,identity,version,outcome,rows,time ms,tag,message,replies');
    expect(JSON.parse(String(downloads[1]!.data))).toMatchObject({
      format: 'tikscope-broadcast',
      results: [
        { name: 'Core', outcome: 'done' },
        { name: 'Edge', outcome: 'done' },
      ],
    });
    expect(broadcastToCsv(s().broadcast.result!)).toContain('Core,');
  });
});

describe('Compare tables panel', () => {
  it('matches by name, marks the differing cell and the missing row, filters to differences and exports', async () => {
    const { edge, downloads } = await renderApp();
    setRow(edge, '/interface', 'ether1', { comment: 'WAN', mtu: '9000' });
    removeRow(edge, '/interface', 'ether5');
    const panel = openTool('Compare tables');
    fireEvent.click(within(panel).getByRole('button', { name: 'Select all connected' }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Path' }), { target: { value: 'interface' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Compare' }));
    const table = await within(panel).findByRole('table', { name: 'Diff /interface' });
    // Counters are ignored by default; the key offered first is name.
    expect((within(panel).getByRole('combobox', { name: 'Match rows by' }) as HTMLSelectElement).value).toBe('name');
    expect(within(table).queryByRole('columnheader', { name: 'rx-byte' })).toBeNull();
    const differs = within(table).getAllByRole('cell', { name: /\(differs\)$/ });
    // mtu and the actual-mtu that follows it, and the comment.
    expect(differs.map((c) => c.textContent)).toEqual([
      '1500 (differs)',
      '1500 (differs)',
      'uplink (differs)',
      '9000 (differs)',
      '9000 (differs)',
      'WAN (differs)',
    ]);
    expect(differs.every((c) => c.getAttribute('aria-description') === 'differs')).toBe(true);
    // The status of the row, and the row of the router that lacks it.
    expect(
      within(table)
        .getAllByRole('cell', { name: 'missing on Edge' })
        .map((c) => c.getAttribute('data-diff')),
    ).toEqual([null, 'missing']);
    expect(within(table).getByRole('cell', { name: 'differs: mtu, actual-mtu, comment' })).toBeTruthy();

    fireEvent.click(within(panel).getByRole('checkbox', { name: 'Only differences' }));
    await until(() =>
      expect(
        within(table)
          .getAllByRole('rowheader')
          .map((h) => h.textContent),
      ).toEqual(['ether1', 'ether5']),
    );

    fireEvent.click(within(panel).getByRole('button', { name: 'Export CSV' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Export JSON' }));
    const csv = String(downloads[0]!.data).split('\r\n');
    expect(downloads[0]!.fileName).toMatch(/^diff-interface-.*\.csv$/);
    expect(csv).toHaveLength(1 + 2 * 2 + 1);
    expect(csv[1]).toMatch(/^ether1,1,differs,,mtu actual-mtu comment,Core,yes,/);
    const doc = JSON.parse(String(downloads[1]!.data));
    expect(doc).toMatchObject({ format: 'tikscope-diff', path: '/interface', key: ['name'], counts: { missing: 1, differs: 1 } });
    // The volatile columns (counters, times) are ignored; the compared ones are not.
    expect(doc.ignoredColumns).toEqual(expect.arrayContaining(['rx-byte', 'tx-byte']));
    expect(doc.ignoredColumns).not.toContain('mtu');
    expect(doc.ignoredColumns).not.toContain('comment');
  });

  it('copies a differing row to another router through the form dialog: set where it exists, add where it is missing', async () => {
    const { edge } = await renderApp();
    setRow(edge, '/interface', 'ether1', { comment: 'WAN', mtu: '9000' });
    const panel = openTool('Compare tables');
    fireEvent.click(within(panel).getByRole('button', { name: 'Select all connected' }));
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Path' }), { target: { value: '/interface' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Compare' }));
    const table = await within(panel).findByRole('table', { name: 'Diff /interface' });
    fireEvent.click(within(table).getByRole('button', { name: 'Copy ether1 from Core to Edge' }));
    const dialog = await screen.findByRole('dialog', { name: 'Copy from Core: set ether1 in /interface on Edge' });
    const id = item(edge, 'interface', 'ether1').id;
    await until(() =>
      expect(within(dialog).getByRole('region', { name: 'API sentence' }).textContent).toBe(
        `/interface/set\n=numbers=${id}\n=comment=uplink\n=mtu=1500`,
      ),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send' }));
    await until(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(item(edge, 'interface', 'ether1').get('comment')).toBe('uplink');
    expect(item(edge, 'interface', 'ether1').get('mtu')).toBe('1500');

    // A row missing on Edge is an add there.
    const lab = edge.menu('ip/address').find('*2')!;
    edge.menu('ip/address').remove(lab);
    fireEvent.change(within(panel).getByRole('textbox', { name: 'Path' }), { target: { value: '/ip/address' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Refresh' }));
    const addresses = await within(panel).findByRole('table', { name: 'Diff /ip/address' });
    const copy = await within(addresses).findByRole('button', { name: /^Copy 10\.0\.0\.23\/24.* from Core to Edge$/ });
    fireEvent.click(copy);
    const add = await screen.findByRole('dialog', { name: /^Copy from Core: add to \/ip\/address on Edge/ });
    await until(() =>
      expect(within(add).getByRole('region', { name: 'API sentence' }).textContent).toMatch(
        /^\/ip\/address\/add\n=address=10\.0\.0\.23\/24\n/,
      ),
    );
  });

  it('explains duplicate keys instead of dropping rows, and offers no .id key', async () => {
    await renderApp();
    const panel = openTool('Compare tables');
    fireEvent.click(within(panel).getByRole('button', { name: 'Select all connected' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Compare' }));
    await within(panel).findByRole('table');
    const key = within(panel).getByRole('combobox', { name: 'Match rows by' }) as HTMLSelectElement;
    expect([...key.options].map((o) => o.value)).not.toContain('.id');
    fireEvent.change(key, { target: { value: 'type' } });
    const note = within(panel).getByRole('note', { name: 'Duplicate keys' });
    expect(note.textContent).toMatch(/The key type is not unique: Core has 5 rows with “ether”/);
    expect(note.textContent).toMatch(/paired in print order/);
    expect(
      within(panel)
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(['ether #1', 'ether #2', 'ether #3', 'ether #4', 'ether #5', 'bridge', 'vlan']);
  });

  it('ignore columns: unchecking a column removes its differences', async () => {
    const { edge } = await renderApp();
    setRow(edge, '/interface', 'ether2', { mtu: '1400' });
    const panel = openTool('Compare tables');
    fireEvent.click(within(panel).getByRole('button', { name: 'Select all connected' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Compare' }));
    await within(panel).findByRole('table');
    // mtu and the actual-mtu that follows it, on both routers.
    expect(within(panel).getAllByRole('cell', { name: /\(differs\)$/ })).toHaveLength(4);
    fireEvent.click(within(panel).getByRole('button', { name: /^Compared columns/ }));
    fireEvent.click(
      within(within(panel).getByRole('group', { name: 'Compared columns' })).getByRole('checkbox', { name: 'mtu' }),
    );
    expect(within(panel).queryAllByRole('cell', { name: /\(differs\)$/ })).toHaveLength(2);
    // Compare all: mtu is compared again (the counters are equal on the two routers, so they add nothing).
    fireEvent.click(within(panel).getByRole('button', { name: 'Compare all' }));
    expect(within(panel).getAllByRole('cell', { name: /\(differs\)$/ })).toHaveLength(4);
  });

  it('a router that cannot print is named with what to do; one router is not enough', async () => {
    const { s } = await renderApp();
    const panel = openTool('Compare tables');
    fireEvent.click(within(panel).getByRole('checkbox', { name: /^Core/ }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Compare' }));
    expect((await within(panel).findByRole('alert')).textContent).toBe('Choose at least two routers to compare.');
    fireEvent.click(within(panel).getByRole('checkbox', { name: /^Edge/ }));
    await s().disconnect('edge');
    fireEvent.click(within(panel).getByRole('button', { name: 'Compare' }));
    const alert = await within(panel).findByRole('alert');
    expect(alert.textContent).toMatch(/Not compared: Edge is not connected/);
    expect(alert.textContent).toMatch(/Connect the router and press Refresh/);
    expect(within(panel).getByText('At least two routers must print the menu to compare it.')).toBeTruthy();
  });
});
