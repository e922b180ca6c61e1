/**
 * `startSimulator()`: the simulated RouterOS API server — plain TCP and API-SSL listeners (anonymous
 * DH and certificate mode), the session limit, the background activity timer, and the handles
 * tests and the app need (the router model, live faults, dropping connections, restart on the
 * same ports, manual ticks).
 *
 * Free of process-global side effects: nothing is printed, the process is never exited, and every
 * timer is unref'd and stopped by `close()`.
 */
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { Activity, Traffic } from './activity';
import { ApiConnection, DEFAULT_LIMITS, type ConnectionHost, type ConnectionLimits, type Service } from './connection';
import { buildDefaultRouter } from './default-router';
import { frame } from './encode';
import { resolveFaults, type Faults } from './faults';
import type { CommandTree } from '../../protocol/src/tree/index';
import { INSPECT_MODES, registerInspect, type InspectMode } from './inspect';
import { installTree, treeFor } from './tree';
import { RouterModel, type Menu } from './model';
import { MndpAnnouncer, type MndpOptions } from './mndp';
import { registerFiles } from './files';
import { registerMonitors } from './monitor';
import { registerSafeMode } from './safe-mode';
import { Rng } from './rng';
import { parseRosVersion, type RosVersion } from './version';

/**
 * Anonymous-DH suites for API-SSL without a certificate (protocol.md §8.1): security level 0 (OpenSSL
 * refuses aNULL suites otherwise) and TLS ≤ 1.2 (TLS 1.3 has no anonymous suites).
 */
export const SIMULATOR_ADH_CIPHERS =
  'ADH-AES256-GCM-SHA384:ADH-AES128-GCM-SHA256:ADH-AES256-SHA256:ADH-AES128-SHA256:ADH-AES256-SHA:ADH-AES128-SHA:@SECLEVEL=0';

export interface SimulatorUser {
  name: string;
  /** Text (stored as UTF-8, as an API client writes it) or the exact bytes (e.g. cp1250 from WinBox). */
  password: string | Uint8Array;
  /** `read`, `write` or `full`. */
  group: string;
}

export interface SimulatorOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Plain API port; 0 (the default) picks a free port, `null` disables the plain listener. */
  port?: number | null;
  /** API-SSL without a certificate (anonymous DH), as a router whose api-ssl has none. 0 = any free port. Off unless given. */
  tlsPort?: number | null;
  /** API-SSL with a certificate (generated at start unless `certificate` is given). Off unless given. */
  tlsCertPort?: number | null;
  /** Key and certificate (PEM) for `tlsCertPort`, instead of a generated self-signed pair. */
  certificate?: { key: string; cert: string };
  /** RouterOS version to emulate, `X.Y` or `X.Y.Z`. Default `7.20`. */
  rosVersion?: string;
  /** The full-rights user. Default `admin`. */
  user?: string;
  /** Its password. Default empty, like a fresh RouterOS. */
  password?: string;
  /** More users (e.g. one in the `read` group). */
  users?: readonly SimulatorUser[];
  /** `/system/identity` name. Default `MikroTik`. */
  identity?: string;
  /** Concurrent API sessions allowed (all listeners together). Default 100. */
  maxSessions?: number;
  /** Entries in `/ip/firewall/connection`. Default 120. */
  connections?: number;
  /** Connection-tracking entries replaced per tick. Default max(1, connections / 40). */
  churn?: number;
  /** Background activity (counters, churn, log lines) on a timer. Default true; `tick()` works either way. */
  activity?: boolean;
  /** Activity timer period. Default 1000 ms. */
  tickMs?: number;
  /** A log line every N ticks (0: none). Default 5. */
  logEveryTicks?: number;
  /** Seed of every random choice. Default 1. */
  seed?: number;
  /** Clock for timestamps (log lines, logins). Default `Date.now`. */
  now?: () => number;
  /** `/console/inspect` behaviour: normal, disabled (absent), empty, or stall (never answers). */
  inspect?: InspectMode;
  /**
   * Probability (0..1) that `/console/inspect` drops a completion row, as 7.22.1 does over the
   * native API; never when the request's `.proplist` names `completion`. Default 0.
   */
  inspectDrops?: number;
  /** Initial faults; change `simulator.faults` later to switch them live. */
  faults?: Partial<Faults>;
  /** Decoder and pre-login caps. */
  limits?: Partial<ConnectionLimits>;
  /** Diagnostics (connections, logins, protocol errors). Default: discarded. */
  log?: (line: string) => void;
  /**
   * Announce the router over MNDP to this UDP address every `intervalMs` (default 5 s) and answer
   * discovery requests sent to its own MNDP socket (`Simulator.mndp.port`). Off unless given.
   */
  mndp?: MndpOptions;
}

