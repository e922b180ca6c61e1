/**
 * Interop with node-routeros 1.6.9, a client written elsewhere, used unchanged. It throws
 * UNKNOWNREPLY on `!empty` (node-red-contrib-mikrotik#95), so these tests emulate RouterOS 7.17,
 * the last version without it (protocol.md §5.3); the MD5 login runs against 6.40.
 */
import { RouterOSAPI } from 'node-routeros';
import { afterEach, describe, expect, it } from 'vitest';
import { ANONYMOUS_DH_CIPHERS } from '../../protocol/node/transport';
import type { Simulator } from '../src/index';
import { Resources, sim, within } from './helpers';

const res = new Resources();
afterEach(() => res.run());

type Row = Record<string, string>;

async function client(s: Simulator, options: { password?: string; port?: number; tls?: object } = {}): Promise<RouterOSAPI> {
  const api = new RouterOSAPI({
    host: '127.0.0.1',
    port: options.port ?? s.port!,
    user: 'admin',
    password: options.password ?? 'pw',
    timeout: 5,
    ...(options.tls ? { tls: options.tls } : {}),
  });
  await api.connect();
  res.add(() => api.close().catch(() => undefined));
  return api;
}

describe('node-routeros', () => {
  it('logs in with the plain form (7.17) and with the MD5 challenge (6.40)', async () => {
    const modern = await sim(res, { rosVersion: '7.17', password: 'pw' });
    const a = await client(modern);
    expect(((await a.write('/system/identity/print')) as Row[])[0]!['name']).toBe('MikroTik');
    const old = await sim(res, { rosVersion: '6.40', password: 'pw' });
    const b = await client(old);
    expect(((await b.write('/system/resource/print')) as Row[])[0]!['version']).toBe('6.40 (stable)');
    await expect(
      new RouterOSAPI({ host: '127.0.0.1', port: old.port!, user: 'admin', password: 'wrong', timeout: 5 }).connect(),
    ).rejects.toMatchObject({ errno: 'CANTLOGIN' });
  });

  it('prints, with queries including ?#, .proplist and count-only', async () => {
    const s = await sim(res, { rosVersion: '7.17', password: 'pw' });
    const api = await client(s);
    const all = (await api.write('/interface/print')) as Row[];
    expect(all.map((r) => r['name'])).toEqual(['ether1', 'ether2', 'ether3', 'ether4', 'ether5', 'bridge1', 'vlan10']);
    expect(all[0]!['.id']).toBe('*1');
    const or = (await api.write('/interface/print', ['?type=bridge', '?type=vlan', '?#|', '=.proplist=name,type'])) as Row[];
    expect(or).toEqual([
      { name: 'bridge1', type: 'bridge' },
      { name: 'vlan10', type: 'vlan' },
    ]);
    const not = (await api.write('/interface/print', ['?type=ether', '?#!', '=.proplist=name'])) as Row[];
    expect(not.map((r) => r['name'])).toEqual(['bridge1', 'vlan10']);
    // node-routeros returns the !done attributes as a data row (protocol.md §5.4).
    expect(await api.write('/interface/print', ['=count-only=', '?running=true'])).toEqual([{ ret: '6' }]);
  });

  it('adds, sets and removes', async () => {
    const s = await sim(res, { rosVersion: '7.17', password: 'pw' });
    const api = await client(s);
    const [added] = (await api.write('/ip/address/add', ['=address=10.3.3.1/24', '=interface=ether5', '=comment=node'])) as Row[];
    const id = added!['ret']!;
    expect(id).toMatch(/^\*[0-9A-F]+$/);
    await api.write('/ip/address/set', [`=.id=${id}`, '=comment=node-changed']);
    const row = (await api.write('/ip/address/print', [`?.id=${id}`])) as Row[];
    expect(row[0]).toMatchObject({ address: '10.3.3.1/24', comment: 'node-changed' });
    await api.write('/ip/address/remove', [`=.id=${id}`]);
    expect(await api.write('/ip/address/print', ['=count-only='])).toEqual([{ ret: '3' }]);
  });

  it('runs concurrent tagged commands on one connection', async () => {
    const s = await sim(res, { rosVersion: '7.17', password: 'pw' });
    const api = await client(s);
    const paths = ['/interface', '/ip/address', '/ip/route', '/user', '/ip/arp'];
    const results = (await Promise.all(
      Array.from({ length: 25 }, (_, i) => api.write(`${paths[i % 5]}/print`, ['=count-only='])),
    )) as Row[][];
    const expected = await Promise.all(
      paths.map(async (p) => ((await api.write(`${p}/print`, ['=count-only='])) as Row[])[0]!['ret']),
    );
    results.forEach((r, i) => expect(r[0]!['ret']).toBe(expected[i % 5]));
  });

  it('listens, sees a change, and stops (cancel) cleanly', async () => {
    const s = await sim(res, { rosVersion: '7.17', password: 'pw' });
    const api = await client(s);
    let row!: (r: Row) => void;
    const first = new Promise<Row>((resolve) => (row = resolve));
    const stream = api.stream(['/interface/listen'], (err: Error | null, packet: Row) => {
      if (!err && packet && packet['name']) row(packet);
    });
    // node-routeros writes in order on one socket and the router handles them in order: once
    // this print is answered, the listen runs.
    await api.write('/system/identity/print');
    expect(s.sessions()[0]!.running).toBe(1);
    await api.write('/interface/set', ['=.id=ether3', '=comment=seen by node-routeros']);
    expect(await within(first, 3000, 'a listen row')).toMatchObject({ name: 'ether3', comment: 'seen by node-routeros' });
    await within(stream.stop(), 3000, 'stop() to finish');
    // The router ended the listen before it answered the /cancel that stop() waited for.
    expect(s.sessions()[0]!.running).toBe(0);
    expect(((await api.write('/system/identity/print')) as Row[])[0]!['name']).toBe('MikroTik');
  });

  it('reports traps as errors carrying the RouterOS message', async () => {
    const s = await sim(res, { rosVersion: '7.17', password: 'pw' });
    const api = await client(s);
    await expect(api.write('/ip/address/add', ['=address=10.0.0.1/40', '=interface=ether5'])).rejects.toThrow(
      'input does not match any value of address',
    );
    await expect(api.write('/ip/address/prnt')).rejects.toThrow('no such command');
    await expect(api.write('/ip/adress/print')).rejects.toThrow('no such command or directory (adress)');
    // The connection is still usable after traps.
    expect(await api.write('/interface/print', ['=count-only='])).toEqual([{ ret: '7' }]);
  });

  it('connects to anonymous-DH API-SSL', async () => {
    const s = await sim(res, { rosVersion: '7.17', password: 'pw', tlsPort: 0 });
    const api = await client(s, {
      port: s.tlsPort!,
      tls: { ciphers: ANONYMOUS_DH_CIPHERS, maxVersion: 'TLSv1.2', rejectUnauthorized: false },
    });
    expect(((await api.write('/system/identity/print')) as Row[])[0]!['name']).toBe('MikroTik');
  });
});
