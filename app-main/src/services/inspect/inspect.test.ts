/**
 * Completion from /console/inspect against the real simulator over loopback: the per-version
 * cache, the one-request-in-flight queue (checked on the wire, in the trace), time-outs and the
 * quiet fallback for routers whose inspect is disabled, empty or stalled (switched live through
 * the simulator's `inspectMode`).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../../../simulator/src/index';
import type { TraceEntry } from '../../common/contract';
import type { Services } from '../index';
import { callFailure, failure, servicesRig } from '../test-support/helpers';

/** Added to the services' clock, to step over the cool-down without sleeping. */
let skew = 0;

const rig = servicesRig({
  services: {
    timings: { heartbeatIntervalMs: 0, backoffStartMs: 20, backoffCapMs: 200, quitTimeoutMs: 500 },
    random: () => 0.5,
    now: () => Date.now() + skew,
  },
  sim: (n) => ({ password: 'pw', identity: `sim-${n}` }),
});
const { sim, start } = rig;

async function connect(s: Services, router: Simulator, name: string): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name, host: '127.0.0.1', port: router.port!, transport: 'plain', user: 'admin', password: 'pw' },
  });
  const state = await s.handlers['link:connect']({ id: c.id });
  expect(state.status).toBe('online');
  return c.id;
}

async function inspectTrace(s: Services, id: string): Promise<TraceEntry[]> {
  const trace = await s.handlers['trace:get']({ connectionId: id });
  return trace.entries;
}

beforeEach(() => {
  skew = 0;
});

