/**
 * The fetching half of the cross-router diff: one print per router, all at once, with the live
 * tables' argument rules, a row cap that cancels the print, and every router settling with an
 * outcome of its own (done, trap, not connected).
 */
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../../simulator/src/index';
import type { Services } from '../index';
import { parseArgs } from '../../bridge/dispatch';
import { DiffService } from './diff';
import { connect as rawConnect } from '../../../../protocol/node/connect';
import { argsFailure, FAST_TIMINGS, failure, servicesRig } from '../test-support/helpers';

const rig = servicesRig({ services: { timings: FAST_TIMINGS, random: () => 0.5 }, sim: () => ({ password: 'pw' }) });
const { sim, start } = rig;

async function connect(s: Services, router: Simulator, name: string): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name, host: '127.0.0.1', port: router.port!, transport: 'plain', user: 'admin', password: 'pw' },
  });
  await s.handlers['link:connect']({ id: c.id });
  return c.id;
}

describe('diff:fetch arguments (the bridge schema)', () => {
  const bad = (args: unknown): string => argsFailure('diff:fetch', args).message;
  it('names what is wrong', () => {
    expect(bad({ connectionIds: ['a'], path: '/ip/address' })).toMatch(/at least two routers/);
    expect(bad({ connectionIds: ['a', 'a'], path: '/ip/address' })).toMatch(/same router twice/);
    expect(bad({ connectionIds: ['a', 'b'], path: 'ip address' })).toMatch(/not a menu path/);
    expect(bad({ connectionIds: ['a', 'b'], path: '/ip/address/print' })).toMatch(/must name the menu, not a command/);
    expect(bad({ connectionIds: ['a', 'b'], path: '/ip/address', query: ['disabled=no'] })).toMatch(/must start with "\?"/);
    expect(bad({ connectionIds: ['a', 'b'], path: '/ip/address', proplist: ['a,b'] })).toMatch(/must not contain commas/);
    expect(bad({ connectionIds: Array.from({ length: 21 }, (_, i) => `c${i}`), path: '/ip/address' })).toMatch(
      /more than 20 routers/,
    );
  });
  it('normalises the path', () => {
    expect(parseArgs('diff:fetch', { connectionIds: ['a', 'b'], path: '/ip/address/' })).toEqual({
      ok: true,
      value: { connectionIds: ['a', 'b'], path: '/ip/address' },
    });
  });
});

