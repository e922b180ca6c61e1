/**
 * Neighbour discovery (issue 15; docs/main-process.md, "Neighbour discovery"): listens on UDP 5678
 * for MNDP announcements — passively, from start-up, as WinBox's Neighbors list does — and keeps
 * one entry per router interface heard, keyed by its MAC (or its IP when it sent none). Discover
 * sends discovery requests (four zero bytes) to each IPv4 broadcast address of the machine, and
 * routers answer with announcements.
 *
 * Packets come from anyone on the LAN: the codec refuses malformed ones (counted, the last reason
 * kept for the window), the table holds at most MAX_ROUTERS entries, and entries age out.
 */
import dgram from 'node:dgram';
import { isIPv4 } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { decodeMndp, encodeMndpRequest, isMndpRequest, MNDP_PORT } from '../../../../protocol/src/index';
import type { DiscoveredRouter, DiscoveryState } from '../../common/contract';
import { BridgeFailure } from '../core/errors';
import { Throttle } from '../core/throttle';

/** An entry not heard from for this long is dropped (routers announce periodically; a few missed announcements are tolerated). */
export const DEFAULT_AGE_OUT_MS = 180_000;
/** How often aged-out entries are looked for. */
export const PRUNE_INTERVAL_MS = 10_000;
/** At most this many `discovery:changed` events per second … */
export const EVENT_INTERVAL_MS = 250;
/** … and at most this many entries: past it the one heard longest ago goes (a LAN can be spoofed). */
export const MAX_ROUTERS = 1024;
/**
 * Text fields are cut to this many characters: a datagram can carry 64 KiB of identity, and 1,024
 * such entries would cost 64 MiB and fill the window (RouterOS identities are far shorter).
 */
export const MAX_TEXT_CHARS = 256;

function clip(text: string): string {
  return text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS)}…` : text;
}

/** Where a discovery request goes. */
export interface DiscoveryTarget {
  address: string;
  port: number;
}

/**
 * The IPv4 broadcast address of each interface of this machine (address OR NOT netmask),
 * loopback left out, each once.
 */
export function broadcastTargets(
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): DiscoveryTarget[] {
  const out = new Set<string>();
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) {
      if (i.family !== 'IPv4' || i.internal) continue;
      const a = i.address.split('.').map(Number);
      const m = i.netmask.split('.').map(Number);
      if (a.length !== 4 || m.length !== 4) continue;
      out.add(a.map((x, k) => (x | (~m[k]! & 0xff)) & 0xff).join('.'));
    }
  }
  return [...out].map((address) => ({ address, port }));
}

/** A bind failure in words, with what to do about it. */
export function bindProblem(error: NodeJS.ErrnoException, port: number): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return (
        `UDP port ${port} is in use by another program, so routers' announcements cannot be heard. ` +
        'Close the other program (a neighbour viewer that does not share the port), or choose another port in the settings.'
      );
    case 'EACCES':
    case 'EPERM':
      return (
        `Tikscope may not listen on UDP port ${port} (permission denied). ` +
        'Ports below 1024 need administrator rights; use 5678, or allow the port in the firewall.'
      );
    default:
      return `Listening on UDP port ${port} failed: ${error.message}`;
  }
}

export interface DiscoveryOptions {
  now: () => number;
  emit: (state: DiscoveryState) => void;
  log: (level: 'info' | 'warn', message: string) => void;
  /** Where Discover sends requests; default: `broadcastTargets(port)`. Tests give 127.0.0.1 only. */
  targets?: (port: number) => DiscoveryTarget[];
  /** Default 0.0.0.0 (broadcasts reach only a socket bound to the wildcard). */
  bindAddress?: string;
  ageOutMs?: number;
  eventIntervalMs?: number;
}

export interface DiscoveryConfig {
  enabled: boolean;
  /** 0: any free port (tests). */
  port: number;
}

export class DiscoveryService {
  private socket: dgram.Socket | undefined;
  private readonly routers = new Map<string, DiscoveredRouter>();
  private config: DiscoveryConfig = { enabled: false, port: MNDP_PORT };
  private boundPort: number | undefined;
  private problem: string | undefined;
  private refused = 0;
  private lastRefusal: string | undefined;
  private lastDiscover: DiscoveryState['lastDiscover'];
  private readonly throttle: Throttle;
  private readonly pruneTimer: NodeJS.Timeout;
  /** configure() calls, one after another (a socket closes before the next binds). */
  private chain: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly ageOutMs: number;

