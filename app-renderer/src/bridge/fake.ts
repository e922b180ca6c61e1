import type {
  Api,
  AppInfo,
  BridgeError,
  BridgeEvents,
  BroadcastAnswer,
  BroadcastRouterResult,
  CallArgs,
  CallName,
  CallResult,
  ConnectionInput,
  ConsoleEnd,
  ConsoleReply,
  DiffFetchResult,
  DiffRouterRows,
  EventName,
  HistoryEntry,
  LinkState,
  ReplayRow,
  ReplaySentence,
  Result,
  Row,
  SavedConnection,
  Settings,
  TableStatus,
  TraceEntry,
  TransportKind,
} from '../../../app-main/src/common/contract';

/**
 * An in-memory implementation of the bridge contract: saved connections, links, a tiny RouterOS
 * model (menus with print / listen / set / add / remove, query words, `/cancel`), live tables,
 * traces. It lets the renderer be unit-tested without a browser, photographed without a host and
 * benchmarked in isolation (`window.tikscope` in the bench build). It follows the wire rules the
 * real services follow where the UI can observe them: `!trap` then `!done`, `!empty` on 7.18+,
 * `.dead=yes` on removal, patches batched per tick, passwords redacted in the trace.
 */

export interface FakeOptions {
  /** Event batching interval; 0 batches on the next macrotask. */
  batchMs?: number;
  keychain?: boolean;
  rosVersion?: string;
  /** Seed for the churn generator (bench), so runs are repeatable. */
  seed?: number;
  /** Initial saved connections (defaults to the Demo router). */
  connections?: SavedConnection[];
  now?: () => number;
}

type Listener = (p: unknown) => void;

interface Menu {
  rows: Map<string, Row>;
  nextId: number;
  listeners: Set<(row: Row, dead: boolean) => void>;
}

export class FakeRouter {
  readonly menus = new Map<string, Menu>();
  constructor(
    readonly identity: string,
    readonly version: string,
  ) {
    this.menu('/interface', [
      {
        name: 'ether1',
        type: 'ether',
        mtu: '1500',
        'mac-address': '4C:5E:0C:11:22:01',
        running: 'true',
        disabled: 'false',
        comment: 'uplink',
        'rx-byte': '918273645',
        'tx-byte': '123456789',
      },
      {
        name: 'ether2',
        type: 'ether',
        mtu: '1500',
        'mac-address': '4C:5E:0C:11:22:02',
        running: 'true',
        disabled: 'false',
        'rx-byte': '5512300',
        'tx-byte': '7712011',
      },
      {
        name: 'ether3',
        type: 'ether',
        mtu: '1500',
        'mac-address': '4C:5E:0C:11:22:03',
        running: 'false',
        disabled: 'false',
        'rx-byte': '0',
        'tx-byte': '0',
      },
      {
        name: 'ether4',
        type: 'ether',
        mtu: '1500',
        'mac-address': '4C:5E:0C:11:22:04',
        running: 'false',
        disabled: 'true',
        'rx-byte': '0',
        'tx-byte': '0',
      },
      {
        name: 'ether5',
        type: 'ether',
        mtu: '1500',
        'mac-address': '4C:5E:0C:11:22:05',
        running: 'true',
        disabled: 'false',
        'rx-byte': '33445566',
        'tx-byte': '22334455',
      },
      {
        name: 'bridge1',
        type: 'bridge',
        mtu: '1500',
        'mac-address': '4C:5E:0C:11:22:01',
        running: 'true',
        disabled: 'false',
        'rx-byte': '77123',
        'tx-byte': '88123',
      },
    ]);
    this.menu('/ip/address', [
      { address: '192.168.88.1/24', network: '192.168.88.0', interface: 'bridge1', disabled: 'false', dynamic: 'false' },
      { address: '10.0.0.2/30', network: '10.0.0.0', interface: 'ether1', disabled: 'false', dynamic: 'true' },
    ]);
    this.menu('/system/resource', [
      {
        uptime: '3d4h12m9s',
        version: `${version} (stable)`,
        'cpu-load': '3',
        'free-memory': '912539648',
        'total-memory': '1073741824',
        'board-name': 'CHR',
        'architecture-name': 'x86_64',
        platform: 'MikroTik',
      },
    ]);
    this.menu('/system/identity', [{ name: identity }]);
    this.menu('/ip/route', [
      { 'dst-address': '0.0.0.0/0', gateway: '10.0.0.1', distance: '1', active: 'true' },
      { 'dst-address': '192.168.88.0/24', gateway: 'bridge1', distance: '0', active: 'true' },
    ]);
    this.menu('/log', [
      { time: '12:00:01', topics: 'system,info', message: 'router rebooted' },
      { time: '12:00:05', topics: 'interface,info', message: 'ether1 link up (speed 1G, full duplex)' },
    ]);
  }

  menu(path: string, rows?: Row[]): Menu {
    let m = this.menus.get(path);
    if (!m) {
      m = { rows: new Map(), nextId: 1, listeners: new Set() };
      this.menus.set(path, m);
    }
    if (rows) for (const r of rows) this.add(path, r);
    return m;
  }

  add(path: string, row: Row): Row {
    const m = this.menu(path);
    const id = `*${(m.nextId++).toString(16).toUpperCase()}`;
    const full: Row = { '.id': id, ...row };
    m.rows.set(id, full);
    for (const l of m.listeners) l(full, false);
    return full;
  }

  /** Finds by `.id` or by name, as RouterOS does for `=.id=ether1` (protocol.md §4.2). */
  find(path: string, idOrName: string): Row | undefined {
    const m = this.menus.get(path);
    if (!m) return undefined;
    return m.rows.get(idOrName) ?? [...m.rows.values()].find((r) => r.name === idOrName);
  }

  set(path: string, idOrName: string, changes: Row): Row | undefined {
    const m = this.menus.get(path);
    const row = this.find(path, idOrName);
    if (!m || !row) return undefined;
    const next: Row = { ...row, ...changes };
    m.rows.set(row['.id'] as string, next);
    for (const l of m.listeners) l(next, false);
    return next;
  }

  remove(path: string, idOrName: string): boolean {
    const m = this.menus.get(path);
    const row = this.find(path, idOrName);
    if (!m || !row) return false;
    m.rows.delete(row['.id'] as string);
    for (const l of m.listeners) l({ '.id': row['.id'] as string }, true);
    return true;
  }

  /** Adds `count` synthetic rows (bench and progress tests). */
  seed(path: string, count: number): void {
    const m = this.menu(path);
    for (let i = 0; i < count; i++) {
      const id = `*${(m.nextId++).toString(16).toUpperCase()}`;
      m.rows.set(id, {
        '.id': id,
        name: `item-${i}`,
        address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        bytes: String(i * 7),
        packets: String(i),
        comment: '',
      });
    }
  }
}

