/**
 * Issue 11 item 9: main owns consoles and tables, so a window that (re)loads gets them back
 * (`app:snapshot`), and a table whose last window closed is stopped after a grace period.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Simulator } from '../../../../simulator/src/index';
import type { ConsoleReply } from '../../common/contract';
import { ConsoleCards } from '../console/console-cards';
import type { Services } from '../index';
import { WindowPresence } from './presence';
import { FAST_TIMINGS, servicesRig, upsertsOf } from '../test-support/helpers';

const rig = servicesRig({ services: { timings: FAST_TIMINGS, random: () => 0.5 } });

async function online(s: Services, router: Simulator): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name: 'R1', host: '127.0.0.1', port: router.port!, transport: 'plain', user: 'admin', password: '' },
  });
  await s.handlers['link:connect']({ id: c.id });
  return c.id;
}

describe('app:snapshot (a window that reloads gets consoles and tables back)', () => {
  it('holds console cards with their replies and outcome, running ones too, words redacted', async () => {
    const router = await rig.sim();
    const s = await rig.start();
    const id = await online(s, router);
    const done = await s.handlers['console:send']({ connectionId: id, words: ['/interface/print', '=.proplist=name'] });
    await rig.events.wait('console:end', (e) => e.commandId === done.commandId);
    const secret = await s.handlers['console:send']({
      connectionId: id,
      words: ['/user/add', '=name=x', '=group=read', '=password=hunter2'],
    });
    await rig.events.wait('console:end', (e) => e.commandId === secret.commandId);
    const running = await s.handlers['console:send']({ connectionId: id, words: ['/interface/listen'] });

    const snap = await s.handlers['app:snapshot']({});
    expect(snap.consoles.map((c) => [c.commandId, c.status])).toEqual([
      [done.commandId, 'done'],
      [secret.commandId, 'done'],
      [running.commandId, 'running'],
    ]);
    const first = snap.consoles[0]!;
    expect(first).toMatchObject({ connectionId: id, tag: done.tag, words: ['/interface/print', '=.proplist=name'], rows: 7 });
    expect(first.replies.filter((r) => r.kind === '!re')).toHaveLength(7);
    expect(first.replies.at(-1)!.kind).toBe('!done');
    expect(first.repliesDropped).toBe(0);
    expect(JSON.stringify(snap.consoles)).not.toContain('hunter2');

    // Clear forgets the finished cards only; the running one stays for the next reload.
    expect(await s.handlers['console:clear']({ connectionId: id })).toEqual({ connectionId: id, cleared: 2 });
    expect((await s.handlers['app:snapshot']({})).consoles.map((c) => c.commandId)).toEqual([running.commandId]);
  });

  it('holds every running live table with its arguments and all its rows', async () => {
    const router = await rig.sim();
    const s = await rig.start();
    const id = await online(s, router);
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/interface', proplist: ['name', 'mtu'] });
    const live = await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'live');
    const snap = await s.handlers['app:snapshot']({});
    expect(snap.tables).toHaveLength(1);
    const t = snap.tables[0]!;
    expect(t).toMatchObject({
      tableId,
      connectionId: id,
      path: '/interface',
      query: [],
      proplist: ['name', 'mtu'],
      mode: 'listen',
    });
    expect(t.patch).toMatchObject({ tableId, reset: true, status: 'live', total: live.total, removes: [] });
    const rows = upsertsOf(t.patch);
    expect(rows).toHaveLength(live.total);
    expect(rows.map((r) => r['name'])).toContain('ether1');
    expect(t.patch.columns).toEqual(['.id', 'name', 'mtu']);
    // Stopped tables are not in it.
    await s.handlers['table:stop']({ tableId });
    expect((await s.handlers['app:snapshot']({})).tables).toEqual([]);
  });

  it('stops live tables once the last window has been gone for the grace period', async () => {
    const router = await rig.sim();
    const s = await rig.start({ detachedGraceMs: 150 });
    const detach = s.attachWindow();
    const id = await online(s, router);
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/interface' });
    await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'live');
    const gone = performance.now();
    detach();
    await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'stopped', 5_000);
    expect(performance.now() - gone).toBeGreaterThanOrEqual(140);
    expect((await s.handlers['app:snapshot']({})).tables).toEqual([]);
    // The listen and print were cancelled on the router: nothing runs there unseen.
    const trace = (await s.handlers['trace:get']({ connectionId: id })).entries;
    expect(trace.some((e) => e.direction === 'out' && e.words[0] === '/cancel')).toBe(true);
  });
});

describe('WindowPresence (the grace period)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once no window has been back for the grace period; a reload within it keeps everything', () => {
    vi.useFakeTimers();
    const abandoned = vi.fn();
    const p = new WindowPresence(30_000, abandoned);
    const first = p.attach();
    // A reload: the page goes and a new one comes back at once.
    first();
    const second = p.attach();
    vi.advanceTimersByTime(60_000);
    expect(abandoned).not.toHaveBeenCalled();
    // Two windows: closing one leaves the other.
    const third = p.attach();
    second();
    vi.advanceTimersByTime(60_000);
    expect(abandoned).not.toHaveBeenCalled();
    expect(p.windows).toBe(1);
    third();
    third(); // twice is harmless
    expect(p.windows).toBe(0);
    vi.advanceTimersByTime(29_999);
    expect(abandoned).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(abandoned).toHaveBeenCalledTimes(1);
    // Never before a window was there, never after dispose.
    const q = new WindowPresence(10, abandoned);
    vi.advanceTimersByTime(100);
    q.attach()();
    q.dispose();
    vi.advanceTimersByTime(100);
    expect(abandoned).toHaveBeenCalledTimes(1);
  });
});

describe('ConsoleCards (bounded like the window)', () => {
  const reply = (commandId: string, n: number, kind = '!re'): ConsoleReply => ({
    connectionId: 'r1',
    commandId,
    kind,
    words: [`=n=${n}`],
    elapsedMs: n,
  });

  it('keeps the newest replies per command and drops the oldest finished cards first', () => {
    const cards = new ConsoleCards({ maxCards: 3, maxReplies: 10, maxConsoleReplies: 25 });
    cards.started('r1', 'c1', 't1', ['/a'], 1);
    cards.replies(Array.from({ length: 25 }, (_, i) => reply('c1', i)));
    let [c1] = cards.snapshot();
    expect(c1!.replies.map((r) => r.elapsedMs)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(c1!.repliesDropped).toBe(15);
    expect(c1!.rows).toBe(25);
    cards.ended({ connectionId: 'r1', commandId: 'c1', outcome: 'done', rows: 25, elapsedMs: 30 });
    cards.started('r1', 'c2', 't2', ['/b'], 2); // running
    cards.started('r1', 'c3', 't3', ['/c'], 3);
    cards.ended({ connectionId: 'r1', commandId: 'c3', outcome: 'trap', rows: 0, elapsedMs: 1 });
    // A fourth card: the oldest finished one (c1) goes, the running c2 stays.
    cards.started('r1', 'c4', 't4', ['/d'], 4);
    expect(cards.snapshot().map((c) => c.commandId)).toEqual(['c2', 'c3', 'c4']);
    // Over the router's reply budget: finished cards go before running ones.
    cards.replies(Array.from({ length: 10 }, (_, i) => reply('c3', i)));
    cards.replies(Array.from({ length: 10 }, (_, i) => reply('c2', i)));
    cards.replies(Array.from({ length: 10 }, (_, i) => reply('c4', i)));
    expect(cards.snapshot().map((c) => c.commandId)).toEqual(['c2', 'c4']);
    [c1] = cards.snapshot();
    expect(c1!.status).toBe('running');
    // Replies of commands it does not know (broadcast) are ignored.
    cards.replies([reply('nope', 1)]);
    expect(cards.snapshot()).toHaveLength(2);
  });

  it('keeps a big reply sent in pieces as one reply, counted once (issue 11 E)', () => {
    const cards = new ConsoleCards();
    cards.started('r1', 'c1', 't1', ['/file/print'], 1);
    const piece = (words: string[], more: boolean, continued: boolean): ConsoleReply => ({
      ...reply('c1', 5),
      words,
      piece: { more, continued },
    });
    cards.replies([piece(['!re', '=contents=ab'], true, false)]);
    cards.replies([piece(['cd', '=n=1'], true, true), piece(['.tag=t1'], false, false), reply('c1', 6, '!done')]);
    const [c1] = cards.snapshot();
    expect(c1!.replies.map((r) => r.words)).toEqual([['!re', '=contents=abcd', '=n=1', '.tag=t1'], ['=n=6']]);
    expect(c1!.replies[0]!.piece).toBeUndefined();
    expect(c1!.rows).toBe(1);
  });
});
