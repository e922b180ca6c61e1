/**
 * Connection-tracking entries (`/ip/firewall/connection`) as the simulator generates them, from its
 * seeded Rng alone: no Node module, so the renderer benchmark's churn source (bench.html, in the
 * browser) reuses the same rows (issue 12 item 1).
 */
import type { Rng } from './rng';
import { formatDuration, formatIp } from './types';

/** Well-known destinations for generated connections. */
const REMOTE = [
  '142.250.74.46',
  '151.101.1.140',
  '104.16.132.229',
  '52.84.150.39',
  '185.199.108.153',
  '13.107.42.14',
  '8.8.8.8',
  '1.1.1.1',
  '17.253.144.10',
  '31.13.72.36',
];
const PORTS = [443, 443, 443, 80, 53, 123, 993, 5228, 22, 3478];

/** A plausible connection-tracking entry (NATed LAN client to the Internet); `b` writes a boolean as the version does. */
export function connectionEntry(rng: Rng, b: (v: boolean) => string): Record<string, string> {
  const roll = rng.next();
  const protocol = roll < 0.7 ? 'tcp' : roll < 0.95 ? 'udp' : 'icmp';
  const client = `192.168.88.${rng.int(10, 250)}`;
  const remote = rng.chance(0.7) ? rng.pick(REMOTE) : formatIp(rng.int(0x01000000, 0xdfffffff));
  const sport = rng.int(32768, 60999);
  const dport = protocol === 'udp' ? rng.pick([53, 123, 443, 3478]) : rng.pick(PORTS);
  const natPort = rng.int(1024, 65535);
  const packets = rng.int(1, 5000);
  const established = protocol === 'tcp' ? rng.chance(0.8) : true;
  const row: Record<string, string> = {
    protocol,
    'src-address': protocol === 'icmp' ? client : `${client}:${sport}`,
    'dst-address': protocol === 'icmp' ? remote : `${remote}:${dport}`,
    'reply-src-address': protocol === 'icmp' ? remote : `${remote}:${dport}`,
    'reply-dst-address': protocol === 'icmp' ? '10.0.0.23' : `10.0.0.23:${natPort}`,
    timeout:
      protocol === 'tcp'
        ? established
          ? formatDuration(rng.int(3_600_000, 86_400_000))
          : `${rng.int(1, 120)}s`
        : `${rng.int(1, 180)}s`,
    'orig-packets': String(packets),
    'orig-bytes': String(packets * rng.int(52, 900)),
    'repl-packets': String(Math.floor(packets * 0.9)),
    'repl-bytes': String(packets * rng.int(100, 1400)),
    'seen-reply': b(true),
    assured: b(established),
    confirmed: b(true),
    srcnat: b(true),
    fasttrack: b(protocol === 'tcp' && established && rng.chance(0.5)),
  };
  if (protocol === 'tcp')
    row['tcp-state'] = established ? 'established' : rng.pick(['syn-sent', 'time-wait', 'fin-wait', 'close']);
  return row;
}
