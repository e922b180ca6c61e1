/**
 * Background activity of the demo router, one `tick()` at a time: uptime, CPU load, interface and
 * firewall counters, connection-tracking churn, DHCP lease timers, link flaps and log lines. All
 * randomness comes from the model's seeded Rng, so a given seed and tick count give the same
 * router state.
 */
import { fromText } from './bytes';
import type { Item, Menu, RouterModel } from './model';
import { connectionEntry } from './conntrack';
import { formatDuration, parseDuration } from './types';

export interface Rates {
  rxBps: number;
  txBps: number;
  rxPps: number;
  txPps: number;
}

/** Typical load per interface (bits per second); others get a small default. */
const PROFILE: Record<string, [number, number]> = {
  ether1: [18_000_000, 3_500_000],
  ether2: [2_400_000, 11_000_000],
  ether3: [600_000, 2_200_000],
  ether4: [90_000, 150_000],
  bridge1: [3_000_000, 13_000_000],
  vlan10: [40_000, 65_000],
};

/** Traffic rates per interface: a seeded random walk around each interface's profile. */
export class Traffic {
  private readonly level = new Map<string, number>();

  constructor(private readonly model: RouterModel) {}

  /** Current rates of an interface (zero when it is not running). */
  sample(name: string): Rates {
    const iface = this.model.hasMenu('interface') ? this.model.menu('interface').findByName(name) : undefined;
    const running = iface?.get('running') === this.model.bool(true) && iface.get('disabled') !== this.model.bool(true);
    if (name !== 'aggregate' && !running) return { rxBps: 0, txBps: 0, rxPps: 0, txPps: 0 };
    const [rx, tx] = PROFILE[name] ?? [20_000, 20_000];
    let level = this.level.get(name) ?? 1;
    level = Math.min(2.5, Math.max(0.2, level * (0.85 + this.model.rng.next() * 0.3)));
    this.level.set(name, level);
    const rxBps = Math.floor(rx * level);
    const txBps = Math.floor(tx * level * (0.9 + this.model.rng.next() * 0.2));
    return { rxBps, txBps, rxPps: Math.floor(rxBps / 8 / 700), txPps: Math.floor(txBps / 8 / 500) };
  }
}

export interface ActivityOptions {
  tickMs: number;
  /** A log line every this many ticks (0: never). */
  logEveryTicks: number;
  /** Connection-tracking entries replaced per tick. */
  churn: number;
}

const LOG_LINES: readonly [string, string][] = [
  ['dhcp,info', 'defconf assigned 192.168.88.{n} for 3C:22:FB:{m} laptop-{n}'],
  ['dhcp,info', 'defconf deassigned 192.168.88.{n} for 3C:22:FB:{m} laptop-{n}'],
  ['system,info', 'dhcp-client on ether1 got IP address 10.0.0.23'],
  [
    'firewall,info',
    'input: in:ether1 out:(unknown 0), connection-state:invalid proto TCP (SYN), 203.0.113.{n}:5{n}->10.0.0.23:22, len 60',
  ],
  ['system,error,critical', 'login failure for user root from 198.51.100.{n} via ssh'],
  ['wireless,info', '3C:22:FB:{m}@wifi1: connected, signal strength -5{n}'],
  ['system,info', 'ntp change time Jan/01/2026 12:00:0{n} => Jan/01/2026 12:00:0{n}'],
  ['interface,info', 'bridge1: port ether{p} learned new host 3C:22:FB:{m}'],
];

export class Activity {
  ticks = 0;
  /** Connection entries in an array for O(1) random picks; stale ones are dropped lazily. */
  private conns: Item[] = [];
  private connSeq = 0;
  private ether4Down = 0;

  constructor(
    private readonly model: RouterModel,
    private readonly traffic: Traffic,
    private readonly options: ActivityOptions,
  ) {
    if (model.hasMenu('ip/firewall/connection')) this.conns = [...model.menu('ip/firewall/connection').items()];
  }

  /** Creates `count` connection-tracking entries (`--connections N`). */
  fillConnections(count: number): void {
    const menu = this.model.menu('ip/firewall/connection');
    for (let i = 0; i < count; i++) this.conns.push(menu.insert(this.newConnection()));
  }

