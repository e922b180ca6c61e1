import {
  ConnectionClosedError,
  FatalError,
  FramingError,
  login,
  LoginError,
  Session,
  TimeoutError,
  TrapError,
  type Reply,
} from '../../../../protocol/src/index';
import { textCodec } from '../../../../protocol/node/codec';
import { formatFingerprint, normalizeFingerprint, openSocket, TlsError, type TlsMode } from '../../../../protocol/node/transport';
import type {
  ErrorCode,
  LinkHealth,
  LinkState,
  RouterInfo,
  SafeModeAction,
  SafeModeState,
  SafeModeTakeOver,
  SavedConnection,
} from '../../common/contract';
import { BridgeFailure, toBridgeError } from '../core/errors';
import type { ConnectGate } from './connect-gate';
import { healthOf } from './health';
import { SlicedTransport, type InboundScheduler } from './inbound';
import { SAFE_MODE_TIMEOUT_MS, safeModeUnsupportedReason, safeModeWords } from './safe-mode';
import { presentedFingerprint } from './tls-probe';

/** Reliability timings (engineering-notes §6.2). All configurable so tests run in milliseconds. */
export interface LinkTimings {
  /** TCP + TLS + login. */
  connectTimeoutMs: number;
  /** Ordinary commands (streams have none). */
  commandTimeoutMs: number;
  /** A cancelled command that has not ended this long after `/cancel` is "cancel unconfirmed". */
  cancelTimeoutMs: number;
  /** Application heartbeat: `/system/identity/print` every interval… */
  heartbeatIntervalMs: number;
  /** …answered within this, or the link is declared half-open and dropped. */
  heartbeatTimeoutMs: number;
  backoffStartMs: number;
  backoffCapMs: number;
  /** A session that stayed up this long resets the backoff. */
  stableResetMs: number;
  /** `/quit` deadline on disconnect and dispose. */
  quitTimeoutMs: number;
}

export const DEFAULT_TIMINGS: LinkTimings = {
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 15_000,
  cancelTimeoutMs: 5_000,
  heartbeatIntervalMs: 30_000,
  heartbeatTimeoutMs: 10_000,
  backoffStartMs: 500,
  backoffCapMs: 30_000,
  stableResetMs: 60_000,
  quitTimeoutMs: 2_000,
};

/**
 * Exponential backoff with ±20 % jitter: 0.5 s, 1 s, 2 s … capped at 30 s (engineering-notes §6.2;
 * ioredis and node-redis add jitter the same way so that many clients do not reconnect in step).
 */
