/**
 * Streaming commands that are not prints: `/interface/monitor-traffic`, `/system/resource/monitor`
 * and `/ping`. They send `!re` rounds until `=once=`, `=count=`, `=duration=` or `/cancel`
 * (protocol.md §7.4); with an explicit `=interval=` each round carries `=.section=N`.
 */
import { intervalMs } from './commands';
import { CommandError, Errors, type CommandContext, type Pairs, type RouterModel, type Stream } from './model';
import type { Traffic } from './activity';
import { formatIp, parseDuration, parseIp, T } from './types';

interface Rounds {
  /** Rows of one round. */
  round(section: number): Pairs[];
  /** Interval when none is given. */
  defaultMs: number;
}

/** Runs `rounds` as `=once=` (one round, then `!done`) or as a stream until cancelled. */
function runRounds(ctx: CommandContext, rounds: Rounds): void {
  const explicit = ctx.args.get('interval');
  const ms = intervalMs(explicit, rounds.defaultMs);
  const durationRaw = ctx.args.get('duration');
  const duration = durationRaw === undefined ? undefined : parseDuration(durationRaw);
  if (ctx.flag('once')) {
    for (const row of rounds.round(0)) ctx.out.re(row);
    ctx.out.done();
    return;
  }
  const timers: { every?: NodeJS.Timeout; stop?: NodeJS.Timeout } = {};
  const stream: Stream = ctx.out.stream(() => {
    clearInterval(timers.every);
    clearTimeout(timers.stop);
  });
  let section = 0;
  const emit = (): void => {
    if (!stream.active) return;
    try {
      for (const row of rounds.round(section)) stream.re(explicit !== undefined ? [...row, ['.section', String(section)]] : row);
    } catch (e) {
      ctx.model.onError(e);
      stream.fail('failure: monitor stopped', 4);
    }
    section++;
  };
  emit();
  timers.every = setInterval(emit, ms).unref();
  if (duration !== undefined) timers.stop = setTimeout(() => stream.finish(), duration).unref();
}

const ROUND_ARGS = [
  { name: 'once', description: 'one round, then done', flag: true },
  { name: 'interval', description: 'time between rounds (default 1s)', type: T.duration },
  { name: 'duration', description: 'stop after this long', type: T.duration },
] as const;

