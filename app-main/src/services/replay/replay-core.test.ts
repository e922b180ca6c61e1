/** The pure part of trace replay: the read-only rule, sentence extraction, reply comparison. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attributesOf,
  blockedReason,
  compareReplies,
  describeDifference,
  extractSentences,
  isReadOnly,
  isStreaming,
  isVolatileField,
  lastSegment,
  type ReplyRecord,
  type TraceLine,
} from './replay-core';

/** A trace written as `<` (sent) and `>` (received) lines of words separated by spaces. */
function trace(text: string): TraceLine[] {
  return text
    .trim()
    .split('\n')
    .map((line, i) => {
      const [dir, ...words] = line.trim().split(/\s+/);
      const tag = words.find((w) => w.startsWith('.tag='))?.slice(5);
      return { seq: i + 1, direction: dir === '<' ? 'out' : 'in', words, ...(tag ? { tag } : {}) } as TraceLine;
    });
}

const re = (...attrs: string[]): ReplyRecord => ({ kind: '!re', words: ['!re', ...attrs] });
const done = (...attrs: string[]): ReplyRecord => ({ kind: '!done', words: ['!done', ...attrs] });
const empty: ReplyRecord = { kind: '!empty', words: ['!empty'] };

describe('the read-only rule (last path segment)', () => {
  it.each([
    ['/interface/print', true],
    ['/ip/address/getall', true],
    ['/system/identity/get', true],
    ['/interface/listen', true],
    ['/interface/monitor-traffic', true],
    ['/system/resource/monitor', true],
    ['/console/inspect', true],
    ['/ip/address/add', false],
    ['/interface/set', false],
    ['/ip/address/remove', false],
    ['/interface/enable', false],
    ['/interface/disable', false],
    ['/interface/reset-counters', false],
    ['/ip/firewall/filter/move', false],
    ['/ping', false],
    ['/tool/fetch', false],
    ['/system/reboot', false],
    ['/print', true],
    ['print', false],
    ['', false],
  ])('%s → %s', (command, expected) => {
    expect(isReadOnly([command])).toBe(expected);
  });

  it('treats =file= as a write: print file= saves its output on the router', () => {
    expect(isReadOnly(['/ip/address/print', '=file=addresses'])).toBe(false);
    expect(isReadOnly(['/ip/address/print', '=.proplist=address'])).toBe(true);
  });

  it('takes the last segment only', () => {
    expect(lastSegment('/ip/firewall/filter/print')).toBe('print');
    expect(lastSegment('print')).toBe('print');
    // A menu called "print" would not make its add read-only.
    expect(isReadOnly(['/print/add'])).toBe(false);
  });
});

describe('streaming commands', () => {
  it.each([
    [['/interface/listen'], true],
    [['/interface/print', '=follow='], true],
    [['/log/print', '=follow-only='], true],
    [['/interface/print', '=interval=1'], true],
    [['/interface/monitor-traffic', '=interface=ether1'], true],
    [['/interface/monitor-traffic', '=interface=ether1', '=once='], false],
    [['/ping', '=address=192.0.2.1', '=count=3'], false],
    [['/ping', '=address=192.0.2.1'], true],
    [['/interface/print'], false],
    [['/ip/address/add', '=address=10.0.0.1/24'], false],
  ])('%j → %s', (words, expected) => {
    expect(isStreaming(words)).toBe(expected);
  });
});

describe('blocked sentences', () => {
  it('refuses redacted secrets and session-ending commands', () => {
    expect(blockedReason(['/user/set', '=.id=*1', '=password=********'])).toMatch(/=password= was redacted/);
    expect(blockedReason(['/system/reboot'])).toMatch(/ends the session/);
    expect(blockedReason(['/interface/print'])).toBeUndefined();
    // An empty value was never redacted (it reveals nothing): sendable.
    expect(blockedReason(['/user/set', '=.id=*1', '=comment=x'])).toBeUndefined();
  });
});

