/**
 * Neighbour discovery (issue 15; docs/main-process.md, "Neighbour discovery") through the real
 * services: simulators announcing over loopback to an ephemeral UDP port (never 5678), Discover
 * with its targets injected (127.0.0.1 only), a busy port reported in words, the setting that turns
 * listening off, malformed packets counted, and entries ageing out.
 */
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { encodeMndp } from '../../../../protocol/src/index';
import type { DiscoveryState } from '../../common/contract';
import { argsFailure, failure, servicesRig } from '../test-support/helpers';
import { bindProblem, broadcastTargets, DiscoveryService, MAX_ROUTERS, MAX_TEXT_CHARS, type DiscoveryTarget } from './discovery';

const rig = servicesRig();

/** The services listening for MNDP on 127.0.0.1, any free port; Discover sends only to `targets`. */
async function listening(targets: DiscoveryTarget[] = [], extra: { ageOutMs?: number; port?: number } = {}) {
  const s = await rig.start({ mndp: { port: 0, bindAddress: '127.0.0.1', targets: () => targets, ...extra } });
  const state = await s.handlers['discovery:list']({});
  return { s, state };
}

/** A UDP socket of the test on loopback (for raw packets and for holding a port). */
async function udp(port = 0, reuseAddr = false): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr });
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return socket;
}

const has = (identity: string) => (st: DiscoveryState) => st.routers.some((r) => r.identity === identity);

