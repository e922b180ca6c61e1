import { textCodec } from '../../../../protocol/node/codec';
import { isEncodingName, type Session } from '../../../../protocol/src/index';
import type { LinkState, ReproBundleInfo, TraceEntry, TraceSnapshot } from '../../common/contract';
import type { SettingsStore } from '../app/settings';
import type { ConnectionStore } from '../connections/connections';
import { notFound } from '../core/errors';
import type { Throttle } from '../core/throttle';
import { parseReproBundle } from '../replay/repro';
import { CLASS_OWN, CLASS_ROWS, linkEventWords, TraceBuffer } from './trace';
import { loadImported, parseJsonlTrace } from './trace-export';
import { TraceEvents } from './trace-events';

export interface ImportedTrace {
  buffer: TraceBuffer;
  name: string;
  host: string;
  port: number;
  transport: string;
  /** Set when the file was a repro bundle. */
  repro?: ReproBundleInfo;
}

export interface TracesOptions {
  connections: ConnectionStore;
  settings: SettingsStore;
  /** Trace ring buffer cap per connection, bytes; overrides the `traceBufferMiB` setting. */
  capBytes: number | undefined;
  /** Sentences pinned at the start of each session (default: TraceBuffer's). */
  pinnedPerSession: number | undefined;
  /** Record traces at all (the benchmark turns it off to measure its cost). */
  capture: boolean;
  /** `trace:entries` bounds (see TraceEvents). */
  eventLimit: number;
  eventBudget: number;
  intervalMs: number;
  emit: (connectionId: string, entries: TraceEntry[]) => void;
  /** Trace times: epoch ms with sub-millisecond resolution. */
  traceNow: () => number;
}

/**
 * The traces of every saved connection and every imported file: the buffers, the capture scope
 * and buffer size settings, the classification of commands as Tikscope's own or as live-table
 * rows, link events, and the budgeted `trace:entries` events.
 */
export class Traces {
  readonly capture: boolean;
  private readonly buffers = new Map<string, TraceBuffer>();
  private readonly imported = new Map<string, ImportedTrace>();
  private importCount = 0;
  private readonly events: TraceEvents;
  /**
   * One wrapper per session and class (see classedSession), so that services comparing sessions
   * (a reconnect starts afresh) still see the same object.
   */
  private readonly classed = new Map<number, WeakMap<Session, Session>>([
    [CLASS_OWN, new WeakMap()],
    [CLASS_ROWS, new WeakMap()],
  ]);

  constructor(private readonly options: TracesOptions) {
    this.capture = options.capture;
    this.events = new TraceEvents({
      intervalMs: options.intervalMs,
      limit: options.eventLimit,
      budget: options.eventBudget,
      buffer: (id) => this.buffers.get(id),
      emit: options.emit,
    });
  }

  /** The trace buffer size in force: the option (tests, benchmark) or the setting. */
  cap(): number {
    return this.options.capBytes ?? this.options.settings.get().traceBufferMiB * 1024 * 1024;
  }

  /** A saved connection's trace, created on first use. */
  for(id: string): TraceBuffer {
    let t = this.buffers.get(id);
    if (!t) {
      const { connections, settings } = this.options;
      t = new TraceBuffer(id, this.cap(), textCodec(connections.has(id) ? connections.get(id).encoding : 'utf-8'));
      if (this.options.pinnedPerSession !== undefined) t.pinPerSession = this.options.pinnedPerSession;
      t.scope = settings.get().traceScopes[id] ?? 'all';
      this.buffers.set(id, t);
    }
    return t;
  }

  /** The capturing buffer of a connection, if capture is on and it has one. */
  capturing(id: string): TraceBuffer | undefined {
    return this.capture ? this.buffers.get(id) : undefined;
  }

  /** The scope and buffer size settings apply at once to every router's trace. */
  applySettings(): void {
    const s = this.options.settings.get();
    for (const [id, t] of this.buffers) {
      t.scope = s.traceScopes[id] ?? 'all';
      t.setCap(this.cap());
    }
  }