/** Evaluates query words with the stack machine of protocol.md §4.4 (unbounded `true` floor). */
export function matchesQuery(row: Row, query: readonly string[]): boolean {
  const stack: boolean[] = [];
  const pop = () => (stack.length ? (stack.pop() as boolean) : true);
  for (const q of query) {
    const w = q.slice(1);
    if (w.startsWith('#')) {
      const ops = w.slice(1);
      for (let i = 0; i < ops.length; i++) {
        const c = ops[i] as string;
        if (c === '!') stack.push(!pop());
        else if (c === '&') stack.push(pop() && pop());
        else if (c === '|') {
          const a = pop();
          const b = pop();
          stack.push(a || b);
        } else if (c === '.') stack.push(stack.length ? (stack[stack.length - 1] as boolean) : true);
        else if (/[0-9]/.test(c)) {
          let j = i;
          while (j + 1 < ops.length && /[0-9]/.test(ops[j + 1] as string)) j++;
          const idx = Number(ops.slice(i, j + 1));
          const v = idx < stack.length ? (stack[stack.length - 1 - idx] as boolean) : true;
          if (j + 1 >= ops.length) stack.splice(0, stack.length, v);
          else stack.push(v);
          i = j;
        }
      }
      continue;
    }
    if (w.startsWith('-')) {
      stack.push(!(w.slice(1) in row));
      continue;
    }
    let op = '=';
    let body = w;
    if (w[0] === '<' || w[0] === '>' || w[0] === '=') {
      op = w[0];
      body = w.slice(1);
    }
    const eq = body.indexOf('=');
    if (eq < 0) {
      stack.push(body in row);
      continue;
    }
    const name = body.slice(0, eq);
    const value = body.slice(eq + 1);
    const have = row[name];
    if (op === '=') stack.push(have === value);
    else if (have === undefined) stack.push(false);
    else {
      const a = Number(have);
      const b = Number(value);
      const cmp = Number.isFinite(a) && Number.isFinite(b) && value !== '' ? a - b : have.localeCompare(value);
      stack.push(op === '<' ? cmp < 0 : cmp > 0);
    }
  }
  return stack.every(Boolean);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((n) => parseInt(n, 10));
  return a > major || (a === major && b >= minor);
}

export function demoConnection(now = Date.now()): SavedConnection {
  return {
    id: 'demo',
    name: 'Demo router',
    host: '127.0.0.1',
    port: 8728,
    transport: 'plain',
    user: 'admin',
    group: '',
    encoding: 'utf-8',
    notes: 'The built-in simulated router.',
    hasPassword: true,
    demo: true,
    createdAt: iso(now),
    updatedAt: iso(now),
  };
}

interface TableRun {
  tableId: string;
  connectionId: string;
  path: string;
  query: string[];
  proplist: string[];
  rows: Map<string, Row>;
  columns: string[];
  pendingUpserts: Map<string, Row>;
  pendingRemoves: Set<string>;
  pendingColumns: boolean;
  reset: boolean;
  status: TableStatus;
  loaded?: number;
  updateTimes: number[];
  stop: () => void;
}

interface CommandRun {
  commandId: string;
  connectionId: string;
  tag: string;
  started: number;
  rows: number;
  ended: boolean;
  stop?: () => void;
  /** Broadcast: replies and the end go here instead of the console events. */
  tap?: { onReply(r: ConsoleReply): void; onEnd(end: ConsoleEnd): void };
}

export class FakeBackend {
  readonly connections: SavedConnection[];
  readonly passwords = new Map<string, string>();
  readonly runPasswords = new Map<string, string>();
  settings: Settings = { theme: 'system', tableColumns: {}, traceScopes: {}, traceBufferMiB: 8 };
  readonly links = new Map<string, LinkState>();
  readonly routers = new Map<string, FakeRouter>();
  readonly history = new Map<string, HistoryEntry[]>();
  readonly traces = new Map<string, { seq: number; entries: TraceEntry[]; dropped: number }>();
  readonly tables = new Map<string, TableRun>();
  readonly commands = new Map<string, CommandRun>();
  readonly calls: { channel: CallName; args: unknown }[] = [];
  /** Errors to return from the next `link:connect` of a connection (tests). */
  readonly connectFailures = new Map<string, BridgeError & { presented?: string }>();
  /** Deleted connections that Undo can still bring back (main keeps them 15 s). */
  private readonly deleted = new Map<string, { conn: SavedConnection; index: number; password?: string; until: number }>();
  /** Reconnects scheduled by `dropLink`; Connect (Retry now) or Disconnect replaces them. */
  private readonly dropTimers = new Map<string, ReturnType<typeof setTimeout>>();
  keychain: boolean;
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private readonly batchMs: number;
  private readonly rosVersion: string;
  private readonly now: () => number;
  private nextCommand = 1;
  private nextTable = 1;
  private nextImport = 1;
  private replyQueue: ConsoleReply[] = [];
  private traceQueue = new Map<string, TraceEntry[]>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private churnTimers = new Set<ReturnType<typeof setInterval>>();
  private readonly random: () => number;

  constructor(opts: FakeOptions = {}) {
    this.batchMs = opts.batchMs ?? 50;
    this.keychain = opts.keychain ?? true;
    this.rosVersion = opts.rosVersion ?? '7.19.3';
    this.now = opts.now ?? (() => Date.now());
    this.random = mulberry32(opts.seed ?? 1);
    this.connections = opts.connections ? [...opts.connections] : [demoConnection(this.now())];
  }

  on(event: EventName, l: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(l);
    return () => set.delete(l);
  }

  emit<E extends EventName>(event: E, payload: BridgeEvents[E]): void {
    const set = this.listeners.get(event);
    if (set) for (const l of [...set]) l(payload);
  }

  router(connectionId: string): FakeRouter {
    let r = this.routers.get(connectionId);
    if (!r) {
      const c = this.connections.find((x) => x.id === connectionId);
      r = new FakeRouter(c?.demo ? 'demo-router' : (c?.name ?? 'router').toLowerCase().replace(/\s+/g, '-'), this.rosVersion);
      this.routers.set(connectionId, r);
    }
    return r;
  }