  /** Advances the router by one tick. */
  tick(): void {
    this.ticks++;
    const m = this.model;
    const rng = m.rng;
    const seconds = this.options.tickMs / 1000;

    if (m.hasMenu('system/resource')) {
      const res = m.menu('system/resource');
      const r = res.first();
      if (r) {
        const uptime = (parseDuration(r.get('uptime') ?? '0s') ?? 0) + this.options.tickMs;
        const load = Math.max(0, Math.min(100, Number(r.get('cpu-load') ?? '5') + rng.int(-4, 4)));
        const total = Number(r.get('total-memory') ?? '0');
        const free = Math.max(
          Math.floor(total * 0.55),
          Math.min(Math.floor(total * 0.85), Number(r.get('free-memory') ?? '0') + rng.int(-262_144, 262_144)),
        );
        res.update(r, { uptime: formatDuration(uptime), 'cpu-load': String(load > 60 ? 12 : load), 'free-memory': String(free) });
      }
    }

    if (m.hasMenu('interface')) {
      const ifaces = m.menu('interface');
      this.flapEther4(ifaces);
      for (const item of ifaces.items()) {
        if (item.get('running') !== m.bool(true)) continue;
        const name = item.get('name') ?? '';
        const r = this.traffic.sample(name);
        const add = (k: string, by: number): string => String(Number(item.get(k) ?? '0') + Math.floor(by));
        ifaces.update(item, {
          'rx-byte': add('rx-byte', (r.rxBps / 8) * seconds),
          'tx-byte': add('tx-byte', (r.txBps / 8) * seconds),
          'rx-packet': add('rx-packet', r.rxPps * seconds),
          'tx-packet': add('tx-packet', r.txPps * seconds),
        });
      }
    }

    for (const path of ['ip/firewall/filter', 'ip/firewall/nat']) {
      if (!m.hasMenu(path)) continue;
      const menu = m.menu(path);
      for (const rule of menu.items()) {
        if (rule.get('disabled') === m.bool(true) || rng.chance(0.4)) continue;
        const packets = rng.int(1, 400);
        menu.update(rule, {
          packets: String(Number(rule.get('packets') ?? '0') + packets),
          bytes: String(Number(rule.get('bytes') ?? '0') + packets * rng.int(60, 1400)),
        });
      }
    }

    if (m.hasMenu('ip/firewall/connection')) this.churnConnections(m.menu('ip/firewall/connection'));

    if (m.hasMenu('ip/dhcp-server/lease')) {
      const leases = m.menu('ip/dhcp-server/lease');
      for (const lease of leases.items()) {
        const left = parseDuration(lease.get('expires-after') ?? '');
        if (left === undefined) continue;
        leases.update(lease, {
          'expires-after': formatDuration(left > this.options.tickMs ? left - this.options.tickMs : 600_000),
        });
      }
    }

    const every = this.options.logEveryTicks;
    if (every > 0 && this.ticks % every === 0) {
      const [topics, text] = rng.pick(LOG_LINES);
      const mac = [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]
        .map((b) => b.toString(16).toUpperCase().padStart(2, '0'))
        .join(':');
      m.log(
        topics,
        text
          .replace(/\{n\}/g, String(rng.int(2, 9)))
          .replace('{m}', mac)
          .replace('{p}', String(rng.int(2, 4))),
      );
    }
  }

  /** ether4 loses its link now and then, with the log lines a real router writes. */
  private flapEther4(ifaces: Menu): void {
    const m = this.model;
    const e4 = ifaces.findByName('ether4');
    if (!e4 || e4.get('disabled') === m.bool(true)) return;
    if (this.ether4Down > 0) {
      if (--this.ether4Down === 0) {
        ifaces.update(e4, {
          running: m.bool(true),
          'last-link-up-time': fromText(new Date(m.now()).toISOString().slice(0, 19).replace('T', ' ')),
        });
        m.log('interface,info', 'ether4 link up (speed 1G, full duplex)');
      }
    } else if (m.rng.chance(1 / 180)) {
      this.ether4Down = m.rng.int(2, 6);
      ifaces.update(e4, { running: m.bool(false), 'link-downs': String(Number(e4.get('link-downs') ?? '0') + 1) });
      m.log('interface,info', 'ether4 link down');
    }
  }

  private churnConnections(menu: Menu): void {
    const rng = this.model.rng;
    const n = Math.min(this.options.churn, 5000);
    for (let i = 0; i < n && this.conns.length > 0; i++) {
      const k = rng.int(0, this.conns.length - 1);
      const victim = this.conns[k]!;
      this.conns[k] = this.conns[this.conns.length - 1]!;
      this.conns.pop();
      menu.delete(victim);
      this.conns.push(menu.insert(this.newConnection()));
    }
    // Counters and timeouts of some live entries move.
    for (let i = 0; i < Math.min(n * 2, this.conns.length); i++) {
      const k = rng.int(0, this.conns.length - 1);
      const c = this.conns[k]!;
      if (c.removed) {
        this.conns[k] = this.conns[this.conns.length - 1]!;
        this.conns.pop();
        continue;
      }
      const p = rng.int(1, 40);
      menu.update(c, {
        'orig-packets': String(Number(c.get('orig-packets') ?? '0') + p),
        'orig-bytes': String(Number(c.get('orig-bytes') ?? '0') + p * rng.int(52, 1500)),
        'repl-packets': String(Number(c.get('repl-packets') ?? '0') + p),
        'repl-bytes': String(Number(c.get('repl-bytes') ?? '0') + p * rng.int(52, 1500)),
      });
    }
  }

  /** A plausible connection-tracking entry (NATed LAN client to the Internet). */
  newConnection(): Record<string, string> {
    this.connSeq++;
    return connectionEntry(this.model.rng, (v) => this.model.bool(v));
  }
}