export interface SessionInfo {
  readonly id: number;
  readonly service: Service;
  readonly remoteAddress: string;
  readonly user: string | undefined;
  /** Commands still running (listen, follow, monitors). */
  readonly running: number;
}

/** What `Simulator.on()` reports. */
export interface SimulatorEvents {
  /** Listening (after `startSimulator`, `start()`, `restart()`). */
  listening: () => void;
  /** Stopped listening and dropped every connection. */
  stopped: () => void;
  /** A client connected (before login). */
  'session-opened': (session: SessionInfo) => void;
  /** A connection ended, for whatever reason. */
  'session-closed': (session: SessionInfo) => void;
}

/** A running simulator; see `startSimulator`. */
export interface Simulator {
  readonly host: string;
  /** Plain API port (undefined when disabled). Stable across `restart()`. */
  readonly port: number | undefined;
  /** API-SSL port, anonymous DH. */
  readonly tlsPort: number | undefined;
  /** API-SSL port, certificate mode. */
  readonly tlsCertPort: number | undefined;
  /** Certificate of `tlsCertPort`: PEM and SHA-256 fingerprint (colon-separated hex, as Node prints it). */
  readonly certificate: { readonly pem: string; readonly fingerprint256: string } | undefined;
  readonly version: RosVersion;
  /** The in-memory router; changes made through it reach `listen` clients like API changes. */
  readonly model: RouterModel;
  /** Live fault switches. */
  readonly faults: Faults;
  /** `/console/inspect` behaviour, switchable live. */
  inspectMode: InspectMode;
  /** Completion rows dropped by `/console/inspect` (0..1), switchable live. */
  inspectDrops: number;
  /** The real RouterOS command tree the menus and inspect answers come from (the shipped one nearest `version`). */
  readonly tree: CommandTree;
  /** True between start and stop. */
  readonly listening: boolean;
  /**
   * The MNDP announcer when `mndp` was given: its own UDP port (discovery requests go there; stable
   * across `restart()`), `announce()` to send one now, and what it has sent and answered.
   */
  readonly mndp:
    | { readonly port: number; announce(): void; readonly counts: { announced: number; answered: number; ignored: number } }
    | undefined;
  /** Shortcut for `model.menu(path)`. */
  menu(path: string): Menu;
  /** Open connections. */
  sessions(): SessionInfo[];
  /** Subscribes to lifecycle events; returns the unsubscribe function. */
  on<E extends keyof SimulatorEvents>(event: E, listener: SimulatorEvents[E]): () => void;
  /** Runs background activity `count` times (default 1), whether or not the timer runs. */
  tick(count?: number): void;
  /** Closes every connection abruptly (no `!fatal`), as a router that lost power. */
  dropConnections(): void;
  /** Stops listening and drops every connection; the model and ports are kept. */
  stop(): Promise<void>;
  /** Listens again on the same ports after `stop()`. */
  start(): Promise<void>;
  /** `stop()` then `start()`: a reboot as a client sees it. */
  restart(): Promise<void>;
  /** Stops everything for good (listeners, connections, timers). Idempotent. */
  close(): Promise<void>;
}

function checkPort(name: string, v: number | null | undefined): void {
  if (v === undefined || v === null) return;
  if (!Number.isInteger(v) || v < 0 || v > 65535)
    throw new RangeError(`${name} must be a port number 0..65535 (0: any free port), got ${String(v)}`);
}