  /** Changes `updatesPerSecond` random rows of a menu per second (bench); returns a stop function. */
  churn(connectionId: string, path: string, updatesPerSecond: number, tickMs = 50): () => void {
    const router = this.router(connectionId);
    const menu = router.menu(path);
    let ids = [...menu.rows.keys()];
    let carry = 0;
    let counter = 0;
    const timer = setInterval(() => {
      if (ids.length !== menu.rows.size) ids = [...menu.rows.keys()];
      carry += (updatesPerSecond * tickMs) / 1000;
      const n = Math.floor(carry);
      carry -= n;
      for (let i = 0; i < n && ids.length; i++) {
        const id = ids[Math.floor(this.random() * ids.length)] as string;
        counter++;
        router.set(path, id, { bytes: String(counter * 1500), packets: String(counter) });
      }
    }, tickMs);
    this.churnTimers.add(timer);
    return () => {
      clearInterval(timer);
      this.churnTimers.delete(timer);
    };
  }

  dispose(): void {
    for (const t of this.churnTimers) clearInterval(t);
    this.churnTimers.clear();
    for (const t of this.tables.values()) t.stop();
    for (const c of this.commands.values()) c.stop?.();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  // -------------------------------------------------------------------------------------------
  // batching

  private schedule(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.batchMs);
  }

  /** Emits everything queued now (tests call it to avoid waiting for the batch timer). */
  flush(): void {
    if (this.replyQueue.length) {
      const batch = this.replyQueue;
      this.replyQueue = [];
      this.emit('console:replies', batch);
    }
    // Like main: at most 500 entries per event, the newest; older ones stay fetchable (trace:get).
    for (const [connectionId, entries] of this.traceQueue)
      this.emit('trace:entries', { connectionId, entries: entries.slice(-500) });
    this.traceQueue.clear();
    for (const t of this.tables.values()) this.flushTable(t);
  }

  private trace(connectionId: string, direction: 'in' | 'out' | 'note', words: string[]): void {
    let t = this.traces.get(connectionId);
    if (!t) this.traces.set(connectionId, (t = { seq: 0, entries: [], dropped: 0 }));
    const tag = words.find((w) => w.startsWith('.tag='))?.slice(5);
    const entry: TraceEntry = {
      seq: ++t.seq,
      connectionId,
      time: this.now(),
      direction,
      words: words.map((w) => (w.startsWith('=password=') ? '=password=********' : w)),
      bytes: direction === 'note' ? 0 : words.reduce((n, w) => n + w.length + 1, 1),
      ...(tag !== undefined ? { tag } : {}),
      // Like main: link events are pinned.
      ...(direction === 'note' && words[0]?.startsWith('link ') ? { pinned: true as const } : {}),
    };
    t.entries.push(entry);
    // Trim in steps, not per entry: a splice per push would make long prints quadratic.
    if (t.entries.length > 25_000) {
      t.dropped += t.entries.length - 20_000;
      t.entries.splice(0, t.entries.length - 20_000);
    }
    let q = this.traceQueue.get(connectionId);
    if (!q) this.traceQueue.set(connectionId, (q = []));
    q.push(entry);
    this.schedule();
  }

  private reply(run: CommandRun, words: string[]): void {
    if (run.ended) return;
    const full = [...words, `.tag=${run.tag}`];
    this.trace(run.connectionId, 'in', full);
    const kind = words[0] ?? '';
    if (kind === '!re') run.rows++;
    const reply: ConsoleReply = {
      connectionId: run.connectionId,
      commandId: run.commandId,
      kind,
      words: full,
      elapsedMs: this.now() - run.started,
    };
    if (run.tap) return run.tap.onReply(reply);
    this.replyQueue.push(reply);
    this.schedule();
  }

  private end(run: CommandRun, outcome: 'done' | 'trap' | 'cancelled' | 'outcome-unknown', error?: BridgeError): void {
    if (run.ended) return;
    this.flush();
    run.ended = true;
    this.commands.delete(run.commandId);
    const elapsedMs = this.now() - run.started;
    const hist = this.history.get(run.connectionId)?.find((h) => h.id === run.commandId);
    if (hist) Object.assign(hist, { outcome, rows: run.rows, elapsedMs });
    const end: ConsoleEnd = {
      connectionId: run.connectionId,
      commandId: run.commandId,
      outcome,
      rows: run.rows,
      elapsedMs,
      ...(error ? { error } : {}),
    };
    if (run.tap) run.tap.onEnd(end);
    else this.emit('console:end', end);
  }

  // -------------------------------------------------------------------------------------------
  // table runs

  private flushTable(t: TableRun): void {
    if (!t.reset && !t.pendingUpserts.size && !t.pendingRemoves.size && !t.pendingColumns) return;
    const now = this.now();
    const changed = t.pendingUpserts.size + t.pendingRemoves.size;
    // One [time, count] pair per flush: the rate over the last second without a per-update array.
    t.updateTimes.push(now, changed);
    let drop = 0;
    while (drop < t.updateTimes.length && (t.updateTimes[drop] as number) < now - 1000) drop += 2;
    if (drop) t.updateTimes.splice(0, drop);
    let perSecond = 0;
    for (let i = 1; i < t.updateTimes.length; i += 2) perSecond += t.updateTimes[i] as number;
    const patch = {
      tableId: t.tableId,
      connectionId: t.connectionId,
      reset: t.reset,
      // Rows travel as one JSON text, as from the real services (contract: upsertsJson).
      upsertsJson: JSON.stringify([...t.pendingUpserts.values()]),
      upsertCount: t.pendingUpserts.size,
      removes: [...t.pendingRemoves],
      ...(t.pendingColumns ? { columns: [...t.columns] } : {}),
      total: t.rows.size,
      updatesPerSecond: perSecond,
      status: t.status,
      ...(t.loaded !== undefined ? { loaded: t.loaded } : {}),
    };
    t.reset = false;
    t.pendingUpserts = new Map();
    t.pendingRemoves = new Set();
    t.pendingColumns = false;
    this.emit('table:patch', patch);
  }

