/**
 * The renderer benchmark's data source (bench.html only, never shipped): the smallest `Api` that
 * lets the real renderer show a Demo router, a live table under churn and a console holding a big
 * print, so that the numbers are the renderer's own. It models nothing of RouterOS: its rows are
 * the simulator's connection-tracking entries (simulator/src/conntrack.ts) and all randomness is
 * the simulator's seeded Rng. Renderer tests use the real services instead
 * (app-renderer/test/inprocess-bridge.ts).
 */
import type {
  Api,
  BridgeEvents,
  CallArgs,
  CallName,
  CallResult,
  ConsoleReply,
  EventName,
  LinkState,
  Result,
  Row,
  SavedConnection,
  Settings,
} from '../../app-main/src/common/contract';
import { connectionEntry } from '../../simulator/src/conntrack';
import { Rng } from '../../simulator/src/rng';

/** The columns a bench row keeps: as many as a typical narrow table (six). */
const COLUMNS = ['.id', 'protocol', 'src-address', 'dst-address', 'orig-packets', 'orig-bytes'] as const;
/** Replies per `console:replies` event, as the services batch them (consoleMaxBatch). */
const CONSOLE_BATCH = 2000;

const DEMO: SavedConnection = {
  id: 'demo',
  name: 'Demo router',
  host: '127.0.0.1',
  port: 8728,
  transport: 'plain',
  user: 'admin',
  group: '',
  encoding: 'utf-8',
  notes: '',
  hasPassword: true,
  demo: true,
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
};

export interface ChurnOptions {
  /** Patch interval, as the services' batchIntervalMs (default 100 ms). */
  batchMs?: number;
  seed?: number;
  /** Saved routers besides the Demo router (issue 15: the sidebar and fleet view at 2,000). */
  routers?: number;
  /** Of those, how many are connected (with router info and heartbeat health). */
  online?: number;
}

export interface ChurnSource {
  api: Api;
  /** Gives the menu at `path` `count` rows. */
  seed(path: string, count: number): void;
  /** Changes `perSecond` random rows of `path` per second; returns the stop function. */
  churn(path: string, perSecond: number): () => void;
  /** Sends `perSecond` heartbeat link states of connected routers per second (1,000 at 30 s: 33); returns the stop function. */
  heartbeats(perSecond: number): () => void;
}

