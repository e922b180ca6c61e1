/**
 * The simulator on the real RouterOS command tree (issue 13): every menu of the shipped tree
 * exists, inspect answers as the crawl of a real router says, arguments are checked against the
 * tree, and inspect can lose completion rows as 7.22.1 does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TrapError, type Session } from '../../protocol/src/index';
import { loadCommandTrees } from '../../protocol/node/command-tree';
import { Rng } from '../src/rng';
import { Resources, login, sim } from './helpers';

const res = new Resources();
afterEach(() => res.run());

const trees = loadCommandTrees();

async function trap(p: Promise<unknown>): Promise<{ message: string; category: number | undefined }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TrapError) return { message: e.traps[0]!.message, category: e.category };
    throw e;
  }
  throw new Error('expected a !trap');
}

/** Every node of a tree as a path of segments, menus, commands and arguments. */
function allNodes(version: string): { segments: string[]; type: string }[] {
  const tree = trees.get(version);
  const out: { segments: string[]; type: string }[] = [];
  const walk = (segments: string[]): void => {
    for (const c of tree.children(segments)) {
      const s = [...segments, c.name];
      out.push({ segments: s, type: c.type });
      if (c.type !== 'arg') walk(s);
    }
  };
  walk([]);
  return out;
}

async function inspect(session: Session, ...words: string[]): Promise<Record<string, string>[]> {
  return (await session.command(['/console/inspect', ...words])).rows;
}