describe('diff:fetch against simulated routers', () => {
  it('prints the same menu on routers with different data and versions, each in its own trace', async () => {
    const a = await sim({ identity: 'core-a', rosVersion: '7.20' });
    const b = await sim({ identity: 'core-b', rosVersion: '7.12' });
    b.menu('/ip/address').add({ address: '10.20.30.1/24', interface: 'ether3', comment: 'only on b' });
    const s = await start();
    const ida = await connect(s, a, 'A');
    const idb = await connect(s, b, 'B');
    const r = await s.handlers['diff:fetch']({ connectionIds: [ida, idb], path: '/ip/address' });
    expect(r.path).toBe('/ip/address');
    expect(r.routers.map((x) => [x.name, x.identity, x.version?.slice(0, 4), x.outcome, x.truncated])).toEqual([
      ['A', 'core-a', '7.20', 'done', false],
      ['B', 'core-b', '7.12', 'done', false],
    ]);
    expect(r.routers[1]!.rows.length).toBe(r.routers[0]!.rows.length + 1);
    expect(r.routers[1]!.rows.find((x) => x['address'] === '10.20.30.1/24')).toMatchObject({
      interface: 'ether3',
      comment: 'only on b',
    });
    expect(r.routers[0]!.rows.every((x) => typeof x['.id'] === 'string')).toBe(true);
    for (const id of [ida, idb]) {
      const trace = await s.handlers['trace:get']({ connectionId: id });
      expect(trace.entries.some((e) => e.words[0] === '/ip/address/print')).toBe(true);
    }
  });

  it('passes .proplist and query words; rows carry only those properties', async () => {
    const a = await sim({ identity: 'a' });
    const b = await sim({ identity: 'b' });
    const s = await start();
    const ids = [await connect(s, a, 'A'), await connect(s, b, 'B')];
    const r = await s.handlers['diff:fetch']({
      connectionIds: ids,
      path: '/interface',
      query: ['?type=ether'],
      proplist: ['name', 'mtu'],
    });
    for (const x of r.routers) {
      expect(x.rows.length).toBeGreaterThan(1);
      for (const row of x.rows) expect(Object.keys(row).sort()).toEqual(['mtu', 'name']);
    }
    const trace = await s.handlers['trace:get']({ connectionId: ids[0]! });
    expect(trace.entries.find((e) => e.words[0] === '/interface/print')!.words).toEqual([
      '/interface/print',
      '=.proplist=name,mtu',
      '?type=ether',
      expect.stringMatching(/^\.tag=/),
    ]);
  });

  it('a router that is offline settles not-connected; the others still print', async () => {
    const a = await sim({ identity: 'a', rosVersion: '7.20' });
    const b = await sim({ identity: 'b', rosVersion: '6.48' });
    const c = await sim({ identity: 'c' });
    const s = await start();
    const ids = [await connect(s, a, 'A'), await connect(s, b, 'B'), await connect(s, c, 'C')];
    await s.handlers['link:disconnect']({ id: ids[2]! });
    const r = await s.handlers['diff:fetch']({ connectionIds: ids, path: '/interface' });
    expect(r.routers.map((x) => x.outcome)).toEqual(['done', 'done', 'not-connected']);
    expect(r.routers[2]).toMatchObject({ rows: [], error: { code: 'NOT_CONNECTED' } });
    expect(r.routers[2]!.error!.message).toMatch(/C is not connected/);
    expect(r.routers[1]!.rows.length).toBeGreaterThan(3);
  });

  it('a bad path traps on each router with the router named in the message', async () => {
    const a = await sim({ identity: 'a' });
    const b = await sim({ identity: 'b' });
    const s = await start();
    const ids = [await connect(s, a, 'A'), await connect(s, b, 'B')];
    const r = await s.handlers['diff:fetch']({ connectionIds: ids, path: '/ip/no-such-menu' });
    expect(r.routers.map((x) => x.outcome)).toEqual(['trap', 'trap']);
    expect(r.routers[0]!.error!.message).toMatch(/^A: the router refused the command: no such command/);
  });

  it('an unknown connection id fails the call before anything is printed', async () => {
    const a = await sim({ identity: 'a' });
    const s = await start();
    const id = await connect(s, a, 'A');
    const f = await failure(() => s.handlers['diff:fetch']({ connectionIds: [id, 'no-such-id'], path: '/interface' }));
    expect(f.code).toBe('NOT_FOUND');
    const trace = await s.handlers['trace:get']({ connectionId: id });
    expect(trace.entries.some((e) => e.words[0] === '/interface/print')).toBe(false);
  });
});

describe('DiffService row cap', () => {
  it('cancels the print past the cap and marks the router truncated; the session stays usable', async () => {
    const a = await sim({ identity: 'a', connections: 300 });
    const b = await sim({ identity: 'b', connections: 5 });
    const conns = [
      await rawConnect({ host: '127.0.0.1', port: a.port!, user: 'admin', password: 'pw' }),
      await rawConnect({ host: '127.0.0.1', port: b.port!, user: 'admin', password: 'pw' }),
    ];
    try {
      const svc = new DiffService({
        session: (id) => conns[Number(id)]!.session,
        routerInfo: (id) => ({ name: `R${id}` }),
        now: Date.now,
        rowCap: 50,
      });
      const r = await svc.fetch({ connectionIds: ['0', '1'], path: '/ip/firewall/connection' });
      expect(r.rowCap).toBe(50);
      expect(r.routers[0]).toMatchObject({ outcome: 'done', truncated: true });
      expect(r.routers[0]!.rows).toHaveLength(50);
      expect(r.routers[1]).toMatchObject({ outcome: 'done', truncated: false });
      expect(r.routers[1]!.rows).toHaveLength(5);
      const again = await conns[0]!.session.command(['/system/identity/print']);
      expect(again.rows[0]!['name']).toBe('a');
    } finally {
      for (const c of conns) c.session.close();
    }
  });
});
