/**
 * The simulator's MNDP announcer (`--mndp HOST:PORT`, docs/simulator.md): announcements to a UDP
 * socket of the test on loopback, decoded with the protocol room's codec; discovery requests
 * answered; the flags parsed and refused with the flag named. Never port 5678.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMndp, encodeMndpRequest, type MndpPacket } from '../../protocol/src/index';
import { parseArgs, UsageError } from '../src/args';
import { Resources, sim, within } from './helpers';

const res = new Resources();
afterEach(() => res.run());

/** A UDP socket on 127.0.0.1, ephemeral port, that hands out the packets it receives in order. */
async function receiver(): Promise<{
  socket: dgram.Socket;
  port: number;
  next(): Promise<{ packet: MndpPacket; from: number }>;
}> {
  const socket = dgram.createSocket('udp4');
  const queue: { packet: MndpPacket; from: number }[] = [];
  const waiting: ((v: { packet: MndpPacket; from: number }) => void)[] = [];
  socket.on('message', (msg, rinfo) => {
    const r = decodeMndp(msg);
    if (!r.ok) throw new Error(r.reason);
    const item = { packet: r.packet, from: rinfo.port };
    const w = waiting.shift();
    if (w) w(item);
    else queue.push(item);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  res.add(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return {
    socket,
    port: socket.address().port,
    next: () =>
      within(new Promise((resolve) => (queue.length ? resolve(queue.shift()!) : waiting.push(resolve))), 5000, 'an MNDP packet'),
  };
}

describe('simulator MNDP announcements', () => {
  it('announces identity, version, board, platform, MAC, IPv4, interface and uptime, with a rising sequence', async () => {
    const rx = await receiver();
    const s = await sim(res, {
      identity: 'edge-1',
      rosVersion: '7.17',
      mndp: { host: '127.0.0.1', port: rx.port, intervalMs: 20 },
    });
    const first = await rx.next();
    const second = await rx.next();
    expect(first.from).toBe(s.mndp!.port);
    const mac = s.menu('interface').findByName('ether1')!.get('mac-address')!;
    expect(first.packet).toMatchObject({
      identity: 'edge-1',
      version: '7.17 (stable)',
      platform: 'MikroTik',
      board: 'RB5009UG+S+',
      mac: mac.toUpperCase(),
      ipv4: '127.0.0.1',
      interfaceName: 'ether1',
      uptimeSeconds: 3 * 86400 + 4 * 3600 + 12 * 60 + 7,
      others: [],
    });
    expect(second.packet.sequence).toBe((first.packet.sequence + 1) & 0xffff);
  });

  it('announces a MAC of its own per seed (discovery keys on it), seed 1 keeping the old addresses', async () => {
    const rx = await receiver();
    await sim(res, { mndp: { host: '127.0.0.1', port: rx.port, intervalMs: 60_000 } });
    await sim(res, { seed: 2, mndp: { host: '127.0.0.1', port: rx.port, intervalMs: 60_000 } });
    const macs = [(await rx.next()).packet.mac, (await rx.next()).packet.mac].sort();
    expect(macs).toEqual(['48:A9:8A:12:34:10', '48:A9:8A:13:34:10']);
  });

  it('reads the identity at each announcement (a rename shows in the next one)', async () => {
    const rx = await receiver();
    const s = await sim(res, { mndp: { host: '127.0.0.1', port: rx.port, intervalMs: 60_000 } });
    expect((await rx.next()).packet.identity).toBe('MikroTik');
    const identity = s.menu('system/identity');
    identity.update(identity.first()!, { name: Buffer.from('Łódź', 'utf8').toString('latin1') });
    s.mndp!.announce();
    expect((await rx.next()).packet.identity).toBe('Łódź');
  });

  it('answers a discovery request (four zero bytes) with an announcement to the sender', async () => {
    const target = await receiver();
    const asker = await receiver();
    const s = await sim(res, { mndp: { host: '127.0.0.1', port: target.port, intervalMs: 60_000 } });
    await target.next(); // the announcement at start
    asker.socket.send(encodeMndpRequest(), s.mndp!.port, '127.0.0.1');
    const answer = await asker.next();
    expect(answer.packet.identity).toBe('MikroTik');
    expect(s.mndp!.counts.answered).toBe(1);
    // Not a request: ignored, not answered.
    asker.socket.send(Uint8Array.of(1, 2), s.mndp!.port, '127.0.0.1');
    asker.socket.send(encodeMndpRequest(), s.mndp!.port, '127.0.0.1');
    await asker.next();
    expect(s.mndp!.counts).toMatchObject({ answered: 2, ignored: 1 });
  });

  it('stops announcing while stopped and keeps its port across a restart', async () => {
    const rx = await receiver();
    const s = await sim(res, { mndp: { host: '127.0.0.1', port: rx.port, intervalMs: 60_000 } });
    await rx.next();
    const port = s.mndp!.port;
    await s.restart();
    expect((await rx.next()).from).toBe(port);
  });

  it('refuses a bad MNDP target, naming the option', async () => {
    await expect(sim(res, { mndp: { host: 'router.lan', port: 5678 } })).rejects.toThrow(
      'mndp.host must be an IP address, got "router.lan"',
    );
    await expect(sim(res, { mndp: { host: '127.0.0.1', port: 0 } })).rejects.toThrow(
      'mndp.port must be a port number 1..65535, got 0',
    );
  });
});

describe('--mndp flags', () => {
  it('parses HOST:PORT and the interval', () => {
    expect(parseArgs(['--mndp', '127.0.0.1:5678']).options.mndp).toEqual({ host: '127.0.0.1', port: 5678 });
    expect(parseArgs(['--mndp=[::1]:40000', '--mndp-interval-ms', '250']).options.mndp).toEqual({
      host: '::1',
      port: 40000,
      intervalMs: 250,
    });
  });

  it.each([
    [
      ['--mndp', 'localhost:5678'],
      '--mndp must look like HOST:PORT with an IP address, e.g. 127.0.0.1:5678, got "localhost:5678"',
    ],
    [['--mndp', '127.0.0.1'], 'got "127.0.0.1"'],
    [['--mndp', '127.0.0.1:70000'], '--mndp port must be between 1 and 65535, got 70000'],
    [['--mndp-interval-ms', '100'], '--mndp-interval-ms needs --mndp HOST:PORT'],
    [['--mndp', '127.0.0.1:1', '--mndp-interval-ms', '5'], '--mndp-interval-ms must be between 10 and'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
