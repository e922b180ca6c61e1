/**
 * LiveTable against a scripted session: the cases the simulator does not produce (partial `!re`
 * from listen, changes racing the print, re-sync, singleton menus, `.dead=true`).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeUtf8, Reply, TrapError, type Session } from '../../../../protocol/src/index';
import type { TablePatch, TableStartArgs } from '../../common/contract';
import { LiveTable, tableArgs } from './tables';
import { upsertsOf } from '../test-support/helpers';

interface Scripted {
  words: string[];
  reply(...words: string[]): void;
  /** Any reply word (`!empty`), not just `!re`. */
  send(...words: string[]): void;
  done(): void;
  trap(message: string): void;
  cancelled: boolean;
}

/** Just enough of Session for LiveTable: stream() with onReply, done, cancel, finished. */
class ScriptedSession {
  readonly streams: Scripted[] = [];
  closed: Error | undefined;

  stream(words: string[], options: { onReply?: (r: Reply) => void }) {
    let resolve!: (v: unknown) => void;
    let reject!: (e: Error) => void;
    const done = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    done.catch(() => undefined);
    let finished = false;
    const s: Scripted = {
      words,
      cancelled: false,
      reply: (...w) => options.onReply?.(new Reply(['!re', ...w].map((x) => encodeUtf8(x)))),
      send: (...w) => options.onReply?.(new Reply(w.map((x) => encodeUtf8(x)))),
      done: () => {
        finished = true;
        resolve({ cancelled: s.cancelled });
      },
      trap: (message) => {
        finished = true;
        reject(new TrapError([{ category: 0, message }]));
      },
    };
    this.streams.push(s);
    return {
      tag: `t${this.streams.length}`,
      done,
      get finished() {
        return finished;
      },
      cancel: async () => {
        s.cancelled = true;
        s.done();
        return undefined;
      },
    };
  }

  find(prefix: string): Scripted {
    const s = this.streams.filter((x) => x.words[0]!.endsWith(prefix)).at(-1);
    if (!s) throw new Error(`no ${prefix} stream`);
    return s;
  }
}

const tables: LiveTable[] = [];
afterEach(async () => {
  for (const t of tables.splice(0)) await t.stop();
});

function setup(
  args: Partial<TableStartArgs> = {},
  patchIntervalMs = 0,
  limits: { printTimeoutMs?: number; maxHeldChanges?: number } = {},
) {
  const patches: TablePatch[] = [];
  let notify: (() => void) | undefined;
  const table = new LiveTable('tbl1', tableArgs({ connectionId: 'c1', path: '/ip/address', ...args }), {
    emit: (p) => {
      patches.push(p);
      notify?.();
    },
    log: () => undefined,
    patchIntervalMs,
    ...limits,
  });
  tables.push(table);
  const session = new ScriptedSession();
  /** Resolves at the next patch (patches go out on a timer). */
  const nextPatch = () => new Promise<TablePatch>((r) => (notify = () => r(patches.at(-1)!)));
  const rows = () => {
    const m = new Map<string, Record<string, string>>();
    for (const p of patches) {
      if (p.reset) m.clear();
      for (const r of upsertsOf(p)) m.set(r['.id']!, r);
      for (const id of p.removes) m.delete(id);
    }
    return m;
  };
  return { table, session, patches, nextPatch, rows, start: () => table.start(session as unknown as Session) };
}