describe('extractSentences', () => {
  const t = trace(`
    < /login =name=admin =password=********
    > !done
    < /system/identity/print .tag=t1
    < /system/resource/print .tag=t2
    > !re =name=MikroTik .tag=t1
    > !done .tag=t1
    > !re =version=7.20 .tag=t2
    > !done .tag=t2
    < /interface/print =.proplist=name .tag=t3
    < /interface/listen .tag=t4
    > !re =name=ether1 .tag=t3
    > !re =name=ether2 .tag=t3
    > !done .tag=t3
    > !re =.id=*1 =name=ether1 .tag=t4
    < /cancel =tag=t4 .tag=t5
    > !trap =category=2 =message=interrupted .tag=t4
    > !done .tag=t5
    > !done .tag=t4
    < /ip/address/add =address=10.0.0.1/24 =interface=nope .tag=t6
    > !trap =category=1 =message=input_does_not_match .tag=t6
    > !done .tag=t6
    < /ip/route/print ?dst-address=1.2.3.4/32 .tag=t7
    > !empty .tag=t7
    > !done .tag=t7
    < /interface/print
    < /ip/address/print
    > !re =address=192.168.88.1/24
    > !done
    > !done
    < /user/set =.id=*1 =password=******** .tag=t8
    > !done .tag=t8
    < /log/print =follow-only= .tag=t9
    < /quit
    > !fatal session_terminated_on_request
  `);
  const { sentences, skipped } = extractSentences(t);
  const by = (command: string, n = 0) => sentences.filter((s) => s.words[0] === command)[n]!;

  it('keeps what the client sent, without .tag=, and skips /login, /cancel and /quit', () => {
    expect(sentences.map((s) => s.words[0])).toEqual([
      '/system/identity/print',
      '/system/resource/print',
      '/interface/print',
      '/interface/listen',
      '/ip/address/add',
      '/ip/route/print',
      '/interface/print',
      '/ip/address/print',
      '/user/set',
      '/log/print',
    ]);
    expect(skipped).toEqual({ login: 1, cancel: 1, quit: 1, older: 0 });
    expect(by('/interface/print').words).toEqual(['/interface/print', '=.proplist=name']);
    expect(by('/interface/print').tag).toBe('t3');
    expect(by('/interface/print').seq).toBe(9);
  });

  it('routes replies by tag, untagged ones in order, and derives each outcome', () => {
    expect(by('/interface/print').recorded).toEqual({ outcome: 'done', replies: 2 });
    expect(by('/interface/listen').recorded).toEqual({ outcome: 'cancelled', replies: 1 });
    expect(by('/ip/address/add').recorded).toEqual({ outcome: 'trap', replies: 0, message: 'input_does_not_match' });
    expect(by('/ip/route/print').recorded).toEqual({ outcome: 'empty', replies: 0 });
    // Untagged: the first !done ends the oldest untagged command (protocol.md §7.1).
    expect(by('/interface/print', 1).recorded).toEqual({ outcome: 'done', replies: 1 });
    expect(by('/ip/address/print').recorded).toEqual({ outcome: 'done', replies: 0 });
    // !fatal ends everything still open.
    expect(by('/log/print').recorded.outcome).toBe('fatal');
    expect(by('/interface/print').replies.map((r) => r.kind)).toEqual(['!re', '!re', '!done']);
  });

  it('marks read-only, streaming, background and blocked sentences', () => {
    // Not marked as Tikscope's own in the trace: the user's (replay-own.test.ts).
    expect(by('/system/identity/print')).toMatchObject({ readOnly: true, background: false, streaming: false });
    expect(by('/interface/listen')).toMatchObject({ readOnly: true, streaming: true, background: false });
    expect(by('/ip/address/add')).toMatchObject({ readOnly: false, streaming: false });
    expect(by('/user/set').blocked).toMatch(/redacted/);
    expect(by('/log/print').streaming).toBe(true);
  });

  it('treats a new /login as a new session: commands open before it never ended', () => {
    const r = extractSentences(
      trace(`
        < /login =name=admin =password=********
        > !done
        < /interface/listen .tag=t1
        > !re =name=ether1 .tag=t1
        < /login =name=admin =password=********
        > !done
        > !done .tag=t1
      `),
    );
    expect(r.sentences[0]!.recorded).toEqual({ outcome: 'open', replies: 1 });
  });

  it('keeps the newest `limit` sentences and counts the rest', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `< /interface/print .tag=t${i}\n> !done .tag=t${i}`).join('\n');
    const r = extractSentences(trace(lines), { limit: 10 });
    expect(r.sentences).toHaveLength(10);
    expect(r.skipped.older).toBe(20);
    expect(r.sentences[0]!.tag).toBe('t20');
  });

  it('recovers every command of a randomly interleaved tagged exchange (seeded)', () => {
    type Cmd = { rows: number; kind: 'done' | 'trap' | 'empty' };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ rows: fc.integer({ min: 0, max: 4 }), kind: fc.constantFrom<Cmd['kind']>('done', 'trap', 'empty') }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.infiniteStream(fc.nat()),
        (cmds, picks) => {
          // Every command is sent first, then the replies of all commands interleave randomly,
          // each command's own replies staying in order — what several tags on one session look like.
          const lines: TraceLine[] = [];
          let seq = 0;
          const queues = cmds.map((c, i) => {
            lines.push({ seq: ++seq, direction: 'out', tag: `t${i}`, words: ['/interface/print', `.tag=t${i}`] });
            const q: string[][] = [];
            if (c.kind !== 'empty') for (let r = 0; r < c.rows; r++) q.push(['!re', `=n=${r}`, `.tag=t${i}`]);
            if (c.kind === 'trap') q.push(['!trap', '=message=boom', `.tag=t${i}`]);
            if (c.kind === 'empty') q.push(['!empty', `.tag=t${i}`]);
            q.push(['!done', `.tag=t${i}`]);
            return q;
          });
          const it = picks[Symbol.iterator]();
          for (;;) {
            const live = queues.map((q, i) => [q, i] as const).filter(([q]) => q.length > 0);
            if (live.length === 0) break;
            const [q, i] = live[it.next().value % live.length]!;
            lines.push({ seq: ++seq, direction: 'in', tag: `t${i}`, words: q.shift()! });
          }
          const got = extractSentences(lines).sentences.map((s) => s.recorded);
          const want = cmds.map((c) =>
            c.kind === 'empty'
              ? { outcome: 'empty', replies: 0 }
              : c.kind === 'trap'
                ? { outcome: 'trap', replies: c.rows, message: 'boom' }
                : { outcome: 'done', replies: c.rows },
          );
          expect(got).toEqual(want);
        },
      ),
      { seed: 6, numRuns: 200 },
    );
  });
});