describe('completion from /console/inspect', () => {
  it('lists menus, commands and arguments with the router’s explanations', async () => {
    const s = await start();
    const id = await connect(s, await sim(), 'R1');
    const root = await s.handlers['complete:children']({ connectionId: id, path: [] });
    expect(root).toMatchObject({ available: true, kind: 'dir', cached: false });
    expect(root.version).toMatch(/^7\.20/);
    expect(root.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['interface', 'ip', 'system']));
    const ip = await s.handlers['complete:children']({ connectionId: id, path: ['ip'] });
    // As real routers answer (issue 13): menus with items are `dir`, groupings like `ip` are `path`.
    expect(ip.kind).toBe('path');
    expect(ip.nodes.find((n) => n.name === 'firewall')).toMatchObject({ kind: 'dir' });
    expect(ip.nodes.find((n) => n.name === 'address')).toMatchObject({ kind: 'dir' });
    const filter = await s.handlers['complete:children']({ connectionId: id, path: ['ip', 'firewall', 'filter'] });
    expect(filter.kind).toBe('dir');
    expect(filter.nodes.filter((n) => n.kind === 'cmd').map((n) => n.name)).toEqual(
      expect.arrayContaining(['add', 'print', 'set', 'remove']),
    );
    const add = await s.handlers['complete:children']({ connectionId: id, path: ['ip', 'firewall', 'filter', 'add'] });
    expect(add.kind).toBe('cmd');
    expect(add.nodes.find((n) => n.name === 'action')).toMatchObject({ name: 'action', kind: 'arg' });
    // The explanation is the router's syntax line (here the simulator's real 7.20.8 tree).
    expect(add.nodes.find((n) => n.name === 'address-list-timeout')).toEqual({
      name: 'address-list-timeout',
      kind: 'arg',
      description: '0s..35w3d13h13m56s    (time interval)',
    });
    // Only child and syntax are asked for lists; never completion, never `do`, never input+syntax.
    const sent = (await inspectTrace(s, id)).filter((e) => e.direction === 'out' && e.words[0] === '/console/inspect');
    expect(sent.length).toBeGreaterThan(0);
    for (const e of sent) {
      expect(e.words).not.toContain('=request=completion');
      expect(e.words.some((w) => w.startsWith('=input=') && e.words.includes('=request=syntax'))).toBe(false);
    }
  });

  it('an unknown path is an empty answer, not an error, and does not switch completion off', async () => {
    const s = await start();
    const id = await connect(s, await sim(), 'R1');
    const nope = await s.handlers['complete:children']({ connectionId: id, path: ['ip', 'nosuch'] });
    expect(nope).toMatchObject({ available: true, kind: undefined, nodes: [] });
    expect((await s.handlers['complete:children']({ connectionId: id, path: ['ip'] })).available).toBe(true);
  });

  it('caches per RouterOS version: a second router on 7.20 asks nothing, a 6.49 router asks for itself', async () => {
    const s = await start();
    const a = await connect(s, await sim({ rosVersion: '7.20' }), 'A');
    const b = await connect(s, await sim({ rosVersion: '7.20' }), 'B');
    const old = await connect(s, await sim({ rosVersion: '6.49' }), 'C');
    const path = ['interface', 'vlan', 'add'];
    const first = await s.handlers['complete:children']({ connectionId: a, path });
    expect(first.cached).toBe(false);
    const requestsAfterA = s.inspect.stats().requests;
    expect(requestsAfterA).toBeGreaterThan(0);

    const second = await s.handlers['complete:children']({ connectionId: b, path });
    expect(second).toMatchObject({ available: true, cached: true });
    expect(second.nodes).toEqual(first.nodes);
    expect(s.inspect.stats().requests).toBe(requestsAfterA);
    expect((await inspectTrace(s, b)).some((e) => e.words[0] === '/console/inspect')).toBe(false);
    expect(s.inspect.stats().perRouter[b]).toBeUndefined();

    const third = await s.handlers['complete:children']({ connectionId: old, path });
    expect(third).toMatchObject({ available: true, cached: false });
    expect(third.version).toMatch(/^6\.49/);
    expect(s.inspect.stats().perRouter[old]).toBeGreaterThan(0);
    expect(Object.keys(s.inspect.stats().cache).sort()).toEqual([first.version, third.version].sort());
  });

  it('keeps at most one inspect request in flight per router, on the wire', async () => {
    const s = await start();
    const id = await connect(s, await sim(), 'R1');
    const paths = [
      ['interface'],
      ['ip'],
      ['ip', 'address'],
      ['ip', 'route'],
      ['ip', 'firewall'],
      ['ip', 'firewall', 'filter'],
      ['system'],
      ['user'],
      ['ip', 'address', 'add'],
      ['interface', 'vlan'],
    ];
    const answers = await Promise.all(paths.map((path) => s.handlers['complete:children']({ connectionId: id, path })));
    expect(answers.every((a) => a.available && a.nodes.length > 0)).toBe(true);
    expect(s.inspect.stats().maxInFlight).toBe(1);
    // Replay the trace: an inspect request is written only after the previous one's !done.
    const inspectTags = new Set<string>();
    let open = 0;
    let most = 0;
    for (const e of await inspectTrace(s, id)) {
      if (e.direction === 'out' && e.words[0] === '/console/inspect') {
        inspectTags.add(e.tag!);
        most = Math.max(most, ++open);
      } else if (e.direction === 'in' && e.tag !== undefined && inspectTags.has(e.tag) && e.words[0] === '!done') open--;
    }
    expect(inspectTags.size).toBeGreaterThanOrEqual(paths.length);
    expect(most).toBe(1);
    // Asked twice at once, a path is fetched once.
    const before = s.inspect.stats().requests;
    await Promise.all([1, 2, 3].map(() => s.handlers['complete:children']({ connectionId: id, path: ['log'] })));
    expect(s.inspect.stats().requests - before).toBe(2); // child + syntax, once
  });

  it('values come from completion, are the union of passes, marked possibly incomplete and kept per router', async () => {
    const s = await start();
    const r1 = await sim();
    const r2 = await sim();
    r2.menu('interface/vlan').add({ name: 'vlan-only-on-r2', 'vlan-id': '42', interface: 'ether1' });
    const a = await connect(s, r1, 'A');
    const b = await connect(s, r2, 'B');
    const action = await s.handlers['complete:values']({
      connectionId: a,
      path: ['ip', 'firewall', 'filter', 'add'],
      argument: 'action',
    });
    expect(action).toMatchObject({ available: true, mayBeIncomplete: true });
    expect(action.values).toEqual(expect.arrayContaining(['accept', 'drop', 'reject', 'jump']));
    expect(new Set(action.values).size).toBe(action.values.length);
    const sent = (await inspectTrace(s, a)).filter((e) => e.direction === 'out' && e.words.includes('=request=completion'));
    expect(sent).toHaveLength(2); // two passes
    expect(sent[0]!.words).toContain('=input=/ip firewall filter add action=');
    // Live names differ per router, so values are not shared by version.
    const onA = await s.handlers['complete:values']({ connectionId: a, path: ['ip', 'address', 'add'], argument: 'interface' });
    const onB = await s.handlers['complete:values']({ connectionId: b, path: ['ip', 'address', 'add'], argument: 'interface' });
    expect(onA.values).not.toContain('vlan-only-on-r2');
    expect(onB.values).toContain('vlan-only-on-r2');
  });

  it('a router without inspect (disabled) falls back to the shipped command tree, says so, and asks nothing meanwhile', async () => {
    const s = await start();
    const router = await sim({ inspect: 'disabled' });
    const id = await connect(s, router, 'R1');
    const answer = await s.handlers['complete:children']({ connectionId: id, path: ['ip'] });
    // The simulator says 7.20; the nearest shipped tree is 7.20.8 (issue 13).
    expect(answer).toMatchObject({ available: true, fromTree: '7.20.8', kind: 'path' });
    expect(answer.reason).toMatch(/no usable \/console\/inspect/);
    expect(answer.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(['address', 'firewall', 'route']));
    const requests = s.inspect.stats().requests;
    // During the cool-down nothing is asked again; answers come from the tree.
    const add = await s.handlers['complete:children']({ connectionId: id, path: ['ip', 'firewall', 'filter', 'add'] });
    expect(add).toMatchObject({ available: true, fromTree: '7.20.8', kind: 'cmd' });
    expect(add.nodes.find((n) => n.name === 'address-list-timeout')).toEqual({
      name: 'address-list-timeout',
      kind: 'arg',
      description: '0s..35w3d13h13m56s    (time interval)',
    });
    const action = await s.handlers['complete:values']({
      connectionId: id,
      path: ['ip', 'firewall', 'filter', 'add'],
      argument: 'action',
    });
    expect(action).toMatchObject({ available: true, fromTree: '7.20.8', mayBeIncomplete: true });
    expect(action.values).toEqual(expect.arrayContaining(['accept', 'drop', 'reject', 'jump']));
    expect(s.inspect.stats().requests).toBe(requests);
    expect(rig.events.of('app:notice')).toEqual([]);
    // Switched on live: after the cool-down the router is asked again, and answers itself.
    router.inspectMode = 'normal';
    skew = 61_000;
    const live = await s.handlers['complete:children']({ connectionId: id, path: ['interface'] });
    expect(live).toMatchObject({ available: true });
    expect(live.fromTree).toBeUndefined();
  });

  it('a RouterOS 6 router without inspect gets the oldest shipped tree (7.12.2)', async () => {
    const s = await start();
    const id = await connect(s, await sim({ inspect: 'disabled', rosVersion: '6.49' }), 'R6');
    const fire = await s.handlers['complete:children']({ connectionId: id, path: ['ip'] });
    expect(fire).toMatchObject({ available: true, fromTree: '7.12.2', version: '6.49 (stable)' });
    expect(fire.nodes.map((n) => n.name)).toContain('firewall');
  });

  it('asks completion with .proplist naming completion, so a router that drops rows (7.22.1) does not', async () => {
    const s = await start();
    const router = await sim({ inspectDrops: 0.6 });
    const id = await connect(s, router, 'R1');
    const mode = await s.handlers['complete:values']({
      connectionId: id,
      path: ['interface', 'bridge', 'add'],
      argument: 'protocol-mode',
    });
    expect([...mode.values].sort()).toEqual(['mstp', 'none', 'rstp', 'stp']);
    const sent = (await inspectTrace(s, id)).filter((e) => e.direction === 'out' && e.words.includes('=request=completion'));
    expect(sent.every((e) => e.words.some((w) => w.startsWith('=.proplist=') && w.split(/[=,]/).includes('completion')))).toBe(
      true,
    );
  });

  it('compares shipped versions: defaults from the router, a bad version names the shipped ones', async () => {
    const s = await start();
    const id = await connect(s, await sim({ rosVersion: '7.16' }), 'R1');
    const all = await s.handlers['tree:compare']({ connectionId: id });
    expect(all).toMatchObject({ from: '7.16.2', to: '7.24', routerVersion: '7.16 (stable)', truncated: false });
    expect(all.versions).toEqual(['7.12.2', '7.16.2', '7.18', '7.20.8', '7.22.3', '7.24']);
    expect(all.changes).toContainEqual({ change: 'added', path: '/safe-mode', kind: 'dir' });
    const under = await s.handlers['tree:compare']({ from: '7.16.2', to: '7.18', path: ['safe-mode'] });
    expect(under.changes).toEqual([{ change: 'added', path: '/safe-mode', kind: 'dir' }]);
    const bad = await callFailure(s, 'tree:compare', { from: '7.13' });
    expect(bad).toMatchObject({ code: 'VALIDATION', message: 'from: no shipped command tree for RouterOS 7.13' });
    expect(bad.hint).toContain('7.12.2, 7.16.2');
    expect((await callFailure(s, 'tree:compare', { to: 'latest' })).code).toBe('VALIDATION');
  });

  it('empty answers (inspect returns nothing) fall back quietly', async () => {
    const s = await start();
    const id = await connect(s, await sim({ inspect: 'empty' }), 'R1');
    const answer = await s.handlers['complete:children']({ connectionId: id, path: ['ip', 'firewall'] });
    expect(answer).toMatchObject({
      available: true,
      fromTree: '7.20.8',
      reason: 'the router answered /console/inspect with nothing',
    });
  });

  it('a stalled inspect times out, the console is not held up, and inspect stays off for the cool-down', async () => {
    const s = await start({ inspect: { timeoutMs: 300, cooldownMs: 60_000 } });
    const router = await sim({ inspect: 'stall' });
    const id = await connect(s, router, 'R1');
    const t0 = performance.now();
    const [a, b] = await Promise.all([
      s.handlers['complete:children']({ connectionId: id, path: ['ip'] }),
      s.handlers['complete:children']({ connectionId: id, path: ['interface'] }),
    ]);
    const took = performance.now() - t0;
    expect(a).toMatchObject({ available: true, fromTree: '7.20.8' });
    expect(a.reason).toMatch(/did not answer \/console\/inspect within 300 ms/);
    // The queued request did not wait for a second time-out.
    expect(b.fromTree).toBe('7.20.8');
    expect(took).toBeLessThan(3000);
    expect(s.inspect.stats().requests).toBe(1);
    // The stalled request was cancelled on the wire (the session sends /cancel after a time-out).
    const trace = await inspectTrace(s, id);
    const inspectTag = trace.find((e) => e.words[0] === '/console/inspect')!.tag!;
    expect(trace.some((e) => e.direction === 'out' && e.words[0] === '/cancel' && e.words.includes(`=tag=${inspectTag}`))).toBe(
      true,
    );
    // The console works meanwhile.
    const ref = await s.handlers['console:send']({ connectionId: id, words: ['/system/identity/print'] });
    const end = await rig.events.wait('console:end', (e) => e.commandId === ref.commandId);
    expect(end.outcome).toBe('done');
    // Fixed live: still off during the cool-down, asked again after it.
    router.inspectMode = 'normal';
    expect((await s.handlers['complete:children']({ connectionId: id, path: ['ip'] })).fromTree).toBe('7.20.8');
    skew = 61_000;
    const back = await s.handlers['complete:children']({ connectionId: id, path: ['ip'] });
    expect(back.available).toBe(true);
    expect(back.fromTree).toBeUndefined();
  });

  it('a reconnect clears the unavailable mark', async () => {
    const s = await start();
    const router = await sim({ inspect: 'disabled' });
    const id = await connect(s, router, 'R1');
    expect((await s.handlers['complete:children']({ connectionId: id, path: [] })).fromTree).toBe('7.20.8');
    router.inspectMode = 'normal';
    await s.handlers['link:disconnect']({ id });
    expect((await s.handlers['link:connect']({ id })).status).toBe('online');
    const fresh = await s.handlers['complete:children']({ connectionId: id, path: [] });
    expect(fresh.available).toBe(true);
    expect(fresh.fromTree).toBeUndefined();
  });

  it('refuses bad paths with VALIDATION and offline routers with NOT_CONNECTED', async () => {
    const s = await start();
    const router = await sim();
    const c = await s.handlers['connections:save']({
      input: { name: 'R1', host: '127.0.0.1', port: router.port!, transport: 'plain', user: 'admin', password: 'pw' },
    });
    expect((await failure(() => s.handlers['complete:children']({ connectionId: c.id, path: ['ip'] }))).code).toBe(
      'NOT_CONNECTED',
    );
    await s.handlers['link:connect']({ id: c.id });
    const bad = await callFailure(s, 'complete:children', { connectionId: c.id, path: ['ip,firewall'] });
    expect(bad.code).toBe('VALIDATION');
    expect(bad.message).toMatch(/^Name 1 of the menu path must be one menu/);
    expect((await callFailure(s, 'complete:values', { connectionId: c.id, path: [], argument: 'x' })).code).toBe('VALIDATION');
    expect((await failure(() => s.handlers['complete:children']({ connectionId: 'nope', path: [] }))).code).toBe('NOT_FOUND');
  });
});
