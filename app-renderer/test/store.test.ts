import './setup';
import { describe, expect, it } from 'vitest';
import type { AppSnapshot, Row } from '../../app-main/src/common/contract';
import { visibleColumns, toggleColumn } from '../src/components/TablesPanel';
import { createAppStore } from '../src/store';
import {
  applyPatch,
  decodePatch,
  emptyTable,
  normalisePath,
  parseProplist,
  parseQueryWords,
  queuePatch,
  selectedRows,
  type RowsPatch,
} from '../src/store/tables';
import { bindBridgeEvents } from '../src/store/events';
import { inProcess, interceptApi, router, setup, until } from './helpers';
import { removeRow, setRow } from './inprocess-bridge';

const patch = (p: Partial<RowsPatch>): RowsPatch => ({
  tableId: 't1',
  connectionId: 'demo',
  reset: false,
  upserts: [],
  removes: [],
  total: 0,
  updatesPerSecond: 0,
  status: 'live',
  ...p,
});

describe('table patches', () => {
  it('parses the rows of a wire patch once; text that is not an array of objects gives no rows', () => {
    const wire = {
      tableId: 't1',
      connectionId: 'demo',
      reset: false,
      removes: ['*9'],
      total: 1,
      updatesPerSecond: 0,
      status: 'live' as const,
    };
    const rows = [{ '.id': '*1', name: 'ether1' }];
    const ok = decodePatch({ ...wire, upsertsJson: JSON.stringify(rows), upsertCount: 1 });
    expect(ok.upserts).toEqual(rows);
    expect(ok.removes).toEqual(['*9']);
    expect('upsertsJson' in ok).toBe(false);
    expect(decodePatch({ ...wire, upsertsJson: '{not json', upsertCount: 1 }).upserts).toEqual([]);
    expect(decodePatch({ ...wire, upsertsJson: '{"a":1}', upsertCount: 1 }).upserts).toEqual([]);
    expect(decodePatch({ ...wire, upsertsJson: '[1,null,{"x":"y"}]', upsertCount: 3 }).upserts).toEqual([{ x: 'y' }]);
    // The browser host's frames carry the rows parsed already.
    const inline = decodePatch({ ...wire, upserts: rows, upsertCount: 1 });
    expect(inline.upserts).toEqual(rows);
    expect(decodePatch({ ...wire, upsertCount: 0 }).upserts).toEqual([]);
  });

  const a: Row = { '.id': '*1', name: 'ether1', mtu: '1500' };
  const b: Row = { '.id': '*2', name: 'ether2', mtu: '1500' };

  it('keeps unchanged rows identical and marks changed cells', () => {
    const v1 = applyPatch(
      emptyTable(),
      patch({ reset: true, upserts: [a, b], columns: ['.id', 'name', 'mtu'], total: 2 }),
      1000,
      1,
    );
    expect(v1.rows).toEqual([a, b]);
    expect(v1.columns).toEqual(['.id', 'name', 'mtu']);
    const b2 = { ...b, mtu: '9000' };
    const v2 = applyPatch(v1, patch({ upserts: [b2], total: 2 }), 1100, 10);
    expect(v2.rows[0]).toBe(a);
    expect(v2.rows[1]).toBe(b2);
    expect(v2.changed.get('*2')?.cols).toEqual(['mtu']);
    expect(v2.changed.has('*1')).toBe(false);
    // A new row array, so TanStack sees the change; the untouched row object is the same.
    expect(v2.rows).not.toBe(v1.rows);
  });

  it('re-uses old objects on a reset when content is equal, and forgets old flashes', () => {
    const v1 = applyPatch(emptyTable(), patch({ reset: true, upserts: [a, b] }), 0, 1);
    const v2 = applyPatch(v1, patch({ reset: true, upserts: [{ ...a }, { ...b, name: 'wan' }] }), 100, 10);
    expect(v2.rows[0]).toBe(a);
    expect(v2.rows[1]).not.toBe(b);
    expect(v2.changed.get('*2')?.cols).toEqual(['name']);
    const v3 = applyPatch(v2, patch({}), 100 + 5000, 20);
    expect(v3.changed.size).toBe(0);
  });

  it('a removed row leaves the selection; a changed one stays selected as the new row (issue 14)', () => {
    const v1 = { ...applyPatch(emptyTable(), patch({ reset: true, upserts: [a, b] }), 0, 1), selected: ['*2', '*1'] };
    expect(selectedRows(v1)).toEqual([b, a]);
    const v2 = applyPatch(v1, patch({ upserts: [{ ...b, mtu: '9000' }], removes: ['*1'] }), 10, 5);
    expect(v2.selected).toEqual(['*2']);
    expect(selectedRows(v2)).toEqual([{ ...b, mtu: '9000' }]);
    // Unchanged selection keeps its identity (no re-render of the toolbar for a counter patch).
    const v3 = applyPatch(v2, patch({ upserts: [{ ...b, mtu: '1400' }] }), 20, 9);
    expect(v3.selected).toBe(v2.selected);
  });

  it('removes rows, adds late columns at the end, never duplicates', () => {
    const v1 = applyPatch(emptyTable(), patch({ reset: true, upserts: [a, b] }), 0, 1);
    const v2 = applyPatch(v1, patch({ upserts: [{ '.id': '*3', name: 'vlan10', vlan: '10' }], removes: ['*1', '*404'] }), 10, 5);
    expect(v2.rows.map((r) => r['.id'])).toEqual(['*2', '*3']);
    expect(v2.index.get('*3')).toBe(1);
    expect(v2.columns).toEqual(['.id', 'name', 'mtu', 'vlan']);
    const v3 = applyPatch(v2, patch({ upserts: [{ '.id': '*2', name: 'ether2', mtu: '1500' }] }), 20, 9);
    expect(v3.rows).toHaveLength(2);
  });

  it('queues patches while paused: later wins per row, a reset starts over', () => {
    let q = queuePatch(undefined, patch({ upserts: [a], total: 1 }));
    q = queuePatch(q, patch({ upserts: [{ ...a, mtu: '1' }], removes: ['*9'], total: 1 }));
    q = queuePatch(q, patch({ removes: ['*1'], total: 0 }));
    expect([...q.upserts.keys()]).toEqual([]);
    expect([...q.removes]).toEqual(['*9', '*1']);
    expect(q.patches).toBe(3);
    q = queuePatch(q, patch({ reset: true, upserts: [b], total: 1 }));
    expect(q.reset).toBe(true);
    expect([...q.upserts.keys()]).toEqual(['*2']);
    expect(q.removes.size).toBe(0);
  });

  it('validates the table inputs with messages that say what is wrong', () => {
    expect(normalisePath('ip address')).toEqual({ path: '/ip/address' });
    expect(normalisePath('/interface/print')).toEqual({ path: '/interface' });
    expect(normalisePath('').error).toMatch(/Enter a menu path/);
    expect(normalisePath('/ip/addr$ss').error).toMatch(/not a menu path/);
    expect(parseQueryWords('?type=ether ?#|')).toEqual({ words: ['?type=ether', '?#|'] });
    expect(parseQueryWords('type=ether').error).toMatch(/"type=ether" is not a query word/);
    expect(parseProplist('name, type,mtu')).toEqual({ names: ['name', 'type', 'mtu'] });
    expect(parseProplist('name=x').error).toMatch(/not a property name/);
  });

  it('stores the column choice with hidden columns marked, new columns shown', () => {
    const known = ['.id', 'name', 'mtu'];
    const stored = toggleColumn(known, undefined, 'mtu', false);
    expect(stored).toEqual(['.id', 'name', '!mtu']);
    expect(visibleColumns([...known, 'comment'], stored)).toEqual(['.id', 'name', 'comment']);
    expect(visibleColumns(known, toggleColumn(known, stored, 'mtu', true))).toEqual(known);
  });
});