describe('compareReplies', () => {
  const plain = { streaming: false, bounded: false, ignoreVolatile: true };

  it('finds nothing between equal replies', () => {
    const replies = [re('=.id=*1', '=name=ether1'), re('=.id=*2', '=name=ether2'), done()];
    expect(compareReplies({ outcome: 'done', replies }, { outcome: 'done', replies }, plain)).toEqual({
      verdict: 'same',
      differences: [],
      notes: [],
    });
  });

  it('reports field, missing and extra rows matched by .id', () => {
    const a = [re('=.id=*1', '=name=ether1', '=mtu=1500'), re('=.id=*2', '=name=ether2'), done()];
    const b = [re('=.id=*2', '=name=ether2'), re('=.id=*1', '=name=ether1', '=mtu=9000'), re('=.id=*3', '=name=ether3'), done()];
    const c = compareReplies({ outcome: 'done', replies: a }, { outcome: 'done', replies: b }, plain);
    expect(c.verdict).toBe('differs');
    expect(c.differences).toEqual([
      { kind: 'replies', recorded: '2', replayed: '3' },
      { kind: 'field', key: '*1', field: 'mtu', recorded: '1500', replayed: '9000' },
      { kind: 'row-extra', key: '*3' },
    ]);
    expect(c.differences.map(describeDifference)).toContain('row *1 mtu: recorded "1500", replayed "9000"');
  });

  it('matches by position when rows have no .id or the ids do not correspond', () => {
    const a = [re('=name=MikroTik'), done()];
    const b = [re('=name=edge-2'), done()];
    expect(compareReplies({ outcome: 'done', replies: a }, { outcome: 'done', replies: b }, plain).differences).toEqual([
      { kind: 'field', key: '#1', field: 'name', recorded: 'MikroTik', replayed: 'edge-2' },
    ]);
    const c = compareReplies(
      { outcome: 'done', replies: [re('=.id=*1', '=name=a'), re('=.id=*2', '=name=b')] },
      { outcome: 'done', replies: [re('=.id=*A', '=name=a'), re('=.id=*B', '=name=b')] },
      plain,
    );
    expect(c.notes.join()).toMatch(/matched by position/);
    expect(c.differences.filter((d) => d.field === 'name')).toEqual([]);
    expect(c.differences.map((d) => d.field)).toEqual(['.id', '.id']);
  });

  it('leaves volatile fields out unless asked', () => {
    const a = [re('=.id=*1', '=name=ether1', '=rx-byte=100', '=uptime=1m')];
    const b = [re('=.id=*1', '=name=ether1', '=rx-byte=900', '=uptime=2m')];
    expect(compareReplies({ outcome: 'done', replies: a }, { outcome: 'done', replies: b }, plain).verdict).toBe('same');
    const strict = compareReplies(
      { outcome: 'done', replies: a },
      { outcome: 'done', replies: b },
      { ...plain, ignoreVolatile: false },
    );
    expect(strict.differences.map((d) => d.field)).toEqual(['rx-byte', 'uptime']);
    expect(isVolatileField('tx-packet')).toBe(true);
    expect(isVolatileField('mtu')).toBe(false);
  });

  it('takes !empty on one side and a bare !done on the other as the same empty result, with a note', () => {
    const c = compareReplies({ outcome: 'empty', replies: [empty, done()] }, { outcome: 'done', replies: [done()] }, plain);
    expect(c.verdict).toBe('same');
    expect(c.notes[0]).toMatch(/7\.18/);
    expect(
      compareReplies({ outcome: 'empty', replies: [empty, done()] }, { outcome: 'done', replies: [re('=a=1'), done()] }, plain)
        .differences[0],
    ).toEqual({
      kind: 'outcome',
      recorded: 'empty',
      replayed: 'done',
    });
  });

  it('compares trap messages and =ret=', () => {
    const t = (m: string) => [{ kind: '!trap', words: ['!trap', `=message=${m}`] }, done()];
    expect(
      compareReplies(
        { outcome: 'trap', message: 'no such item', replies: t('no such item') },
        { outcome: 'trap', message: 'no such item', replies: t('no such item') },
        plain,
      ).verdict,
    ).toBe('same');
    expect(
      compareReplies(
        { outcome: 'trap', message: 'a', replies: t('a') },
        { outcome: 'trap', message: 'b', replies: t('b') },
        plain,
      ).differences,
    ).toEqual([{ kind: 'message', recorded: 'a', replayed: 'b' }]);
    expect(
      compareReplies(
        { outcome: 'done', replies: [done('=ret=MikroTik')] },
        { outcome: 'done', replies: [done('=ret=edge')] },
        plain,
      ).differences,
    ).toEqual([{ kind: 'ret', field: 'ret', recorded: 'MikroTik', replayed: 'edge' }]);
    expect(
      compareReplies({ outcome: 'done', replies: [done()] }, { outcome: 'trap', replies: t('x') }, plain).differences[0]!.kind,
    ).toBe('outcome');
  });

  it('judges streams on outcome and shared rows, not on their counts', () => {
    const a = [re('=.id=*1', '=name=ether1'), re('=.id=*2', '=name=ether2'), re('=.id=*1', '=name=ether1', '=comment=x')];
    const b = [re('=.id=*1', '=name=ether1')];
    const s = compareReplies(
      { outcome: 'cancelled', replies: a },
      { outcome: 'cancelled', replies: b },
      { streaming: true, bounded: true, ignoreVolatile: true },
    );
    expect(s.verdict).toBe('same');
    expect(s.notes.join()).toMatch(/3 !re recorded, 1 on replay \(stopped at the replay bound\)/);
    // A recorded listen that was still running counts as the same as one the replay cancelled.
    expect(
      compareReplies(
        { outcome: 'open', replies: [] },
        { outcome: 'cancelled', replies: [] },
        { streaming: true, bounded: true, ignoreVolatile: true },
      ).verdict,
    ).toBe('same');
    const changed = compareReplies(
      { outcome: 'cancelled', replies: a },
      { outcome: 'cancelled', replies: [re('=.id=*1', '=name=uplink')] },
      { streaming: true, bounded: true, ignoreVolatile: true },
    );
    expect(changed.differences).toEqual([{ kind: 'field', key: '*1', field: 'name', recorded: 'ether1', replayed: 'uplink' }]);
  });

  it('lists at most maxDifferences and counts the rest', () => {
    const a = Array.from({ length: 10 }, (_, i) => re(`=n=${i}`));
    const b = Array.from({ length: 10 }, (_, i) => re(`=n=x${i}`));
    const c = compareReplies({ outcome: 'done', replies: a }, { outcome: 'done', replies: b }, { ...plain, maxDifferences: 4 });
    expect(c.differences).toHaveLength(4);
    expect(c.notes).toEqual(['and 6 more differences']);
  });

  it('property: a reply set equals itself, and one changed field is exactly one difference (seeded)', () => {
    const name = fc.constantFrom('name', 'comment', 'mtu', 'address', 'disabled', 'type');
    const value = fc.string({ minLength: 0, maxLength: 8 }).filter((v) => !v.includes('\n'));
    const row = fc.dictionary(name, value, { minKeys: 1 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), fc.nat(), fc.boolean(), (rows, pick, withIds) => {
        const replies = rows.map((r, i) =>
          re(...(withIds ? [`=.id=*${i + 1}`] : []), ...Object.entries(r).map(([k, v]) => `=${k}=${v}`)),
        );
        expect(compareReplies({ outcome: 'done', replies }, { outcome: 'done', replies }, plain).verdict).toBe('same');
        const i = pick % rows.length;
        const field = Object.keys(rows[i]!)[0]!;
        const changed = replies.map((r, k) =>
          k === i
            ? { kind: '!re', words: r.words.map((w) => (w.startsWith(`=${field}=`) ? `=${field}=${rows[i]![field]}~` : w)) }
            : r,
        );
        const c = compareReplies({ outcome: 'done', replies }, { outcome: 'done', replies: changed }, plain);
        expect(c.differences).toEqual([
          {
            kind: 'field',
            key: withIds ? `*${i + 1}` : `#${i + 1}`,
            field,
            recorded: rows[i]![field],
            replayed: `${rows[i]![field]}~`,
          },
        ]);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('parses attribute words at the first = after the leading one', () => {
    expect([...attributesOf(['!re', '=comment=a=b', '=flag', '.tag=1', '=empty='])]).toEqual([
      ['comment', 'a=b'],
      ['flag', ''],
      ['empty', ''],
    ]);
  });
});

describe('compareReplies with bounded reply lists', () => {
  it('judges the !re count by the full count, not by the rows it kept', () => {
    const kept = [re('=.id=*1', '=name=a')];
    const c = compareReplies(
      { outcome: 'done', replies: kept, count: 30_000 },
      { outcome: 'done', replies: kept, count: 29_999 },
      { streaming: false, bounded: false, ignoreVolatile: true },
    );
    expect(c.differences).toEqual([{ kind: 'replies', recorded: '30000', replayed: '29999' }]);
    expect(c.notes.join()).toMatch(/counted, not compared field by field/);
  });
});