describe('LiveTable', () => {
  it('a whole-item change replaces the row; one that leaves properties out is merged; rows are JSON text', async () => {
    const t = setup();
    t.start();
    const listen = t.session.find('/listen');
    const print = t.session.find('/print');
    print.reply('=.id=*1', '=address=10.0.0.1/24', '=interface=ether1', '=comment=old');
    print.reply('=.id=*2', '=address=10.0.2.1/24', '=interface=ether2');
    print.done();
    let p = await t.nextPatch();
    while (p.status !== 'live') p = await t.nextPatch();
    expect(upsertsOf(p)).toHaveLength(p.upsertCount);
    // Whole item (every property the row had, as RouterOS sends on listen): it becomes the row.
    let next = t.nextPatch();
    listen.reply('=.id=*1', '=address=10.0.0.9/24', '=interface=ether1', '=comment=new', '=disabled=false');
    expect(upsertsOf(await next)).toEqual([
      { '.id': '*1', address: '10.0.0.9/24', interface: 'ether1', comment: 'new', disabled: 'false' },
    ]);
    // `comment` left out: merged into the row, the old comment stays.
    next = t.nextPatch();
    listen.reply('=.id=*1', '=address=10.0.0.8/24');
    expect(upsertsOf(await next)).toEqual([
      { '.id': '*1', address: '10.0.0.8/24', interface: 'ether1', comment: 'new', disabled: 'false' },
    ]);
    // `.dead=no` is not a property; `__proto__` never becomes one (prototype safety in the renderer).
    next = t.nextPatch();
    listen.reply('=.id=*2', '=address=10.0.2.2/24', '=interface=ether2', '=.dead=no', '=__proto__=x');
    const [row] = upsertsOf(await next);
    expect(row).toEqual({ '.id': '*2', address: '10.0.2.2/24', interface: 'ether2' });
    expect(Object.keys(row!)).not.toContain('__proto__');
    expect(t.patches.at(-1)!.upsertsJson).not.toContain('__proto__');
  });

  it('starts listen before the print and applies changes that raced the print afterwards, in order', async () => {
    const t = setup();
    t.start();
    expect(t.session.streams.map((s) => s.words[0])).toEqual(['/ip/address/listen', '/ip/address/print']);
    const listen = t.session.find('/listen');
    const print = t.session.find('/print');
    print.reply('=.id=*1', '=address=10.0.0.1/24', '=interface=ether1');
    // During the print: *1 changes twice (partial rows), *2 is added and removed, *3 added.
    listen.reply('=.id=*1', '=comment=first');
    listen.reply('=.id=*2', '=address=10.0.2.1/24');
    listen.reply('=.id=*1', '=comment=second');
    listen.reply('=.id=*2', '=.dead=true');
    print.reply('=.id=*2', '=address=10.0.2.1/24', '=interface=ether2');
    listen.reply('=.id=*3', '=address=10.0.3.1/24', '=interface=ether3');
    const live = t.nextPatch();
    print.done();
    await new Promise((r) => setTimeout(r, 0));
    let p = await live;
    while (p.status !== 'live') p = await t.nextPatch();
    expect([...t.rows().values()]).toEqual([
      { '.id': '*1', address: '10.0.0.1/24', interface: 'ether1', comment: 'second' },
      { '.id': '*3', address: '10.0.3.1/24', interface: 'ether3' },
    ]);
    expect(p.total).toBe(2);
    // After the print, a partial change merges into the full row.
    const merged = t.nextPatch();
    listen.reply('=.id=*3', '=disabled=true');
    const held = upsertsOf(await merged);
    expect(held).toEqual([{ '.id': '*3', address: '10.0.3.1/24', interface: 'ether3', disabled: 'true' }]);
    // A row already handed out in a patch never changes afterwards.
    const again = t.nextPatch();
    listen.reply('=.id=*3', '=disabled=false');
    expect(upsertsOf(await again)[0]!['disabled']).toBe('false');
    expect(held[0]!['disabled']).toBe('true');
    expect(t.patches.find((x) => x.reset)!.columns).toBeDefined();
    expect(t.patches.find((x) => x.columns?.includes('disabled'))!.columns).toEqual([
      '.id',
      'address',
      'interface',
      'comment',
      'disabled',
    ]);
  });

  it('adds .id to a .proplist and passes query words to both commands', () => {
    const t = setup({ proplist: ['address'], query: ['?interface=ether1'] });
    t.start();
    expect(t.session.find('/listen').words).toEqual(['/ip/address/listen', '?interface=ether1', '=.proplist=.id,address']);
    expect(t.session.find('/print').words).toEqual(['/ip/address/print', '?interface=ether1', '=.proplist=.id,address']);
  });

  it('follow mode uses one print =follow= stream', async () => {
    const t = setup({ mode: 'follow' });
    t.start();
    expect(t.session.streams.map((s) => s.words)).toEqual([['/ip/address/print', '=follow=']]);
    const s = t.session.streams[0]!;
    s.reply('=.id=*1', '=address=a');
    s.reply('=.id=*1', '=comment=c');
    s.reply('=.id=*2', '=address=b');
    s.reply('=.id=*2', '=.dead=yes');
    let p = await t.nextPatch();
    while (upsertsOf(p).length === 0) p = await t.nextPatch();
    expect([...t.rows().values()]).toEqual([{ '.id': '*1', address: 'a', comment: 'c' }]);
    expect(p.status).toBe('live');
  });

  it('re-sync removes rows that vanished without a .dead and updates changed ones', async () => {
    const t = setup({ resyncSeconds: 1 });
    t.start();
    const print = t.session.find('/print');
    print.reply('=.id=*1', '=address=a');
    print.reply('=.id=*2', '=address=b');
    print.done();
    let p = await t.nextPatch();
    while (p.status !== 'live') p = await t.nextPatch();
    // The re-sync print starts after resyncSeconds.
    const second = await new Promise<ReturnType<ScriptedSession['find']>>((resolve) => {
      const poll = setInterval(() => {
        const prints = t.session.streams.filter((s) => s.words[0] === '/ip/address/print');
        if (prints.length === 2) {
          clearInterval(poll);
          resolve(prints[1]!);
        }
      }, 20);
    });
    second.reply('=.id=*1', '=address=a2');
    second.reply('=.id=*3', '=address=c');
    const diff = t.nextPatch();
    second.done();
    const d = await diff;
    expect(d.reset).toBe(false);
    expect(d.removes).toEqual(['*2']);
    expect(
      upsertsOf(d)
        .map((r) => r['.id'])
        .sort(),
    ).toEqual(['*1', '*3']);
    expect([...t.rows().keys()].sort()).toEqual(['*1', '*3']);
  });

  it('gives rows of singleton menus an id and merges their changes', async () => {
    const t = setup({ path: '/system/resource' });
    t.start();
    t.session.find('/print').reply('=uptime=1s', '=cpu-load=3');
    t.session.find('/print').done();
    let p = await t.nextPatch();
    while (p.status !== 'live') p = await t.nextPatch();
    const changed = t.nextPatch();
    t.session.find('/listen').reply('=cpu-load=9');
    expect(upsertsOf(await changed)).toEqual([{ uptime: '1s', 'cpu-load': '9', '.id': '#0' }]);
  });

  it('coalesces a burst into one patch per interval', async () => {
    const t = setup({}, 100);
    t.start();
    t.session.find('/print').done();
    let p = await t.nextPatch();
    while (p.status !== 'live') p = await t.nextPatch();
    const listen = t.session.find('/listen');
    const next = t.nextPatch();
    for (let i = 0; i < 1000; i++) listen.reply(`=.id=*${i % 50}`, `=n=${i}`);
    const batch = await next;
    expect(upsertsOf(batch)).toHaveLength(50);
    expect(upsertsOf(batch).find((r) => r['.id'] === '*49')!['n']).toBe('999');
    expect(batch.updatesPerSecond).toBe(1000);
  });

  it('a listen that traps ends the table with status error and the trap', async () => {
    const t = setup();
    t.start();
    const errored = new Promise<TablePatch>((resolve) => {
      const check = () => {
        const e = t.patches.find((x) => x.status === 'error');
        if (e) resolve(e);
        else setTimeout(check, 5);
      };
      check();
    });
    t.session.find('/listen').trap('no such command');
    const e = await errored;
    expect(e.error).toMatchObject({ code: 'TRAP', message: expect.stringMatching(/no such command/) });
    expect(t.table.isEnded).toBe(true);
    expect(t.session.find('/print').cancelled).toBe(true);
  });

  it('stop cancels both commands on the router and sends a final stopped patch', async () => {
    const t = setup();
    t.start();
    await t.table.stop();
    expect(t.session.streams.every((s) => s.cancelled)).toBe(true);
    expect(t.patches.at(-1)!.status).toBe('stopped');
  });

  it('follow mode on an empty menu: !empty means no rows, so the table is live and empty (issue 11 item 3)', async () => {
    const t = setup({ mode: 'follow' });
    t.start();
    const live = t.nextPatch();
    t.session.streams[0]!.send('!empty');
    const p = await live;
    expect(p.status).toBe('live');
    expect(p.total).toBe(0);
    // Rows that appear later still arrive.
    const next = t.nextPatch();
    t.session.streams[0]!.reply('=.id=*1', '=address=a');
    expect(upsertsOf(await next)).toEqual([{ '.id': '*1', address: 'a' }]);
  });

  describe('a print that never gets its final reply (issue 11 item 2)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('!empty and then nothing: after the time-out the print and listen are cancelled and the table says "no final reply"', async () => {
      vi.useFakeTimers();
      const t = setup({}, 0, { printTimeoutMs: 30_000 });
      t.start();
      const print = t.session.find('/print');
      // RouterOS 7.23.3 was seen to send !empty and never a !done (protocol.md §5.3).
      print.send('!empty');
      await vi.advanceTimersByTimeAsync(29_000);
      expect(t.table.status).toBe('loading');
      expect(print.cancelled).toBe(false);
      await vi.advanceTimersByTimeAsync(1_500);
      expect(t.table.status).toBe('error');
      expect(t.table.isEnded).toBe(true);
      expect(print.cancelled).toBe(true);
      expect(t.session.find('/listen').cancelled).toBe(true);
      const last = t.patches.at(-1)!;
      expect(last.status).toBe('error');
      expect(last.error?.code).toBe('TIMEOUT');
      expect(last.error?.message).toContain('no final reply');
      expect(last.error?.message).toContain('/ip/address/print');
      expect(last.error?.message).toContain('30 s');
    });

    it('the time-out counts from the last reply: a long print that keeps sending rows is not cut', async () => {
      vi.useFakeTimers();
      const t = setup({}, 0, { printTimeoutMs: 1_000 });
      t.start();
      const print = t.session.find('/print');
      for (let i = 0; i < 10; i++) {
        print.reply(`=.id=*${i}`, `=address=a${i}`);
        await vi.advanceTimersByTimeAsync(900);
      }
      print.done();
      await vi.advanceTimersByTimeAsync(10);
      expect(t.table.status).toBe('live');
      await vi.advanceTimersByTimeAsync(5_000);
      expect(t.table.status).toBe('live');
      expect(print.cancelled).toBe(false);
    });

    it('listen changes held during the print are bounded; past the bound the print is repeated', async () => {
      const t = setup({}, 0, { maxHeldChanges: 100 });
      t.start();
      const listen = t.session.find('/listen');
      const print = t.session.find('/print');
      print.reply('=.id=*1', '=address=a');
      for (let i = 0; i < 1000; i++) listen.reply('=.id=*1', `=address=a${i}`);
      expect(t.table.heldChanges).toBeLessThanOrEqual(100);
      print.done();
      await new Promise((r) => setTimeout(r, 0));
      // The changes that were let go are recovered by a second print (a re-sync).
      const prints = t.session.streams.filter((s) => s.words[0] === '/ip/address/print');
      expect(prints).toHaveLength(2);
      const live = t.nextPatch();
      prints[1]!.reply('=.id=*1', '=address=a999');
      prints[1]!.done();
      await live;
      let p = t.patches.at(-1)!;
      while (!upsertsOf(p).some((r) => r['address'] === 'a999')) p = await t.nextPatch();
      expect([...t.rows().values()]).toEqual([{ '.id': '*1', address: 'a999' }]);
      expect(t.table.status).toBe('live');
    });
  });
});