  /**
   * The session as seen by a service whose commands are of one class in the trace (CLASS_OWN:
   * completion; CLASS_ROWS: live tables; CLASS_OWN | CLASS_SECRET: a show-sensitive snapshot's file
   * reads): every command or stream it opens is classified while it
   * is sent (TraceBuffer.classify).
   */
  classedSession(connectionId: string, session: Session, cls: number): Session {
    let cache = this.classed.get(cls);
    if (!cache) this.classed.set(cls, (cache = new WeakMap()));
    let wrapped = cache.get(session);
    if (wrapped) return wrapped;
    const capturing = (): TraceBuffer | undefined => this.capturing(connectionId);
    wrapped = new Proxy(session, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (key !== 'command' && key !== 'stream') return fn.bind(target);
        return (...args: unknown[]) => {
          const buffer = capturing();
          return buffer ? buffer.classify(cls, () => fn.apply(target, args)) : fn.apply(target, args);
        };
      },
    });
    cache.set(session, wrapped);
    return wrapped;
  }

  /** The batch timer of `trace:entries` for a connection (TraceEvents). */
  notifier(id: string, buffer: TraceBuffer): Throttle {
    return this.events.notifier(id, buffer);
  }

  /**
   * Link events (trace entries of their own), derived from the state changes of one link: the
   * returned function is called with every state.
   */
  linkRecorder(id: string): (state: LinkState) => void {
    let lastStatus: LinkState['status'] = 'offline';
    let wasOnline = false;
    return (state) => {
      const words = linkEventWords(lastStatus, state, wasOnline);
      lastStatus = state.status;
      if (state.status === 'online') wasOnline = true;
      else if (state.status === 'offline' || state.status === 'failed' || state.status === 'auth-failed') wasOnline = false;
      if (!words || !this.capture) return;
      const buffer = this.for(id);
      buffer.recordLink(words, this.options.traceNow());
      this.notifier(id, buffer).request();
    };
  }

  /** A saved connection's or an imported file's trace (NOT_FOUND otherwise). */
  bufferFor(connectionId: string): TraceBuffer {
    const imp = this.imported.get(connectionId);
    if (imp) return imp.buffer;
    if (!this.options.connections.has(connectionId) && !this.buffers.has(connectionId))
      throw notFound('trace of connection', connectionId);
    return this.for(connectionId);
  }

  importedTrace(connectionId: string): ImportedTrace | undefined {
    return this.imported.get(connectionId);
  }

  /** A JSON Lines trace or a repro bundle (one JSON document carrying one) becomes `import:N`. */
  import(fileName: string, content: string): TraceSnapshot {
    const bundle = parseReproBundle(fileName, content);
    const parsed = bundle ? bundle.parsed : parseJsonlTrace(fileName, content);
    const id = `import:${++this.importCount}`;
    // Imported words are text already (re-framed as UTF-8): the header's Encoding only names it.
    const named = parsed.header?.encoding;
    const buffer = new TraceBuffer(id, this.cap(), textCodec(isEncodingName(named) ? named : 'utf-8'));
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
    this.imported.set(id, entry);
    const snapshot: TraceSnapshot = buffer.snapshot(0, 100_000);
    if (bundle) snapshot.repro = bundle.info;
    return snapshot;
  }

  /** Only imported traces close; a router's trace lives as long as its connection. */
  close(connectionId: string): boolean {
    return this.imported.delete(connectionId);
  }

  clear(connectionId: string): void {
    const buffer = this.bufferFor(connectionId);
    buffer.clear();
    this.events.markSent(connectionId, buffer.lastSeq);
  }

  /** The connection was deleted. */
  forget(id: string): void {
    this.buffers.delete(id);
    this.events.forget(id);
  }

  /** A clean quit: what is pending is sent, then the timers stop. */
  dispose(): void {
    this.events.flush();
    this.events.dispose();
  }
}