export function createChurnSource(opts: ChurnOptions = {}): ChurnSource {
  const batchMs = opts.batchMs ?? 100;
  const rng = new Rng(opts.seed ?? 7);
  const menus = new Map<string, Map<string, Row>>();
  const tables = new Map<string, { path: string; changed: Set<string>; times: number[] }>();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  let nextTable = 1;
  let nextCommand = 1;

  const emit = <E extends EventName>(event: E, payload: BridgeEvents[E]) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  const newRow = (id: string): Row => {
    // Booleans as RouterOS 7 writes them.
    const c = connectionEntry(rng, (v) => (v ? 'true' : 'false'));
    const row: Row = { '.id': id };
    for (const k of COLUMNS) if (k !== '.id') row[k] = c[k] ?? '';
    return row;
  };
  // A fleet of saved routers (issue 15): names, groups and versions from the seeded Rng.
  const fleetSize = opts.routers ?? 0;
  const fleet: SavedConnection[] = [];
  const fleetLinks: LinkState[] = [];
  for (let i = 1; i <= fleetSize; i++) {
    const id = `r${i}`;
    fleet.push({
      ...DEMO,
      id,
      name: `router-${String(i).padStart(4, '0')}`,
      host: `10.${(i >> 8) & 255}.${i & 255}.1`,
      group: `site-${rng.int(1, 40)}`,
      demo: undefined,
      hasPassword: true,
    } as SavedConnection);
    if (i <= (opts.online ?? 0))
      fleetLinks.push({
        connectionId: id,
        status: 'online',
        transport: 'plain',
        encrypted: false,
        authenticated: false,
        connectedAt: Date.now(),
        router: {
          identity: `rtr${i}`,
          version: rng.pick(['7.20 (stable)', '7.19.4 (stable)', '7.12 (long-term)']),
          board: 'CHR',
        },
        health: { latencyMs: rng.int(1, 40), cpuLoad: rng.int(0, 100), uptimeSeconds: rng.int(60, 9_000_000), at: Date.now() },
      });
  }
  const settings: Settings = { theme: 'system', tableColumns: {}, traceScopes: {}, traceBufferMiB: 8 };
  const link: LinkState = { connectionId: 'demo', status: 'offline', transport: 'plain', encrypted: false, authenticated: false };

  const flush = () => {
    const now = performance.now();
    for (const [tableId, t] of tables) {
      if (!t.changed.size) continue;
      const rows = menus.get(t.path) as Map<string, Row>;
      const upserts = [...t.changed].map((id) => rows.get(id) as Row);
      t.times.push(now, upserts.length);
      while (t.times.length && (t.times[0] as number) < now - 1000) t.times.splice(0, 2);
      let perSecond = 0;
      for (let i = 1; i < t.times.length; i += 2) perSecond += t.times[i] as number;
      t.changed.clear();
      emit('table:patch', {
        tableId,
        connectionId: 'demo',
        reset: false,
        upsertsJson: JSON.stringify(upserts),
        upsertCount: upserts.length,
        removes: [],
        total: rows.size,
        updatesPerSecond: perSecond,
        status: 'live',
      });
    }
  };
  setInterval(flush, batchMs);

  const print = (commandId: string, rows: Row[]) => {
    const started = performance.now();
    let i = 0;
    const step = () => {
      const batch: ConsoleReply[] = [];
      for (const stop = Math.min(rows.length, i + CONSOLE_BATCH); i < stop; i++) {
        const words = ['!re', ...Object.entries(rows[i] as Row).map(([k, v]) => `=${k}=${v}`), `.tag=${commandId}`];
        batch.push({ connectionId: 'demo', commandId, kind: '!re', words, elapsedMs: performance.now() - started });
      }
      if (i >= rows.length)
        batch.push({ connectionId: 'demo', commandId, kind: '!done', words: ['!done'], elapsedMs: performance.now() - started });
      emit('console:replies', batch);
      if (i < rows.length) setTimeout(step, 0);
      else
        emit('console:end', {
          connectionId: 'demo',
          commandId,
          outcome: 'done',
          rows: rows.length,
          elapsedMs: performance.now() - started,
        });
    };
    setTimeout(step, 0);
  };

  const handlers: Partial<{ [K in CallName]: (args: CallArgs<K>) => CallResult<K> }> = {
    'app:info': () => ({
      name: 'Tikscope',
      version: 'bench',
      host: 'browser',
      platform: 'bench',
      dataDir: '',
      keychain: { available: true },
    }),
    'app:snapshot': () => ({ consoles: [], tables: [] }),
    'settings:get': () => ({ ...settings }),
    'settings:set': (args) => Object.assign(settings, args),
    'connections:list': () => ({ connections: [DEMO, ...fleet], notices: [] }),
    'link:states': () => [link, ...fleetLinks],
    'fleet:list': () => [],
    'link:connect': () => {
      Object.assign(link, {
        status: 'online',
        router: { identity: 'bench', version: '7.20 (stable)', board: 'CHR', architecture: 'x86_64' },
        connectedAt: Date.now(),
      });
      emit('link:state', { ...link });
      return { ...link };
    },
    'console:send': ({ words }) => {
      const commandId = `b${nextCommand++}`;
      const path = (words[0] ?? '').replace(/\/print$/, '');
      print(commandId, [...(menus.get(path)?.values() ?? [])]);
      return { commandId, tag: commandId };
    },
    'console:history': () => [],
    'console:clear': ({ connectionId }) => ({ connectionId, cleared: 0 }),
    'table:start': ({ path }) => {
      const tableId = `t${nextTable++}`;
      const rows = menus.get(path) ?? new Map<string, Row>();
      menus.set(path, rows);
      setTimeout(() => {
        emit('table:patch', {
          tableId,
          connectionId: 'demo',
          reset: true,
          upsertsJson: JSON.stringify([...rows.values()]),
          upsertCount: rows.size,
          removes: [],
          columns: [...COLUMNS],
          total: rows.size,
          updatesPerSecond: 0,
          status: 'live',
          loaded: rows.size,
        });
        tables.set(tableId, { path, changed: new Set(), times: [] });
      }, 0);
      return { tableId };
    },
    'table:stop': ({ tableId }) => {
      tables.delete(tableId);
      return { tableId };
    },
    'trace:get': ({ connectionId }) => ({
      connectionId,
      entries: [],
      dropped: 0,
      skipped: 0,
      scope: 'all',
      heldBytes: 0,
      capBytes: 0,
    }),
    'complete:children': () => ({ available: false, reason: 'bench', nodes: [], version: '7.20', cached: false }),
    'complete:values': () => ({ available: false, reason: 'bench', values: [], mayBeIncomplete: true }),
  };

  const api: Record<string, unknown> = {
    on(event: EventName, l: (p: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(l);
      return () => set.delete(l);
    },
  };
  for (const [name, handler] of Object.entries(handlers))
    api[name] = async (args: unknown): Promise<Result<unknown>> => ({
      ok: true,
      value: (handler as (a: unknown) => unknown)(args),
    });
  const missing = async (): Promise<Result<unknown>> => ({
    ok: false,
    error: { code: 'INTERNAL', message: 'Not part of the renderer benchmark.' },
  });

  return {
    api: new Proxy(api, { get: (t, k: string) => t[k] ?? missing }) as unknown as Api,
    seed(path, count) {
      const rows = new Map<string, Row>();
      for (let i = 1; i <= count; i++) {
        const id = `*${i.toString(16).toUpperCase()}`;
        rows.set(id, newRow(id));
      }
      menus.set(path, rows);
    },
    heartbeats(perSecond) {
      let carry = 0;
      const tickMs = 100;
      const timer = setInterval(() => {
        carry += (perSecond * tickMs) / 1000;
        const n = Math.floor(carry);
        carry -= n;
        for (let i = 0; i < n && fleetLinks.length; i++) {
          const l = rng.pick(fleetLinks);
          l.health = { ...l.health!, latencyMs: rng.int(1, 40), cpuLoad: rng.int(0, 100), at: Date.now() };
          emit('link:state', { ...l });
        }
      }, tickMs);
      return () => clearInterval(timer);
    },
    churn(path, perSecond) {
      const rows = menus.get(path) as Map<string, Row>;
      const ids = [...rows.keys()];
      let carry = 0;
      const tickMs = 50;
      const timer = setInterval(() => {
        carry += (perSecond * tickMs) / 1000;
        const n = Math.floor(carry);
        carry -= n;
        for (let i = 0; i < n; i++) {
          const id = rng.pick(ids);
          const row = rows.get(id) as Row;
          const p = rng.int(1, 40);
          // Counters move, as in the simulator's connection-tracking churn.
          const next: Row = {
            ...row,
            'orig-packets': String(Number(row['orig-packets']) + p),
            'orig-bytes': String(Number(row['orig-bytes']) + p * rng.int(52, 1500)),
          };
          rows.set(id, next);
          for (const t of tables.values()) if (t.path === path) t.changed.add(id);
        }
      }, tickMs);
      return () => clearInterval(timer);
    },
  };
}
