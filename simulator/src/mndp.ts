/**
 * The simulator's MNDP announcer (docs/simulator.md, `--mndp`): announces the simulated router to
 * one UDP address every few seconds, as a router announces itself on its LAN, and answers a
 * discovery request (four zero bytes) sent to its own socket with an announcement to the sender.
 * What it announces is read from the router model at each send, so renaming the identity shows in
 * the next announcement.
 *
 * Unicast only, to the address given: tests and the Demo router stay on loopback (a real router
 * broadcasts to 255.255.255.255:5678).
 */
import dgram from 'node:dgram';
import { decodeMndp, encodeMndp, isMndpRequest } from '../../protocol/src/index';
import { toText } from './bytes';
import type { RouterModel } from './model';
import { parseDuration } from './types';

export interface MndpOptions {
  /** Where announcements go (the app's discovery listener). */
  host: string;
  port: number;
  /** Between announcements. Default 5000 ms. */
  intervalMs?: number;
  /** The interface the announcement is "heard on". Default `ether1`. */
  interfaceName?: string;
}

export const DEFAULT_MNDP_INTERVAL_MS = 5000;

export class MndpAnnouncer {
  private socket: dgram.Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;
  /** Our own socket's port: kept across stop/start so a test's discovery requests still reach it. */
  port = 0;
  /** Announcements sent, discovery requests answered, packets ignored (for tests and --verbose). */
  readonly counts = { announced: 0, answered: 0, ignored: 0 };

  constructor(
    private readonly options: MndpOptions,
    private readonly model: RouterModel,
    /** The address the simulated router's API listens on: announced as its IPv4. */
    private readonly address: string,
    private readonly versionText: string,
    private readonly log: (line: string) => void,
  ) {}

  /** What the router announces now. */
  packet(): Uint8Array {
    const m = this.model;
    const first = (path: string) => (m.hasMenu(path) ? m.menu(path).first() : undefined);
    const resource = first('system/resource');
    const iface = this.options.interfaceName ?? 'ether1';
    const ifaceRow = m.hasMenu('interface') ? m.menu('interface').findByName(iface) : undefined;
    const uptimeMs = parseDuration(resource?.get('uptime') ?? '0s') ?? 0;
    this.sequence = (this.sequence + 1) & 0xffff;
    return encodeMndp({
      sequence: this.sequence,
      ...(ifaceRow?.get('mac-address') ? { mac: ifaceRow.get('mac-address')! } : {}),
      // The model keeps byte strings (bytes.ts); the announcement carries the identity as UTF-8 text.
      identity: toText(first('system/identity')?.get('name') ?? 'MikroTik'),
      version: `${this.versionText} (stable)`,
      platform: 'MikroTik',
      uptimeSeconds: Math.floor(uptimeMs / 1000),
      board: resource?.get('board-name') ?? 'CHR',
      interfaceName: iface,
      // Only an IPv4 listen address can be announced as one (MNDP type 17).
      ...(/^\d+\.\d+\.\d+\.\d+$/.test(this.address) ? { ipv4: this.address } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.socket) return;
    const socket = dgram.createSocket(this.address.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (msg, rinfo) => {
      const r = decodeMndp(msg);
      if (r.ok && isMndpRequest(r.packet)) {
        this.counts.answered++;
        this.send(rinfo.address, rinfo.port);
      } else this.counts.ignored++;
    });
    socket.on('error', (e) => this.log(`mndp: ${e.message}`));
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(new Error(`cannot open the MNDP socket on ${this.address}: ${e.message}`));
      socket.once('error', onError);
      socket.bind(this.port, this.address, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    socket.unref();
    this.socket = socket;
    this.port = socket.address().port;
    this.announce();
    this.timer = setInterval(() => this.announce(), this.options.intervalMs ?? DEFAULT_MNDP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Sends one announcement to the configured address now. */
  announce(): void {
    this.counts.announced++;
    this.send(this.options.host, this.options.port);
  }

  private send(host: string, port: number): void {
    const socket = this.socket;
    if (!socket) return;
    try {
      socket.send(this.packet(), port, host, (e) => {
        if (e) this.log(`mndp: sending to ${host}:${port} failed: ${e.message}`);
      });
    } catch (e) {
      this.log(`mndp: ${(e as Error).message}`);
    }
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
