import { performance } from 'node:perf_hooks';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { textCodec } from '../../../protocol/node/codec';
import { loadCommandTrees } from '../../../protocol/node/command-tree';
import type { BridgeEvents, BridgeHandlers, EventListener, EventName } from '../common/contract';
import { appHandlers } from './app/app.handlers';
import { WindowPresence } from './app/presence';
import { SettingsStore } from './app/settings';
import { BroadcastService } from './broadcast/broadcast';
import { broadcastHandlers } from './broadcast/broadcast.handlers';
import { connectionHandlers } from './connections/connections.handlers';
import { ConnectionStore } from './connections/connections';
import { ConsoleService } from './console/console';
import { ConsoleCards } from './console/console-cards';
import { consoleHandlers } from './console/console.handlers';
import { HistoryStore } from './console/history';
import { HistoryService } from './history/history';
import { historyHandlers } from './history/history.handlers';
import { BridgeFailure } from './core/errors';
import { guardHandlers } from './core/guard';
import type { AtomicWriteOptions } from './core/storage';
import type { Throttle } from './core/throttle';
import { DiffService } from './diff/diff';
import { DiscoveryService, type DiscoveryTarget } from './discovery/discovery';
import { discoveryHandlers } from './discovery/discovery.handlers';
import { diffHandlers } from './diff/diff.handlers';
import { InspectService, type InspectOptions } from './inspect/inspect';
import { inspectHandlers } from './inspect/inspect.handlers';
import { FleetStore } from './fleet/fleet';
import { fleetHandlers } from './fleet/fleet.handlers';
import { ConnectGate } from './links/connect-gate';
import { defaultDemoRouter, DEMO_USER } from './links/demo';
import { FormsService } from './forms/forms';
import { formHandlers } from './forms/forms.handlers';
import { InboundScheduler } from './links/inbound';
import { DEFAULT_TIMINGS, Link, type DemoRouter, type LinkTimings } from './links/link';
import { Links } from './links/links';
import { linkHandlers } from './links/links.handlers';
import { LibraryStore } from './library/library';
import { libraryHandlers } from './library/library.handlers';
import { ReplayService } from './replay/replay';
import { replayHandlers } from './replay/replay.handlers';
import { KeyringCredentialStore, SecretVault, type CredentialStore } from './secrets/secrets';
import { MNDP_PORT } from '../../../protocol/src/index';
import { LiveTables } from './tables/live-tables';
import { tableHandlers } from './tables/tables.handlers';
import { DEFAULT_PRINT_TIMEOUT_MS } from './tables/tables';
import { CLASS_OWN, CLASS_ROWS, CLASS_SECRET, type TraceBuffer } from './traces/trace';
import { Traces } from './traces/traces';
import { traceHandlers } from './traces/traces.handlers';

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
  /**
   * Neighbour discovery over MNDP (docs/main-process.md, "Neighbour discovery"). The shells pass it
   * (`{}`: the `mndpPort` setting, else 5678); absent, nothing listens — the tests and the
   * benchmark, which must never take UDP 5678.
   */
  mndp?: {
    /** Overrides the `mndpPort` setting for this run (`npm run web -- --mndp-port N`); 0: any free port. */
    port?: number;
    /** Where Discover sends requests; default: each IPv4 broadcast address at the port. */
    targets?: (port: number) => DiscoveryTarget[];
    /** Default 0.0.0.0. */
    bindAddress?: string;
    ageOutMs?: number;
  };
  /** `/file/read` chunk size of configuration snapshots (default SNAPSHOT_CHUNK_BYTES; tests read in small pieces). */
  snapshotChunkBytes?: number;
  /** Links connecting at once (default CONNECT_CONCURRENCY, 64; docs/main-process.md). */
  connectConcurrency?: number;
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

/**
 * Builds the main-process services: saved connections, secrets, links, console, live tables,
 * traces and settings, behind the bridge contract. Plain Node — never imports electron
 * (engineering-notes §5.1). Only the composition lives here: each area (a folder beside this
 * file) has its service and its bridge handlers; this creates them and wires their events.
 */
