/**
 * The engine (protocol/node connect(), Session) against the simulator: print and its options,
 * queries, listen, writes and their validation, get/unset, tags and concurrency, the error
 * catalogue — over loopback TCP and over API-SSL in both modes (each suite runs three times).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TrapError, type Reply } from '../../protocol/src/index';
import { Resources, WAYS, overWay, shape, within } from './helpers';

const res = new Resources();
afterEach(() => res.run());

function trapOf(e: unknown): { message: string; category: number | undefined } {
  expect(e).toBeInstanceOf(TrapError);
  const t = (e as TrapError).traps[0]!;
  return { message: t.message, category: t.category };
}

async function trapped(p: Promise<unknown>): Promise<{ message: string; category: number | undefined; all: TrapError }> {
  try {
    await p;
  } catch (e) {
    return { ...trapOf(e), all: e as TrapError };
  }
  throw new Error('expected the command to trap');
}

describe.each(WAYS)('over $name', (way) => {
  const { sim, login, raw } = overWay(way);

  describe('print and getall', () => {
    it('prints the default interfaces with .id and typed properties', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const rows = (await session.command(['/interface/print'])).rows;
      expect(rows.map((r) => r['name'])).toEqual(['ether1', 'ether2', 'ether3', 'ether4', 'ether5', 'bridge1', 'vlan10']);
      for (const r of rows) expect(r['.id']).toMatch(/^\*[0-9A-F]+$/);
      expect(rows[0]).toMatchObject({ type: 'ether', mtu: '1500', running: 'true', disabled: 'false' });
      expect(rows[4]).toMatchObject({ name: 'ether5', running: 'false' });
      expect(Number(rows[0]!['rx-byte'])).toBeGreaterThan(0);
      const getall = (await session.command(['/interface/getall'])).rows;
      expect(getall).toEqual(rows);
    });

    it('returns only the .proplist properties, leaving missing ones out (empty !re is possible)', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const rows = (await session.command(['/ip/address/print', '=.proplist=address,comment'])).rows;
      expect(rows).toEqual([
        { address: '192.168.88.1/24', comment: 'defconf' },
        { address: '10.0.0.23/24' },
        { address: '172.16.10.1/24', comment: 'guests' },
      ]);
      const bare = (await session.command(['/ip/address/print', '=.proplist=no-such-property'])).replies;
      expect(bare).toHaveLength(3);
      expect(bare.map((r) => r.words.length)).toEqual([2, 2, 2]); // `!re` and `.tag=` only
    });

    it('filters with query words: equality, presence, absence, order, OR, NOT', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const names = async (...words: string[]): Promise<string[]> =>
        (await session.command(['/interface/print', '=.proplist=name', ...words])).rows.map((r) => r['name']!);
      expect(await names('?type=ether', '?running=yes')).toEqual(['ether1', 'ether2', 'ether3', 'ether4']);
      expect(await names('?=type=vlan')).toEqual(['vlan10']);
      expect(await names('?comment')).toEqual(['ether1', 'ether2', 'ether4', 'bridge1', 'vlan10']);
      expect(await names('?-comment')).toEqual(['ether3', 'ether5']);
      expect(await names('?type=bridge', '?type=vlan', '?#|')).toEqual(['bridge1', 'vlan10']);
      expect(await names('?type=ether', '?#!')).toEqual(['bridge1', 'vlan10']);
      // Numbers compare as numbers: as text, '5000123456' < '900000000'.
      expect(await names('?>rx-byte=900000000')).toEqual(['ether1', 'ether2', 'ether3', 'ether4', 'bridge1']);
      expect(await names('?<name=ether3', '?type=ether')).toEqual(['ether1', 'ether2']);
      // The unbounded true floor: an AND on an empty stack pops two `true`.
      expect(await names('?#&')).toHaveLength(7);
      const rows = (await session.command(['/ip/address/print', '?>comment=', '=.proplist=address'])).rows;
      expect(rows.map((r) => r['address'])).toEqual(['192.168.88.1/24', '172.16.10.1/24']);
    });

    it('answers =count-only= with !done =ret=N, combined with queries', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const all = await session.command(['/interface/print', '=count-only=']);
      expect(all.ret).toBe('7');
      expect(all.rows).toEqual([]);
      expect((await session.command(['/interface/print', '=count-only=', '?type=ether'])).ret).toBe('5');
      expect((await session.command(['/ip/firewall/connection/print', '=count-only='])).ret).toBe('5');
    });

    it('rejects a malformed query word with a category-1 trap', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const t = await trapped(session.command(['/interface/print', '?#x']));
      expect(t.category).toBe(1);
      expect(t.message).toContain('?#x');
    });

    it('streams with =follow= (items, then changes) and =follow-only= (changes only)', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const follow = session.stream(['/ip/address/print', '=follow=', '=.proplist=address']);
      const only = session.stream(['/ip/address/print', '=follow-only=', '=.proplist=address']);
      const seen: Reply[] = [];
      const seenOnly: Reply[] = [];
      const collect = async (st: typeof follow, into: Reply[], n: number): Promise<void> => {
        for await (const r of st) {
          into.push(r);
          if (into.length === n) return;
        }
      };
      const a = collect(follow, seen, 4);
      const b = collect(only, seenOnly, 1);
      await session.command(['/ip/address/add', '=address=10.20.30.1/24', '=interface=ether5']);
      await within(Promise.all([a, b]), 3000, 'follow rows');
      expect(seen.map((r) => r.attributes['address'])).toEqual([
        '192.168.88.1/24',
        '10.0.0.23/24',
        '172.16.10.1/24',
        '10.20.30.1/24',
      ]);
      expect(seenOnly.map((r) => r.attributes['address'])).toEqual(['10.20.30.1/24']);
      await follow.cancel();
      await only.cancel();
      expect(session.pendingCount).toBe(0);
    });

    it('repeats =interval= rounds, each row marked with =.section=', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const st = session.stream(['/system/identity/print', '=interval=0.03']);
      const sections: string[] = [];
      for await (const r of st) {
        sections.push(r.attributes['.section']!);
        expect(r.attributes['name']).toBe('MikroTik');
        if (sections.length === 3) break;
      }
      expect(sections).toEqual(['0', '1', '2']);
      await st.cancel();
    });
  });

  describe('listen', () => {
    it('reports a change after the changing command is done (the order of the manual example)', async () => {
      const s = await sim(res);
      const c = await raw(res, s);
      c.send(['/interface/listen', '.tag=2']);
      c.send(['/interface/set', '=disabled=yes', '=.id=ether1', '.tag=3']);
      const first = await c.next();
      const second = await c.next();
      expect(shape(first)).toBe('!done:3');
      expect(shape(second)).toBe('!re:2');
      expect(second.attributes).toMatchObject({ '.id': '*1', name: 'ether1', disabled: 'true', running: 'false' });
    });

    it('reports removals with =.dead=, honours queries, and sees changes made through the model', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const all = session.stream(['/ip/address/listen']);
      const vlanOnly = session.stream(['/ip/address/listen', '?interface=vlan10']);
      const rows: Reply[] = [];
      const vlanRows: Reply[] = [];
      const done = (async () => {
        for await (const r of all) if (rows.push(r) === 3) return;
      })();
      const vlanDone = (async () => {
        for await (const r of vlanOnly) if (vlanRows.push(r) === 1) return;
      })();
      const id = (await session.command(['/ip/address/add', '=address=10.1.1.1/24', '=interface=ether5'])).ret!;
      s.menu('/ip/address').update(s.menu('/ip/address').find('*3')!, { comment: 'changed by a test' });
      await session.command(['/ip/address/remove', `=.id=${id}`]);
      await within(Promise.all([done, vlanDone]), 3000, 'listen rows');
      expect(rows[0]!.attributes).toMatchObject({ '.id': id, address: '10.1.1.1/24' });
      expect(rows[1]!.attributes).toMatchObject({ '.id': '*3', comment: 'changed by a test' });
      expect(rows[2]!.attributes).toEqual({ '.id': id, '.dead': 'true' });
      expect(vlanRows.map((r) => r.attributes['comment'])).toEqual(['changed by a test']);
      await all.cancel();
      await vlanOnly.cancel();
    });
  });

  describe('writes', () => {
    it('adds with !done =ret=*ID and validates every property type', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const id = (await session.command(['/ip/address/add', '=address=10.5.5.1/24', '=interface=ether5', '=comment=lab'])).ret;
      expect(id).toMatch(/^\*[0-9A-F]+$/);
      const [row] = (await session.command(['/ip/address/print', `?.id=${id}`])).rows;
      expect(row).toMatchObject({
        address: '10.5.5.1/24',
        network: '10.5.5.0',
        interface: 'ether5',
        comment: 'lab',
        dynamic: 'false',
      });
      // The connected route comes with the address.
      const route = (await session.command(['/ip/route/print', '?dst-address=10.5.5.0/24'])).rows;
      expect(route).toHaveLength(1);
      expect(route[0]).toMatchObject({ gateway: 'ether5', connect: 'true', dynamic: 'true' });

      const cases: [string[], string, number | undefined][] = [
        [['/ip/address/add', '=address=10.5.5.1/33', '=interface=ether5'], 'input does not match any value of address', 1],
        [['/ip/address/add', '=address=300.1.1.1/24', '=interface=ether5'], 'input does not match any value of address', 1],
        [['/ip/address/add', '=address=10.5.6.1/24', '=interface=ether9'], 'input does not match any value of interface', 1],
        [['/ip/address/add', '=interface=ether5'], 'missing value(s) of argument(s) address', undefined],
        [
          ['/ip/address/add', '=address=10.5.6.1/24', '=interface=ether5', '=disabled=maybe'],
          'input does not match any value of disabled',
          1,
        ],
        // RouterOS names the word it did not take (issue 13).
        [['/ip/address/add', '=address=10.5.6.1/24', '=interface=ether5', '=colour=red'], 'unknown parameter colour', undefined],
        // `network` is a real argument of /ip/address/add (the command tree), checked by its syntax.
        [
          ['/ip/address/add', '=address=10.5.6.1/24', '=interface=ether5', '=network=10.5.6.x'],
          'input does not match any value of network',
          1,
        ],
        [['/interface/set', '=.id=ether1', '=mtu=abc'], 'input does not match any value of mtu', 1],
        [['/interface/set', '=.id=ether1', '=mtu=70000'], 'value of mtu out of range (68..65535)', 1],
        [['/interface/bridge/set', '=.id=bridge1', '=protocol-mode=fast'], 'input does not match any value of protocol-mode', 1],
        [['/interface/bridge/add', '=name=bridge1'], 'failure: already have bridge with such name', undefined],
        [
          ['/ip/arp/add', '=address=10.0.0.9', '=interface=ether1', '=mac-address=zz:00:00:00:00:00'],
          'input does not match any value of mac-address',
          1,
        ],
      ];
      for (const [words, message, category] of cases) {
        const t = await trapped(session.command(words));
        expect({ words, message: t.message, category: t.category }).toEqual({ words, message, category });
      }
      expect((await session.command(['/ip/address/print', '=count-only='])).ret).toBe('4');
    });

    it('sets by .id, by name and by a comma-separated list; a missing item is category 0', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      await session.command(['/interface/set', '=.id=*2', '=comment=by id']);
      await session.command(['/interface/set', '=.id=ether3', '=comment=by name']);
      await session.command(['/interface/set', '=.id=ether4,*5', '=mtu=1400']);
      const rows = (await session.command(['/interface/print', '=.proplist=name,comment,mtu', '?type=ether'])).rows;
      expect(rows.slice(1)).toEqual([
        { name: 'ether2', comment: 'by id', mtu: '1500' },
        { name: 'ether3', comment: 'by name', mtu: '1500' },
        { name: 'ether4', comment: 'printer', mtu: '1400' },
        { name: 'ether5', mtu: '1400' },
      ]);
      expect(await trapped(session.command(['/interface/set', '=.id=*99', '=mtu=1400']))).toMatchObject({
        message: 'no such item',
        category: 0,
      });
      expect(await trapped(session.command(['/interface/set', '=.id=ether42', '=mtu=1400']))).toMatchObject({
        message: 'no such item',
        category: 0,
      });
      expect(await trapped(session.command(['/interface/set', '=mtu=1400']))).toMatchObject({
        message: 'missing value(s) of argument(s) .id',
      });
      // Singletons need no .id.
      await session.command(['/system/identity/set', '=name=edge-1']);
      expect((await session.command(['/system/identity/print'])).rows).toEqual([{ name: 'edge-1' }]);
    });

    it('removes several items at once, and nothing at all when one id is unknown', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const before = (await session.command(['/ip/dhcp-server/lease/print', '=count-only='])).ret;
      const ids = (await session.command(['/ip/dhcp-server/lease/print', '=.proplist=.id'])).rows.map((r) => r['.id']!);
      expect(await trapped(session.command(['/ip/dhcp-server/lease/remove', `=.id=${ids[0]},*FFFF`]))).toMatchObject({
        message: 'no such item',
        category: 0,
      });
      expect((await session.command(['/ip/dhcp-server/lease/print', '=count-only='])).ret).toBe(before);
      await session.command(['/ip/dhcp-server/lease/remove', `=.id=${ids[0]},${ids[1]}`]);
      expect((await session.command(['/ip/dhcp-server/lease/print', '=count-only='])).ret).toBe(String(Number(before) - 2));
    });

    it('enables and disables, and follows a renamed interface everywhere', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      await session.command(['/interface/disable', '=.id=ether2']);
      expect((await session.command(['/interface/print', '?name=ether2', '=.proplist=disabled,running'])).rows).toEqual([
        { disabled: 'true', running: 'false' },
      ]);
      await session.command(['/interface/enable', '=.id=ether2']);
      expect((await session.command(['/interface/print', '?name=ether2', '=.proplist=disabled,running'])).rows).toEqual([
        { disabled: 'false', running: 'true' },
      ]);
      await session.command(['/interface/set', '=.id=bridge1', '=name=lan']);
      expect((await session.command(['/ip/address/print', '?address=192.168.88.1/24', '=.proplist=interface'])).rows).toEqual([
        { interface: 'lan' },
      ]);
      expect((await session.command(['/interface/bridge/print', '=.proplist=name'])).rows).toEqual([{ name: 'lan' }]);
      expect((await session.command(['/interface/vlan/print', '=.proplist=interface'])).rows).toEqual([{ interface: 'lan' }]);
    });

    it('keeps /interface in step with VLANs and bridges added or removed', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const id = (await session.command(['/interface/vlan/add', '=name=vlan20', '=vlan-id=20', '=interface=ether1'])).ret!;
      expect((await session.command(['/interface/print', '?name=vlan20', '=.proplist=type,running'])).rows).toEqual([
        { type: 'vlan', running: 'true' },
      ]);
      await session.command(['/interface/vlan/remove', `=.id=${id}`]);
      expect((await session.command(['/interface/print', '?name=vlan20'])).rows).toEqual([]);
    });

    it('places firewall rules with place-before', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const rules = (await session.command(['/ip/firewall/filter/print', '=.proplist=.id'])).rows;
      const id = (
        await session.command([
          '/ip/firewall/filter/add',
          '=chain=input',
          '=action=drop',
          '=src-address=203.0.113.0/24',
          `=place-before=${rules[1]!['.id']}`,
        ])
      ).ret;
      const after = (await session.command(['/ip/firewall/filter/print', '=.proplist=.id'])).rows.map((r) => r['.id']);
      expect(after[1]).toBe(id);
      expect(after).toHaveLength(rules.length + 1);
    });

    it('reads one property with get and clears one with unset', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      expect((await session.command(['/interface/get', '=.id=ether1', '=value-name=mtu'])).ret).toBe('1500');
      expect((await session.command(['/system/identity/get', '=value-name=name'])).ret).toBe('MikroTik');
      expect((await session.command(['/system/resource/get', '=value-name=version'])).ret).toBe('7.20 (stable)');
      expect(await trapped(session.command(['/interface/get', '=.id=ether1', '=value-name=colour']))).toMatchObject({
        message: 'input does not match any value of value-name',
        category: 1,
      });
      expect(await trapped(session.command(['/user/get', '=.id=admin', '=value-name=password']))).toMatchObject({ category: 1 });
      await session.command(['/interface/unset', '=.id=ether1', '=value-name=comment']);
      expect((await session.command(['/interface/print', '?name=ether1', '=.proplist=comment'])).rows).toEqual([{}]);
    });

    it('never prints passwords and does not let queries see them', async () => {
      const s = await sim(res, { password: 'secret' });
      const { session } = await login(res, s, { password: 'secret' });
      const rows = (await session.command(['/user/print'])).rows;
      expect(rows[0]).toMatchObject({ name: 'admin', group: 'full' });
      expect(rows[0]!['password']).toBeUndefined();
      expect((await session.command(['/user/print', '?password=secret'])).rows).toEqual([]);
    });
  });

  describe('tags and concurrency', () => {
    it('puts the command tag on every reply: rows, traps, empty and done; none when untagged', async () => {
      const s = await sim(res);
      const c = await raw(res, s);
      c.send(['/ip/address/print', '.tag=a']);
      const a = await c.untilDone('a');
      expect(a.map(shape)).toEqual(['!re:a', '!re:a', '!re:a', '!done:a']);
      c.send(['/ip/address/add', '.tag=b', '=address=1.2.3.4/40']);
      expect((await c.untilDone('b')).map(shape)).toEqual(['!trap:b', '!done:b']);
      c.send(['.tag=c', '/ip/address/print', '?address=9.9.9.9/32']);
      expect((await c.untilDone()).map(shape)).toEqual(['!trap', '!done']); // the command word must come first
      c.send(['/ip/address/print', '?address=9.9.9.9/32', '.tag=d']);
      expect((await c.untilDone('d')).map(shape)).toEqual(['!empty:d', '!done:d']);
      c.send(['/ip/address/print', '?address=9.9.9.9/32']);
      expect((await c.untilDone()).map(shape)).toEqual(['!empty', '!done']);
      c.send(['/ip/address/print', '?address=9.9.9.9/32', '.tag=']);
      expect((await c.untilDone()).map(shape)).toEqual(['!empty', '!done']); // an empty tag is no tag (§7.1)
    });

    it('answers many concurrent tagged commands on one connection, each with its own rows', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      const paths = [
        '/interface',
        '/ip/address',
        '/ip/route',
        '/ip/arp',
        '/user',
        '/ip/firewall/filter',
        '/ip/dhcp-server/lease',
        '/ip/service',
      ];
      const counts = await Promise.all(
        paths.map(async (p) => Number((await session.command([`${p}/print`, '=count-only='])).ret)),
      );
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => session.command([`${paths[i % paths.length]}/print`])),
      );
      results.forEach((r, i) => expect(r.rows.length).toBe(counts[i % paths.length]));
    });
  });

  describe('the error catalogue (protocol.md §4.5)', () => {
    it('answers a sentence without a command word with one trap and one done', async () => {
      const s = await sim(res);
      const c = await raw(res, s);
      c.send(['=interface=x']);
      const r = await c.untilDone();
      expect(r.map((x) => x.texts())).toEqual([['!trap', '=message=no such command prefix'], ['!done']]);
      // node-routeros' keepalive sentence `#` is no command either.
      c.send(['#', '.tag=k']);
      expect((await c.untilDone('k')).map(shape)).toEqual(['!trap:k', '!done:k']);
    });

    it('answers an unknown menu path with two traps and one done', async () => {
      const s = await sim(res);
      const c = await raw(res, s);
      c.send(['/ip/adress/print', '.tag=x']);
      const r = await c.untilDone('x');
      expect(r.map((x) => x.texts())).toEqual([
        ['!trap', '=category=0', '=message=no such command or directory (adress)', '.tag=x'],
        ['!trap', '=message=no such command prefix', '.tag=x'],
        ['!done', '.tag=x'],
      ]);
    });

    it('answers an unknown command, an unknown parameter and a bare word', async () => {
      const s = await sim(res);
      const { session } = await login(res, s);
      expect((await trapped(session.command(['/ip/address/prnt']))).message).toBe('no such command');
      expect((await trapped(session.command(['/ip/address']))).message).toBe('no such command');
      expect((await trapped(session.command(['/ip/address/print', '=verbose=']))).message).toBe('unknown parameter verbose');
      expect((await trapped(session.command(['/ip/address/print', 'ether1']))).message).toBe('unknown parameter ether1');
      expect((await trapped(session.command(['/ip/address/add', '?address=1.1.1.1']))).message).toBe('unknown parameter');
      expect((await trapped(session.command(['/ip/address/print', '.foo=bar']))).message).toBe('unknown parameter .foo');
    });
  });
});
