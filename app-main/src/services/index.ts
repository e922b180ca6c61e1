import { performance } from 'node:perf_hooks';
import { mkdir } from 'node:fs/promises';
import { arch, release } from 'node:os';
import { join, resolve } from 'node:path';
import { textCodec } from '../../../protocol/node/codec';
import { isEncodingName } from '../../../protocol/src/index';
import type {
  AppInfo,
  BridgeEvents,
  BridgeHandlers,
  EventListener,
  EventName,
  LinkState,
  ReproBundleInfo,
  RouterInfo,
  TraceSnapshot,
} from '../common/contract';
import { BroadcastService } from './broadcast/broadcast';
import { ConsoleService } from './console/console';
import { ConsoleCards } from './console/console-cards';
import { WindowPresence } from './app/presence';
import { DiffService } from './diff/diff';
import { ConnectionStore } from './connections/connections';
import { defaultDemoRouter } from './links/demo';
import { BridgeFailure, notFound, toBridgeError } from './core/errors';
import { HistoryStore } from './console/history';
import { InboundScheduler } from './links/inbound';
import { InspectService, type InspectOptions } from './inspect/inspect';
import { redactTextWords } from './traces/redact';
import { DEFAULT_TIMINGS, Link, type DemoRouter, type LinkTimings } from './links/link';
import {
  classifyKeyringError,
  KeychainUnavailableError,
  KeyringCredentialStore,
  SecretVault,
  type CredentialStore,
} from './secrets/secrets';
import { SettingsStore } from './app/settings';
import type { Session } from '../../../protocol/src/index';
import type { AtomicWriteOptions } from './core/storage';
import { DEFAULT_PRINT_TIMEOUT_MS, LiveTable, tableArgs } from './tables/tables';
import { Throttle } from './core/throttle';
import { CLASS_OWN, CLASS_ROWS, linkEventWords, TraceBuffer, WINDOW_ENTRY_TEXT_BYTES } from './traces/trace';
import { exportTrace, loadImported, parseJsonlTrace } from './traces/trace-export';
import { ReplayService } from './replay/replay';
import { buildReproBundle, parseReproBundle } from './replay/repro';

export { BridgeFailure, toBridgeError } from './core/errors';
export type { CredentialStore, KeychainStatus, KeychainReason } from './secrets/secrets';
export { KeychainUnavailableError, KeyringCredentialStore, MemoryCredentialStore, probeSecretService } from './secrets/secrets';
export type { DemoRouter, LinkTimings } from './links/link';
export { DEFAULT_TIMINGS } from './links/link';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ServicesOptions {
  /** App data directory (Electron userData/…, or --data-dir of the browser host). */
  dataDir: string;
  host: 'electron' | 'browser';
  /** Shown in app:info and exports; defaults to npm_package_version (or "0.0.0-dev"). */
  appVersion?: string;
  /** Injectable; default: the OS keychain via @napi-rs/keyring with the Linux D-Bus probe. */
  credentialStore?: CredentialStore;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  log?: (level: LogLevel, message: string) => void;
  /** Keychain service name (default `com.tikscope.app`). */
  keychainService?: string;
  /** Reconnect, heartbeat and timeout settings (engineering-notes §6.2 defaults). */
  timings?: Partial<LinkTimings>;
  /** Trace ring buffer cap per connection, bytes; overrides the `traceBufferMiB` setting (tests, benchmark). */
  traceCapBytes?: number;
  /** Sentences pinned at the start of each session (default 32; docs/main-process.md, "Trace capture"). */
  tracePinnedPerSession?: number;
  /** Record traces (default true; the benchmark turns it off to measure its cost). */
  traceCapture?: boolean;
  /** At most this many entries per `trace:entries` event; older ones stay fetchable (default 100). */
  traceEventLimit?: number;
  /**
   * Entries per second pushed in `trace:entries` across all connections together (default 2000):
   * with many busy routers each batch shrinks (to no fewer than 10) instead of the trace events
   * costing as much as the traffic they describe.
   */
  traceEventBudget?: number;
  /** Minimum interval between table patches, trace batches and console batches (default 100 ms). */
  batchIntervalMs?: number;
  /** A console batch is sent at once at this many replies (default 2000). */
  consoleMaxBatch?: number;
  /** Console history entries kept per router (default 1000). */
  historyLimit?: number;
  /** Starts the Demo router; default: the simulator in-process on a free loopback port. */
  demoRouter?: () => Promise<DemoRouter>;
  /** Jitter source for the backoff (default Math.random). */
  random?: () => number;
  /** Test hook for the atomic writer of connections and settings. */
  writeOptions?: AtomicWriteOptions;
  /** Clean-quit deadline (default 2000 ms). */
  disposeDeadlineMs?: number;
  /** How long a deleted connection can be restored (default UNDO_DELETE_MS, 15 s). */
  undoDeleteMs?: number;
  /** Completion from /console/inspect: time-out, cool-down after a failure, value passes. */
  inspect?: InspectOptions;
  /**
   * Live tables keep running this long after the last window closed, so that a reload (or a
   * window opened again) finds them; then they are stopped (default 30 s; issue 11 item 9).
   */
  detachedGraceMs?: number;
}