export function registerMonitors(model: RouterModel, traffic: Traffic): void {
  model.addCommand('interface', {
    name: 'monitor-traffic',
    description: 'live traffic rates of interfaces',
    args: [
      { name: 'interface', description: 'interface names, comma-separated', type: T.ref('interface', ['aggregate'], true) },
      ...ROUND_ARGS,
      { name: '.proplist', description: 'properties to return', type: T.string },
    ],
    policies: ['read'],
    // The CLI's unnamed argument: `/interface/monitor-traffic ether1 =once=` (socialwifi/RouterOS-api#85).
    unnamed: 'interface',
    run: (ctx) => {
      const names = ctx.args.get('interface');
      if (names === undefined) throw Errors.missingArgument('interface');
      const list = names.split(',');
      const proplist = ctx.args.get('.proplist')?.split(',');
      runRounds(ctx, {
        defaultMs: 1000,
        round: () =>
          list.map((name) => {
            const r = traffic.sample(name);
            const row: [string, string][] = [
              ['name', name],
              ['rx-packets-per-second', String(r.rxPps)],
              ['rx-bits-per-second', String(r.rxBps)],
              ['fp-rx-packets-per-second', String(Math.floor(r.rxPps * 0.8))],
              ['fp-rx-bits-per-second', String(Math.floor(r.rxBps * 0.8))],
              ['rx-drops-per-second', '0'],
              ['rx-errors-per-second', '0'],
              ['tx-packets-per-second', String(r.txPps)],
              ['tx-bits-per-second', String(r.txBps)],
              ['fp-tx-packets-per-second', String(Math.floor(r.txPps * 0.8))],
              ['fp-tx-bits-per-second', String(Math.floor(r.txBps * 0.8))],
              ['tx-drops-per-second', '0'],
              ['tx-queue-drops-per-second', '0'],
              ['tx-errors-per-second', '0'],
            ];
            return proplist ? row.filter(([k]) => proplist.includes(k)) : row;
          }),
      });
    },
  });

  model.addCommand('system/resource', {
    name: 'monitor',
    description: 'live CPU and memory use',
    args: [...ROUND_ARGS],
    policies: ['read'],
    run: (ctx) => {
      const resource = model.menu('system/resource');
      runRounds(ctx, {
        defaultMs: 1000,
        round: () => {
          const r = resource.first()!;
          const load = r.get('cpu-load') ?? '0';
          const cpus = Number(r.get('cpu-count') ?? '1');
          const per = Array.from({ length: cpus }, () => String(Math.max(0, Math.min(100, Number(load) + model.rng.int(-3, 3)))));
          return [
            [
              ['cpu-used', load],
              ['cpu-used-per-cpu', per.join(',')],
              ['free-memory', String(Math.floor(Number(r.get('free-memory') ?? '0') / 1024))],
            ],
          ];
        },
      });
    },
  });

  model.addCommand('', {
    name: 'ping',
    description: 'send ICMP echo requests (simulated)',
    args: [
      { name: 'address', description: 'destination address', type: T.ip },
      { name: 'count', description: 'stop after this many packets', type: T.int(1, 1_000_000) },
      { name: 'interval', description: 'time between packets (default 1s)', type: T.duration },
      { name: 'size', description: 'packet size', type: T.int(14, 65535) },
      { name: 'ttl', description: 'time to live', type: T.int(1, 255) },
    ],
    policies: ['test'],
    unnamed: 'address',
    run: (ctx) => {
      const address = ctx.args.get('address');
      if (address === undefined) throw Errors.missingArgument('address');
      const count = ctx.args.has('count') ? Number(ctx.args.get('count')) : undefined;
      const size = ctx.args.get('size') ?? '56';
      const ms = intervalMs(ctx.args.get('interval'), 1000);
      // TEST-NET-1 (192.0.2.0/24) never answers, for timeout rows.
      const ip = parseIp(address)!;
      const unreachable = formatIp(ip & 0xffffff00) === '192.0.2.0';
      let sent = 0;
      let received = 0;
      const rtts: number[] = [];
      let timer: NodeJS.Timeout | undefined;
      const stream = ctx.out.stream(() => clearInterval(timer));
      const send = (): void => {
        if (!stream.active) return;
        const seq = sent++;
        const row: [string, string][] = [
          ['seq', String(seq)],
          ['host', address],
        ];
        if (unreachable) row.push(['status', 'timeout']);
        else {
          received++;
          const rtt = model.rng.int(800, 25_000);
          rtts.push(rtt);
          row.push(['size', size], ['ttl', ctx.args.get('ttl') ?? '64'], ['time', `${(rtt / 1000).toFixed(3)}ms`]);
        }
        row.push(
          ['sent', String(sent)],
          ['received', String(received)],
          ['packet-loss', String(Math.round(((sent - received) / sent) * 100))],
        );
        if (rtts.length > 0) {
          const fmt = (us: number): string => `${(us / 1000).toFixed(3)}ms`;
          row.push(
            ['min-rtt', fmt(Math.min(...rtts))],
            ['avg-rtt', fmt(rtts.reduce((a, b) => a + b, 0) / rtts.length)],
            ['max-rtt', fmt(Math.max(...rtts))],
          );
        }
        stream.re(row);
        if (count !== undefined && sent >= count) stream.finish();
      };
      send();
      if (stream.active) {
        timer = setInterval(() => {
          try {
            send();
          } catch (e) {
            model.onError(e);
            stream.fail('failure: ping stopped', 4);
          }
        }, ms);
        timer.unref();
      }
    },
  });

  model.addCommand('system', {
    name: 'reboot',
    description: 'reboot the router (closes every connection without a reply)',
    args: [],
    policies: ['reboot'],
    run: (ctx) => {
      const reboot = model.actions.reboot;
      if (!reboot) throw new CommandError('failure: reboot is not available', 4);
      // A real router never answers /system/reboot (EvilFreelancer/routeros-api-php#36).
      ctx.out.stream(() => undefined);
      setImmediate(reboot);
    },
  });
}
