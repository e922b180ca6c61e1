/**
 * The default router and its background activity: realistic content, deterministic ticks from a
 * seed, live changes that `listen` clients see, connection-tracking churn, and timers that stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toText } from '../src/bytes';
import { startSimulator, type Simulator } from '../src/index';
import { Resources, login, sim, within } from './helpers';

const res = new Resources();
afterEach(() => res.run());

function snapshot(s: Simulator, path: string): Record<string, string>[] {
  return [...s.menu(path).items()].map((i) => ({ '.id': i.id, ...i.values }));
}

describe('default router', () => {
  it('has the menus the app shows, with consistent content', async () => {
    const s = await sim(res, { identity: 'Tikscope Demo' });
    const { session } = await login(res, s);
    for (const path of [
      '/system/identity',
      '/system/resource',
      '/system/routerboard',
      '/interface',
      '/interface/ethernet',
      '/interface/bridge',
      '/interface/bridge/port',
      '/interface/vlan',
      '/ip/address',
      '/ip/route',
      '/ip/firewall/filter',
      '/ip/firewall/nat',
      '/ip/firewall/connection',
      '/ip/dhcp-server/lease',
      '/ip/arp',
      '/ip/service',
      '/user',
      '/user/group',
      '/user/active',
      '/log',
    ]) {
      const r = await session.command([`${path}/print`]);
      expect({ path, rows: r.rows.length > 0 }).toEqual({ path, rows: true });
    }
    expect((await session.command(['/system/identity/print'])).rows).toEqual([{ name: 'Tikscope Demo' }]);
    const routes = (await session.command(['/ip/route/print', '=.proplist=dst-address,gateway,connect'])).rows;
    expect(routes).toEqual(
      expect.arrayContaining([
        { 'dst-address': '0.0.0.0/0', gateway: '10.0.0.1', connect: 'false' },
        { 'dst-address': '192.168.88.0/24', gateway: 'bridge1', connect: 'true' },
      ]),
    );
    const filter = (await session.command(['/ip/firewall/filter/print'])).rows;
    expect(filter.map((r) => r['comment'])).toContain('defconf: drop all from WAN not DSTNATed');
    const api = (await session.command(['/ip/service/print', '?name=api'])).rows[0]!;
    expect(api).toMatchObject({ port: String(s.port), disabled: 'false' });
    // Bytes as stored: a UTF-8 comment and a windows-1252 host name (protocol.md §9).
    expect(toText(s.menu('/interface').findByName('ether2')!.get('comment')!)).toBe('Büro LAN');
    const host = [...s.menu('/ip/dhcp-server/lease').items()].map((l) => l.get('host-name')!).find((h) => h.startsWith('Jos'))!;
    expect(Buffer.from(host, 'latin1')).toEqual(Buffer.from([0x4a, 0x6f, 0x73, 0xe9, 0x2d, 0x50, 0x43]));
    const raw = await session.command(['/ip/dhcp-server/lease/print', '?address=192.168.88.22', '=.proplist=host-name']);
    expect(Buffer.from(raw.replies[0]!.words[1]!)).toEqual(Buffer.from('=host-name=Jos\xe9-PC', 'latin1'));
  });

  it('makes the same router from the same seed, tick for tick', async () => {
    const a = await sim(res, { seed: 7, connections: 50, now: () => 1_700_000_000_000 });
    const b = await sim(res, { seed: 7, connections: 50, now: () => 1_700_000_000_000 });
    a.tick(25);
    b.tick(25);
    for (const path of ['/interface', '/ip/firewall/connection', '/log', '/system/resource', '/ip/firewall/filter'])
      expect(snapshot(a, path)).toEqual(snapshot(b, path));
    const c = await sim(res, { seed: 8, connections: 50, now: () => 1_700_000_000_000 });
    c.tick(25);
    expect(snapshot(c, '/ip/firewall/connection')).not.toEqual(snapshot(a, '/ip/firewall/connection'));
  });

  it('moves counters, uptime and the log with each tick, and churns connections at a fixed size', async () => {
    const s = await sim(res, { connections: 200, churn: 10, logEveryTicks: 2 });
    const ether1 = s.menu('/interface').findByName('ether1')!;
    const rx = Number(ether1.get('rx-byte'));
    const uptime = s.menu('/system/resource').first()!.get('uptime');
    const logs = s.menu('/log').size;
    const ids = new Set([...s.menu('/ip/firewall/connection').items()].map((i) => i.id));
    s.tick(4);
    expect(Number(s.menu('/interface').findByName('ether1')!.get('rx-byte'))).toBeGreaterThan(rx);
    expect(s.menu('/system/resource').first()!.get('uptime')).not.toBe(uptime);
    expect(s.menu('/log').size).toBe(logs + 2);
    const after = [...s.menu('/ip/firewall/connection').items()].map((i) => i.id);
    expect(after).toHaveLength(200);
    // 40 entries replaced; some of the new ones may have been replaced again.
    const fresh = after.filter((id) => !ids.has(id)).length;
    expect(fresh).toBeGreaterThan(20);
    expect(fresh).toBeLessThanOrEqual(40);
  });

  it('lets listen clients see background activity, and the /log follow-only stream move', async () => {
    const s = await startSimulator({ tickMs: 20, logEveryTicks: 1, connections: 20 });
    res.add(() => s.close());
    const { session } = await login(res, s);
    const st = session.stream(['/log/print', '=follow-only=']);
    let n = 0;
    for await (const r of st) {
      expect(r.attributes['message']).toBeTruthy();
      if (++n === 3) break;
    }
    await st.cancel();
    const conns = session.stream(['/ip/firewall/connection/listen']);
    let dead = 0;
    for await (const r of conns) if (r.attributes['.dead'] === 'true' && ++dead === 2) break;
    await conns.cancel();
  });

  it('stops its timers and sockets on close(), and refuses to start again', async () => {
    const s = await startSimulator({ tickMs: 10, connections: 10 });
    let closed!: (e: Error) => void;
    const gone = new Promise<Error>((resolve) => (closed = resolve));
    await login(res, s, { onClose: (e) => closed(e) });
    const stopped = new Promise<void>((resolve) => s.on('stopped', () => resolve()));
    await s.close();
    await within(Promise.all([gone, stopped]), 2000, 'the session to close');
    expect(s.listening).toBe(false);
    const log = s.menu('/log').size;
    const uptime = s.menu('/system/resource').first()!.get('uptime');
    await within(new Promise((r) => setTimeout(r, 60)), 1000, 'a pause');
    expect(s.menu('/log').size).toBe(log);
    expect(s.menu('/system/resource').first()!.get('uptime')).toBe(uptime);
    await s.close(); // idempotent
    await expect(s.start()).rejects.toThrow('closed');
  });
});