function checkCount(name: string, v: number | undefined, min: number): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${String(v)}`);
}

async function generateCertificate(): Promise<{ key: string; cert: string }> {
  const selfsigned = (await import('selfsigned')).default;
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'tikscope-simulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 825 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

type ListenerKind = 'api' | 'api-ssl' | 'api-ssl-cert';

interface Listener {
  kind: ListenerKind;
  service: Service;
  port: number;
  create(): net.Server;
  server: net.Server | undefined;
}

class SimulatorImpl implements Simulator, ConnectionHost {
  readonly host: string;
  readonly model: RouterModel;
  readonly faults: Faults;
  readonly limits: ConnectionLimits;
  readonly version: RosVersion;
  certificate: { pem: string; fingerprint256: string } | undefined;
  inspectMode: InspectMode;
  inspectDrops: number;
  readonly tree: CommandTree;
  private readonly connections = new Set<ApiConnection>();
  /** Every accepted TCP socket (also TLS ones still in their handshake, and refused ones). */
  private readonly sockets = new Set<net.Socket>();
  private readonly listeners: Listener[] = [];
  private readonly activity: Activity;
  private timer: NodeJS.Timeout | undefined;
  private isListening = false;
  private readonly maxSessions: number;
  private readonly logLine: (line: string) => void;
  readonly mndp: MndpAnnouncer | undefined;

  constructor(
    options: SimulatorOptions,
    private readonly tickMs: number,
    private readonly activityOn: boolean,
  ) {
    this.host = options.host ?? '127.0.0.1';
    this.version = parseRosVersion(options.rosVersion ?? '7.20');
    this.faults = resolveFaults(options.faults);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.maxSessions = options.maxSessions ?? 100;
    this.inspectMode = options.inspect ?? 'normal';
    this.inspectDrops = options.inspectDrops ?? 0;
    this.logLine = options.log ?? (() => undefined);
    this.model = new RouterModel({ version: this.version, rng: new Rng(options.seed ?? 1), now: options.now ?? Date.now });
    buildDefaultRouter(this.model, {
      identity: options.identity ?? 'MikroTik',
      user: options.user ?? 'admin',
      password: options.password ?? '',
      users: options.users ?? [],
      seed: options.seed ?? 1,
      ...(options.port !== null ? { apiPort: options.port ?? 0 } : {}),
      ...(options.tlsPort !== undefined && options.tlsPort !== null
        ? { apiSslPort: options.tlsPort }
        : options.tlsCertPort !== undefined && options.tlsCertPort !== null
          ? { apiSslPort: options.tlsCertPort }
          : {}),
    });
    const traffic = new Traffic(this.model);
    registerMonitors(this.model, traffic);
    this.tree = treeFor(this.version);
    registerInspect(this.model, this.tree, {
      mode: () => this.inspectMode,
      drops: () => this.inspectDrops,
      rng: new Rng((options.seed ?? 1) ^ 0x1d5e),
    });
    // Before the tree is installed: the modelled /file, /file/read and /export are kept (tree.ts).
    registerFiles(this.model, () => this.faults);
    this.model.onError = (e) => this.log(`internal error: ${(e as Error)?.stack ?? String(e)}`);
    this.model.actions.reboot = () => {
      this.restart().catch((e: unknown) => this.log(`reboot: ${(e as Error).message}`));
    };
    const connections = options.connections ?? 120;
    this.activity = new Activity(this.model, traffic, {
      tickMs,
      logEveryTicks: options.logEveryTicks ?? 5,
      churn: options.churn ?? Math.max(1, Math.floor(connections / 40)),
    });
    this.activity.fillConnections(connections);
    // Last, so everything modelled above is kept and the tree only fills the gaps (tree.ts).
    installTree(this.model, this.tree);
    this.mndp = options.mndp
      ? new MndpAnnouncer(options.mndp, this.model, this.host, this.version.text, (line) => this.log(line))
      : undefined;
    // After the tree: the real take/release/unroll/print replace its placeholders (safe-mode.ts).
    registerSafeMode(this.model);
  }

  addListener(kind: ListenerKind, port: number, create: () => net.Server): void {
    this.listeners.push({ kind, service: kind === 'api' ? 'api' : 'api-ssl', port, create, server: undefined });
  }

  get port(): number | undefined {
    return this.listeners.find((l) => l.kind === 'api')?.port;
  }
  get tlsPort(): number | undefined {
    return this.listeners.find((l) => l.kind === 'api-ssl')?.port;
  }
  get tlsCertPort(): number | undefined {
    return this.listeners.find((l) => l.kind === 'api-ssl-cert')?.port;
  }
  get listening(): boolean {
    return this.isListening;
  }

  menu(path: string): Menu {
    return this.model.menu(path);
  }

  log(line: string): void {
    this.logLine(line);
  }

  private readonly eventListeners = new Map<keyof SimulatorEvents, Set<(info?: SessionInfo) => void>>();

  on<E extends keyof SimulatorEvents>(event: E, listener: SimulatorEvents[E]): () => void {
    let set = this.eventListeners.get(event);
    if (!set) this.eventListeners.set(event, (set = new Set()));
    const l = listener as (info?: SessionInfo) => void;
    set.add(l);
    return () => set.delete(l);
  }

  private emit(event: keyof SimulatorEvents, info?: SessionInfo): void {
    for (const l of [...(this.eventListeners.get(event) ?? [])]) {
      try {
        l(info);
      } catch (e) {
        this.model.onError(e);
      }
    }
  }

  private info(c: ApiConnection): SessionInfo {
    return { id: c.id, service: c.service, remoteAddress: c.remoteAddress, user: c.user, running: c.running.size };
  }

  private connectionSeq = 0;
  nextConnectionId(): number {
    return ++this.connectionSeq;
  }

  closed(connection: ApiConnection): void {
    if (this.connections.delete(connection)) this.emit('session-closed', this.info(connection));
  }

  sessions(): SessionInfo[] {
    return [...this.connections].map((c) => this.info(c));
  }

  tick(count = 1): void {
    checkCount('tick count', count, 0);
    for (let i = 0; i < count; i++) this.activity.tick();
  }

  dropConnections(): void {
    for (const c of [...this.connections]) c.destroy();
    for (const s of [...this.sockets]) s.destroy();
  }

  /** @internal A listener accepted a socket. */
  accept(socket: net.Socket, service: Service): void {
    if (!this.isListening) {
      socket.destroy();
      return;
    }
    if (this.connections.size >= this.maxSessions) {
      // The api service's max-sessions (protocol.md §10 leaves the router's exact answer open).
      this.log(`refused a ${service} connection: ${this.maxSessions} sessions already open`);
      socket.on('error', () => undefined);
      // Read (and drop) what the client sends, so that its FIN is seen and the socket closes.
      socket.resume();
      socket.end(frame(['!fatal', 'too many sessions']));
      return;
    }
    const c = new ApiConnection(socket, service, this);
    this.connections.add(c);
    this.emit('session-opened', this.info(c));
  }

  async start(): Promise<void> {
    if (this.closedForGood) throw new Error('the simulator was closed; start a new one');
    if (this.isListening) return;
    this.isListening = true;
    try {
      for (const l of this.listeners) {
        const server = l.create();
        l.server = server;
        server.on('error', (e) => this.log(`${l.service} listener: ${e.message}`));
        server.on('connection', (raw: net.Socket) => {
          this.sockets.add(raw);
          raw.on('close', () => this.sockets.delete(raw));
        });
        await new Promise<void>((resolve, reject) => {
          const onError = (e: Error): void =>
            reject(new Error(`cannot listen on ${this.host}:${l.port} (${l.service}): ${e.message}`));
          server.once('error', onError);
          server.listen(l.port, this.host, () => {
            server.off('error', onError);
            l.port = (server.address() as net.AddressInfo).port;
            resolve();
          });
        });
      }
      // After the API listeners: an announcement names a router that already answers.
      await this.mndp?.start();
    } catch (e) {
      await this.stop();
      throw e;
    }
    if (this.activityOn && !this.timer) {
      this.timer = setInterval(() => {
        try {
          this.activity.tick();
        } catch (e) {
          this.model.onError(e);
        }
      }, this.tickMs);
      this.timer.unref();
    }
    const api = this.model.menu('ip/service');
    const apiEntry = api.findByName('api');
    if (apiEntry && this.port !== undefined) api.update(apiEntry, { port: String(this.port), disabled: this.model.bool(false) });
    const ssl = api.findByName('api-ssl');
    const sslPort = this.tlsPort ?? this.tlsCertPort;
    if (ssl && sslPort !== undefined) api.update(ssl, { port: String(sslPort), disabled: this.model.bool(false) });
    this.emit('listening');
  }

  async stop(): Promise<void> {
    this.isListening = false;
    const closing = this.listeners.map(
      (l) =>
        new Promise<void>((resolve) => {
          const s = l.server;
          l.server = undefined;
          if (!s || !s.listening) return resolve();
          s.close(() => resolve());
        }),
    );
    this.dropConnections();
    await Promise.all([...closing, this.mndp?.stop()]);
    this.emit('stopped');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private closedForGood = false;

  async close(): Promise<void> {
    if (this.closedForGood) return;
    this.closedForGood = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.stop();
  }
}

/**
 * Starts a simulated RouterOS API server on 127.0.0.1 (or `options.host`).
 *
 * ```ts
 * const sim = await startSimulator({ rosVersion: '7.17', tlsPort: 0, activity: false });
 * // connect to sim.port / sim.tlsPort as admin with an empty password …
 * await sim.close();
 * ```
 *
 * @throws RangeError for bad options, naming the option; Error when a port cannot be bound.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  checkPort('port', options.port);
  checkPort('tlsPort', options.tlsPort);
  checkPort('tlsCertPort', options.tlsCertPort);
  checkCount('maxSessions', options.maxSessions, 1);
  checkCount('connections', options.connections, 0);
  checkCount('churn', options.churn, 0);
  checkCount('tickMs', options.tickMs, 10);
  checkCount('logEveryTicks', options.logEveryTicks, 0);
  if (options.inspectDrops !== undefined && !(options.inspectDrops >= 0 && options.inspectDrops <= 1)) {
    throw new RangeError(`inspectDrops must be a probability between 0 and 1, got ${String(options.inspectDrops)}`);
  }
  if (options.inspect !== undefined && !INSPECT_MODES.includes(options.inspect)) {
    throw new RangeError(`inspect must be one of ${INSPECT_MODES.join(', ')}, got ${String(options.inspect)}`);
  }
  if (options.user !== undefined && options.user === '') throw new RangeError('user must not be empty');
  if (options.host !== undefined && net.isIP(options.host) === 0)
    throw new RangeError(`host must be an IP address, got "${options.host}"`);
  if (options.mndp) {
    if (net.isIP(options.mndp.host) === 0) throw new RangeError(`mndp.host must be an IP address, got "${options.mndp.host}"`);
    if (!Number.isInteger(options.mndp.port) || options.mndp.port < 1 || options.mndp.port > 65535)
      throw new RangeError(`mndp.port must be a port number 1..65535, got ${String(options.mndp.port)}`);
    checkCount('mndp.intervalMs', options.mndp.intervalMs, 10);
  }

  const sim = new SimulatorImpl(options, options.tickMs ?? 1000, options.activity ?? true);
  if (options.port !== null) {
    sim.addListener('api', options.port ?? 0, () => net.createServer((s) => sim.accept(s, 'api')));
  }
  if (options.tlsPort !== undefined && options.tlsPort !== null) {
    const anonymous = (): net.Server =>
      tls
        .createServer({ ciphers: SIMULATOR_ADH_CIPHERS, dhparam: 'auto', maxVersion: 'TLSv1.2' }, (s) => sim.accept(s, 'api-ssl'))
        .on('tlsClientError', (e) => sim.log(`api-ssl handshake failed: ${e.message}`));
    sim.addListener('api-ssl', options.tlsPort, anonymous);
  }
  if (options.tlsCertPort !== undefined && options.tlsCertPort !== null) {
    const pair = options.certificate ?? (await generateCertificate());
    sim.certificate = { pem: pair.cert, fingerprint256: new X509Certificate(pair.cert).fingerprint256 };
    const cert = (): net.Server =>
      tls
        .createServer({ key: pair.key, cert: pair.cert }, (s) => sim.accept(s, 'api-ssl'))
        .on('tlsClientError', (e) => sim.log(`api-ssl (certificate) handshake failed: ${e.message}`));
    sim.addListener('api-ssl-cert', options.tlsCertPort, cert);
  }
  await sim.start();
  return sim;
}