describe('discovery through the services', () => {
  it('lists simulators announcing over loopback, with every field, keyed by MAC', async () => {
    const { s, state } = await listening();
    expect(state).toMatchObject({ enabled: true, listening: true, refused: 0, routers: [], ageOutSeconds: 180 });
    expect(state.port).toBeGreaterThan(0);
    expect(state.port).not.toBe(5678);
    const mndp = { host: '127.0.0.1', port: state.port, intervalMs: 50 };
    // Seeds apart, so MACs apart (the key), as two real routers.
    const a = await rig.sim({ identity: 'edge-a', rosVersion: '7.17', mndp, seed: 1 });
    await rig.sim({ identity: 'edge-b', mndp, seed: 2 });
    await rig.events.wait('discovery:changed', (st) => has('edge-a')(st) && has('edge-b')(st));
    const listed = await s.handlers['discovery:list']({});
    const mac = a.menu('interface').findByName('ether1')!.get('mac-address')!;
    expect(listed.routers.map((r) => r.identity)).toEqual(['edge-a', 'edge-b']);
    expect(listed.routers[0]).toMatchObject({
      key: mac,
      mac,
      identity: 'edge-a',
      ipv4: '127.0.0.1',
      version: '7.17 (stable)',
      board: 'RB5009UG+S+',
      platform: 'MikroTik',
      interfaceName: 'ether1',
      from: '127.0.0.1',
    });
    expect(typeof listed.routers[0]!.lastSeen).toBe('number');
    // Announcements keep coming; still one entry per router interface.
    const before = rig.events.of('discovery:changed').length;
    await rig.events.wait('discovery:changed', () => rig.events.of('discovery:changed').length > before + 2);
    expect((await s.handlers['discovery:list']({})).routers).toHaveLength(2);
  });

  it('Discover sends requests to each target, and the router answering appears', async () => {
    // The simulator announces to a port nobody listens on: only its answer to Discover reaches us.
    const elsewhere = await udp();
    const sink = (elsewhere.address() as { port: number }).port;
    const sim = await rig.sim({ identity: 'quiet', mndp: { host: '127.0.0.1', port: sink, intervalMs: 60_000 } });
    const { s, state } = await listening([{ address: '127.0.0.1', port: sim.mndp!.port }]);
    expect(state.routers).toEqual([]);
    const after = await s.handlers['discovery:discover']({});
    expect(after.lastDiscover?.sentTo).toEqual([`127.0.0.1:${sim.mndp!.port}`]);
    await rig.events.wait('discovery:changed', has('quiet'));
    expect(sim.mndp!.counts.answered).toBe(1);
    elsewhere.close();
  });

  it('reports a busy port in words; the rest of the app works; Discover says why it cannot', async () => {
    const holder = await udp(0, false);
    const port = (holder.address() as { port: number }).port;
    try {
      const { s, state } = await listening([], { port });
      expect(state.listening).toBe(false);
      expect(state.problem).toBe(bindProblem(Object.assign(new Error('x'), { code: 'EADDRINUSE' }), port));
      expect(state.problem).toContain(`UDP port ${port} is in use by another program`);
      expect((await s.handlers['connections:list']({})).connections.map((c) => c.name)).toEqual(['Demo router']);
      const e = await failure(() => s.handlers['discovery:discover']({}));
      expect(e.code).toBe('NETWORK');
      expect(e.message).toContain('is in use');
    } finally {
      holder.close();
    }
  });

  it('the mndpListen setting turns listening off and on again', async () => {
    const { s, state } = await listening();
    expect(state.listening).toBe(true);
    await s.handlers['settings:set']({ mndpListen: false });
    expect(await s.handlers['discovery:list']({})).toMatchObject({ enabled: false, listening: false });
    await rig.events.wait('discovery:changed', (st) => !st.listening, 5000, true);
    const e = await failure(() => s.handlers['discovery:discover']({}));
    expect(e.message).toBe('Neighbour discovery is turned off.');
    await s.handlers['settings:set']({ mndpListen: true });
    expect(await s.handlers['discovery:list']({})).toMatchObject({ enabled: true, listening: true });
  });

  it('the mndpListen setting is kept across a restart', async () => {
    const { s } = await listening();
    await s.handlers['settings:set']({ mndpListen: false });
    await s.dispose();
    rig.disposed();
    const again = await rig.start({ mndp: { port: 0, bindAddress: '127.0.0.1', targets: () => [] } });
    expect((await again.handlers['settings:get']({})).mndpListen).toBe(false);
    expect(await again.handlers['discovery:list']({})).toMatchObject({ enabled: false, listening: false });
  });

  it('refuses a bad mndpPort or mndpListen setting by name', () => {
    expect(argsFailure('settings:set', { mndpPort: 0 }).message).toBe('"mndpPort" must be between 1 and 65535.');
    expect(argsFailure('settings:set', { mndpPort: 65536 }).message).toBe('"mndpPort" must be between 1 and 65535.');
    expect(argsFailure('settings:set', { mndpListen: 'yes' }).message).toBe('"mndpListen" must be true or false.');
  });

  it('the mndpPort setting moves the listener (when no --mndp-port overrides it)', async () => {
    const free = await udp();
    const port = (free.address() as { port: number }).port;
    free.close();
    const s = await rig.start({ mndp: { bindAddress: '127.0.0.1', targets: () => [] } });
    // Not listening on 5678 in a test: the setting is applied before anything is sent.
    await s.handlers['settings:set']({ mndpPort: port });
    expect(await s.handlers['discovery:list']({})).toMatchObject({ port, listening: true });
  });

  it('counts malformed packets with the reason, and ignores discovery requests', async () => {
    const { state } = await listening();
    const sock = await udp();
    sock.send(Uint8Array.of(0, 0), state.port, '127.0.0.1');
    sock.send(Uint8Array.of(0, 0, 0, 0), state.port, '127.0.0.1');
    sock.send(Uint8Array.of(0, 0, 0, 1, 0, 5, 0, 9, 65), state.port, '127.0.0.1');
    const st = await rig.events.wait('discovery:changed', (x) => x.refused === 2);
    expect(st.lastRefusal).toBe('record of type 5 at byte 4 declares 9 bytes, but only 1 follow (from 127.0.0.1)');
    expect(st.routers).toEqual([]);
    sock.close();
  });

  it('without the mndp option nothing listens (tests and the benchmark never take UDP 5678)', async () => {
    const s = await rig.start();
    expect(await s.handlers['discovery:list']({})).toMatchObject({ enabled: false, listening: false, port: 5678 });
  });
});

