/**
 * Connection-level behaviour: /cancel and its reply order, /quit, commands before login, users
 * and permissions, streaming commands, /console/inspect, reboot — over TCP and both API-SSL modes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { textCodec } from '../../protocol/node/codec';
import { encodeUtf8, FatalError, LoginError, TrapError } from '../../protocol/src/index';
import { toText } from '../src/index';
import { Resources, RawClient, WAYS, overWay, shape, within } from './helpers';

const res = new Resources();
afterEach(() => res.run());

describe.each(WAYS)('over $name', (way) => {
  const { sim, login, raw } = overWay(way);

  describe('/cancel (protocol.md §7.2)', () => {
    it('orders the replies: victim !trap, canceller !done, victim !done (7.17: no !empty)', async () => {
      const s = await sim(res, { rosVersion: '7.17' });
      const c = await raw(res, s);
      c.send(['/interface/listen', '.tag=2']);
      c.send(['/cancel', '=tag=2', '.tag=7']);
      const r = [await c.next(), await c.next(), await c.next()];
      expect(r.map((x) => x.texts())).toEqual([
        ['!trap', '=category=2', '=message=interrupted', '.tag=2'],
        ['!done', '.tag=7'],
        ['!done', '.tag=2'],
      ]);
      expect(s.sessions()[0]!.running).toBe(0);
    });

    it("puts !empty before the victim's !done on 7.18+ when the stream sent nothing, not when it sent rows", async () => {
      const s = await sim(res, { rosVersion: '7.20' });
      const c = await raw(res, s);
      c.send(['/log/print', '=follow-only=', '.tag=f']);
      c.send(['/cancel', '=tag=f', '.tag=c']);
      expect([await c.next(), await c.next(), await c.next(), await c.next()].map(shape)).toEqual([
        '!trap:f',
        '!done:c',
        '!empty:f',
        '!done:f',
      ]);
      // An empty =interval= print said !empty at once; its end does not repeat it.
      c.send(['/ip/address/print', '=interval=1h', '?comment=none', '.tag=i']);
      expect(shape(await c.next())).toBe('!empty:i');
      c.send(['/cancel', '=tag=i', '.tag=j']);
      expect([await c.next(), await c.next(), await c.next()].map(shape)).toEqual(['!trap:i', '!done:j', '!done:i']);
      c.send(['/system/identity/print', '=follow=', '.tag=g']);
      expect(shape(await c.next())).toBe('!re:g');
      c.send(['/cancel', '=tag=g', '.tag=d']);
      expect([await c.next(), await c.next(), await c.next()].map(shape)).toEqual(['!trap:g', '!done:d', '!done:g']);
    });

    it('without =tag= interrupts every running command but itself; an untagged canceller gets an untagged !done', async () => {
      const s = await sim(res, { rosVersion: '7.17' });
      const c = await raw(res, s);
      c.send(['/interface/listen', '.tag=a']);
      c.send(['/ip/address/listen', '.tag=b']);
      c.send(['/cancel']);
      const r = [await c.next(), await c.next(), await c.next(), await c.next(), await c.next()].map(shape);
      expect(r).toEqual(['!trap:a', '!trap:b', '!done', '!done:a', '!done:b']);
    });

    it('answers a /cancel for a tag that is not running with a plain !done', async () => {
      const s = await sim(res);
      const c = await raw(res, s);
      c.send(['/cancel', '=tag=nothing', '.tag=x']);
      expect((await c.untilDone('x')).map(shape)).toEqual(['!done:x']);
      c.send(['/cancel', '=colour=red', '.tag=y']);
      expect((await c.untilDone('y')).map(shape)).toEqual(['!trap:y', '!done:y']);
    });

    it('lets the engine cancel streams, leaving nothing running on either side', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const streams = [
        session.stream(['/interface/listen']),
        session.stream(['/log/print', '=follow-only=']),
        session.stream(['/interface/monitor-traffic', '=interface=ether1']),
      ];
      // One connection's sentences are handled in order: once this is answered, all three run.
      await session.command(['/system/identity/print']);
      expect(s.sessions()[0]!.running).toBe(3);
      const ends = await Promise.all(streams.map((st) => st.cancel()));
      for (const e of ends) expect(e?.cancelled).toBe(true);
      expect(session.pendingCount).toBe(0);
      expect(s.sessions()[0]!.running).toBe(0);
    });
  });

  describe('/quit and commands before login (protocol.md §5.2, §6.3, §6.4)', () => {
    it('answers /quit with a bare-reason !fatal and closes', async () => {
      const s = await sim(res);
      const c = await raw(res, s);
      c.send(['/quit', '.tag=q']);
      const r = await c.next();
      expect(r.texts()).toEqual(['!fatal', 'session terminated on request']);
      await c.waitClosed();
      expect(c.replies).toHaveLength(2);
    });

    it("makes the engine's quit() end cleanly", async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const dropped = new Promise((resolve) => s.on('session-closed', resolve));
      await session.quit();
      expect(session.closed).toBeInstanceOf(Error);
      await within(dropped, 2000, 'the server to drop the session');
      expect(s.sessions()).toEqual([]);
    });

    it('answers the first commands before login with !trap + !done, then !fatal and closes', async () => {
      const s = await sim(res);
      const c = await RawClient.open(way.port(s), way.raw);
      res.add(() => c.close());
      for (let i = 1; i <= 3; i++) {
        c.send(['/interface/print', `.tag=${i}`]);
        const r = await c.untilDone(String(i));
        expect(r.map((x) => x.texts())).toEqual([
          ['!trap', '=message=not logged in', `.tag=${i}`],
          ['!done', `.tag=${i}`],
        ]);
      }
      c.send(['/interface/print', '.tag=4']);
      expect((await c.next()).texts()).toEqual(['!fatal', 'too many commands before login']);
      await c.waitClosed();
    });

    it('still logs in after a few commands sent too early', async () => {
      const s = await sim(res);
      const c = await RawClient.open(way.port(s), way.raw);
      res.add(() => c.close());
      c.send(['/interface/print']);
      await c.untilDone();
      c.send(['/login', '=name=admin', '=password=']);
      expect((await c.next()).texts()).toEqual(['!done']);
      c.send(['/system/identity/print']);
      expect((await c.untilDone()).map(shape)).toEqual(['!re', '!done']);
    });
  });

  describe('users and permissions', () => {
    const users = [
      { name: 'viewer', password: 'v', group: 'read' },
      { name: 'operator', password: 'o', group: 'write' },
    ];

    it('refuses writes to the read group with not enough permissions (9)', async () => {
      const s = await sim(res, { users });
      const { session } = await login(res, s, { user: 'viewer', password: 'v' });
      expect((await session.command(['/interface/print'])).rows.length).toBe(7);
      for (const words of [
        ['/ip/address/add', '=address=1.1.1.1/32', '=interface=ether1'],
        ['/interface/set', '=.id=ether1', '=mtu=1400'],
        ['/ip/address/remove', '=.id=*1'],
        ['/interface/disable', '=.id=ether1'],
      ]) {
        await expect(session.command(words)).rejects.toThrow('not enough permissions (9)');
      }
      // Permissions are checked before arguments (socialwifi/RouterOS-api#109).
      await expect(session.command(['/interface/set', '=verbose'])).rejects.toThrow('not enough permissions (9)');
    });

    it('holds a password as exact bytes: cp1250 ł (B3) logs in from a windows-1250 client only', async () => {
      const s = await sim(res, { users: [{ name: 'jan', password: Uint8Array.of(0xb3), group: 'full' }] });
      const { session } = await login(res, s, { user: 'jan', password: 'ł', codec: textCodec('windows-1250') });
      // The comment WinBox on a Polish PC would store; a windows-1250 query matches its bytes.
      await session.command(['/interface/set', '=.id=ether2', Uint8Array.of(...encodeUtf8('=comment='), 0xa3, 0xf3, 0x64, 0x9f)]);
      expect(toText(s.menu('/interface').findByName('ether2')!.get('comment')!, textCodec('windows-1250'))).toBe('Łódź');
      const rows = (await session.command(['/interface/print', '?comment=Łódź', '=.proplist=name,comment'])).rows;
      expect(rows).toEqual([{ name: 'ether2', comment: 'Łódź' }]);
      await expect(login(res, s, { user: 'jan', password: 'ł' })).rejects.toBeInstanceOf(LoginError); // UTF-8: C5 82
    });

    it('lets the write group configure but not manage users; full does both', async () => {
      const s = await sim(res, { users });
      const op = await login(res, s, { user: 'operator', password: 'o' });
      await op.session.command(['/interface/set', '=.id=ether1', '=mtu=1400']);
      await expect(op.session.command(['/user/add', '=name=x', '=group=read', '=password=x'])).rejects.toThrow(
        'not enough permissions (9)',
      );
      const admin = await login(res, s);
      await admin.session.command(['/user/add', '=name=newbie', '=group=read', '=password=pw']);
      const nb = await login(res, s, { user: 'newbie', password: 'pw' });
      expect((await nb.session.command(['/system/identity/get', '=value-name=name'])).ret).toBe('MikroTik');
      await admin.session.command(['/user/disable', '=.id=newbie']);
      await expect(login(res, s, { user: 'newbie', password: 'pw' })).rejects.toBeInstanceOf(LoginError);
    });

    it('refuses a wrong password or an unknown user, and a group without the api policy', async () => {
      const s = await sim(res, { password: 'right' });
      await expect(login(res, s, { password: 'wrong' })).rejects.toThrow('invalid user name or password (6)');
      await expect(login(res, s, { user: 'nobody', password: 'right' })).rejects.toBeInstanceOf(LoginError);
      const { session } = await login(res, s, { password: 'right' });
      await session.command(['/user/group/add', '=name=noapi', '=policy=read,!api']);
      await session.command(['/user/add', '=name=u', '=group=noapi', '=password=p']);
      await expect(login(res, s, { user: 'u', password: 'p' })).rejects.toBeInstanceOf(LoginError);
    });

    it('lists logged-in sessions in /user/active and writes login lines to /log', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const active = (await session.command(['/user/active/print'])).rows;
      expect(active).toHaveLength(1);
      const via = way.raw === 'tcp' ? 'api' : 'api-ssl';
      expect(active[0]).toMatchObject({ name: 'admin', address: '127.0.0.1', via });
      const log = (await session.command(['/log/print', '?topics=system,info,account'])).rows;
      expect(log.at(-1)!['message']).toBe(`user admin logged in from 127.0.0.1 via ${via}`);
    });
  });

  describe('streaming commands', () => {
    it('monitors traffic once, per interface, with the interface as a bare word too', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const r = await session.command(['/interface/monitor-traffic', '=interface=ether1,ether5', '=once=']);
      expect(r.rows.map((x) => x['name'])).toEqual(['ether1', 'ether5']);
      expect(Number(r.rows[0]!['rx-bits-per-second'])).toBeGreaterThan(0);
      expect(r.rows[1]!['rx-bits-per-second']).toBe('0'); // no link on ether5
      const bare = await session.command(['/interface/monitor-traffic', 'ether2', '=once=']);
      expect(bare.rows.map((x) => x['name'])).toEqual(['ether2']);
      const t = await session.command(['/interface/monitor-traffic', '=interface=ether9', '=once=']).catch((e: unknown) => e);
      expect(t).toBeInstanceOf(TrapError);
      expect((t as TrapError).traps).toEqual([{ category: 1, message: 'input does not match any value of interface' }]);
      await expect(session.command(['/interface/monitor-traffic', '=once='])).rejects.toThrow(
        'missing value(s) of argument(s) interface',
      );
    });

    it('streams monitor rounds with =.section= when an interval is given, and ends at =duration=', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const st = session.stream(['/interface/monitor-traffic', '=interface=ether1', '=interval=20ms']);
      const sections: string[] = [];
      for await (const r of st) if (sections.push(r.attributes['.section']!) === 3) break;
      expect(sections).toEqual(['0', '1', '2']);
      await st.cancel();
      const timed = await session.command(['/system/resource/monitor', '=interval=10ms', '=duration=60ms'], { timeoutMs: 3000 });
      expect(timed.rows.length).toBeGreaterThanOrEqual(2);
      expect(timed.rows[0]).toHaveProperty('cpu-used');
    });

    it('pings until =count=', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const r = await session.command(['/ping', '=address=10.0.0.1', '=count=3', '=interval=10ms']);
      expect(r.rows.map((x) => x['seq'])).toEqual(['0', '1', '2']);
      expect(r.rows[2]).toMatchObject({ sent: '3', received: '3', 'packet-loss': '0', host: '10.0.0.1' });
      const lost = await session.command(['/ping', '192.0.2.1', '=count=2', '=interval=10ms']);
      expect(lost.rows.map((x) => x['status'])).toEqual(['timeout', 'timeout']);
      expect(lost.rows[1]!['packet-loss']).toBe('100');
    });

    it('never answers /system/reboot, drops every connection and comes back on the same port', async () => {
      const s = await sim(res);
      const port = s.port;
      const { session } = await login(res, s);
      let otherClosed!: (e: Error) => void;
      const otherGone = new Promise<Error>((resolve) => (otherClosed = resolve));
      await login(res, s, { onClose: (e) => otherClosed(e) });
      const back = new Promise<void>((resolve) => s.on('listening', () => resolve()));
      const pending = session.command(['/system/reboot'], { timeoutMs: 0 }).catch((e: unknown) => e);
      const err = await within(pending, 3000, 'the reboot to drop the connection');
      expect((err as Error).message).toMatch(/connection/);
      expect(await within(otherGone, 2000, 'the other connection to drop')).toBeInstanceOf(Error);
      await within(back, 2000, 'the simulator to listen again');
      expect(s.port).toBe(port);
      const again = await login(res, s);
      expect((await again.session.command(['/system/identity/print'])).rows).toHaveLength(1);
    });
  });

  describe('/console/inspect (landscape.md §4.1)', () => {
    it('lists children as real routers do: node-type dir for menus, path for groupings, real order', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const ip = (await session.command(['/console/inspect', '=request=child', '=path=ip'])).rows;
      // Real 7.x answers (resources/routeros-tree): `ip` is a grouping, its menus are `dir`.
      expect(ip[0]).toEqual({ name: 'ip', 'node-type': 'path', type: 'self' });
      expect(ip.slice(1).map((r) => `${r['name']}:${r['node-type']}:${r['type']}`)).toEqual(
        expect.arrayContaining(['address:dir:child', 'firewall:dir:child', 'route:dir:child']),
      );
      expect(ip.slice(-2).map((r) => r['name'])).toEqual(['export', 'recursive-print']);
      const addr = (await session.command(['/console/inspect', '=request=child', '=path=ip,address'])).rows;
      expect(addr[0]).toEqual({ name: 'address', 'node-type': 'dir', type: 'self' });
      // Alphabetical, export last; the API-only getall and listen are not listed.
      expect(addr.slice(1).map((r) => r['name'])).toEqual(s.tree.children('/ip/address').map((c) => c.name));
      expect(addr.slice(1).map((r) => r['name'])).toEqual(expect.arrayContaining(['add', 'comment', 'print', 'export']));
      expect(addr.map((r) => r['name'])).not.toContain('getall');
      expect(addr.map((r) => r['name'])).not.toContain('listen');
      const add = (await session.command(['/console/inspect', '=request=child', '=path=ip,address,add'])).rows;
      expect(add[0]).toEqual({ name: 'add', 'node-type': 'cmd', type: 'self' });
      expect(add.slice(1).map((r) => r['name'])).toEqual([
        'address',
        'broadcast',
        'comment',
        'copy-from',
        'disabled',
        'interface',
        'netmask',
        'network',
      ]);
      expect(add.slice(1).every((r) => r['node-type'] === 'arg' && r['type'] === 'child')).toBe(true);
      const arg = (await session.command(['/console/inspect', '=request=child', '=path=ip,address,add,address'])).rows;
      expect(arg).toEqual([{ name: 'address', 'node-type': 'arg', type: 'self' }]);
      const root = (await session.command(['/console/inspect', '=request=child'])).rows.map((r) => r['name']);
      expect(root).toEqual(expect.arrayContaining(['', 'interface', 'ip', 'system', 'user', 'log', 'console', 'ping']));
    });

    it('gives an empty result for a path that does not exist (!empty on 7.18+)', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const r = await session.command(['/console/inspect', '=request=child', '=path=ip,nothing']);
      expect(r.rows).toEqual([]);
      expect(r.empty).toBe(true);
    });

    it('describes a command with one explanation row per argument, and an argument with its real syntax line', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const rows = (await session.command(['/console/inspect', '=request=syntax', '=path=ip,address,add'])).rows;
      expect(rows[0]).toMatchObject({ 'symbol-type': 'collection', nested: '0' });
      expect(rows.slice(1).map((r) => [r['symbol'], r['symbol-type'], r['nested']])).toEqual(
        ['address', 'broadcast', 'comment', 'copy-from', 'disabled', 'interface', 'netmask', 'network'].map((n) => [
          n,
          'explanation',
          '1',
        ]),
      );
      expect(rows[1]!['text']).toBe('A.B.C.D    (IP address)');
      const def = (await session.command(['/console/inspect', '=request=syntax', '=path=ip,address,add,address'])).rows;
      expect(def).toEqual([
        {
          symbol: 'address',
          'symbol-type': 'definition',
          nested: '0',
          nonorm: 'false',
          text: 'A.B.C.D    (IP address)',
          type: 'syntax',
        },
      ]);
    });

    it('completes menu names, argument names, static values and the router’s own interface names', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const complete = async (input: string, path = ''): Promise<string[]> =>
        (
          await session.command([
            '/console/inspect',
            '=request=completion',
            `=input=${input}`,
            ...(path ? [`=path=${path}`] : []),
          ])
        ).rows.map((r) => `${r['completion']}@${r['offset']}`);
      expect(await complete('/ip/fi')).toEqual(['firewall@4']);
      expect(await complete('/ip address add inter')).toEqual(['interface@16']);
      // The app's form: CLI words separated by spaces (services/inspect).
      expect(await complete('/ip address add interface=eth')).toEqual(
        ['ether1', 'ether2', 'ether3', 'ether4', 'ether5'].map((n) => `${n}@26`),
      );
      expect(await complete('interface=eth', 'ip,address,add')).toEqual(
        ['ether1', 'ether2', 'ether3', 'ether4', 'ether5'].map((n) => `${n}@10`),
      );
      expect(await complete('/interface/bridge/add protocol-mode=')).toEqual(['mstp@36', 'none@36', 'rstp@36', 'stp@36']);
      // A path naming an argument: its values; yes/no as `no`, `yes` with style `arg`.
      const disabled = (
        await session.command(['/console/inspect', '=request=completion', '=path=ip,address,add,disabled'])
      ).rows.map((r) => `${r['completion']}:${r['style']}`);
      expect(disabled).toEqual(['no:arg', 'yes:arg']);
    });

    it('can be disabled, empty, or stalled for fallback tests', async () => {
      const s = await sim(res, { inspect: 'disabled' });
      const { session } = await login(res, s);
      const e = await session.command(['/console/inspect', '=request=child', '=path=ip']).catch((x: unknown) => x);
      expect((e as TrapError).traps.map((t) => t.message)).toEqual([
        'no such command or directory (console)',
        'no such command prefix',
      ]);
      s.inspectMode = 'empty';
      expect((await session.command(['/console/inspect', '=request=child', '=path=ip'])).rows).toEqual([]);
      s.inspectMode = 'stall';
      const st = session.stream(['/console/inspect', '=request=child', '=path=ip']);
      await session.command(['/system/identity/print']);
      expect(s.sessions()[0]!.running).toBe(1);
      expect(st.finished).toBe(false);
      const end = await st.cancel();
      expect(end?.cancelled).toBe(true);
    });
  });

  it('reports a fatal session limit to the engine', async () => {
    const s = await sim(res, { maxSessions: 1 });
    await login(res, s);
    const e = await login(res, s).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FatalError);
    expect((e as FatalError).reason).toBe('too many sessions');
  });
});