/** How long live tables outlive the last window (docs/main-process.md, "Windows come and go"). */
export const DETACHED_GRACE_MS = 30_000;

export interface Services {
  handlers: BridgeHandlers;
  /** Completion from the router (for tests and the benchmark: request counters, cache sizes). */
  inspect: InspectService;
  subscribe(listener: EventListener): () => void;
  /**
   * A window (an Electron window, a browser host page) is showing the services; call the returned
   * function when it is gone. Once none is left for `detachedGraceMs`, live tables are stopped.
   */
  attachWindow(): () => void;
  /** Clean quit: cancel streams, /quit, close sockets (2 s deadline). Idempotent. */
  dispose(): Promise<void>;
}

const APP_NAME = 'Tikscope';

interface ImportedTrace {
  buffer: TraceBuffer;
  name: string;
  host: string;
  port: number;
  transport: string;
  /** Set when the file was a repro bundle. */
  repro?: ReproBundleInfo;
}

/**
 * Builds the main-process services: saved connections, secrets, links, console, live tables,
 * traces and settings, behind the bridge contract. Plain Node — never imports electron
 * (engineering-notes §5.1).
 */
export async function createServices(options: ServicesOptions): Promise<Services> {
  const dataDir = resolve(options.dataDir);
  const now = options.now ?? Date.now;
  // Trace times: epoch with sub-millisecond resolution, unless a test drives the clock.
  const traceNow = options.now ?? (() => performance.timeOrigin + performance.now());
  const log = options.log ?? (() => undefined);
  const timings: LinkTimings = { ...DEFAULT_TIMINGS, ...options.timings };
  const traceCapOption = options.traceCapBytes;
  const traceCapture = options.traceCapture ?? true;
  const traceEventLimit = options.traceEventLimit ?? 100;
  const traceEventBudget = options.traceEventBudget ?? 2000;
  const interval = options.batchIntervalMs ?? 100;
  const random = options.random ?? Math.random;
  const disposeDeadline = options.disposeDeadlineMs ?? 2000;
  const appVersion = options.appVersion ?? process.env['npm_package_version'] ?? '0.0.0-dev';

  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new BridgeFailure(
      'STORAGE',
      `cannot create the data directory ${dataDir}: ${(e as Error).message}`,
      'Choose a writable data directory.',
    );
  }

  const listeners = new Set<EventListener>();
  let disposed = false;
  const emit = <E extends EventName>(event: E, payload: BridgeEvents[E]): void => {
    for (const l of [...listeners]) {
      try {
        l(event, payload);
      } catch (e) {
        log('error', `event listener for ${event} threw: ${(e as Error).message}`);
      }
    }
  };
  const notify = (level: 'info' | 'warning' | 'error', message: string): void => {
    log(level === 'warning' ? 'warn' : level, message);
    emit('app:notice', { level, message });
  };

  const store = options.credentialStore ?? new KeyringCredentialStore({ service: options.keychainService ?? 'com.tikscope.app' });
  const vault = new SecretVault(store);
  const connections = new ConnectionStore({
    dataDir,
    vault,
    now,
    notify,
    changed: (snapshot) => emit('connections:changed', snapshot),
    // The history of a deleted connection stays until Undo is no longer possible.
    forget: async (id) => {
      if (HistoryStore.isSafeId(id))
        await history.remove(id).catch((e: unknown) => log('warn', `history of ${id} not removed: ${(e as Error).message}`));
    },
    ...(options.undoDeleteMs !== undefined ? { undoDeleteMs: options.undoDeleteMs } : {}),
    ...(options.writeOptions ? { writeOptions: options.writeOptions } : {}),
  });
  const settings = new SettingsStore(dataDir, now, notify, options.writeOptions);
  await connections.load();
  await settings.load();
  const history = new HistoryStore(join(dataDir, 'history'), options.historyLimit ?? 1000, (m) => notify('warning', m));

  // ---- traces -------------------------------------------------------------------------------
  const traces = new Map<string, TraceBuffer>();
  /** Per connection: the newest sequence number already pushed, and the batch timer. */
  const tracePending = new Map<string, { sent: number; throttle: Throttle }>();
  const imported = new Map<string, ImportedTrace>();
  let importCount = 0;

  /** The trace buffer size in force: the option (tests, benchmark) or the setting. */
  const traceCap = (): number => traceCapOption ?? settings.get().traceBufferMiB * 1024 * 1024;
  const traceFor = (id: string): TraceBuffer => {
    let t = traces.get(id);
    if (!t) {
      t = new TraceBuffer(id, traceCap(), textCodec(connections.has(id) ? connections.get(id).encoding : 'utf-8'));
      if (options.tracePinnedPerSession !== undefined) t.pinPerSession = options.tracePinnedPerSession;
      t.scope = settings.get().traceScopes[id] ?? 'all';
      traces.set(id, t);
    }
    return t;
  };
  /** The scope and buffer size settings apply at once to every router's trace. */
  const applyTraceSettings = (): void => {
    const s = settings.get();
    for (const [id, t] of traces) {
      t.scope = s.traceScopes[id] ?? 'all';
      t.setCap(traceCap());
    }
  };
  /**
   * The session as seen by a service whose commands are of one class in the trace (CLASS_OWN:
   * completion; CLASS_ROWS: live tables): every command or stream it opens is classified while it
   * is sent (TraceBuffer.classify). One wrapper per session and class, so that services comparing
   * sessions (a reconnect starts afresh) still see the same object.
   */
  const classed = new Map<number, WeakMap<Session, Session>>([
    [CLASS_OWN, new WeakMap()],
    [CLASS_ROWS, new WeakMap()],
  ]);
  const classedSession = (connectionId: string, session: Session, cls: number): Session => {
    const cache = classed.get(cls)!;
    let wrapped = cache.get(session);
    if (wrapped) return wrapped;
    wrapped = new Proxy(session, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (key !== 'command' && key !== 'stream') return fn.bind(target);
        return (...args: unknown[]) => {
          const buffer = traceCapture ? traces.get(connectionId) : undefined;
          return buffer ? buffer.classify(cls, () => fn.apply(target, args)) : fn.apply(target, args);
        };
      },
    });
    cache.set(session, wrapped);
    return wrapped;
  };
  /**
   * `trace:entries` per connection, at most one batch per interval. Bounded: a flood (a 100k-row
   * print) sends only the newest `traceEventLimit` entries of each interval; the rest stays
   * available through trace:get. Only sequence numbers are tracked, nothing is copied meanwhile.
   */
  const traceNotifier = (id: string, buffer: TraceBuffer): Throttle => {
    let p = tracePending.get(id);
    if (!p) {
      const pending = { sent: buffer.lastSeq - 1, throttle: undefined as unknown as Throttle };
      pending.throttle = new Throttle(interval, () => {
        const b = traces.get(id);
        if (!b || b.lastSeq <= pending.sent) return;
        // Connections with traffic right now share the budget.
        let busy = 0;
        for (const [cid, q] of tracePending) if ((traces.get(cid)?.lastSeq ?? 0) > q.sent) busy++;
        const perBatch = Math.max(
          10,
          Math.min(traceEventLimit, Math.floor((traceEventBudget * interval) / 1000 / Math.max(1, busy))),
        );
        const from = Math.max(pending.sent, b.lastSeq - perBatch);
        pending.sent = b.lastSeq;
        const entries = [];
        for (const v of b.iterate(from)) entries.push(b.toEntry(v, WINDOW_ENTRY_TEXT_BYTES));
        if (entries.length > 0) emit('trace:entries', { connectionId: id, entries });
      });
      p = pending;
      tracePending.set(id, p);
    }
    return p.throttle;
  };
  const flushTraceEvents = (): void => {
    for (const p of tracePending.values()) p.throttle.now();
  };

  // ---- links and tables -----------------------------------------------------------------------
  const links = new Map<string, Link>();
  const lastRouter = new Map<string, RouterInfo>();
  const inbound = new InboundScheduler();
  const tables = new Map<string, LiveTable>();
  let tableCount = 0;

  const linkFor = (id: string): Link => {
    let link = links.get(id);
    if (link) return link;
    connections.get(id); // NOT_FOUND for unknown ids
    let trace: { buffer: TraceBuffer; push: Throttle } | undefined;
    // Link events (trace entries of their own): derived from the state changes.
    let lastStatus: LinkState['status'] = 'offline';
    let wasOnline = false;
    const recordLinkEvent = (state: LinkState): void => {
      const words = linkEventWords(lastStatus, state, wasOnline);
      lastStatus = state.status;
      if (state.status === 'online') wasOnline = true;
      else if (state.status === 'offline' || state.status === 'failed' || state.status === 'auth-failed') wasOnline = false;
      if (!words || !traceCapture) return;
      const buffer = traceFor(id);
      buffer.recordLink(words, traceNow());
      traceNotifier(id, buffer).request();
    };
    link = new Link(id, {
      connection: () => connections.get(id),
      startDemo: options.demoRouter ?? defaultDemoRouter,
      // Both run for every sentence (every row of a 100k-row print): the buffer and its event
      // throttle are looked up once per session, not per sentence.
      onSent: (words, time) => {
        if (!trace) return;
        trace.buffer.captureSent(words, time);
        trace.push.request();
      },
      onReceived: (reply, time) => {
        if (!trace) return;
        // 0: the capture scope left it out.
        if (trace.buffer.captureReply(reply, time) !== 0) trace.push.request();
      },
      onNote: (words, time) => {
        if (!trace) return;
        trace.buffer.recordNote(words, time);
        trace.push.request();
      },
      onSessionStart: () => {
        const buffer = traceFor(id);
        buffer.codec = textCodec(connections.get(id).encoding);
        if (traceCapture) trace = { buffer, push: traceNotifier(id, buffer) };
        return buffer.beginSession();
      },
      own: (open) => {
        const buffer = traceCapture ? traces.get(id) : undefined;
        return buffer ? buffer.classify(CLASS_OWN, open) : open();
      },
      onState: (state) => {
        // Kept past a disconnect: a repro bundle names the RouterOS version last seen.
        if (state.router) lastRouter.set(id, state.router);
        recordLinkEvent(state);
        emit('link:state', state);
      },
      onUp: (session) => {
        for (const t of tables.values())
          if (t.connectionId === id && !t.isEnded) t.start(classedSession(id, session, CLASS_ROWS));
      },
      onDown: (reason, willRetry) => {
        for (const [tid, t] of tables) {
          if (t.connectionId !== id) continue;
          t.linkDown(willRetry, reason);
          if (t.isEnded) tables.delete(tid);
        }
      },
      log,
      inbound,
      timings,
      now,
      traceNow,
      random,
    });
    links.set(id, link);
    return link;
  };

  const sessionFor = (connectionId: string) => {
    const link = links.get(connectionId);
    if (!link) {
      const c = connections.get(connectionId);
      throw new BridgeFailure(
        'NOT_CONNECTED',
        `${c.name} is not connected`,
        'Connect to the router first; commands are never queued while offline.',
        { status: 'offline' },
      );
    }
    return link.requireSession();
  };

  // What the windows were shown, kept for a window that (re)loads (app:snapshot).
  const consoleCards = new ConsoleCards();
  const consoleService = new ConsoleService({
    session: sessionFor,
    history,
    emitReplies: (replies) => {
      consoleCards.replies(replies);
      emit('console:replies', replies);
    },
    emitEnd: (end) => {
      consoleCards.ended(end);
      emit('console:end', end);
    },
    now,
    batchMs: interval,
    maxBatch: options.consoleMaxBatch ?? 2000,
  });

  const inspect = new InspectService(
    {
      // Completion is Tikscope's own traffic (the Trace tab can hide it).
      session: (connectionId) => classedSession(connectionId, sessionFor(connectionId), CLASS_OWN),
      version: (connectionId) => links.get(connectionId)?.state.router?.version ?? '',
      now,
      log,
    },
    options.inspect,
  );
  /** Name and, when online, identity and version of a saved connection (NOT_FOUND otherwise). */
  const routerInfo = (connectionId: string): { name: string; identity?: string; version?: string } => {
    const c = connections.get(connectionId);
    const r = links.get(connectionId)?.state.router;
    return r ? { name: c.name, identity: r.identity, version: r.version } : { name: c.name };
  };
  const broadcastService = new BroadcastService({
    console: consoleService,
    routerInfo,
    now,
    emitProgress: (p) => emit('broadcast:progress', p),
  });
  const diffService = new DiffService({ session: sessionFor, routerInfo, now });

  const checkAlive = (): void => {
    if (disposed) throw new BridgeFailure('INTERNAL', 'Tikscope is shutting down');
  };

  const keychainFailure = (e: unknown): BridgeFailure => {
    const k = e instanceof KeychainUnavailableError ? e : classifyKeyringError(e);
    return new BridgeFailure('KEYCHAIN_UNAVAILABLE', k.message, `${k.hint} You can also enter the password for this run only.`, {
      reason: k.reason,
    });
  };

  const traceMeta = (connectionId: string) => {
    const exportedAt = new Date(now()).toISOString();
    const imp = imported.get(connectionId);
    if (imp)
      return { name: imp.name, host: imp.host, port: imp.port, transport: imp.transport, appVersion: appVersion, exportedAt };
    const c = connections.get(connectionId);
    return { name: c.name, host: c.host, port: c.port, transport: c.transport, appVersion: appVersion, exportedAt };
  };

  const traceBufferFor = (connectionId: string): TraceBuffer => {
    const imp = imported.get(connectionId);
    if (imp) return imp.buffer;
    if (!connections.has(connectionId) && !traces.has(connectionId)) throw notFound('trace of connection', connectionId);
    return traceFor(connectionId);
  };

  const replay = new ReplayService({
    session: sessionFor,
    *lines(sourceId) {
      const buffer = traceBufferFor(sourceId);
      for (const v of buffer.iterate()) yield buffer.toEntry(v);
    },
    emitProgress: (p) => emit('replay:progress', p),
    now,
  });

  const handlers: BridgeHandlers = {
    'app:info': async () => {
      const status = await store.status();
      const keychain: AppInfo['keychain'] = { available: status.available };
      if (status.reason) keychain.reason = status.reason;
      if (status.hint) keychain.hint = status.hint;
      return { name: APP_NAME, version: appVersion, host: options.host, platform: process.platform, dataDir, keychain };
    },
    'app:snapshot': async () => ({
      consoles: consoleCards.snapshot(),
      tables: [...tables.values()].filter((t) => !t.isEnded).map((t) => t.snapshot()),
    }),

    'settings:get': async () => settings.get(),
    'settings:set': async (args) => {
      checkAlive();
      const next = await settings.set(args);
      applyTraceSettings();
      return next;
    },

    'connections:list': async () => connections.snapshot(),
    'connections:save': async (args) => {
      checkAlive();
      const saved = await connections.save(args.id, args.input);
      links.get(saved.id)?.refresh();
      return saved;
    },
    'connections:duplicate': async (args) => {
      checkAlive();
      return connections.duplicate(args.id);
    },
    'connections:delete': async (args) => {
      checkAlive();
      const id = args.id;
      connections.get(id); // NOT_FOUND first
      const link = links.get(id);
      if (link) {
        await link.disconnect('the connection was deleted');
        links.delete(id);
      }
      await connections.delete(id);
      consoleCards.forget(id);
      traces.delete(id);
      inspect.forget(id);
      tracePending.get(id)?.throttle.dispose();
      tracePending.delete(id);
      return { id };
    },
    'connections:restore': async (args) => {
      checkAlive();
      return connections.restore(args.id);
    },
    'connections:trust': async (args) => {
      checkAlive();
      const saved = await connections.trust(args.id, args.fingerprint256);
      links.get(saved.id)?.refresh();
      return saved;
    },

    'link:connect': async (args) => {
      checkAlive();
      const id = args.id;
      const c = connections.get(id);
      let password: string;
      if (args.password !== undefined) {
        password = args.password;
        // "For this run only": kept in memory so that reconnects work, never written anywhere.
        vault.holdForRun(id, password);
        emit('connections:changed', connections.snapshot());
      } else if (c.demo) {
        password = '';
      } else {
        try {
          password = (await vault.get(id, connections.inKeychain(id))) ?? '';
        } catch (e) {
          throw keychainFailure(e);
        }
      }
      return linkFor(id).connect(password);
    },
    'link:disconnect': async (args) => {
      const id = args.id;
      const link = links.get(id);
      if (!link) {
        const c = connections.get(id);
        return {
          connectionId: id,
          status: 'offline',
          transport: c.transport,
          encrypted: c.transport !== 'plain',
          authenticated: c.transport === 'tls-verify' || c.transport === 'tls-pinned',
        } satisfies LinkState;
      }
      return link.disconnect();
    },
    'link:states': async () => [...links.values()].map((l) => l.state),

    'console:send': async (args) => {
      checkAlive();
      const ref = await consoleService.send(args);
      // Registered before any reply can be flushed: replies go out on a later macrotask.
      consoleCards.started(args.connectionId, ref.commandId, ref.tag, redactTextWords(args.words, 'out'), now());
      return ref;
    },
    'console:clear': async ({ connectionId }) => ({ connectionId, cleared: consoleCards.clear(connectionId) }),
    'console:cancel': async (args) => consoleService.cancel(args.commandId),
    'console:history': async ({ connectionId, search, limit }) => {
      connections.get(connectionId);
      if (!HistoryStore.isSafeId(connectionId)) return [];
      return history.list(connectionId, search, limit ?? 100);
    },

    'table:start': async (args) => {
      checkAlive();
      const v = tableArgs(args);
      connections.get(v.connectionId);
      const session = sessionFor(v.connectionId);
      const tableId = `tbl${++tableCount}`;
      const table = new LiveTable(tableId, v, {
        emit: (patch) => emit('table:patch', patch),
        log,
        patchIntervalMs: interval,
        printTimeoutMs: (settings.get().tablePrintTimeoutSeconds ?? DEFAULT_PRINT_TIMEOUT_MS / 1000) * 1000,
      });
      tables.set(tableId, table);
      // Its rows are what the `no-rows` trace scope leaves out.
      table.start(classedSession(v.connectionId, session, CLASS_ROWS));
      return { tableId };
    },
    'table:stop': async (args) => {
      const tableId = args.tableId;
      const table = tables.get(tableId);
      if (!table) {
        if (/^tbl\d+$/.test(tableId) && Number(tableId.slice(3)) <= tableCount) return { tableId }; // already ended
        throw notFound('table', tableId);
      }
      tables.delete(tableId);
      await table.stop();
      return { tableId };
    },

    'trace:get': async (args) => {
      return traceBufferFor(args.connectionId).snapshot(args.sinceSeq ?? 0, args.limit ?? 5000);
    },
    'trace:export': async (args) => {
      const { connectionId, format } = args;
      const buffer = traceBufferFor(connectionId);
      return exportTrace(buffer, format, traceMeta(connectionId));
    },
    'trace:import': async (args) => {
      checkAlive();
      const { fileName, content } = args;
      // A repro bundle (one JSON document) carries a JSON Lines trace; anything else is one.
      const bundle = parseReproBundle(fileName, content);
      const parsed = bundle ? bundle.parsed : parseJsonlTrace(fileName, content);
      const id = `import:${++importCount}`;
      // Imported words are text already (re-framed as UTF-8): the header's Encoding only names it.
      const named = parsed.header?.encoding;
      const buffer = new TraceBuffer(id, traceCap(), textCodec(isEncodingName(named) ? named : 'utf-8'));
      loadImported(buffer, parsed.entries, parsed.header);
      const c = parsed.header?.connection;
      const entry: ImportedTrace = {
        buffer,
        name: c?.name ?? fileName.replace(/\.jsonl$/i, ''),
        host: c?.host ?? '127.0.0.1',
        port: typeof c?.port === 'number' && c.port > 0 && c.port < 65536 ? c.port : 8728,
        transport: c?.transport ?? 'plain',
      };
      if (bundle) entry.repro = bundle.info;
      imported.set(id, entry);
      const snapshot: TraceSnapshot = buffer.snapshot(0, 100_000);
      if (bundle) snapshot.repro = bundle.info;
      return snapshot;
    },
    'trace:close': async (args) => {
      // Only imported traces close (the schema refuses other ids); a router's trace lives as long
      // as its connection.
      const connectionId = args.connectionId;
      const closed = imported.delete(connectionId);
      return { connectionId, closed };
    },
    'trace:clear': async (args) => {
      const connectionId = args.connectionId;
      const buffer = traceBufferFor(connectionId);
      buffer.clear();
      const p = tracePending.get(connectionId);
      if (p) p.sent = buffer.lastSeq;
      return { connectionId };
    },

    'complete:children': async (args) => {
      checkAlive();
      connections.get(args.connectionId); // NOT_FOUND for unknown ids
      return inspect.children(args.connectionId, args.path);
    },
    'complete:values': async (args) => {
      checkAlive();
      connections.get(args.connectionId);
      return inspect.values(args.connectionId, args.path, args.argument);
    },
    'broadcast:send': async (args) => {
      checkAlive();
      return broadcastService.send(args);
    },
    'broadcast:cancel': async (args) => {
      checkAlive();
      return broadcastService.cancel(args);
    },
    'diff:fetch': async (args) => {
      checkAlive();
      return diffService.fetch(args);
    },
    'replay:plan': async (args) => replay.plan(args),
    'replay:run': async (args) => {
      checkAlive();
      return replay.run(args);
    },
    'replay:cancel': async (args) => replay.cancel(args),
    'repro:export': async (args) => {
      const { connectionId, description } = args;
      const buffer = traceBufferFor(connectionId);
      const imp = imported.get(connectionId);
      let connection: Parameters<typeof buildReproBundle>[0]['connection'];
      let router: RouterInfo | undefined;
      let unknownReason: string;
      const secrets: string[] = [];
      if (imp) {
        connection = imp.repro?.connection ?? { name: imp.name, host: imp.host, port: imp.port, transport: imp.transport };
        const r = imp.repro?.router;
        router = r?.known
          ? {
              identity: r.identity,
              version: r.version,
              ...(r.board ? { board: r.board } : {}),
              ...(r.architecture ? { architecture: r.architecture } : {}),
            }
          : undefined;
        unknownReason = r && !r.known ? r.reason : 'an imported trace: the router was not connected from here';
      } else {
        const c = connections.get(connectionId);
        // Settings without secrets: never the password, not even whether one is stored.
        connection = { name: c.name, host: c.host, port: c.port, transport: c.transport, user: c.user, encoding: c.encoding };
        if (c.fingerprint256) connection.fingerprint256 = c.fingerprint256;
        router = links.get(connectionId)?.state.router ?? lastRouter.get(connectionId);
        unknownReason = router
          ? 'the router did not let this user read /system/resource (no "read" policy)'
          : 'not connected since Tikscope started, so /system/resource was not read';
        if (!c.demo) {
          // Only to check the bundle once more; a keychain that cannot be read skips the check.
          const pw = await vault.get(connectionId, connections.inKeychain(connectionId)).catch(() => null);
          if (pw) secrets.push(pw);
        }
      }
      const entries = (function* () {
        for (const v of buffer.iterate()) yield buffer.toEntry(v);
      })();
      const system = {
        platform: process.platform,
        arch: arch(),
        release: release(),
        node: process.versions.node,
        ...(process.versions['electron'] ? { electron: process.versions['electron'] } : {}),
      };
      const { file } = buildReproBundle({
        connectionId,
        description,
        connection,
        router,
        routerUnknownReason: unknownReason,
        appVersion,
        host: options.host,
        system,
        createdAt: new Date(now()).toISOString(),
        encoding: buffer.codec.name,
        dropped: buffer.dropped,
        entries,
        secrets,
      });
      return file;
    },
  };

  // Every handler: expected failures stay BridgeFailure; everything else is logged once here.
  const guarded = {} as Record<string, (args: unknown) => Promise<unknown>>;
  for (const [name, fn] of Object.entries(handlers) as [string, (args: unknown) => Promise<unknown>][]) {
    guarded[name] = async (args: unknown) => {
      try {
        return await fn(args ?? {});
      } catch (e) {
        if (!(e instanceof BridgeFailure)) {
          const err = toBridgeError(e);
          if (err.code === 'INTERNAL') log('error', `${name} failed: ${(e as Error).stack ?? String(e)}`);
          throw new BridgeFailure(err.code, err.message, err.hint, err.detail);
        }
        throw e;
      }
    };
  }

  // ---- windows -------------------------------------------------------------------------------
  // A reload keeps what runs (app:snapshot); a table nobody can see any more is stopped after a
  // grace period instead of running unseen (issue 11 item 9).
  const detachedGrace = options.detachedGraceMs ?? DETACHED_GRACE_MS;
  const presence = new WindowPresence(detachedGrace, () => {
    if (disposed) return;
    const unseen = [...tables.entries()].filter(([, t]) => !t.isEnded);
    if (unseen.length === 0) return;
    log('info', `no window for ${detachedGrace / 1000} s: stopping ${unseen.length} live table(s) nobody can see`);
    for (const [tid, t] of unseen) {
      tables.delete(tid);
      void t.stop();
    }
  });

  let disposing: Promise<void> | undefined;
  const dispose = (): Promise<void> => {
    disposing ??= (async () => {
      disposed = true;
      presence.dispose();
      const graceful = (async () => {
        const stops = [...tables.values()].map((t) => t.stop());
        tables.clear();
        await Promise.allSettled([...stops, consoleService.cancelAll()]);
        await Promise.allSettled([...links.values()].map((l) => l.disconnect('Tikscope is quitting')));
      })();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([graceful, new Promise<void>((r) => (timer = setTimeout(r, disposeDeadline)))]);
      clearTimeout(timer);
      // Past the deadline: no more politeness, sockets go now.
      for (const l of links.values()) l.destroy();
      consoleService.dispose();
      flushTraceEvents();
      for (const p of tracePending.values()) p.throttle.dispose();
      await connections.expireAll();
      await Promise.allSettled([history.flush(), settings.flush(), connections.flush()]);
      vault.clearRunOnly();
      listeners.clear();
    })();
    return disposing;
  };

  return {
    handlers: guarded as unknown as BridgeHandlers,
    inspect,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    attachWindow: () => presence.attach(),
    dispose,
  };
}