  private tableUpsert(t: TableRun, row: Row): void {
    const shown: Row = t.proplist.length
      ? Object.fromEntries(Object.entries(row).filter(([k]) => k === '.id' || t.proplist.includes(k)))
      : row;
    const prev = t.rows.get(shown['.id'] as string);
    const merged = prev ? { ...prev, ...shown } : shown;
    t.rows.set(merged['.id'] as string, merged);
    t.pendingRemoves.delete(merged['.id'] as string);
    t.pendingUpserts.set(merged['.id'] as string, merged);
    for (const k of Object.keys(merged)) {
      if (!t.columns.includes(k)) {
        t.columns.push(k);
        t.pendingColumns = true;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // handlers

  private linkState(c: SavedConnection, patch: Partial<LinkState>): LinkState {
    const base: LinkState = {
      connectionId: c.id,
      status: 'offline',
      transport: c.transport,
      encrypted: c.transport !== 'plain',
      authenticated: c.transport === 'tls-verify' || c.transport === 'tls-pinned',
    };
    const s = { ...base, ...patch } as LinkState;
    this.links.set(c.id, s);
    this.emit('link:state', s);
    return s;
  }

  private conn(id: string): SavedConnection {
    const c = this.connections.find((x) => x.id === id);
    if (!c)
      throw {
        code: 'NOT_FOUND',
        message: `No saved connection with id ${id}.`,
        hint: 'It may have been deleted; pick another router.',
      } satisfies BridgeError;
    return c;
  }

  private online(connectionId: string): SavedConnection {
    const c = this.conn(connectionId);
    if (this.links.get(connectionId)?.status !== 'online') {
      throw {
        code: 'NOT_CONNECTED',
        message: `${c.name} is not connected.`,
        hint: 'Press Connect first; commands are never queued while offline.',
      } satisfies BridgeError;
    }
    return c;
  }

  /** Simulates a router restart for the reconnect tests: drop, back off, come back. */
  dropLink(connectionId: string, backInMs: number): void {
    const c = this.conn(connectionId);
    for (const t of [...this.tables.values()].filter((t) => t.connectionId === connectionId)) {
      t.status = 'resubscribing';
      this.flushTable(t);
    }
    this.linkState(c, {
      status: 'backoff',
      reason: 'Connection lost: the router closed the connection.',
      errorCode: 'NETWORK',
      nextAttemptAt: this.now() + backInMs,
      attempt: 1,
    });
    clearTimeout(this.dropTimers.get(connectionId));
    this.dropTimers.set(
      connectionId,
      setTimeout(() => {
        this.dropTimers.delete(connectionId);
        this.linkState(c, this.onlinePatch(c));
        for (const t of [...this.tables.values()].filter((t) => t.connectionId === connectionId)) {
          t.status = 'live';
          t.reset = true;
          this.flushTable(t);
        }
      }, backInMs),
    );
  }

  private onlinePatch(c: SavedConnection): Partial<LinkState> {
    const r = this.router(c.id);
    return {
      status: 'online',
      router: { identity: r.identity, version: this.rosVersion, board: 'CHR', architecture: 'x86_64' },
      connectedAt: this.now(),
    };
  }

  readonly handlers: { [K in CallName]: (args: CallArgs<K>) => Promise<CallResult<K>> | CallResult<K> } = {
    'app:info': (): AppInfo => ({
      name: 'Tikscope',
      version: '0.1.0',
      host: 'browser',
      platform: 'fake',
      dataDir: '/fake',
      keychain: this.keychain
        ? { available: true }
        : {
            available: false,
            reason: 'no-secret-service',
            hint: 'Install and unlock a Secret Service (gnome-keyring) to keep passwords between runs.',
          },
    }),
    'settings:get': () => this.settings,
    'settings:set': (args) => {
      this.settings = { ...this.settings, ...args };
      return this.settings;
    },
    'connections:list': () => ({ connections: [...this.connections], notices: [] }),
    'connections:save': ({ id, input }) => this.save(id, input),
    'connections:duplicate': ({ id }) => {
      const c = this.conn(id);
      const copy: SavedConnection = {
        ...c,
        id: `c${this.connections.length + 1}-${Math.floor(this.random() * 1e6)}`,
        name: `${c.name} (copy)`,
        demo: c.demo,
        createdAt: iso(this.now()),
        updatedAt: iso(this.now()),
      };
      if (this.passwords.has(c.id)) this.passwords.set(copy.id, this.passwords.get(c.id) as string);
      this.connections.push(copy);
      this.changed();
      return copy;
    },
    'connections:delete': ({ id }) => {
      const conn = this.conn(id);
      const i = this.connections.findIndex((c) => c.id === id);
      this.connections.splice(i, 1);
      const password = this.passwords.get(id);
      this.deleted.set(id, { conn, index: i, ...(password !== undefined ? { password } : {}), until: this.now() + 15_000 });
      this.passwords.delete(id);
      this.changed();
      return { id };
    },
    'connections:restore': ({ id }) => {
      const d = this.deleted.get(id);
      this.deleted.delete(id);
      if (!d || d.until < this.now())
        throw {
          code: 'NOT_FOUND',
          message: `The deleted connection ${id} can no longer be restored.`,
          hint: 'Undo is possible for 10 s after a delete; add the connection again.',
        } satisfies BridgeError;
      if (d.password !== undefined) this.passwords.set(id, d.password);
      this.connections.splice(Math.min(d.index, this.connections.length), 0, d.conn);
      this.changed();
      return d.conn;
    },
    'connections:trust': ({ id, fingerprint256 }) => {
      const c = this.conn(id);
      c.fingerprint256 = fingerprint256;
      this.changed();
      return c;
    },
    'link:connect': ({ id, password }) => {
      const c = this.conn(id);
      if (password !== undefined) this.runPasswords.set(id, password);
      clearTimeout(this.dropTimers.get(id));
      this.dropTimers.delete(id);
      const failure = this.connectFailures.get(id);
      this.linkState(c, { status: 'connecting' });
      if (failure) {
        this.connectFailures.delete(id);
        const status = failure.code === 'LOGIN_FAILED' ? 'auth-failed' : 'failed';
        this.linkState(c, {
          status,
          reason: failure.message,
          errorCode: failure.code,
          ...(failure.presented ? { presentedFingerprint256: failure.presented } : {}),
        });
        const { presented: _p, ...error } = failure;
        throw error;
      }
      if (!c.demo && !c.hasPassword && !this.runPasswords.has(id)) {
        const s = this.linkState(c, {
          status: 'auth-failed',
          reason: 'Login failed: no password is stored for this router.',
          errorCode: 'LOGIN_FAILED',
        });
        throw {
          code: 'LOGIN_FAILED',
          message: s.reason as string,
          hint: 'Enter the password (Edit) or connect with a password for this run.',
        } satisfies BridgeError;
      }
      this.trace(id, 'note', ['link connecting', '=attempt=1']);
      this.trace(id, 'out', ['/login', `=name=${c.user}`, '=password=secret', '.tag=login']);
      this.trace(id, 'in', ['!done', '.tag=login']);
      this.trace(id, 'note', ['link logged-in', `=identity=${c.name}`, '=attempt=1']);
      return this.linkState(c, this.onlinePatch(c));
    },
    'link:disconnect': ({ id }) => {
      const c = this.conn(id);
      clearTimeout(this.dropTimers.get(id));
      this.dropTimers.delete(id);
      for (const t of [...this.tables.values()]) if (t.connectionId === id) t.stop();
      // As in main: the session closes under commands still running; their outcome is unknown.
      for (const run of [...this.commands.values()])
        if (run.connectionId === id && !run.tap) {
          run.stop?.();
          this.end(run, 'outcome-unknown');
        }
      if (this.traces.has(id)) this.trace(id, 'note', ['link disconnected']);
      return this.linkState(c, { status: 'offline' });
    },
    'link:states': () => this.connections.map((c) => this.links.get(c.id) ?? this.linkStateQuiet(c)),
    'console:send': ({ connectionId, words }) => this.send(connectionId, words),
    'console:cancel': ({ commandId }) => {
      const run = this.commands.get(commandId);
      if (!run) throw { code: 'NOT_FOUND', message: 'That command has already finished.' } satisfies BridgeError;
      this.trace(run.connectionId, 'out', ['/cancel', `=tag=${run.tag}`]);
      run.stop?.();
      this.reply(run, ['!trap', '=category=2', '=message=interrupted']);
      this.reply(run, ['!done']);
      this.end(run, 'cancelled');
      return { commandId };
    },
    // The fake keeps no cards or rows for a reload: a window that loads finds nothing running.
    'app:snapshot': () => ({ consoles: [], tables: [] }),
    'console:clear': ({ connectionId }) => ({ connectionId, cleared: 0 }),
    'console:history': ({ connectionId, search, limit }) => {
      let h = [...(this.history.get(connectionId) ?? [])].reverse();
      if (search) h = h.filter((e) => e.words.join('\n').toLowerCase().includes(search.toLowerCase()));
      return h.slice(0, limit ?? 200);
    },
    'table:start': (args) => this.startTable(args),
    'table:stop': ({ tableId }) => {
      const t = this.tables.get(tableId);
      if (!t) throw { code: 'NOT_FOUND', message: 'That table is not running.' } satisfies BridgeError;
      t.stop();
      return { tableId };
    },
    'trace:get': ({ connectionId, sinceSeq, limit }) => {
      const t = this.traces.get(connectionId) ?? { seq: 0, entries: [], dropped: 0 };
      let entries = t.entries.filter((e) => e.seq > (sinceSeq ?? 0));
      if (limit) entries = entries.slice(-limit);
      return {
        connectionId,
        entries,
        dropped: t.dropped,
        skipped: 0,
        scope: this.settings.traceScopes[connectionId] ?? 'all',
        heldBytes: entries.reduce((n, e) => n + e.bytes, 0),
        capBytes: this.settings.traceBufferMiB << 20,
      };
    },
    'trace:export': ({ connectionId, format }) => {
      const t = this.traces.get(connectionId) ?? { seq: 0, entries: [], dropped: 0 };
      if (format === 'jsonl')
        return {
          fileName: `trace-${connectionId}.jsonl`,
          mime: 'application/x-ndjson',
          data: t.entries.map((e) => JSON.stringify(e)).join('\n') + '\n',
          encoding: 'utf-8',
        };
      if (format === 'text')
        return {
          fileName: `trace-${connectionId}.txt`,
          mime: 'text/plain',
          data: t.entries
            .map(
              (e) =>
                e.words.map((w) => `${e.direction === 'out' ? '<<<' : '>>>'} ${w}`).join('\n') +
                `\n${e.direction === 'out' ? '<<<' : '>>>'} \n`,
            )
            .join(''),
          encoding: 'utf-8',
        };
      return {
        fileName: `trace-${connectionId}.pcapng`,
        mime: 'application/vnd.tcpdump.pcap',
        data: btoa('\x0a\x0d\x0d\x0afake'),
        encoding: 'base64',
      };
    },
    'trace:import': ({ fileName, content }) => {
      const id = `import:${this.nextImport++}`;
      const entries: TraceEntry[] = [];
      content.split('\n').forEach((line, i) => {
        if (!line.trim()) return;
        let e: TraceEntry;
        try {
          e = JSON.parse(line) as TraceEntry;
        } catch {
          throw {
            code: 'VALIDATION',
            message: `${fileName} line ${i + 1} is not JSON.`,
            hint: 'Import a JSON Lines trace exported by Tikscope.',
            detail: { line: i + 1 },
          } satisfies BridgeError;
        }
        entries.push({ ...e, connectionId: id });
      });
      this.traces.set(id, { seq: entries.length, entries, dropped: 0 });
      return {
        connectionId: id,
        entries,
        dropped: 0,
        skipped: 0,
        scope: 'all',
        heldBytes: entries.reduce((n, e) => n + e.bytes, 0),
        capBytes: 8 << 20,
      };
    },
    'trace:close': ({ connectionId }) => ({ connectionId, closed: this.traces.delete(connectionId) }),
    'trace:clear': ({ connectionId }) => {
      this.traces.delete(connectionId);
      return { connectionId };
    },
    // The fake router has no /console/inspect: the console falls back to its own suggestions,
    // exactly as with a real router that lacks it.
    'complete:children': () => ({
      available: false,
      reason: 'the fake bridge has no /console/inspect',
      nodes: [],
      version: this.rosVersion,
      cached: false,
    }),
    'complete:values': () => ({
      available: false,
      reason: 'the fake bridge has no /console/inspect',
      values: [],
      mayBeIncomplete: true,
    }),
    'broadcast:send': (args) => this.broadcast(args),
    // The fake answers a broadcast in one go, so there is never one running to cancel.
    'broadcast:cancel': ({ broadcastId }) => ({ broadcastId, running: false }),
    'diff:fetch': (args) => this.diffFetch(args),
    'replay:plan': ({ sourceId }) => ({
      sourceId,
      sentences: this.replaySentences(sourceId),
      skipped: { login: 0, cancel: 0, quit: 0, older: 0 },
    }),
    // The fake answers a replay in one go, so there is never one running to stop.
    'replay:cancel': ({ targetId }) => ({ targetId, running: false }),
    'replay:run': ({ sourceId, targetId, seqs, confirmedWrites }) => {
      const target = this.conn(targetId);
      if (this.links.get(targetId)?.status !== 'online')
        throw {
          code: 'NOT_CONNECTED',
          message: `${target.name} is not connected`,
          hint: 'Connect to the router first.',
        } satisfies BridgeError;
      const chosen = this.replaySentences(sourceId).filter((s) => seqs.includes(s.seq));
      const unconfirmed = chosen.filter((s) => !s.readOnly && !confirmedWrites.includes(s.seq));
      if (unconfirmed.length) {
        throw {
          code: 'VALIDATION',
          message: `${unconfirmed.length} selected sentences change the router and were not confirmed. Nothing was sent.`,
          detail: { field: 'confirmedWrites' },
        } satisfies BridgeError;
      }
      // The stand-in sends the words and answers every one as recorded.
      const rows: ReplayRow[] = chosen.map((s, i) => {
        this.emit('replay:progress', {
          replayId: 'r1',
          sourceId,
          targetId,
          done: i,
          total: chosen.length,
          command: s.words[0] as string,
        });
        this.trace(targetId, 'out', [...s.words, `.tag=r${i}`]);
        this.trace(targetId, 'in', ['!done', `.tag=r${i}`]);
        return {
          seq: s.seq,
          words: s.words,
          readOnly: s.readOnly,
          streaming: s.streaming,
          recorded: s.recorded,
          replayed: { ...s.recorded, elapsedMs: 1, bounded: false },
          verdict: 'same',
          differences: [],
          notes: [],
        };
      });
      this.emit('replay:progress', { replayId: 'r1', sourceId, targetId, done: rows.length, total: rows.length });
      return {
        replayId: 'r1',
        sourceId,
        targetId,
        startedAt: this.now(),
        elapsedMs: rows.length,
        rows,
        same: rows.length,
        differs: 0,
      };
    },
    'repro:export': ({ connectionId, description }) => {
      const c = this.connections.find((x) => x.id === connectionId);
      const t = this.traces.get(connectionId) ?? { seq: 0, entries: [], dropped: 0 };
      const bundle = {
        format: 'tikscope-repro',
        version: 1,
        description,
        connection: c
          ? { name: c.name, host: c.host, port: c.port, transport: c.transport, user: c.user, encoding: c.encoding }
          : { name: connectionId },
        router: { known: true, version: this.rosVersion },
        trace: t.entries,
      };
      return {
        fileName: `${c?.name ?? 'trace'}.tikscope-repro.json`,
        mime: 'application/json',
        data: JSON.stringify(bundle, null, 2),
        encoding: 'utf-8',
      };
    },
  };

  /**
   * The real rule lives in the main process (services/broadcast.ts); this is the same allow-list of
   * read verbs, kept small, so the confirmation step can be exercised without a host.
   */
  private async broadcast(args: CallArgs<'broadcast:send'>): Promise<BroadcastAnswer> {
    const names = args.connectionIds.map((id) => this.conn(id).name);
    const command = args.words[0] ?? '';
    const verb = command.slice(command.lastIndexOf('/') + 1);
    const readOnly =
      ['print', 'getall', 'get', 'listen', 'monitor', 'monitor-traffic'].includes(verb) || command === '/console/inspect';
    if (!readOnly && !args.confirmed)
      return { status: 'needs-confirmation', command, reason: `"${verb}" is not a read-only command`, routers: names };
    const started = this.now();
    const runOne = (id: string): Promise<BroadcastRouterResult> =>
      new Promise((resolve) => {
        const c = this.conn(id);
        const base: BroadcastRouterResult = {
          connectionId: id,
          name: c.name,
          outcome: 'failed',
          rows: 0,
          replies: [],
          repliesDropped: 0,
          elapsedMs: 0,
        };
        if (this.links.get(id)?.status !== 'online') {
          resolve({
            ...base,
            outcome: 'not-connected',
            error: { code: 'NOT_CONNECTED', message: `${c.name} is not connected.`, hint: 'Connect it first.' },
          });
          return;
        }
        const ref = this.send(id, args.words, {
          onReply: (r) => base.replies.push({ kind: r.kind, words: r.words, elapsedMs: r.elapsedMs }),
          onEnd: (end) =>
            resolve({
              ...base,
              commandId: ref.commandId,
              tag: ref.tag,
              // Like the real broadcast: an unconfirmed cancel is a cancel whose error says so.
              outcome: end.outcome === 'cancel-unconfirmed' ? 'cancelled' : end.outcome,
              rows: end.rows,
              elapsedMs: end.elapsedMs,
              ...(end.error ? { error: end.error } : {}),
            }),
        });
      });
    const results: BroadcastRouterResult[] = [];
    if (args.stopOnFirstError) {
      let stopper: BroadcastRouterResult | undefined;
      for (const id of args.connectionIds) {
        if (stopper) {
          results.push({
            connectionId: id,
            name: this.conn(id).name,
            outcome: 'skipped',
            rows: 0,
            replies: [],
            repliesDropped: 0,
            elapsedMs: 0,
            error: { code: 'CANCELLED', message: `not sent: ${stopper.name} ended ${stopper.outcome}` },
          });
          continue;
        }
        const r = await runOne(id);
        results.push(r);
        if (r.outcome !== 'done') stopper = r;
      }
    } else results.push(...(await Promise.all(args.connectionIds.map(runOne))));
    return {
      status: 'sent',
      result: {
        broadcastId: `b${this.nextCommand}`,
        words: args.words,
        readOnly,
        stopOnFirstError: !!args.stopOnFirstError,
        startedAt: started,
        elapsedMs: this.now() - started,
        results,
      },
    };
  }

  private diffFetch(args: CallArgs<'diff:fetch'>): DiffFetchResult {
    const path = args.path.replace(/\/+$/, '');
    const routers = args.connectionIds.map((id): DiffRouterRows => {
      const c = this.conn(id);
      const base: DiffRouterRows = { connectionId: id, name: c.name, outcome: 'done', rows: [], truncated: false, elapsedMs: 1 };
      if (this.links.get(id)?.status !== 'online')
        return {
          ...base,
          outcome: 'not-connected',
          error: { code: 'NOT_CONNECTED', message: `${c.name} is not connected.`, hint: 'Connect it first.' },
        };
      const router = this.router(id);
      const menu = router.menus.get(path);
      if (!menu)
        return {
          ...base,
          outcome: 'trap',
          error: { code: 'TRAP', message: `${c.name}: no such command or directory (${path.split('/').pop()})` },
        };
      const props = args.proplist ?? [];
      const rows = [...menu.rows.values()]
        .filter((r) => matchesQuery(r, args.query ?? []))
        .map((r) => (props.length ? Object.fromEntries(Object.entries(r).filter(([k]) => props.includes(k))) : { ...r }));
      return { ...base, identity: router.identity, version: this.rosVersion, rows };
    });
    return { path, query: args.query ?? [], proplist: args.proplist ?? [], fetchedAt: this.now(), rowCap: 50_000, routers };
  }

  /** A small stand-in for main's replay-core: out sentences, read-only by the last path segment. */
  private replaySentences(sourceId: string): ReplaySentence[] {
    const entries = this.traces.get(sourceId)?.entries ?? [];
    const out: ReplaySentence[] = [];
    for (const e of entries) {
      const command = e.words[0] ?? '';
      if (e.direction !== 'out' || ['/login', '/cancel', '/quit'].includes(command)) continue;
      const words = e.words.filter((w) => !w.startsWith('.tag='));
      const replies = entries.filter((r) => r.direction === 'in' && r.tag !== undefined && r.tag === e.tag);
      const trap = replies.find((r) => r.words[0] === '!trap');
      const done = replies.some((r) => r.words[0] === '!done');
      const s: ReplaySentence = {
        seq: e.seq,
        words,
        readOnly:
          /\/(print|getall|get|listen|monitor|monitor-traffic|inspect)$/.test(command) &&
          !words.some((w) => w.startsWith('=file=')),
        streaming: command.endsWith('/listen') || words.some((w) => /^=(follow|follow-only|interval)=/.test(w)),
        background: false,
        recorded: {
          outcome: trap ? 'trap' : done ? 'done' : 'open',
          replies: replies.filter((r) => r.words[0] === '!re').length,
        },
      };
      if (e.tag !== undefined) s.tag = e.tag;
      out.push(s);
    }
    return out;
  }

  private linkStateQuiet(c: SavedConnection): LinkState {
    return {
      connectionId: c.id,
      status: 'offline',
      transport: c.transport,
      encrypted: c.transport !== 'plain',
      authenticated: c.transport === 'tls-verify' || c.transport === 'tls-pinned',
    };
  }

  private changed(): void {
    this.emit('connections:changed', { connections: [...this.connections], notices: [] });
  }

  private save(id: string | undefined, input: ConnectionInput): SavedConnection {
    const bad = (field: string, message: string): BridgeError => ({
      code: 'VALIDATION',
      message,
      hint: 'Correct the field and save again.',
      detail: { field },
    });
    if (!input.name.trim()) throw bad('name', 'Name must not be empty.');
    if (!input.host.trim() || /\s/.test(input.host))
      throw bad('host', 'Host must be a host name or an IP address without spaces.');
    if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)
      throw bad('port', 'Port must be a whole number from 1 to 65535.');
    const transports: TransportKind[] = ['plain', 'tls-verify', 'tls-pinned', 'tls-anonymous'];
    if (!transports.includes(input.transport)) throw bad('transport', 'Unknown transport.');
    if (input.password && !this.keychain) {
      throw {
        code: 'KEYCHAIN_UNAVAILABLE',
        message: 'No OS keychain is available, so the password cannot be stored.',
        hint: 'Save without a password and enter it when connecting (kept for this run only).',
        detail: { reason: 'no-secret-service' },
      } satisfies BridgeError;
    }
    const now = iso(this.now());
    let c = id ? this.conn(id) : undefined;
    if (!c) {
      c = {
        id: `c${this.connections.length + 1}-${Math.floor(this.random() * 1e6)}`,
        name: '',
        host: '',
        port: 8728,
        transport: 'plain',
        user: '',
        group: '',
        encoding: 'utf-8',
        notes: '',
        hasPassword: false,
        createdAt: now,
        updatedAt: now,
      };
      this.connections.push(c);
    }
    const { password, ...rest } = input;
    Object.assign(c, {
      ...rest,
      group: rest.group ?? c.group,
      encoding: rest.encoding ?? c.encoding,
      notes: rest.notes ?? c.notes,
      updatedAt: now,
    });
    if (password === null) this.passwords.delete(c.id);
    else if (typeof password === 'string') this.passwords.set(c.id, password);
    c.hasPassword = this.passwords.has(c.id) || !!c.demo;
    this.changed();
    return { ...c };
  }

  private send(connectionId: string, words: string[], tap?: CommandRun['tap']): { commandId: string; tag: string } {
    this.online(connectionId);
    if (!words.length || !words[0]?.startsWith('/')) {
      throw {
        code: 'VALIDATION',
        message: 'The first word must be a command starting with "/".',
        hint: 'Write the command on the first line, e.g. /interface/print.',
        detail: { field: 'words' },
      } satisfies BridgeError;
    }
    const commandId = `cmd${this.nextCommand++}`;
    const userTag = words.find((w) => w.startsWith('.tag='))?.slice(5);
    const tag = userTag || `c${this.nextCommand}`;
    const sent = userTag ? words : [...words, `.tag=${tag}`];
    const run: CommandRun = { commandId, connectionId, tag, started: this.now(), rows: 0, ended: false, ...(tap ? { tap } : {}) };
    this.commands.set(commandId, run);
    let h = this.history.get(connectionId);
    if (!h) this.history.set(connectionId, (h = []));
    h.push({ id: commandId, connectionId, words: words.filter((w) => !w.startsWith('.tag=')), sentAt: iso(this.now()) });
    this.trace(connectionId, 'out', sent);
    // Run after returning, as a router answers after the write: replies may still beat the result.
    setTimeout(() => this.execute(run, words), 0);
    return { commandId, tag };
  }

  private execute(run: CommandRun, words: string[]): void {
    const router = this.router(run.connectionId);
    const command = words[0] as string;
    const slash = command.lastIndexOf('/');
    const path = command.slice(0, slash) || '/';
    const verb = command.slice(slash + 1);
    const attrs: Row = {};
    const query: string[] = [];
    for (const w of words.slice(1)) {
      if (w.startsWith('=')) {
        const eq = w.indexOf('=', 1);
        attrs[eq < 0 ? w.slice(1) : w.slice(1, eq)] = eq < 0 ? '' : w.slice(eq + 1);
      } else if (w.startsWith('?')) query.push(w);
    }
    const trap = (message: string, category?: number) =>
      this.reply(run, ['!trap', ...(category !== undefined ? [`=category=${category}`] : []), `=message=${message}`]);
    const done = (extra: string[] = []) => {
      this.reply(run, ['!done', ...extra]);
      this.end(run, 'done');
    };
    const menu = router.menus.get(path);
    if (!menu) {
      // Two traps, one done for an unknown path (protocol.md §4.5).
      trap(`no such command or directory (${path.split('/').pop()})`, 0);
      trap('no such command prefix');
      this.reply(run, ['!done']);
      this.end(run, 'trap', { code: 'TRAP', message: `no such command or directory (${path.split('/').pop()})` });
      return;
    }
    const proplist = attrs['.proplist']?.split(',').filter(Boolean) ?? [];
    const project = (r: Row) =>
      proplist.length ? Object.fromEntries(Object.entries(r).filter(([k]) => proplist.includes(k))) : r;
    const toWords = (r: Row) => Object.entries(project(r)).map(([k, v]) => `=${k}=${v}`);
    switch (verb) {
      case 'print':
      case 'getall': {
        const rows = [...menu.rows.values()].filter((r) => matchesQuery(r, query));
        if ('count-only' in attrs) return done([`=ret=${rows.length}`]);
        if (!rows.length && versionAtLeast(this.rosVersion, 7, 18)) this.reply(run, ['!empty']);
        // Large prints arrive over many batches; emit in chunks so the UI sees progress.
        let i = 0;
        const step = () => {
          if (run.ended) return;
          const stop = Math.min(rows.length, i + 5000);
          for (; i < stop; i++) this.reply(run, ['!re', ...toWords(rows[i] as Row)]);
          if (i < rows.length) {
            run.stop = () => undefined;
            setTimeout(step, 0);
          } else done();
        };
        step();
        return;
      }
      case 'listen': {
        const l = (row: Row, dead: boolean) => {
          if (!matchesQuery(row, query)) return;
          this.reply(run, ['!re', ...(dead ? [`=.id=${row['.id']}`, '=.dead=yes'] : toWords(row))]);
        };
        menu.listeners.add(l);
        run.stop = () => menu.listeners.delete(l);
        return;
      }
      case 'set': {
        const target = attrs['.id'] ?? attrs['numbers'];
        const { '.id': _i, numbers: _n, ...changes } = attrs;
        if (!target || !router.set(path, target, changes)) {
          trap('no such item', 0);
          this.reply(run, ['!done']);
          return this.end(run, 'trap', { code: 'TRAP', message: 'no such item' });
        }
        return done();
      }
      case 'add': {
        const row = router.add(path, attrs);
        return done([`=ret=${row['.id']}`]);
      }
      case 'remove': {
        const target = attrs['.id'] ?? attrs['numbers'] ?? '';
        if (!router.remove(path, target)) {
          trap('no such item', 0);
          this.reply(run, ['!done']);
          return this.end(run, 'trap', { code: 'TRAP', message: 'no such item' });
        }
        return done();
      }
      default:
        trap('no such command');
        this.reply(run, ['!done']);
        this.end(run, 'trap', { code: 'TRAP', message: 'no such command' });
    }
  }

  private startTable(args: CallArgs<'table:start'>): { tableId: string } {
    this.online(args.connectionId);
    const path = args.path.replace(/\/+$/, '');
    if (!/^\/[a-z0-9-]+(\/[a-z0-9-]+)*$/i.test(path)) {
      throw {
        code: 'VALIDATION',
        message: `"${args.path}" is not a menu path.`,
        hint: 'Write it in API form, e.g. /interface or /ip/address.',
        detail: { field: 'path' },
      } satisfies BridgeError;
    }
    const router = this.router(args.connectionId);
    const menu = router.menus.get(path);
    if (!menu)
      throw {
        code: 'TRAP',
        message: `no such command or directory (${path.split('/').pop()})`,
        hint: 'Check the menu path.',
        detail: { field: 'path' },
      } satisfies BridgeError;
    const tableId = `t${this.nextTable++}`;
    const listenTag = `l${tableId}`;
    const query = args.query ?? [];
    const t: TableRun = {
      tableId,
      connectionId: args.connectionId,
      path,
      query,
      proplist: args.proplist ?? [],
      rows: new Map(),
      columns: [],
      pendingUpserts: new Map(),
      pendingRemoves: new Set(),
      pendingColumns: false,
      reset: true,
      status: 'loading',
      updateTimes: [],
      stop: () => undefined,
    };
    this.tables.set(tableId, t);
    this.trace(args.connectionId, 'out', [
      `${path}/print`,
      ...query,
      ...(t.proplist.length ? [`=.proplist=.id,${t.proplist.join(',')}`] : []),
      `.tag=p${tableId}`,
    ]);
    const l = (row: Row, dead: boolean) => {
      if (dead) {
        this.trace(args.connectionId, 'in', ['!re', `=.id=${row['.id']}`, '=.dead=yes', `.tag=${listenTag}`]);
        t.rows.delete(row['.id'] as string);
        t.pendingUpserts.delete(row['.id'] as string);
        t.pendingRemoves.add(row['.id'] as string);
      } else if (matchesQuery(row, query)) {
        this.tableUpsert(t, row);
      } else return;
      this.schedule();
    };
    t.stop = () => {
      menu.listeners.delete(l);
      if (this.tables.get(tableId)) {
        this.trace(args.connectionId, 'out', ['/cancel', `=tag=${listenTag}`]);
        t.status = 'stopped';
        this.flushTable(t);
        this.emit('table:patch', {
          tableId,
          connectionId: args.connectionId,
          reset: false,
          upsertsJson: '[]',
          upsertCount: 0,
          removes: [],
          total: t.rows.size,
          updatesPerSecond: 0,
          status: 'stopped',
        });
        this.tables.delete(tableId);
      }
    };
    setTimeout(() => {
      const rows = [...menu.rows.values()].filter((r) => matchesQuery(r, query));
      for (const r of rows.slice(0, 50))
        this.trace(args.connectionId, 'in', ['!re', ...Object.entries(r).map(([k, v]) => `=${k}=${v}`), `.tag=p${tableId}`]);
      this.trace(args.connectionId, 'in', ['!done', `.tag=p${tableId}`]);
      for (const r of rows) this.tableUpsert(t, r);
      t.loaded = rows.length;
      t.status = 'live';
      t.reset = true;
      this.flushTable(t);
      this.trace(args.connectionId, 'out', [`${path}/listen`, ...query, `.tag=${listenTag}`]);
      menu.listeners.add(l);
    }, 0);
    return { tableId };
  }
}

/** The fake as an `Api`: every call answers a `Result`, a thrown `BridgeError` becomes `ok: false`. */
export function createFakeApi(opts: FakeOptions = {}): { api: Api; backend: FakeBackend } {
  const backend = new FakeBackend(opts);
  const api: Record<string, unknown> = {
    on: (event: EventName, l: Listener) => backend.on(event, l),
  };
  for (const name of Object.keys(backend.handlers) as CallName[]) {
    api[name] = async (args: unknown): Promise<Result<unknown>> => {
      backend.calls.push({ channel: name, args });
      try {
        const handler = backend.handlers[name] as (a: unknown) => unknown;
        const value = await handler(args);
        return { ok: true, value: structuredClone(value) };
      } catch (e) {
        if (e && typeof e === 'object' && 'code' in e && 'message' in e) return { ok: false, error: e as BridgeError };
        return { ok: false, error: { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) } };
      }
    };
  }
  return { api: api as unknown as Api, backend };
}