describe('the simulator on the real command tree', () => {
  it('answers child and static completion exactly as the 7.22.3 crawl says, for a seeded sample of 600 nodes', async () => {
    const s = await sim(res, { rosVersion: '7.22.3' });
    expect(s.tree.version).toBe('7.22.3');
    const { session } = await login(res, s);
    const tree = trees.get('7.22.3');
    const nodes = allNodes('7.22.3');
    const rng = new Rng(1303);
    const sample = Array.from({ length: 600 }, () => rng.pick(nodes));
    const interfaces = [...s.model.menu('interface').items()].map((i) => i.get('name'));
    let args = 0;
    let withValues = 0;
    for (const { segments, type } of sample) {
      const rows = await inspect(session, '=request=child', `=path=${segments.join(',')}`);
      const want = [
        { name: segments[segments.length - 1], 'node-type': type, type: 'self' },
        ...tree.children(segments).map((c) => ({ name: c.name, 'node-type': c.type, type: 'child' })),
      ];
      expect(rows, segments.join('/')).toEqual(want);
      if (type !== 'arg') continue;
      args += 1;
      const arg = tree.arg(segments.slice(0, -1), segments[segments.length - 1]!)!;
      const values = await inspect(session, '=request=completion', `=path=${segments.join(',')}`);
      const expected = [
        ...(arg.references === 'interface' ? interfaces.map((n) => `${n}:none:96`) : []),
        ...arg.completions.map((c) => `${c.value}:${c.style}:${c.preference}`),
      ];
      expect(
        values.map((r) => `${r['completion']}:${r['style']}:${r['preference']}`),
        segments.join('/'),
      ).toEqual(expected);
      if (expected.length > 0) withValues += 1;
    }
    // The sample must exercise what it claims to.
    expect(args).toBeGreaterThan(200);
    expect(withValues).toBeGreaterThan(30);
  });

  it('has every menu of the tree; every menu with print answers it', async () => {
    const s = await sim(res, { rosVersion: '7.22.3' });
    const { session } = await login(res, s);
    const tree = trees.get('7.22.3');
    let printed = 0;
    for (const menu of tree.menus()) {
      if (!tree.commands(menu).includes('print')) continue;
      const r = await session.command([`${menu}/print`]);
      expect(r.done.type, menu).toBe('!done');
      printed += 1;
    }
    expect(printed).toBeGreaterThan(350);
  });

  it('traps an unknown argument with its name, and values against their syntax', async () => {
    const s = await sim(res, { rosVersion: '7.22.3' });
    const { session } = await login(res, s);
    // Modelled menus and generic ones alike.
    expect((await trap(session.command(['/ip/address/add', '=no-such-arg=1']))).message).toBe('unknown parameter no-such-arg');
    expect((await trap(session.command(['/ip/dns/static/add', '=no-such-arg=1']))).message).toBe('unknown parameter no-such-arg');
    const bad = await trap(session.command(['/ip/dns/static/add', '=name=a.example', '=address=not-an-ip']));
    expect([bad.message, bad.category]).toEqual(['input does not match any value of address', 1]);
    const disabled = await trap(session.command(['/ip/dns/static/add', '=name=a.example', '=disabled=maybe']));
    expect(disabled.message).toBe('input does not match any value of disabled');
    const ttl = await trap(session.command(['/ip/dns/static/add', '=name=a.example', '=ttl=forever']));
    expect(ttl.message).toBe('input does not match any value of ttl');
  });

  it('keeps items in generic menus: add (=ret=), set, get, comment, disable, enable, listen, remove', async () => {
    const s = await sim(res, { rosVersion: '7.22.3' });
    const { session } = await login(res, s);
    const add = await session.command(['/ip/dns/static/add', '=name=nas.lan', '=address=192.168.88.20', '=ttl=1h']);
    const id = add.ret!;
    expect(id).toMatch(/^\*[0-9A-F]+$/);
    const changes: Record<string, string>[] = [];
    const listen = session.stream(['/ip/dns/static/listen']);
    const collecting = (async () => {
      for await (const r of listen) changes.push({ ...r.attributes });
    })();
    await session.command(['/ip/dns/static/set', `=.id=${id}`, '=address=192.168.88.21']);
    await session.command(['/ip/dns/static/comment', `=numbers=${id}`, '=comment=the NAS']);
    await session.command(['/ip/dns/static/disable', `=numbers=${id}`]);
    const rows = (await session.command(['/ip/dns/static/print'])).rows;
    expect(rows).toEqual([
      expect.objectContaining({ '.id': id, name: 'nas.lan', address: '192.168.88.21', comment: 'the NAS', disabled: 'true' }),
    ]);
    expect((await session.command(['/ip/dns/static/get', `=number=${id}`, '=value-name=address'])).ret).toBe('192.168.88.21');
    await session.command(['/ip/dns/static/enable', `=numbers=${id}`]);
    await session.command(['/ip/dns/static/remove', `=numbers=${id}`]);
    expect((await session.command(['/ip/dns/static/print'])).rows).toEqual([]);
    await listen.cancel();
    await collecting.catch(() => undefined);
    expect(changes.map((c) => c['.dead'] ?? c['address'])).toEqual([
      '192.168.88.21',
      '192.168.88.21',
      '192.168.88.21',
      '192.168.88.21',
      'true',
    ]);
  });

  it('holds one item in a settings menu (no add), changed with set', async () => {
    const s = await sim(res, { rosVersion: '7.22.3' });
    const { session } = await login(res, s);
    const before = (await session.command(['/ip/dns/print'])).rows;
    expect(before).toHaveLength(1);
    expect(before[0]!['.id']).toBeUndefined();
    expect(before[0]!['allow-remote-requests']).toBe('false');
    await session.command(['/ip/dns/set', '=allow-remote-requests=yes', '=servers=9.9.9.9']);
    expect((await session.command(['/ip/dns/print'])).rows[0]).toMatchObject({
      'allow-remote-requests': 'true',
      servers: '9.9.9.9',
    });
    expect((await trap(session.command(['/ip/dns/add', '=servers=1.1.1.1']))).message).toBe('no such command');
    // `reset` names the properties to put back (the tree lists them as its arguments).
    await session.command(['/ip/dns/reset', '=allow-remote-requests=']);
    expect((await session.command(['/ip/dns/print'])).rows[0]).toMatchObject({
      'allow-remote-requests': 'false',
      servers: '9.9.9.9',
    });
  });

  it('says plainly when a real command is not simulated, after checking its arguments', async () => {
    const s = await sim(res, { rosVersion: '7.22.3' });
    const { session } = await login(res, s);
    expect((await trap(session.command(['/ip/dns/cache/flush', '=bogus=1']))).message).toBe('unknown parameter bogus');
    expect((await trap(session.command(['/ip/dns/cache/flush']))).message).toBe(
      'failure: /ip/dns/cache/flush is in the RouterOS command tree but not simulated',
    );
  });

  it('takes the tree nearest the emulated version: 6.49 and 7.9 get 7.12.2, 7.17 gets 7.16.2, 7.19 gets 7.18', async () => {
    for (const [v, tree] of [
      ['6.49', '7.12.2'],
      ['7.9', '7.12.2'],
      ['7.17', '7.16.2'],
      ['7.19', '7.18'],
      ['7.25', '7.24'],
    ] as const) {
      const s = await sim(res, { rosVersion: v });
      expect(s.tree.version, v).toBe(tree);
    }
    // What differs between versions is what a router of that version has.
    const old = await sim(res, { rosVersion: '7.16' });
    const { session } = await login(res, old);
    expect(await inspect(session, '=request=child', '=path=safe-mode')).toEqual([]);
    const recent = await sim(res, { rosVersion: '7.22.3' });
    const c2 = await login(res, recent);
    expect((await inspect(c2.session, '=request=child', '=path=safe-mode'))[0]).toEqual({
      name: 'safe-mode',
      'node-type': 'dir',
      type: 'self',
    });
  });

  it('takes inspect’s real arguments; request accepts error and highlight', async () => {
    const s = await sim(res, { rosVersion: '7.22.3' });
    const { session } = await login(res, s);
    const args = (await inspect(session, '=request=child', '=path=console,inspect')).slice(1).map((r) => r['name']);
    expect(args).toEqual(['as-value', 'input', 'path', 'proplist', 'request', 'without-paging']);
    for (const request of ['error', 'highlight']) {
      expect((await session.command(['/console/inspect', `=request=${request}`, '=input=/ip'])).done.type).toBe('!done');
    }
    expect((await trap(session.command(['/console/inspect', '=request=everything']))).message).toBe(
      'input does not match any value of request',
    );
  });

  it('drops completion rows with --inspect-drops P, never when .proplist names completion', async () => {
    const s = await sim(res, { rosVersion: '7.22.3', inspectDrops: 0.5, seed: 7 });
    const { session } = await login(res, s);
    const ask = async (...extra: string[]): Promise<string[]> =>
      (await inspect(session, '=request=completion', '=input=/interface/bridge/add protocol-mode=', ...extra)).map(
        (r) => r['completion']!,
      );
    const full = ['mstp', 'none', 'rstp', 'stp'];
    const answers: string[][] = [];
    for (let i = 0; i < 20; i++) answers.push(await ask());
    // Some answers lost rows, and none invented any.
    expect(answers.some((a) => a.length < full.length)).toBe(true);
    expect(answers.every((a) => a.every((v) => full.includes(v)))).toBe(true);
    for (let i = 0; i < 20; i++) expect(await ask('=.proplist=completion,style')).toEqual(full);
    // Live switch back to a faithful router.
    s.inspectDrops = 0;
    expect(await ask()).toEqual(full);
  });
});