export async function createServices(options: ServicesOptions): Promise<Services> {
  const dataDir = resolve(options.dataDir);
  const now = options.now ?? Date.now;
  // Trace times: epoch with sub-millisecond resolution, unless a test drives the clock.
  const traceNow = options.now ?? (() => performance.timeOrigin + performance.now());
  const log = options.log ?? (() => undefined);
  const timings: LinkTimings = { ...DEFAULT_TIMINGS, ...options.timings };
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
  const checkAlive = (): void => {
    if (disposed) throw new BridgeFailure('INTERNAL', 'Tikscope is shutting down');
  };

  // ---- saved data -----------------------------------------------------------------------------
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
      fleet.forget(id);
      if (HistoryStore.isSafeId(id))
        await history.remove(id).catch((e: unknown) => log('warn', `history of ${id} not removed: ${(e as Error).message}`));
      // Its configuration snapshots too (issue 16).
      await snapshots.forget(id).catch((e: unknown) => log('warn', `snapshots of ${id} not removed: ${(e as Error).message}`));
    },
    ...(options.undoDeleteMs !== undefined ? { undoDeleteMs: options.undoDeleteMs } : {}),
    ...(options.writeOptions ? { writeOptions: options.writeOptions } : {}),
  });
  const settings = new SettingsStore(dataDir, now, notify, options.writeOptions);
  // Last known values of each router for the fleet view (issue 15), apart from connections.json.
  const fleet = new FleetStore({
    dataDir,
    now,
    notify,
    log,
    ...(options.writeOptions ? { writeOptions: options.writeOptions } : {}),
  });
  await connections.load();
  await settings.load();
  await fleet.load();
  const history = new HistoryStore(join(dataDir, 'history'), options.historyLimit ?? 1000, (m) => notify('warning', m));

  // ---- traces ---------------------------------------------------------------------------------
  const traces = new Traces({
    connections,
    settings,
    capBytes: options.traceCapBytes,
    pinnedPerSession: options.tracePinnedPerSession,
    capture: options.traceCapture ?? true,
    eventLimit: options.traceEventLimit ?? 100,
    eventBudget: options.traceEventBudget ?? 2000,
    intervalMs: interval,
    emit: (connectionId, entries) => emit('trace:entries', { connectionId, entries }),
    traceNow,
  });

  // ---- links and tables -----------------------------------------------------------------------
  const links = new Links(connections);
  const inbound = new InboundScheduler();
  const gate = new ConnectGate(options.connectConcurrency);
  const tables = new LiveTables(() => ({
    emit: (patch) => emit('table:patch', patch),
    log,
    patchIntervalMs: interval,
    printTimeoutMs: (settings.get().tablePrintTimeoutSeconds ?? DEFAULT_PRINT_TIMEOUT_MS / 1000) * 1000,
  }));

  const linkFor = (id: string): Link =>
    links.obtain(id, () => {
      let trace: { buffer: TraceBuffer; push: Throttle } | undefined;
      const recordLinkEvent = traces.linkRecorder(id);
      return new Link(id, {
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
          const buffer = traces.for(id);
          buffer.codec = textCodec(connections.get(id).encoding);
          if (traces.capture) trace = { buffer, push: traces.notifier(id, buffer) };
          return buffer.beginSession();
        },
        own: (open) => {
          const buffer = traces.capturing(id);
          return buffer ? buffer.classify(CLASS_OWN, open) : open();
        },
        onState: (state) => {
          links.noteState(id, state);
          fleet.note(state);
          recordLinkEvent(state);
          snapshots.linkState(state);
          emit('link:state', state);
        },
        // Its rows are what the `no-rows` trace scope leaves out.
        onUp: (session) => tables.linkUp(id, () => traces.classedSession(id, session, CLASS_ROWS)),
        onDown: (reason, willRetry) => tables.linkDown(id, reason, willRetry),
        log,
        inbound,
        gate,
        timings,
        now,
        traceNow,
        random,
      });
    });
  const sessionFor = (connectionId: string) => links.sessionFor(connectionId);

  // ---- console, completion, broadcast, diff, replay -------------------------------------------
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
    // The header's identity follows a rename made from the console (or a broadcast) on this link.
    onDone: (connectionId, command) => {
      if (command.replace(/\/+$/, '') === '/system/identity/set') void links.get(connectionId)?.refreshIdentity();
    },
    now,
    batchMs: interval,
    maxBatch: options.consoleMaxBatch ?? 2000,
  });

  const inspect = new InspectService(
    {
      // Completion is Tikscope's own traffic (the Trace tab can hide it).
      session: (connectionId) => traces.classedSession(connectionId, sessionFor(connectionId), CLASS_OWN),
      version: (connectionId) => links.currentRouter(connectionId)?.version ?? '',
      now,
      log,
      // Read from disk on first use only (a router that cannot be inspected).
      trees: () => loadCommandTrees(),
    },
    options.inspect,
  );
  const routerInfo = (connectionId: string) => links.routerInfo(connectionId);
  // Configuration history (issue 16): exports and removals are console commands, reads are Tikscope's own.
  const snapshots = new HistoryService({
    dir: join(dataDir, 'snapshots'),
    console: consoleService,
    session: (connectionId) => traces.classedSession(connectionId, sessionFor(connectionId), CLASS_OWN),
    secretSession: (connectionId) => traces.classedSession(connectionId, sessionFor(connectionId), CLASS_OWN | CLASS_SECRET),
    routerInfo,
    now,
    notify,
    everyHours: () => settings.get().snapshotEveryHours ?? 0,
    ...(options.snapshotChunkBytes !== undefined ? { chunkBytes: options.snapshotChunkBytes } : {}),
  });
  const broadcastService = new BroadcastService({
    console: consoleService,
    routerInfo,
    now,
    emitProgress: (p) => emit('broadcast:progress', p),
    emitWaves: (p) => emit('broadcast:wave', p),
    // The snapshot before a broadcast or library write (config history, issue 16): the call's
    // choice, else the `snapshotBeforeWrite` setting (on when absent).
    beforeWrite: async (step) => {
      if (!(step.snapshotBefore ?? settings.get().snapshotBeforeWrite ?? true)) return;
      const what = step.commandName !== undefined ? `library ${step.commandName}` : `broadcast ${step.sentences[0]?.[0] ?? ''}`;
      await snapshots.beforeWrite(step.connectionId, what);
    },
  });
  const library = new LibraryStore({
    dataDir,
    routerValues: (connectionId) => {
      const c = connections.get(connectionId);
      const r = links.routerInfo(connectionId);
      return { name: c.name, host: c.host, identity: r.identity, version: r.version, vars: c.vars };
    },
    broadcast: broadcastService,
    ...(options.writeOptions ? { writeOptions: options.writeOptions } : {}),
  });
  const diffService = new DiffService({ session: sessionFor, routerInfo, now });

  // Editing from the tables (issue 14): writes are console commands (history, trace); the shipped
  // trees are read on the first form (loadCommandTrees caches them).
  const forms = new FormsService({
    session: (connectionId) => traces.classedSession(connectionId, sessionFor(connectionId), CLASS_OWN),
    version: (connectionId) => links.currentRouter(connectionId)?.version ?? '',
    user: (connectionId) => {
      const c = connections.get(connectionId);
      return c.demo ? DEMO_USER : c.user;
    },
    inspect,
    trees: { nearest: (version) => loadCommandTrees().nearest(version) },
    console: consoleService,
    log,
  });

  const replay = new ReplayService({
    session: sessionFor,
    *lines(sourceId) {
      const buffer = traces.bufferFor(sourceId);
      for (const v of buffer.iterate()) yield buffer.toEntry(v);
    },
    emitProgress: (p) => emit('replay:progress', p),
    now,
  });

  // ---- neighbour discovery ------------------------------------------------------------------
  const mndp = options.mndp;
  const discovery = new DiscoveryService({
    now,
    emit: (state) => emit('discovery:changed', state),
    log: (level, message) => log(level, message),
    ...(mndp?.targets ? { targets: mndp.targets } : {}),
    ...(mndp?.bindAddress ? { bindAddress: mndp.bindAddress } : {}),
    ...(mndp?.ageOutMs !== undefined ? { ageOutMs: mndp.ageOutMs } : {}),
  });
  // A busy port or a missing permission ends up in the state, in words; the rest of the app runs on.
  const configureDiscovery = (): Promise<void> =>
    discovery.configure({
      enabled: mndp !== undefined && (settings.get().mndpListen ?? true),
      port: mndp?.port ?? settings.get().mndpPort ?? MNDP_PORT,
    });
  await configureDiscovery();

  // ---- the bridge calls, by area --------------------------------------------------------------
  // `satisfies`: a call of the contract without a handler fails to compile.
  const handlers = {
    ...appHandlers({
      info: { version: appVersion, host: options.host, platform: process.platform, dataDir },
      credentialStore: store,
      settings,
      applySettings: () => {
        traces.applySettings();
        snapshots.applySettings();
        return configureDiscovery();
      },
      consoleCards,
      tables,
      checkAlive,
    }),
    ...connectionHandlers({
      connections,
      links,
      forget: (id) => {
        consoleCards.forget(id);
        traces.forget(id);
        inspect.forget(id);
      },
      checkAlive,
    }),
    ...linkHandlers({
      links,
      linkFor,
      connections,
      vault,
      connectionsChanged: (snapshot) => emit('connections:changed', snapshot),
      checkAlive,
    }),
    ...consoleHandlers({ console: consoleService, cards: consoleCards, history, connections, now, checkAlive }),
    ...tableHandlers({
      tables,
      connections,
      session: (connectionId) => traces.classedSession(connectionId, sessionFor(connectionId), CLASS_ROWS),
      checkAlive,
    }),
    ...traceHandlers({ traces, connections, appVersion, now, checkAlive }),
    ...inspectHandlers({
      inspect,
      connections,
      checkAlive,
      trees: () => loadCommandTrees(),
      routerVersion: (connectionId) => links.currentRouter(connectionId)?.version ?? '',
    }),
    ...fleetHandlers({ connections, fleet, now, checkAlive }),
    ...broadcastHandlers({ broadcast: broadcastService, checkAlive }),
    ...libraryHandlers({ library, checkAlive }),
    ...diffHandlers({ diff: diffService, checkAlive }),
    ...discoveryHandlers({ discovery, checkAlive }),
    ...historyHandlers({ history: snapshots, checkAlive }),
    ...formHandlers({ forms, connections, checkAlive }),
    ...replayHandlers({
      replay,
      repro: {
        traces,
        connections,
        vault,
        routerOf: (id) => links.lastSeenRouter(id),
        appVersion,
        host: options.host,
        now,
      },
      checkAlive,
    }),
  } satisfies BridgeHandlers;

  // ---- windows -------------------------------------------------------------------------------
  // A reload keeps what runs (app:snapshot); a table nobody can see any more is stopped after a
  // grace period instead of running unseen (issue 11 item 9).
  const detachedGrace = options.detachedGraceMs ?? DETACHED_GRACE_MS;
  const presence = new WindowPresence(detachedGrace, () => {
    if (disposed) return;
    const unseen = tables.running();
    if (unseen === 0) return;
    log('info', `no window for ${detachedGrace / 1000} s: stopping ${unseen} live table(s) nobody can see`);
    tables.stopRunning();
  });

  let disposing: Promise<void> | undefined;
  const dispose = (): Promise<void> => {
    disposing ??= (async () => {
      disposed = true;
      presence.dispose();
      const closingDiscovery = discovery.dispose();
      const graceful = (async () => {
        // A staged broadcast may be waiting between waves: it ends now, the rest skipped.
        broadcastService.cancelAll();
        const stops = tables.stopAll();
        await Promise.allSettled([...stops, consoleService.cancelAll()]);
        await Promise.allSettled(links.disconnectAll('Tikscope is quitting'));
      })();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([graceful, new Promise<void>((r) => (timer = setTimeout(r, disposeDeadline)))]);
      clearTimeout(timer);
      // Past the deadline: no more politeness, sockets go now.
      links.destroyAll();
      consoleService.dispose();
      snapshots.dispose();
      traces.dispose();
      await connections.expireAll();
      await Promise.allSettled([history.flush(), settings.flush(), connections.flush(), closingDiscovery, fleet.flush()]);
      vault.clearRunOnly();
      listeners.clear();
    })();
    return disposing;
  };

  return {
    handlers: guardHandlers(handlers, log),
    inspect,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    attachWindow: () => presence.attach(),
    dispose,
  };
}