export function backoffDelay(
  attempt: number,
  t: Pick<LinkTimings, 'backoffStartMs' | 'backoffCapMs'>,
  random: () => number,
): number {
  const base = Math.min(t.backoffCapMs, t.backoffStartMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface DemoRouter {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

export interface LinkDeps {
  connection(): SavedConnection;
  startDemo(): Promise<DemoRouter>;
  /** A sentence this link sent (trace capture). */
  onSent(words: readonly Uint8Array[], time: number): void;
  /**
   * A sentence this link received (trace capture), as the session's Reply: no event object per
   * sentence (SessionOptions.onReceived), since this runs for every row of a 100k-row print.
   */
  onReceived(reply: Reply, time: number): void;
  /** A note of the link's own for the trace (not wire bytes): a cancel the router did not confirm. */
  onNote(words: readonly string[], time: number): void;
  /** A new session (login) begins: traces start a new TCP stream. */
  onSessionStart(): number;
  /**
   * Opens a command of Tikscope's own (heartbeat, router-info reads): `open` sends it at once; the
   * trace marks it and its replies so that the Trace tab can hide them. Absent: just `open()`.
   */
  own?<T>(open: () => T): T;
  onState(state: LinkState): void;
  /** Logged in (first time or after a reconnect). */
  onUp(session: Session): void;
  /** The session is gone; `willRetry` tells whether a reconnect is scheduled. */
  onDown(reason: string, willRetry: boolean): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /** Shared time-sliced delivery of received bytes (inbound.ts). */
  inbound: InboundScheduler;
  /** Shared limit of links connecting at once (connect-gate.ts); none when absent. */
  gate?: ConnectGate;
  /** Monotonic ms for round trips (default performance.now). */
  monotonic?(): number;
  timings: LinkTimings;
  now(): number;
  traceNow(): number;
  random(): number;
}

interface Failure {
  status: 'failed' | 'auth-failed' | 'backoff';
  code: ErrorCode;
  reason: string;
  presentedFingerprint256?: string;
}

/**
 * One router: its session, state machine and reconnect logic.
 *
 * offline → connecting → online → (drop) → backoff → connecting → …
 *                      ↘ auth-failed (never retried) / failed (TLS trust, first attempt)
 *
 * - Commands are never queued while offline and never replayed after a drop (engineering-notes
 *   §6.2): the Session fails in-flight commands with ConnectionClosedError(outcomeUnknown).
 * - Every async step checks `generation`: a disconnect (or a newer connect) makes older attempts
 *   discard their results and close what they opened.
 */
export class Link {
  private stateValue: LinkState;
  private session: Session | undefined;
  private transport: SlicedTransport | undefined;
  private generation = 0;
  private attempts = 0;
  private wanted = false;
  private everOnline = false;
  private backoffTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<LinkState> | undefined;
  private abort: AbortController | undefined;
  private demo: DemoRouter | undefined;
  private demoStarting: Promise<DemoRouter> | undefined;
  /** Sentences received on the current session: a heartbeat that sees this move is not dead. */
  private received = 0;
  private dropReason: { code: ErrorCode; reason: string } | undefined;
  private sessionNo = 0;
  /** The socket of an attempt that is logging in. */
  private loggingIn: SlicedTransport | undefined;
  /** Held while the link is wanted, for reconnects; forgotten on disconnect. */
  private password = '';
  /** Safe mode of this link's session (safe-mode.ts); carried in every state. */
  private safe: SafeModeState | undefined;
  /** The session that took safe mode: only its end loses it. */
  private safeSession: Session | undefined;

  constructor(
    readonly id: string,
    private readonly deps: LinkDeps,
  ) {
    this.stateValue = this.base('offline');
  }

  get state(): LinkState {
    return this.stateValue;
  }

  /** The logged-in session, or a NOT_CONNECTED failure. */
  requireSession(): Session {
    if (this.stateValue.status !== 'online' || !this.session || this.session.closed) {
      const name = this.deps.connection().name;
      throw new BridgeFailure(
        'NOT_CONNECTED',
        `${name} is not connected (${this.describeStatus()})`,
        'Connect to the router first; commands are never queued while offline.',
        {
          status: this.stateValue.status,
        },
      );
    }
    return this.session;
  }

  get currentSession(): Session | undefined {
    return this.stateValue.status === 'online' ? this.session : undefined;
  }

  private describeStatus(): string {
    const s = this.stateValue;
    return s.reason ? `${s.status}: ${s.reason}` : s.status;
  }

  private base(status: LinkState['status']): LinkState {
    const c = this.deps.connection();
    return {
      connectionId: this.id,
      status,
      transport: c.transport,
      encrypted: c.transport !== 'plain',
      authenticated: c.transport === 'tls-verify' || c.transport === 'tls-pinned',
    };
  }

  private setState(next: LinkState): void {
    const { safeMode: _, ...rest } = next;
    this.stateValue = this.safe ? { ...rest, safeMode: this.safe } : rest;
    this.deps.onState(this.stateValue);
  }

  /**
   * Safe mode on this link's session: `/safe-mode/take|release|unroll`, or `dismiss` of the notice
   * left by a session that ended while it was on. Refused on routers before RouterOS 7.18.
   */
  async safeMode(action: SafeModeAction, takeOver?: SafeModeTakeOver): Promise<LinkState> {
    if (action === 'dismiss') {
      if (this.safe?.status === 'lost') {
        this.safe = undefined;
        this.setState(this.stateValue);
      }
      return this.stateValue;
    }
    const session = this.requireSession();
    const why = safeModeUnsupportedReason(this.stateValue.router?.version);
    if (why !== undefined)
      throw new BridgeFailure('VALIDATION', `Safe mode is not available: ${why}.`, 'Safe mode needs RouterOS 7.18 or later.', {
        field: 'action',
      });
    const words = safeModeWords(action, takeOver);
    await session.command(words, { timeoutMs: SAFE_MODE_TIMEOUT_MS });
    if (session !== this.session) return this.stateValue;
    if (action === 'take') {
      this.safe = { status: 'on', since: this.deps.now() };
      this.safeSession = session;
    } else {
      this.safe = undefined;
      this.safeSession = undefined;
    }
    this.setState(this.stateValue);
    return this.stateValue;
  }

  /**
   * Reads `/system/identity` again (after a `/system/identity/set` on this link): the header and
   * the router list show the name the router has now, not the one it had at login (issue 14).
   */
  async refreshIdentity(): Promise<void> {
    const session = this.currentSession;
    if (!session || !this.stateValue.router) return;
    try {
      const r = await this.own(() => session.command(['/system/identity/print']));
      const identity = r.rows[0]?.['name'];
      const router = this.stateValue.router;
      if (identity === undefined || session !== this.session || !router || router.identity === identity) return;
      this.setState({ ...this.stateValue, router: { ...router, identity } });
    } catch (e) {
      // The header keeps the old name; the link's own checks report a dead link.
      this.deps.log('warn', `${this.deps.connection().name}: cannot read the identity again: ${(e as Error).message}`);
    }
  }

  /** The session that held safe mode ended: the router will undo its changes (docs/ui.md). */
  private loseSafeMode(session: Session | undefined, reason: string): void {
    if (this.safe?.status !== 'on' || session === undefined || session !== this.safeSession) return;
    this.safe = { status: 'lost', since: this.deps.now(), reason };
    this.safeSession = undefined;
    this.deps.log(
      'warn',
      `${this.deps.connection().name}: the session ended while safe mode was on (${reason}); the router will undo the changes made in safe mode`,
    );
  }

  /** Connects (or reconnects now) and resolves with the state after this attempt. */
  connect(password: string): Promise<LinkState> {
    this.password = password;
    this.wanted = true;
    if (this.stateValue.status === 'online') return Promise.resolve(this.stateValue);
    if (this.inFlight) return this.inFlight;
    // During backoff this is "Retry now" (issue 11): attempt at once, and if that fails go back to
    // backoff rather than to "failed" — the link was up before, so it keeps reconnecting.
    const retrying = this.stateValue.status === 'backoff';
    this.clearBackoff();
    this.attempts = 0;
    if (!retrying) this.everOnline = false;
    return this.startAttempt();
  }

  private startAttempt(): Promise<LinkState> {
    const p = this.attempt().finally(() => {
      if (this.inFlight === p) this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  private async attempt(): Promise<LinkState> {
    const gen = ++this.generation;
    this.attempts++;
    const conn = this.deps.connection();
    this.setState({ ...this.base('connecting'), attempt: this.attempts });
    const abort = new AbortController();
    this.abort = abort;
    let release: (() => void) | undefined;
    try {
      // Wait for a turn (docs/main-process.md, "Connecting many routers"); a disconnect while
      // waiting aborts the wait.
      if (this.deps.gate) release = await this.deps.gate.acquire(abort.signal);
      if (gen !== this.generation) return this.stateValue;
      const password = this.password;
      let host = conn.host;
      let port = conn.port;
      let user = conn.user;
      let pass = password;
      if (conn.demo) {
        const demo = await this.ensureDemo();
        ({ host, port } = demo);
        user = demo.user;
        pass = demo.password;
      }
      if (gen !== this.generation) return this.stateValue;
      const tlsMode = await this.tlsMode(conn, host, port);
      if (gen !== this.generation) return this.stateValue;
      const sessionNo = this.deps.onSessionStart();
      this.sessionNo = sessionNo;
      const t = this.deps.timings;
      // connect() of protocol/node, with the socket behind the inbound scheduler. The 10 s budget
      // covers TCP, TLS and login together (engineering-notes §6.2).
      const started = this.deps.now();
      const socket = await openSocket({
        host,
        port,
        ...(tlsMode ? { tls: tlsMode } : {}),
        connectTimeoutMs: t.connectTimeoutMs,
        signal: abort.signal,
      });
      const transport = new SlicedTransport(socket, this.deps.inbound);
      if (gen !== this.generation) {
        transport.destroy();
        return this.stateValue;
      }
      // A disconnect during the login closes this socket at once (see disconnect()).
      this.loggingIn = transport;
      const session = new Session(transport, {
        commandTimeoutMs: t.commandTimeoutMs,
        cancelTimeoutMs: t.cancelTimeoutMs,
        codec: textCodec(conn.encoding),
        now: this.deps.traceNow,
        onSent: (words, time) => this.deps.onSent(words, time),
        onReceived: (reply, time) => {
          this.received++;
          this.deps.onReceived(reply, time);
        },
        onCancelUnconfirmed: (tag, timeoutMs, time) =>
          this.deps.onNote(
            ['cancel unconfirmed', ...(tag !== undefined ? [`.tag=${tag}`] : []), `=timeout-ms=${timeoutMs}`],
            time,
          ),
        onClose: (error) => this.onSessionClosed(gen, error),
      });
      try {
        await login(session, { user, password: pass, timeoutMs: Math.max(1, t.connectTimeoutMs - (this.deps.now() - started)) });
      } catch (e) {
        session.close();
        transport.destroy();
        throw e;
      } finally {
        if (this.loggingIn === transport) this.loggingIn = undefined;
      }
      if (gen !== this.generation) {
        session.close();
        transport.destroy();
        return this.stateValue;
      }
      this.session = session;
      this.transport = transport;
      const { router, health } = await this.readRouterInfo(session);
      if (gen !== this.generation) return this.stateValue;
      // The session can end in the very turn its last router-info reply arrives (the `!done` and a
      // `!fatal` or the FIN in one read): onSessionClosed ignored it (not online yet), so this
      // attempt must end it, with the reason, or the link stays "connecting" (issue 11 item 1).
      if (session.closed) throw new SessionEnded(session.closed);
      this.everOnline = true;
      this.dropReason = undefined;
      const connectedAt = this.deps.now();
      this.setState({ ...this.base('online'), router, ...(health ? { health } : {}), connectedAt, attempt: this.attempts });
      this.deps.log('info', `${conn.name}: logged in to ${router.identity} (RouterOS ${router.version})`);
      this.scheduleHeartbeat(gen);
      this.deps.onUp(session);
      return this.stateValue;
    } catch (e) {
      if (gen !== this.generation) return this.stateValue;
      // A command of the login or of readRouterInfo that failed because the session ended: the
      // session's own error (fatal, framing, connection lost) is the reason, not the command's.
      const ended = this.session?.closed;
      return this.attemptFailed(
        gen,
        e instanceof SessionEnded ? e.error : ended && e instanceof ConnectionClosedError ? ended : e,
      );
    } finally {
      release?.();
      if (this.abort === abort) this.abort = undefined;
    }
  }

  private async ensureDemo(): Promise<DemoRouter> {
    if (this.demo) return this.demo;
    this.demoStarting ??= this.deps.startDemo().then(
      (d) => {
        this.demo = d;
        this.demoStarting = undefined;
        return d;
      },
      (e: unknown) => {
        this.demoStarting = undefined;
        throw e;
      },
    );
    return this.demoStarting;
  }

  private async tlsMode(conn: SavedConnection, host: string, port: number): Promise<TlsMode | undefined> {
    switch (conn.transport) {
      case 'plain':
        return undefined;
      case 'tls-anonymous':
        return { mode: 'anonymous' };
      case 'tls-verify':
        return { mode: 'verify' };
      case 'tls-pinned': {
        if (conn.fingerprint256) return { mode: 'pinned', fingerprint256: conn.fingerprint256 };
        // Trust on first use: learn what the router presents and ask the user (connections:trust).
        const presented = formatFingerprint(await presentedFingerprint(host, port, this.deps.timings.connectTimeoutMs));
        throw new BridgeFailure(
          'TLS_UNTRUSTED',
          `${conn.name} presented a certificate that is not trusted yet (SHA-256 ${presented})`,
          'Compare the fingerprint with the router (/certificate print detail) and accept it to pin it.',
          { presentedFingerprint256: presented, firstUse: true },
        );
      }
    }
  }

  private clock(): number {
    return this.deps.monotonic ? this.deps.monotonic() : performance.now();
  }

  private async readRouterInfo(session: Session): Promise<{ router: RouterInfo; health?: LinkHealth }> {
    const info: RouterInfo = { identity: '', version: '' };
    let health: LinkHealth | undefined;
    try {
      const sent = this.clock();
      const [identity, resource] = await Promise.all([
        this.own(() => session.command(['/system/identity/print'])),
        this.own(() => session.command(['/system/resource/print'])),
      ]);
      health = healthOf(resource.rows[0], this.clock() - sent, this.deps.now());
      info.identity = identity.rows[0]?.['name'] ?? '';
      const r = resource.rows[0] ?? {};
      info.version = r['version'] ?? '';
      if (r['board-name']) info.board = r['board-name'];
      if (r['architecture-name']) info.architecture = r['architecture-name'];
    } catch (e) {
      // A user without the "read" policy may not print these; the link itself is fine.
      if (!(e instanceof TrapError)) throw e;
      this.deps.log('warn', `${this.deps.connection().name}: cannot read identity/resource: ${e.message}`);
    }
    return health ? { router: info, health } : { router: info };
  }

  private attemptFailed(gen: number, e: unknown): LinkState {
    const conn = this.deps.connection();
    this.closeSession();
    const f = this.classify(e, conn);
    this.deps.log(f.status === 'backoff' ? 'info' : 'warn', `${conn.name}: connect failed: ${f.reason}`);
    if (f.status === 'backoff') return this.scheduleReconnect(gen, f.code, f.reason);
    this.wanted = false;
    this.password = '';
    void this.stopDemo();
    const state: LinkState = { ...this.base(f.status), reason: f.reason, errorCode: f.code, attempt: this.attempts };
    if (f.presentedFingerprint256) state.presentedFingerprint256 = f.presentedFingerprint256;
    this.setState(state);
    this.deps.onDown(f.reason, false);
    return state;
  }

  private classify(e: unknown, conn: SavedConnection): Failure {
    const drop = describeDrop(e);
    if (drop) return { status: this.everOnline ? 'backoff' : 'failed', ...drop };
    if (e instanceof LoginError) {
      // No retry on a refused login: repeating it only locks accounts (engineering-notes §6.2).
      return { status: 'auth-failed', code: 'LOGIN_FAILED', reason: e.message };
    }
    if (e instanceof BridgeFailure) {
      const fp = e.detail?.['presentedFingerprint256'];
      return {
        status: 'failed',
        code: e.code,
        reason: e.message,
        ...(typeof fp === 'string' ? { presentedFingerprint256: fp } : {}),
      };
    }
    if (e instanceof TlsError && e.fingerprint256 && conn.transport === 'tls-pinned') {
      const presented = formatFingerprint(e.fingerprint256);
      const expected = conn.fingerprint256 ? formatFingerprint(normalizeFingerprint(conn.fingerprint256)) : '(none)';
      return {
        status: 'failed',
        code: 'TLS_UNTRUSTED',
        reason: `WARNING: the certificate of ${conn.name} CHANGED. Pinned SHA-256 ${expected}, presented ${presented}. This can be a router reset or someone intercepting the connection; nothing was sent.`,
        presentedFingerprint256: presented,
      };
    }
    const err = toBridgeError(e);
    // After a drop, transient failures retry with backoff; a first attempt that fails says so
    // instead of retrying forever against a typo.
    const status = this.everOnline ? 'backoff' : 'failed';
    return { status, code: err.code, reason: err.message };
  }

  private scheduleReconnect(gen: number, code: ErrorCode, reason: string): LinkState {
    const delay = backoffDelay(this.attempts, this.deps.timings, this.deps.random);
    const nextAttemptAt = this.deps.now() + delay;
    const state: LinkState = { ...this.base('backoff'), reason, errorCode: code, nextAttemptAt, attempt: this.attempts };
    this.setState(state);
    this.clearBackoff();
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      if (gen === this.generation && this.wanted) void this.startAttempt();
    }, delay);
    return state;
  }

  private onSessionClosed(gen: number, error: Error): void {
    if (gen !== this.generation || !this.wanted) return;
    if (this.stateValue.status !== 'online') return; // failures during connect are handled there
    this.stopHeartbeat();
    const closed = this.session;
    this.session = undefined;
    this.transport = undefined;
    const conn = this.deps.connection();
    const connectedAt = this.stateValue.connectedAt ?? 0;
    if (this.deps.now() - connectedAt >= this.deps.timings.stableResetMs) this.attempts = 0;
    const { code, reason } = this.dropReason ?? describeDrop(error) ?? { code: toBridgeError(error).code, reason: error.message };
    this.dropReason = undefined;
    this.loseSafeMode(closed, reason);
    this.deps.log('warn', `${conn.name}: ${reason}; reconnecting`);
    this.deps.onDown(reason, true);
    this.scheduleReconnect(gen, code, reason);
  }

  private scheduleHeartbeat(gen: number): void {
    this.stopHeartbeat();
    const t = this.deps.timings;
    if (t.heartbeatIntervalMs <= 0) return;
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(gen), t.heartbeatIntervalMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /**
   * Half-open links produce no FIN and no error (protocol.md §10): only a reply that does not come
   * reveals them. Data still arriving (a big print queued ahead of the heartbeat) counts as alive.
   */
  private async heartbeat(gen: number): Promise<void> {
    const session = this.session;
    if (gen !== this.generation || !session || session.closed) return;
    const t = this.deps.timings;
    const before = this.received;
    try {
      // The resource menu rather than the identity: the same one sentence each way, and it tells
      // the fleet view uptime (a reboot shows) and CPU load (issue 15).
      const sent = this.clock();
      const reply = await this.own(() =>
        session.command(['/system/resource/print', '=.proplist=uptime,cpu-load'], { timeoutMs: t.heartbeatTimeoutMs }),
      );
      const health = healthOf(reply.rows[0], this.clock() - sent, this.deps.now());
      if (gen === this.generation && this.stateValue.status === 'online') this.setState({ ...this.stateValue, health });
    } catch (e) {
      if (gen !== this.generation || session.closed) return;
      if (e instanceof TimeoutError && this.received === before) {
        this.dropReason = {
          code: 'TIMEOUT',
          reason: `no answer from the router for ${t.heartbeatTimeoutMs} ms (heartbeat); the link looks half-open`,
        };
        this.transport?.destroy();
        return;
      }
    }
    if (gen === this.generation && !session.closed) this.scheduleHeartbeat(gen);
  }

  private own<T>(open: () => T): T {
    return this.deps.own ? this.deps.own(open) : open();
  }

  private clearBackoff(): void {
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
  }

  private closeSession(): void {
    this.stopHeartbeat();
    const s = this.session;
    const tr = this.transport;
    this.session = undefined;
    this.transport = undefined;
    s?.close();
    tr?.destroy();
  }

  /** Disconnects on purpose: `/quit` within the deadline, then the socket goes. */
  async disconnect(reason = 'disconnected'): Promise<LinkState> {
    this.wanted = false;
    this.password = '';
    this.generation++;
    this.clearBackoff();
    this.stopHeartbeat();
    this.abort?.abort();
    this.loggingIn?.destroy();
    const s = this.session;
    const tr = this.transport;
    this.session = undefined;
    this.transport = undefined;
    const wasActive = this.stateValue.status !== 'offline';
    this.loseSafeMode(s, reason);
    if (wasActive) this.deps.onDown(reason, false);
    this.setState({ ...this.base('offline'), ...(reason !== 'disconnected' ? { reason } : {}) });
    if (s && !s.closed) await s.quit(this.deps.timings.quitTimeoutMs).catch(() => undefined);
    tr?.destroy();
    await this.stopDemo();
    return this.stateValue;
  }

  /** Immediate teardown (dispose deadline passed): no /quit, sockets destroyed. */
  destroy(): void {
    this.wanted = false;
    this.password = '';
    this.generation++;
    this.clearBackoff();
    this.abort?.abort();
    this.loggingIn?.destroy();
    this.loseSafeMode(this.session, 'Tikscope closed the connection');
    this.closeSession();
    if (this.stateValue.status !== 'offline') this.setState(this.base('offline'));
    void this.stopDemo();
  }

  private async stopDemo(): Promise<void> {
    const d = this.demo ?? (this.demoStarting ? await this.demoStarting.catch(() => undefined) : undefined);
    this.demo = undefined;
    if (d)
      await d.stop().catch((e: unknown) => this.deps.log('warn', `demo router did not stop cleanly: ${(e as Error).message}`));
  }

  /** The connection's saved settings changed: the state's transport flags follow. */
  refresh(): void {
    const b = this.base(this.stateValue.status);
    this.stateValue = { ...this.stateValue, transport: b.transport, encrypted: b.encrypted, authenticated: b.authenticated };
  }

  get sessionNumber(): number {
    return this.sessionNo;
  }
}

/** The session ended while the attempt was still connecting; carries the session's own error. */
class SessionEnded extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

/** Code and reason of a session that ended (framing error, `!fatal`, connection lost). */
function describeDrop(error: unknown): { code: ErrorCode; reason: string } | undefined {
  // A command (the login) failed as outcome unknown because of the framing error: name that.
  if (error instanceof ConnectionClosedError && error.cause instanceof FramingError) error = error.cause;
  if (error instanceof FramingError)
    return { code: 'FRAMING', reason: `the router sent bytes that cannot be read (${error.message}); the connection was closed` };
  if (error instanceof FatalError) return { code: 'FATAL', reason: `the router ended the session: ${error.reason}` };
  if (error instanceof ConnectionClosedError && error.outcomeUnknown)
    return { code: 'NETWORK', reason: `connection lost (${error.message})` };
  return undefined;
}