describe('DiscoveryService', () => {
  const announce = (fields: Parameters<typeof encodeMndp>[0]) => encodeMndp(fields);

  function service(now: { t: number }) {
    const emitted: DiscoveryState[] = [];
    const d = new DiscoveryService({ now: () => now.t, emit: (s) => emitted.push(s), log: () => undefined });
    return { d, emitted };
  }

  it('ages entries out after three minutes without an announcement', async () => {
    const now = { t: 1_000_000 };
    const { d } = service(now);
    d.receive(announce({ sequence: 1, identity: 'old', mac: '00:00:00:00:00:01' }), '10.0.0.1');
    now.t += 60_000;
    d.receive(announce({ sequence: 1, identity: 'new', mac: '00:00:00:00:00:02' }), '10.0.0.2');
    now.t += 120_000; // "old" last heard exactly 180 s ago: still kept
    d.prune();
    expect(d.state().routers.map((r) => r.identity)).toEqual(['new', 'old']);
    now.t += 1;
    d.prune();
    expect(d.state().routers.map((r) => r.identity)).toEqual(['new']);
    // Heard again: its age starts over.
    now.t += 170_000;
    d.receive(announce({ sequence: 2, identity: 'new', mac: '00:00:00:00:00:02' }), '10.0.0.2');
    now.t += 170_000;
    d.prune();
    expect(d.state().routers.map((r) => r.identity)).toEqual(['new']);
    await d.dispose();
  });

  it('keys by MAC, else by IP; takes the source address when no IPv4 was announced', async () => {
    const { d } = service({ t: 5 });
    d.receive(announce({ sequence: 1, identity: 'a', mac: '00:00:00:00:00:01', ipv4: '10.0.0.1' }), '10.0.0.1');
    d.receive(announce({ sequence: 2, identity: 'a2', mac: '00:00:00:00:00:01', ipv4: '10.0.0.1' }), '10.0.0.1');
    d.receive(announce({ sequence: 1, identity: 'b' }), '10.0.0.9');
    d.receive(announce({ sequence: 1, identity: 'c', ipv6: 'fe80::1' }), 'fe80::1');
    expect(d.state().routers.map((r) => [r.key, r.identity, r.ipv4])).toEqual([
      ['00:00:00:00:00:01', 'a2', '10.0.0.1'],
      ['10.0.0.9', 'b', '10.0.0.9'],
      ['fe80::1', 'c', undefined],
    ]);
    await d.dispose();
  });

  it(`cuts text fields to ${MAX_TEXT_CHARS} characters (a datagram may carry 64 KiB of identity)`, async () => {
    const { d } = service({ t: 1 });
    d.receive(
      announce({ sequence: 1, identity: 'x'.repeat(60_000), board: 'b'.repeat(MAX_TEXT_CHARS), ipv4: '10.0.0.1' }),
      '10.0.0.1',
    );
    const [r] = d.state().routers;
    expect(r!.identity).toBe(`${'x'.repeat(MAX_TEXT_CHARS)}…`);
    expect(r!.board).toBe('b'.repeat(MAX_TEXT_CHARS));
    await d.dispose();
  });

  it(`holds at most ${MAX_ROUTERS} entries, dropping the one heard longest ago`, async () => {
    const now = { t: 0 };
    const { d } = service(now);
    for (let i = 0; i <= MAX_ROUTERS; i++) {
      now.t++;
      d.receive(announce({ sequence: 1, identity: `r${i}`, ipv4: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` }), '10.0.0.1');
    }
    const ids = d.state().routers.map((r) => r.identity);
    expect(ids).toHaveLength(MAX_ROUTERS);
    expect(ids).not.toContain('r0');
    expect(ids).toContain(`r${MAX_ROUTERS}`);
    await d.dispose();
  });
});

describe('broadcastTargets and bindProblem', () => {
  it('computes each IPv4 broadcast address once, leaving out loopback and IPv6', () => {
    const targets = broadcastTargets(5678, {
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: null }],
      eth0: [
        {
          address: '192.168.88.17',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: 'aa:bb:cc:dd:ee:ff',
          internal: false,
          cidr: null,
        },
        {
          address: 'fe80::1',
          netmask: 'ffff:ffff:ffff:ffff::',
          family: 'IPv6',
          mac: 'aa:bb:cc:dd:ee:ff',
          internal: false,
          cidr: null,
          scopeid: 2,
        },
      ],
      eth1: [
        {
          address: '10.20.30.40',
          netmask: '255.255.240.0',
          family: 'IPv4',
          mac: 'aa:bb:cc:dd:ee:01',
          internal: false,
          cidr: null,
        },
      ],
      eth2: [
        {
          address: '192.168.88.200',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: 'aa:bb:cc:dd:ee:02',
          internal: false,
          cidr: null,
        },
      ],
    });
    expect(targets).toEqual([
      { address: '192.168.88.255', port: 5678 },
      { address: '10.20.31.255', port: 5678 },
    ]);
  });

  it('says what to do about a busy port and a missing permission', () => {
    expect(bindProblem(Object.assign(new Error('bind EACCES'), { code: 'EACCES' }), 678)).toBe(
      'Tikscope may not listen on UDP port 678 (permission denied). Ports below 1024 need administrator rights; use 5678, or allow the port in the firewall.',
    );
    expect(bindProblem(Object.assign(new Error('bind EADDRINUSE'), { code: 'EADDRINUSE' }), 5678)).toMatch(
      /^UDP port 5678 is in use by another program, so routers' announcements cannot be heard\. Close the other program/,
    );
    expect(bindProblem(Object.assign(new Error('bind EINVAL'), { code: 'EINVAL' }), 5678)).toBe(
      'Listening on UDP port 5678 failed: bind EINVAL',
    );
  });
});