  constructor(private readonly options: DiscoveryOptions) {
    this.ageOutMs = options.ageOutMs ?? DEFAULT_AGE_OUT_MS;
    this.throttle = new Throttle(options.eventIntervalMs ?? EVENT_INTERVAL_MS, () => options.emit(this.state()));
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  /** Listens (again) as configured; a bind failure becomes `problem`, never an exception. */
  configure(config: DiscoveryConfig): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.disposed) return;
      const same = config.enabled === this.config.enabled && config.port === this.config.port;
      if (same && (this.socket || this.problem || !config.enabled)) return;
      this.config = { ...config };
      await this.close();
      this.problem = undefined;
      if (config.enabled) await this.open();
      this.throttle.request();
    });
    return this.chain;
  }

  private async open(): Promise<void> {
    const port = this.config.port;
    // reuseAddr: WinBox (or another MNDP listener) on the same machine keeps working beside us.
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, this.options.bindAddress ?? '0.0.0.0', () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      socket.close();
      this.problem = bindProblem(e as NodeJS.ErrnoException, port);
      this.options.log('warn', `discovery: ${this.problem}`);
      return;
    }
    socket.setBroadcast(true);
    socket.on('message', (msg, rinfo) => this.receive(msg, rinfo.address));
    socket.on('error', (e) => this.options.log('warn', `discovery: ${e.message}`));
    this.socket = socket;
    this.boundPort = socket.address().port;
    this.options.log('info', `discovery: listening for MNDP on UDP port ${this.boundPort}`);
  }

  private close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.boundPort = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }

  /** One datagram from `from`. Public for the tests of malformed input. */
  receive(msg: Uint8Array, from: string): void {
    const r = decodeMndp(msg);
    if (!r.ok) {
      this.refused++;
      this.lastRefusal = `${r.reason} (from ${from})`;
      this.throttle.request();
      return;
    }
    const p = r.packet;
    // Requests (ours echoed back by the broadcast, or another viewer's) announce nobody.
    if (isMndpRequest(p)) return;
    const ipv4 = p.ipv4 ?? (isIPv4(from) ? from : undefined);
    const key = p.mac ?? ipv4 ?? from;
    const entry: DiscoveredRouter = { key, identity: clip(p.identity ?? ''), from, lastSeen: this.options.now() };
    if (ipv4 !== undefined) entry.ipv4 = ipv4;
    if (p.ipv6 !== undefined) entry.ipv6 = p.ipv6;
    if (p.mac !== undefined) entry.mac = p.mac;
    if (p.version !== undefined) entry.version = clip(p.version);
    if (p.board !== undefined) entry.board = clip(p.board);
    if (p.platform !== undefined) entry.platform = clip(p.platform);
    if (p.interfaceName !== undefined) entry.interfaceName = clip(p.interfaceName);
    if (p.uptimeSeconds !== undefined) entry.uptimeSeconds = p.uptimeSeconds;
    this.routers.delete(key); // re-inserted last: the map stays in order of last announcement
    this.routers.set(key, entry);
    if (this.routers.size > MAX_ROUTERS) this.routers.delete(this.routers.keys().next().value!);
    this.throttle.request();
  }

  /** Drops entries not heard from within the age-out time. */
  prune(): void {
    const oldest = this.options.now() - this.ageOutMs;
    let changed = false;
    for (const [key, r] of this.routers) {
      if (r.lastSeen >= oldest) break; // in order of last announcement
      this.routers.delete(key);
      changed = true;
    }
    if (changed) this.throttle.request();
  }

  /** Sends a discovery request to each target. @throws BridgeFailure when not listening. */
  async discover(): Promise<DiscoveryState> {
    await this.chain;
    const socket = this.socket;
    const port = this.config.port || MNDP_PORT;
    if (!socket) {
      throw new BridgeFailure(
        'NETWORK',
        this.config.enabled ? (this.problem ?? 'Discovery is not listening.') : 'Neighbour discovery is turned off.',
        this.config.enabled ? undefined : 'Tick "Listen for routers (MNDP)" in the Discovered section.',
      );
    }
    const targets = (this.options.targets ?? ((p: number) => broadcastTargets(p)))(port);
    const request = encodeMndpRequest();
    const sentTo: string[] = [];
    const failures: string[] = [];
    await Promise.all(
      targets.map(
        (t) =>
          new Promise<void>((resolve) =>
            socket.send(request, t.port, t.address, (e) => {
              if (e) failures.push(`${t.address}:${t.port}: ${e.message}`);
              else sentTo.push(`${t.address}:${t.port}`);
              resolve();
            }),
          ),
      ),
    );
    if (failures.length) this.options.log('warn', `discovery: requests not sent to ${failures.join('; ')}`);
    this.lastDiscover = { at: this.options.now(), sentTo: sentTo.sort() };
    return this.state();
  }

  state(): DiscoveryState {
    const s: DiscoveryState = {
      enabled: this.config.enabled,
      port: this.boundPort ?? this.config.port,
      listening: this.socket !== undefined,
      ageOutSeconds: this.ageOutMs / 1000,
      refused: this.refused,
      routers: [...this.routers.values()]
        .map((r) => ({ ...r }))
        .sort(
          (a, b) =>
            a.identity.localeCompare(b.identity) || (a.ipv4 ?? '').localeCompare(b.ipv4 ?? '') || a.key.localeCompare(b.key),
        ),
    };
    if (this.problem !== undefined) s.problem = this.problem;
    if (this.lastRefusal !== undefined) s.lastRefusal = this.lastRefusal;
    if (this.lastDiscover !== undefined) s.lastDiscover = { at: this.lastDiscover.at, sentTo: [...this.lastDiscover.sentTo] };
    return s;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearInterval(this.pruneTimer);
    this.throttle.dispose();
    await this.chain;
    await this.close();
  }
}