describe('store with the real services (in-process bridge)', () => {
  it('initialises: ready, Demo router listed and selected', async () => {
    const { s } = await setup();
    expect(s().phase).toBe('ready');
    expect(s().connections.map((c) => c.name)).toEqual(['Demo router']);
    expect(s().selectedId).toBe('demo');
  });

  it('connects, opens a workspace, runs a command and ends it', async () => {
    const { s } = await setup();
    await s().connect('demo');
    expect(s().links.demo?.status).toBe('online');
    expect(s().workspaces.map((w) => w.id)).toEqual(['demo']);
    await s().sendCommand('demo', ['/interface/print', '?type=ether']);
    await until(() => expect(s().consoles.demo?.commands[0]?.status).toBe('done'));
    const cmd = s().consoles.demo?.commands[0];
    expect(cmd?.rows).toBe(5);
    expect(cmd?.kinds).toEqual({ '!re': 5, '!done': 1 });
    expect(cmd?.log.get(0)?.words).toContain('=name=ether1');
    expect(s().consoles.demo?.history[0]?.words).toEqual(['/interface/print', '?type=ether']);
  });

  it('joins the pieces of a big reply into one reply (ConsoleReply.piece)', async () => {
    const { s } = await setup();
    await s().connect('demo');
    await s().sendCommand('demo', ['/system/resource/print']);
    await until(() => expect(s().consoles.demo?.commands[0]?.status).toBe('done'));
    const cmd = () => s().consoles.demo!.commands[0]!;
    const commandId = cmd().commandId!;
    const before = cmd().log.length;
    const base = { connectionId: 'demo', commandId, kind: '!re', elapsedMs: 5 };
    s().applyConsoleReplies([{ ...base, words: ['!re', '=a=xx'], piece: { more: true, continued: false } }]);
    s().applyConsoleReplies([{ ...base, words: ['yy', '=b=1'], piece: { more: true, continued: true } }]);
    expect(cmd().log.length).toBe(before);
    s().applyConsoleReplies([{ ...base, words: ['=c=2'], piece: { more: false, continued: false } }]);
    expect(cmd().log.length).toBe(before + 1);
    expect(cmd().log.get(before)?.words).toEqual(['!re', '=a=xxyy', '=b=1', '=c=2']);
    expect(cmd().log.get(before)?.piece).toBeUndefined();
  });

  it('routes replies that arrive before the send result (no reply lost)', async () => {
    const { api } = await inProcess();
    let release: () => void = () => undefined;
    const ended = new Promise<void>((res) => api.on('console:end', () => res()));
    const held = interceptApi(api, 'console:send', async (real) => {
      const r = await real();
      // Hold the result until the command has fully ended on the "router".
      await new Promise<void>((res) => (release = res));
      return r;
    });
    const store = createAppStore(held);
    bindBridgeEvents(held, store);
    await store.getState().init();
    await store.getState().connect('demo');
    const sending = store.getState().sendCommand('demo', ['/system/resource/print']);
    await ended;
    expect(store.getState().consoles.demo?.commands[0]?.status).toBe('sending');
    release();
    await sending;
    const cmd = store.getState().consoles.demo?.commands[0];
    expect(cmd?.status).toBe('done');
    expect(cmd?.log.length).toBe(2);
    expect(cmd?.rows).toBe(1);
  });

  it('cancels a listen: interrupted trap, then done', async () => {
    const { s, bridge } = await setup();
    await s().connect('demo');
    await s().sendCommand('demo', ['/interface/listen']);
    await until(() => expect(s().consoles.demo?.commands[0]?.status).toBe('running'));
    setRow(bridge.demo, '/interface', 'ether1', { comment: 'x' });
    await until(() => expect(s().consoles.demo?.commands[0]?.rows).toBe(1));
    await s().cancelCommand('demo', s().consoles.demo?.commands[0]?.key as string);
    await until(() => expect(s().consoles.demo?.commands[0]?.status).toBe('cancelled'));
    const kinds = s().consoles.demo?.commands[0]?.kinds;
    expect(kinds).toEqual({ '!re': 1, '!trap': 1, '!done': 1 });
  });

  it('bounds the console: at most 100,000 replies per command, 250,000 per console', async () => {
    const { s } = await setup({ demo: await router({ user: 'admin', password: 'demo', connections: 120_000 }) });
    await s().connect('demo');
    for (let i = 0; i < 3; i++) {
      // Only the ids: the count matters here, not the width of a row.
      await s().sendCommand('demo', ['/ip/firewall/connection/print', '=.proplist=.id']);
      await until(() => expect(s().consoles.demo?.commands.at(-1)?.status).toBe('done'), 20_000);
    }
    const cmds = s().consoles.demo?.commands ?? [];
    expect(cmds.every((c) => c.log.length <= 100_000)).toBe(true);
    expect(cmds.at(-1)?.rows).toBe(120_000);
    expect(cmds.at(-1)?.log.dropped).toBe(20_001);
    expect(cmds.reduce((n, c) => n + c.log.length, 0)).toBeLessThanOrEqual(250_000);
    expect(cmds).toHaveLength(2);
  }, 60_000);

  it('gives the words back when sending fails (not connected)', async () => {
    const { s } = await setup();
    s().setDraft('demo', '/interface/print');
    await s().sendCommand('demo', ['/interface/print']);
    const cmd = s().consoles.demo?.commands[0];
    expect(cmd?.status).toBe('failed');
    expect(cmd?.error?.code).toBe('NOT_CONNECTED');
    expect(s().consoles.demo?.draft).toBe('/interface/print');
  });

  it('steps through history with ↑/↓ and restores the draft', async () => {
    const { s } = await setup();
    await s().connect('demo');
    await s().sendCommand('demo', ['/a/print']);
    await s().sendCommand('demo', ['/b/print', '=x=1']);
    s().setDraft('demo', 'typing');
    s().historyStep('demo', -1);
    expect(s().consoles.demo?.draft).toBe('/b/print\n=x=1');
    s().historyStep('demo', -1);
    expect(s().consoles.demo?.draft).toBe('/a/print');
    s().historyStep('demo', -1);
    expect(s().consoles.demo?.draft).toBe('/a/print');
    s().historyStep('demo', 1);
    s().historyStep('demo', 1);
    expect(s().consoles.demo?.draft).toBe('typing');
  });

  it('runs a live table: rows, live change, removal, pause and resume', async () => {
    const { s, bridge } = await setup();
    await s().connect('demo');
    s().setTableField('demo', 'path', '/interface');
    await s().startTable('demo');
    await until(() => expect(s().tables.demo?.status).toBe('live'));
    await until(() => expect(s().tables.demo?.rows.length).toBe(7));
    const before = s().tables.demo?.rows[1];
    setRow(bridge.demo, '/interface', 'ether1', { comment: 'hello' });
    await until(() => expect(s().tables.demo?.rows[0]?.comment).toBe('hello'));
    expect(s().tables.demo?.rows[1]).toBe(before);
    expect(s().tables.demo?.changed.get('*1')?.cols).toEqual(['comment']);
    s().setPaused('demo', true);
    removeRow(bridge.demo, '/interface', 'ether5');
    setRow(bridge.demo, '/interface', 'ether2', { mtu: '9000' });
    await until(() => expect(s().tables.demo?.queue?.upserts.has('*2')).toBe(true));
    await until(() => expect(s().tables.demo?.queue?.removes.has('*5')).toBe(true));
    expect(s().tables.demo?.rows.length).toBe(7);
    s().setPaused('demo', false);
    expect(s().tables.demo?.rows.length).toBe(6);
    expect(s().tables.demo?.rows.find((r) => r.name === 'ether2')?.mtu).toBe('9000');
    await s().stopTable('demo');
    expect(s().tables.demo?.status).toBe('stopped');
  });

  it('explains bad table input next to the field and sends nothing', async () => {
    const { s, bridge } = await setup();
    await s().connect('demo');
    s().setTableField('demo', 'path', '/interface');
    s().setTableField('demo', 'queryText', 'type=ether');
    await s().startTable('demo');
    expect(s().tables.demo?.fieldErrors.query).toMatch(/not a query word/);
    expect(bridge.calls.some((c) => c.channel === 'table:start')).toBe(false);
  });

  it('applies patches that arrive before table:start returns', async () => {
    const { api } = await inProcess();
    let release: () => void = () => undefined;
    // The first patch with the printed rows (a reset with rows, after the empty "loading" one).
    const printed = new Promise<void>((res) => api.on('table:patch', (p) => p.upsertCount > 0 && res()));
    const held = interceptApi(api, 'table:start', async (real) => {
      const r = await real();
      await new Promise<void>((res) => (release = res));
      return r;
    });
    const store = createAppStore(held);
    bindBridgeEvents(held, store);
    await store.getState().init();
    await store.getState().connect('demo');
    store.getState().setTableField('demo', 'path', '/ip/address');
    const starting = store.getState().startTable('demo');
    await printed;
    release();
    await starting;
    expect(store.getState().tables.demo?.rows.length).toBe(3);
  });

  it('saves connections; VALIDATION names the field', async () => {
    const { s } = await setup();
    const bad = await s().saveConnection(undefined, {
      name: 'r2',
      host: 'router two',
      port: 8728,
      transport: 'plain',
      user: 'admin',
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.detail?.field).toBe('input.host');
    const ok = await s().saveConnection(undefined, {
      name: 'r2',
      host: '10.0.0.2',
      port: 8728,
      transport: 'plain',
      user: 'admin',
      password: 'pw',
    });
    expect(ok.ok).toBe(true);
    expect(s().connections.map((c) => c.name)).toContain('r2');
    expect(s().connections.find((c) => c.name === 'r2')?.hasPassword).toBe(true);
    expect(s().dialog).toBeUndefined();
  });

  it('without a keychain: saves without the password in it and keeps it for this run', async () => {
    const sim = await router({ password: 'pw' });
    const { s, bridge } = await setup({ keychain: false });
    expect(s().notices.some((n) => /No OS keychain/.test(n.message))).toBe(true);
    const r = await s().saveConnection(undefined, {
      name: 'r2',
      host: sim.host,
      port: sim.port!,
      transport: 'plain',
      user: 'admin',
      password: 'pw',
    });
    // Main keeps it in memory for this run (design.md §5), so the save succeeds as it is.
    expect(r.ok).toBe(true);
    const saved = s().connections.find((c) => c.name === 'r2');
    expect(saved?.hasPassword).toBe(true);
    expect(bridge.keychain.items.size).toBe(0);
    // The router accepts only "pw": online means the password kept for this run logged in.
    await s().connect(saved?.id as string);
    expect(s().links[saved?.id as string]?.status).toBe('online');
  });

  it('asks for a password when none is stored and login fails', async () => {
    const sim = await router({ password: 'secret' });
    const { s } = await setup({ keychain: false });
    const r = await s().saveConnection(undefined, {
      name: 'r3',
      host: sim.host,
      port: sim.port!,
      transport: 'plain',
      user: 'admin',
    });
    const id = r.ok ? r.value.id : '';
    await s().connect(id);
    expect(s().dialog).toMatchObject({ kind: 'password', connectionId: id });
    await s().connect(id, 'secret');
    expect(s().links[id]?.status).toBe('online');
  });

  it('reports other connect failures in words with the hint', async () => {
    const { s, bridge } = await setup();
    // The router's API port is closed: the connection is refused.
    await bridge.demo.stop();
    await s().connect('demo');
    const n = s().notices.at(-1);
    expect(n?.level).toBe('error');
    expect(n?.message).toMatch(new RegExp(`^Connecting Demo router: cannot connect to 127\\.0\\.0\\.1:${bridge.demo.port}`));
    expect(n?.hint).toBeTruthy();
  });

  it('closing a workspace disconnects its router; Disconnect keeps the workspace', async () => {
    const { s } = await setup();
    await s().connect('demo');
    await s().disconnect('demo');
    expect(s().workspaces.map((w) => w.id)).toEqual(['demo']);
    await s().connect('demo');
    s().closeWorkspace('demo');
    await until(() => expect(s().links.demo?.status).toBe('offline'));
    expect(s().workspaces).toEqual([]);
  });

  it('duplicates and deletes; deleting closes the workspace', async () => {
    const { s } = await setup();
    await s().duplicateConnection('demo');
    const copy = s().connections.find((c) => c.name === 'Demo router (copy)');
    expect(s().selectedId).toBe(copy?.id);
    await s().connect('demo');
    await s().deleteConnection('demo');
    expect(s().connections.map((c) => c.id)).toEqual([copy?.id]);
    expect(s().workspaces).toEqual([]);
  });

  it('loads and follows the trace, filters nothing away by default, exports a download', async () => {
    const { s, downloads } = await setup();
    await s().connect('demo');
    await until(() => expect(s().traces.demo?.loaded).toBe(true));
    await s().sendCommand('demo', ['/system/identity/print']);
    await until(() =>
      expect(
        s()
          .traces.demo?.log.toArray()
          .some((e) => e.words[0] === '!done' && e.tag !== 'login'),
      ).toBe(true),
    );
    const seqs =
      s()
        .traces.demo?.log.toArray()
        .map((e) => e.seq) ?? [];
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(
      s()
        .traces.demo?.log.toArray()
        .find((e) => e.words[0] === '/login')?.words,
    ).toContain('=password=********');
    await s().exportTrace('demo', 'pcapng');
    expect(downloads[0]?.fileName).toMatch(/^Demo_router-.*\.pcapng$/);
    expect(downloads[0]?.data).toBeInstanceOf(Uint8Array);
    await s().exportTrace('demo', 'jsonl');
    // A header line, then one entry per line.
    expect(String(downloads[1]?.data).split('\n')[1]).toContain('"direction"');
  });

  it('imports a JSON Lines trace into its own workspace', async () => {
    const { s } = await setup();
    const line = JSON.stringify({ seq: 1, connectionId: 'x', time: 1, direction: 'out', words: ['/interface/print'], bytes: 18 });
    await s().importTrace('capture.jsonl', line + '\n');
    const ws = s().workspaces.find((w) => w.kind === 'import');
    expect(ws?.title).toBe('capture.jsonl');
    expect(ws?.tab).toBe('trace');
    expect(s().traces[ws?.id as string]?.log.length).toBe(1);
    await s().importTrace('broken.jsonl', 'not json\n');
    expect(s().notices.at(-1)?.message).toMatch(/Importing broken.jsonl: broken.jsonl line 1 is not valid JSON/);
  });

  it('every event enters the store through bindBridgeEvents, and unbinding stops them', async () => {
    const { s, bridge, unbind } = await setup();
    bridge.deliver('app:notice', { level: 'warning', message: 'hello from main' });
    expect(s().notices.at(-1)?.message).toBe('hello from main');
    unbind();
    bridge.deliver('app:notice', { level: 'warning', message: 'not seen' });
    expect(s().notices.at(-1)?.message).toBe('hello from main');
  });
});

describe('reattaching after a reload (issue 11 item 9)', () => {
  const snapshot: AppSnapshot = {
    consoles: [
      {
        connectionId: 'demo',
        commandId: 'c7',
        tag: 't7',
        words: ['/interface/print'],
        startedAt: 1000,
        status: 'done',
        rows: 3,
        elapsedMs: 12,
        replies: [
          { connectionId: 'demo', commandId: 'c7', kind: '!re', words: ['=name=ether2'], elapsedMs: 5 },
          { connectionId: 'demo', commandId: 'c7', kind: '!re', words: ['=name=ether3'], elapsedMs: 6 },
          { connectionId: 'demo', commandId: 'c7', kind: '!done', words: [], elapsedMs: 12 },
        ],
        repliesDropped: 1,
      },
      {
        connectionId: 'demo',
        commandId: 'c8',
        tag: 't8',
        words: ['/interface/listen'],
        startedAt: 2000,
        status: 'running',
        rows: 0,
        elapsedMs: 0,
        replies: [],
        repliesDropped: 0,
      },
    ],
    tables: [
      {
        tableId: 'tbl4',
        connectionId: 'demo',
        path: '/ip/address',
        query: ['?interface=ether1'],
        proplist: ['address', 'interface'],
        mode: 'listen',
        patch: {
          tableId: 'tbl4',
          connectionId: 'demo',
          reset: true,
          upsertsJson: JSON.stringify([
            { '.id': '*1', address: '10.0.0.1/24', interface: 'ether1' },
            { '.id': '*2', address: '10.0.1.1/24', interface: 'ether1' },
          ]),
          upsertCount: 2,
          removes: [],
          columns: ['.id', 'address', 'interface'],
          total: 2,
          updatesPerSecond: 0,
          status: 'live',
        },
      },
    ],
  };

  async function reloaded(snap: AppSnapshot = snapshot) {
    const bridge = await inProcess();
    const withSnap = interceptApi(bridge.api, 'app:snapshot', async () => ({ ok: true, value: structuredClone(snap) }));
    const store = createAppStore(withSnap);
    bindBridgeEvents(withSnap, store);
    return { api: withSnap, bridge, store, s: () => store.getState() };
  }

  it('a window that loads gets the console cards, the running table with its rows, and the workspace back', async () => {
    const { s, bridge } = await reloaded();
    // Events for them that raced the snapshot are already in it: not applied twice.
    bridge.deliver('console:replies', [snapshot.consoles[0]!.replies[0]!]);
    bridge.deliver('table:patch', { ...snapshot.tables[0]!.patch, reset: false, upsertsJson: '[]', upsertCount: 0 });
    await s().init();
    expect(s().workspaces.map((w) => w.id)).toEqual(['demo']);
    expect(s().activeWorkspaceId).toBe('demo');
    const cmds = s().consoles.demo!.commands;
    expect(cmds.map((c) => [c.commandId, c.status, c.rows])).toEqual([
      ['c7', 'done', 3],
      ['c8', 'running', 0],
    ]);
    expect(cmds[0]!.log.toArray().map((r) => r.kind)).toEqual(['!re', '!re', '!done']);
    expect(cmds[0]!.log.dropped).toBe(1);
    expect(cmds[0]!.kinds).toEqual({ '!re': 2, '!done': 1 });
    const t = s().tables.demo!;
    expect(t).toMatchObject({ tableId: 'tbl4', status: 'live', path: '/ip/address', runPath: '/ip/address', total: 2 });
    expect(t.queryText).toBe('?interface=ether1');
    expect(t.proplistText).toBe('address, interface');
    expect(t.rows.map((r) => r['.id'])).toEqual(['*1', '*2']);

    // Events after the snapshot go on from there: the running command and the table.
    s().applyConsoleReplies([{ connectionId: 'demo', commandId: 'c8', kind: '!re', words: ['=name=x'], elapsedMs: 1 }]);
    s().applyConsoleEnd({ connectionId: 'demo', commandId: 'c8', outcome: 'cancelled', rows: 1, elapsedMs: 9 });
    expect(s().consoles.demo!.commands[1]).toMatchObject({ status: 'cancelled', rows: 1 });
    s().applyTablePatch({
      tableId: 'tbl4',
      connectionId: 'demo',
      reset: false,
      upsertsJson: JSON.stringify([{ '.id': '*3', address: '10.0.2.1/24', interface: 'ether1' }]),
      upsertCount: 1,
      removes: ['*1'],
      total: 2,
      updatesPerSecond: 2,
      status: 'live',
    });
    expect(s().tables.demo!.rows.map((r) => r['.id'])).toEqual(['*2', '*3']);
  });

  it('Stop works on a reattached table, and Clear tells main to forget finished cards', async () => {
    const { api } = await inProcess();
    const calls: unknown[] = [];
    let wired = interceptApi(api, 'app:snapshot', async () => ({ ok: true, value: structuredClone(snapshot) }));
    wired = interceptApi(wired, 'table:stop', async (_real, args) => {
      calls.push(args);
      return { ok: true, value: { tableId: 'tbl4' } };
    });
    wired = interceptApi(wired, 'console:clear', async (_real, args) => {
      calls.push(args);
      return { ok: true, value: { connectionId: 'demo', cleared: 1 } };
    });
    const store = createAppStore(wired);
    const s = () => store.getState();
    await s().init();
    await s().stopTable('demo');
    expect(s().tables.demo!.status).toBe('stopped');
    s().clearConsole('demo');
    await until(() => expect(calls).toEqual([{ tableId: 'tbl4' }, { connectionId: 'demo' }]));
    expect(s().consoles.demo!.commands.map((c) => c.commandId)).toEqual(['c8']);
  });

  it('with nothing running, a load opens no workspace', async () => {
    const { s } = await reloaded({ consoles: [], tables: [] });
    await s().init();
    expect(s().workspaces).toEqual([]);
    expect(s().tables).toEqual({});
  });
});
