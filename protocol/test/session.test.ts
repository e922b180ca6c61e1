import { describe, expect, it, vi } from 'vitest';
import {
  CancelledError,
  CancelUnconfirmedError,
  ConnectionClosedError,
  FatalError,
  FramingError,
  Session,
  TimeoutError,
  TrapError,
  UsageError,
  type Reply,
  type SentenceEvent,
  type SessionOptions,
} from '../src/index';
import { concatBytes, frame, ManualTimers, MemoryTransport, settle, text } from './helpers';

function open(options: SessionOptions = {}): { t: MemoryTransport; s: Session; timers: ManualTimers; untagged: Reply[] } {
  const t = new MemoryTransport();
  const timers = new ManualTimers();
  const untagged: Reply[] = [];
  const s = new Session(t, { timers, onUntaggedReply: (r) => untagged.push(r), ...options });
  return { t, s, timers, untagged };
}

/** Settles a promise into a value or an error, for assertions. */
async function outcome<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

describe('Session: commands and tags (protocol.md §7)', () => {
  it('tags every command and registers the tag before the write: a reply in the same tick lands', async () => {
    const { t, s } = open();
    t.onWrite = (words) => {
      const tag = words.find((w) => w.startsWith('.tag='))!;
      // Delivered synchronously, from inside transport.write() (go-routeros/routeros#33).
      t.reply('!re', '=name=ether1', tag);
      t.reply('!done', tag);
    };
    const result = await s.command(['/interface/print']);
    expect(t.sentences[0]).toEqual(['/interface/print', '.tag=t1']);
    expect(result.rows).toEqual([{ name: 'ether1' }]);
    expect(s.pendingCount).toBe(0);
  });

  it('routes interleaved replies by tag', async () => {
    const { t, s } = open();
    const a = s.command(['/a']);
    const b = s.command(['/b']);
    const [ta, tb] = [t.tagOf(0)!, t.tagOf(1)!];
    expect(ta).not.toBe(tb);
    t.reply('!re', '=n=b1', `.tag=${tb}`);
    t.reply('!re', '=n=a1', `.tag=${ta}`);
    t.reply('!re', `.tag=${tb}`, '=n=b2');
    t.reply('!done', `.tag=${tb}`);
    t.reply('!done', `.tag=${ta}`);
    expect((await a).rows).toEqual([{ n: 'a1' }]);
    expect((await b).rows).toEqual([{ n: 'b1' }, { n: 'b2' }]);
  });

  it('several !trap and then !done: one TrapError with every trap, settled only at !done', async () => {
    const { t, s } = open();
    let settled = false;
    const p = s.command(['/interface/adress/print']);
    void p.catch(() => undefined).finally(() => (settled = true));
    const tag = `.tag=${t.tagOf(0)!}`;
    t.reply('!trap', '=category=0', '=message=no such command or directory (adress)', tag);
    t.reply('!trap', '=message=no such command prefix', tag);
    await settle();
    expect(settled).toBe(false);
    t.reply('!done', tag);
    const { error } = await outcome(p);
    expect(error).toBeInstanceOf(TrapError);
    const trap = error as TrapError;
    expect(trap.traps).toEqual([
      { category: 0, message: 'no such command or directory (adress)' },
      { category: undefined, message: 'no such command prefix' },
    ]);
    expect(trap.category).toBe(0);
    expect(trap.message).toBe('no such command or directory (adress) (category 0); no such command prefix');
    // The next command is not confused by the trap's !done (go-routeros/routeros#16).
    const next = s.command(['/b']);
    t.reply('!done', `.tag=${t.tagOf(1)!}`, '=ret=*5');
    expect((await next).ret).toBe('*5');
  });

  it('!empty and then !done: zero rows, empty noted', async () => {
    const { t, s } = open();
    const p = s.command(['/ip/dhcp-server/lease/print']);
    const tag = `.tag=${t.tagOf(0)!}`;
    t.reply('!empty', tag);
    expect(s.pendingCount).toBe(1);
    t.reply('!done', tag);
    const r = await p;
    expect(r.empty).toBe(true);
    expect(r.rows).toEqual([]);
  });

  it('passes unknown reply words on instead of failing', async () => {
    const { t, s } = open();
    const p = s.command(['/x']);
    const tag = `.tag=${t.tagOf(0)!}`;
    t.reply('!re', '=a=1', tag);
    t.reply('!novelty', '=b=2', tag);
    t.reply('!done', tag);
    const r = await p;
    expect(r.rows).toEqual([{ a: '1' }]);
    expect(r.unknown.map((u) => [u.type, u.attributes['b']])).toEqual([['!novelty', '2']]);
  });

  it('replies for unknown tags and stray untagged replies go to the hook, never an exception', async () => {
    const { t, s, untagged } = open();
    const p = s.command(['/x']);
    t.reply('!re', '=a=1', '.tag=nobody');
    t.reply('!done');
    t.reply('!done', `.tag=${t.tagOf(0)!}`);
    await p;
    t.reply('!done', `.tag=${t.tagOf(0)!}`);
    expect(untagged.map((r) => [r.type, r.tag])).toEqual([
      ['!re', 'nobody'],
      ['!done', undefined],
      ['!done', 't1'],
    ]);
    expect(s.closed).toBeUndefined();
  });

  it('reports every sentence both ways to onSentence', async () => {
    const events: SentenceEvent[] = [];
    const { t, s } = open({ onSentence: (e) => events.push(e), now: () => 42 });
    const p = s.command(['/x']);
    t.reply('!done', '.tag=t1');
    await p;
    expect(events.map((e) => [e.direction, text(e.words), e.tag, e.time])).toEqual([
      ['out', ['/x', '.tag=t1'], 't1', 42],
      ['in', ['!done', '.tag=t1'], 't1', 42],
    ]);
  });

  it('hands sentences to onSent and onReceived without event objects, before dispatch, and survives a throwing listener', async () => {
    const seen: string[] = [];
    let clock = 10;
    const { t, s } = open({
      now: () => clock++,
      onSent: (words, time) => seen.push(`sent ${text(words).join(' ')} @${time}`),
      onReceived: (reply, time) => {
        seen.push(`received ${reply.type} ${reply.tag ?? '-'} @${time}`);
        if (reply.type === '!re') throw new Error('listener bug');
      },
    });
    // The session reports a listener's exception as an unhandled rejection (Promise.reject); caught
    // here so that it does not fail the run.
    const rejected: unknown[] = [];
    const spy = vi.spyOn(Promise, 'reject').mockImplementation((e?: unknown) => {
      rejected.push(e);
      return Promise.resolve() as never;
    });
    try {
      const p = s.command(['/x']);
      t.reply('!re', '=a=1', '.tag=t1');
      t.reply('!done', '.tag=t1');
      const r = await p;
      // The reply still reached its command although the listener threw for it.
      expect(r.replies.map((x) => x.attributes['a'])).toEqual(['1']);
    } finally {
      spy.mockRestore();
    }
    expect(rejected.map((e) => (e as Error).message)).toEqual(['listener bug']);
    // One clock reading per write and per received chunk (t.reply delivers one chunk each).
    expect(seen).toEqual(['sent /x .tag=t1 @10', 'received !re t1 @11', 'received !done t1 @12']);
  });

  it('uses a caller-given tag and refuses one that is in use', async () => {
    const { t, s } = open();
    const p = s.command(['/x', '.tag=mine']);
    expect(t.sentences[0]).toEqual(['/x', '.tag=mine']);
    const { error } = await outcome(s.command(['/y', '.tag=mine']));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe('tag mine is already in use by a running command');
    t.reply('!done', '.tag=mine');
    await p;
    expect(t.sentences).toHaveLength(1);
  });

  it('refuses commands it cannot send, naming why', async () => {
    const { s, t } = open();
    expect(((await outcome(s.command([]))).error as Error).message).toBe('a command needs at least one word');
    expect(((await outcome(s.command(['/x', '']))).error as Error).message).toMatch(/empty words cannot be sent/);
    expect(t.sentences).toEqual([]);
  });

  it('skips tags a caller already uses when generating one', async () => {
    const { t, s } = open();
    void s.command(['/x', '.tag=t1']);
    void s.command(['/y']);
    expect(t.tagOf(1)).toBe('t2');
  });
});

describe('Session: sentences that span chunks (issue 11 E)', () => {
  it('are kept as one copy of the sentence as framed, with word ranges: no object per word', () => {
    // A word straddling chunks used to turn the sentence into one view per word: a 57 MiB sentence
    // of one-byte words was 30 million views. Prefix forms are kept as they came (`80 03`, `80 00`).
    const wire = concatBytes(
      Uint8Array.of(0x80, 0x03),
      new TextEncoder().encode('!re'),
      Uint8Array.of(0x81, 0x2c), // 300
      new Uint8Array(300).fill(0x3d),
      Uint8Array.of(0x04),
      new TextEncoder().encode('=a=b'),
      Uint8Array.of(0x80, 0x00),
    );
    for (let cut = 1; cut < wire.length; cut++) {
      const { t, untagged } = open();
      const chunks = [wire.slice(0, cut), wire.slice(cut)];
      for (const c of chunks) t.deliver(c);
      const [r] = untagged;
      expect(r?.offsets, `cut at ${cut}`).toBeDefined();
      expect(r!.words.map((w) => w.length)).toEqual([3, 300, 4]);
      expect(r!.text(2)).toBe('=a=b');
      expect(r!.nonMinimalPrefixes).toEqual([0, 2, 3, 2]);
      expect([0, 1, 2, 3].map((i) => r!.prefixSize(i))).toEqual([2, 2, 1, 2]);
      // Where the frame was copied, it is exactly the bytes received.
      if (!chunks.some((c) => c.buffer === r!.bytes!.buffer)) {
        const start = r!.offsets![0]! - 2;
        expect(Buffer.from(r!.bytes!.subarray(start, start + wire.length))).toEqual(Buffer.from(wire));
      }
    }
  });

  it('a sentence of one-byte words over many chunks keeps only its bytes, about twice over at most', () => {
    const words = 30_000;
    const wire = new Uint8Array(4 + 2 * words + 1);
    wire.set([3, 0x21, 0x72, 0x65]);
    for (let i = 0; i < words; i++) wire.set([1, 0x61 + (i % 26)], 4 + 2 * i);
    const { t, untagged } = open();
    for (let i = 0; i < wire.length; i += 1000) t.deliver(wire.slice(i, i + 1000));
    const [r] = untagged;
    expect(r!.wordCount).toBe(words + 1);
    expect(r!.text(words)).toBe(String.fromCharCode(0x61 + ((words - 1) % 26)));
    expect(r!.bytes!.length).toBeLessThanOrEqual(wire.length + 64 * 1024);
  });
});

describe('Session: raw mode and untagged commands', () => {
  it('sends the words exactly as given, with no tag added', async () => {
    const { t, s } = open();
    const p = s.command(['/login', '=name=admin', '=password='], { raw: true });
    expect(t.sentences[0]).toEqual(['/login', '=name=admin', '=password=']);
    t.reply('!done');
    await p;
  });

  it('sends bytes as given: invalid UTF-8 survives', async () => {
    const { t, s } = open();
    void s.command([Uint8Array.of(0x2f, 0x78), Uint8Array.of(0x3d, 0x63, 0x3d, 0xe9, 0xff)], { raw: true });
    expect([...t.writes[0]!]).toEqual([2, 0x2f, 0x78, 5, 0x3d, 0x63, 0x3d, 0xe9, 0xff, 0]);
  });

  it('answers untagged commands in order (FIFO)', async () => {
    const { t, s } = open();
    const a = s.command(['/a'], { raw: true });
    const b = s.command(['/b'], { raw: true });
    t.reply('!re', '=n=1');
    t.reply('!done');
    t.reply('!re', '=n=2');
    t.reply('!trap', '=message=no');
    t.reply('!done');
    expect((await a).rows).toEqual([{ n: '1' }]);
    const { error } = await outcome(b);
    expect((error as TrapError).rows).toEqual([{ n: '2' }]);
  });

  it('a raw sentence with its own .tag= is routed by that tag', async () => {
    const { t, s } = open();
    const p = s.command(['/x', '.tag=7'], { raw: true });
    t.reply('!done', '.tag=7');
    await p;
    expect(s.pendingCount).toBe(0);
  });
});

describe('Session: streams and cancel', () => {
  it('iterates !re as they come and ends at !done', async () => {
    const { t, s } = open();
    const stream = s.stream(['/interface/listen']);
    const tag = `.tag=${stream.tag!}`;
    const seen: string[] = [];
    const loop = (async () => {
      for await (const r of stream) seen.push(r.attributes['name']!);
    })();
    t.reply('!re', '=name=a', tag);
    await settle();
    t.reply('!re', '=name=b', tag);
    t.reply('!done', tag);
    await loop;
    expect(seen).toEqual(['a', 'b']);
    expect(stream.finished).toBe(true);
  });

  it('cancel sends /cancel =tag=X, waits for the victim’s own !done; late replies go to the hook', async () => {
    const { t, s, untagged } = open();
    const stream = s.stream(['/interface/listen']);
    const victim = stream.tag!;
    const rows: string[] = [];
    const loop = (async () => {
      for await (const r of stream) if (r.type === '!re') rows.push(r.attributes['name']!);
    })();
    t.reply('!re', '=name=ether1', `.tag=${victim}`);
    const cancelled = stream.cancel();
    expect(t.sentences[1]!.slice(0, 2)).toEqual(['/cancel', `=tag=${victim}`]);
    const canceller = t.tagOf(1)!;
    // The manual's order: victim's !trap, canceller's !done, (7.18+: !empty), victim's !done.
    t.reply('!trap', '=category=2', '=message=interrupted', `.tag=${victim}`);
    t.reply('!done', `.tag=${canceller}`);
    let ended = false;
    void cancelled.then(() => (ended = true));
    await settle();
    expect(ended).toBe(false);
    t.reply('!empty', `.tag=${victim}`);
    t.reply('!done', `.tag=${victim}`);
    const end = await cancelled;
    expect(end?.cancelled).toBe(true);
    expect(end?.traps).toEqual([]);
    await loop;
    expect(rows).toEqual(['ether1']);
    // EMP: more sentences for the cancelled tag can still arrive; they are ignored, not fatal.
    t.reply('!done', `.tag=${victim}`);
    expect(untagged.map((r) => r.tag)).toEqual([victim]);
    expect(s.closed).toBeUndefined();
  });

  it('a cancelled command() rejects with CancelledError', async () => {
    const { t, s } = open();
    const p = s.command(['/tool/fetch']);
    const tag = t.tagOf(0)!;
    const c = s.cancel(tag);
    t.reply('!trap', '=category=2', '=message=interrupted', `.tag=${tag}`);
    t.reply('!done', `.tag=${t.tagOf(1)!}`);
    t.reply('!done', `.tag=${tag}`);
    await c;
    expect((await outcome(p)).error).toBeInstanceOf(CancelledError);
  });

  it('cancel after the command already finished: the router traps the /cancel, cancel still resolves', async () => {
    const { t, s } = open();
    const c = s.cancel('gone');
    t.reply('!trap', '=message=no such command', `.tag=${t.tagOf(0)!}`);
    t.reply('!done', `.tag=${t.tagOf(0)!}`);
    await expect(c).resolves.toBeUndefined();
  });

  it('a stream that traps (not by our cancel) throws TrapError from the iterator', async () => {
    const { t, s } = open();
    const stream = s.stream(['/x']);
    t.reply('!trap', '=message=failure: interface not bound', `.tag=${stream.tag!}`);
    t.reply('!done', `.tag=${stream.tag!}`);
    const { error } = await outcome(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    );
    expect((error as TrapError).traps[0]!.message).toBe('failure: interface not bound');
    expect((await outcome(stream.done)).error).toBe(error);
  });

  it('onReply receives every reply, the final !done included, instead of buffering', async () => {
    const { t, s } = open();
    const types: string[] = [];
    const stream = s.stream(['/x'], { onReply: (r) => types.push(r.type) });
    t.reply('!re', `.tag=${stream.tag!}`);
    t.reply('!empty', `.tag=${stream.tag!}`);
    t.reply('!done', `.tag=${stream.tag!}`);
    const end = await stream.done;
    expect(types).toEqual(['!re', '!empty', '!done']);
    expect(end.empty).toBe(true);
  });

  it('a cancel the router does not confirm within 5 s ends the command as cancel unconfirmed', async () => {
    const { t, s, timers, untagged } = open();
    const stream = s.stream(['/interface/listen']);
    const victim = stream.tag!;
    let settledCancel = false;
    const cancelled = stream.cancel().then((end) => {
      settledCancel = true;
      return end;
    });
    expect(t.sentences[1]!.slice(0, 2)).toEqual(['/cancel', `=tag=${victim}`]);
    // Neither the /cancel nor the victim is answered (a stalled router).
    timers.advance(4999);
    await settle();
    expect(settledCancel).toBe(false);
    timers.advance(1);
    expect(await cancelled).toBeUndefined();
    const { error } = await outcome(stream.done);
    expect(error).toBeInstanceOf(CancelUnconfirmedError);
    expect((error as Error).message).toBe(
      'cancel unconfirmed: the router did not end the command within 5000 ms of /cancel; it may still be running there',
    );
    expect(stream.finished).toBe(true);
    expect(timers.count).toBe(0);
    // What the router says later for that tag is ignored as usual (protocol.md §7.1).
    t.reply('!trap', '=category=2', '=message=interrupted', `.tag=${victim}`);
    t.reply('!done', `.tag=${t.tagOf(1)!}`);
    t.reply('!done', `.tag=${victim}`);
    expect(untagged.map((r) => r.type)).toEqual(['!trap']);
    expect(s.pendingCount).toBe(0);
    expect(s.closed).toBeUndefined();
  });

  it('the cancel deadline is an option; a confirmed cancel clears it', async () => {
    const { t, s, timers } = open({ cancelTimeoutMs: 50 });
    const p = s.command(['/tool/fetch'], { timeoutMs: 0 });
    const tag = t.tagOf(0)!;
    const c = s.cancel(tag);
    t.reply('!trap', '=category=2', '=message=interrupted', `.tag=${tag}`);
    t.reply('!done', `.tag=${t.tagOf(1)!}`);
    t.reply('!done', `.tag=${tag}`);
    await c;
    expect((await outcome(p)).error).toBeInstanceOf(CancelledError);
    expect(timers.count).toBe(0);

    const q = s.command(['/tool/fetch'], { timeoutMs: 0 });
    const c2 = s.cancel(t.tagOf(2)!);
    timers.advance(50);
    await expect(c2).resolves.toBeUndefined();
    expect((await outcome(q)).error).toBeInstanceOf(CancelUnconfirmedError);
  });

  it('cancelling an untagged raw stream sends a bare /cancel', async () => {
    const { t, s } = open();
    const stream = s.stream(['/log/print', '=follow-only='], { raw: true });
    expect(stream.tag).toBeUndefined();
    void stream.cancel();
    expect(t.sentences[1]!.slice(0, 1)).toEqual(['/cancel']);
    expect(t.sentences[1]!.some((w) => w.startsWith('=tag='))).toBe(false);
  });
});

describe('Session: timeouts', () => {
  it('a command times out with TimeoutError; /cancel is sent; its late replies are absorbed', async () => {
    const { t, s, timers, untagged } = open();
    const p = s.command(['/slow'], { timeoutMs: 100 });
    const tag = t.tagOf(0)!;
    timers.advance(99);
    expect(t.sentences).toHaveLength(1);
    timers.advance(1);
    const { error } = await outcome(p);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe('command timed out after 100 ms');
    expect(t.sentences[1]!.slice(0, 2)).toEqual(['/cancel', `=tag=${tag}`]);
    t.reply('!trap', '=category=2', '=message=interrupted', `.tag=${tag}`);
    t.reply('!done', `.tag=${t.tagOf(1)!}`);
    t.reply('!done', `.tag=${tag}`);
    expect(untagged.map((r) => r.type)).toEqual(['!trap']);
    expect(s.pendingCount).toBe(0);
  });

  it('uses the session default and clears the timer when the command ends', async () => {
    const { t, s, timers } = open({ commandTimeoutMs: 50 });
    const p = s.command(['/x']);
    expect(timers.count).toBe(1);
    t.reply('!done', '.tag=t1');
    await p;
    expect(timers.count).toBe(0);
  });

  it('an untagged raw command that times out keeps its place in the FIFO until its !done', async () => {
    const { t, s, timers } = open();
    const a = s.command(['/a'], { raw: true, timeoutMs: 10 });
    const b = s.command(['/b'], { raw: true, timeoutMs: 0 });
    timers.advance(10);
    expect((await outcome(a)).error).toBeInstanceOf(TimeoutError);
    t.reply('!re', '=late=1');
    t.reply('!done');
    t.reply('!re', '=for=b');
    t.reply('!done');
    expect((await b).rows).toEqual([{ for: 'b' }]);
  });

  it('a stream timeout cancels the stream and fails it', async () => {
    const { t, s, timers } = open();
    const stream = s.stream(['/x'], { timeoutMs: 30 });
    timers.advance(30);
    expect((await outcome(stream.done)).error).toBeInstanceOf(TimeoutError);
    expect(t.sentences[1]!.slice(0, 2)).toEqual(['/cancel', `=tag=${stream.tag!}`]);
  });
});

/** A transport whose writes are accepted only when the test says so (a socket waiting for `drain`). */
class DrainingTransport extends MemoryTransport {
  readonly drains: (() => void)[] = [];
  override write(bytes: Uint8Array): Promise<void> {
    return super.write(bytes).then(() => new Promise<void>((resolve) => this.drains.push(resolve)));
  }
  async drainOne(): Promise<void> {
    this.drains.shift()!();
    await settle();
  }
}

describe('Session: outgoing back-pressure (issue 11 item 6)', () => {
  const word = (n: number) => `=x=${'a'.repeat(n)}`;

  it('holds sentences past the byte budget until the transport accepts what is in flight, in order', async () => {
    const t = new DrainingTransport();
    const sent: string[] = [];
    const s = new Session(t, { timers: new ManualTimers(), outgoingBudgetBytes: 100, onSent: (w) => sent.push(text(w)[0]!) });
    void s.command(['/a', word(60)], { timeoutMs: 0 });
    void s.command(['/b', word(60)], { timeoutMs: 0 });
    const c = s.stream(['/c']);
    await settle();
    // /a alone is in flight; /b would pass the 100-byte budget, /c queues behind /b.
    expect(t.sentences.map((w) => w[0])).toEqual(['/a']);
    expect(sent).toEqual(['/a']);
    expect(s.outgoingBytes).toBe(frame('/a', word(60), '.tag=t1').length);
    let writable = false;
    void s.whenWritable().then(() => (writable = true));
    await settle();
    expect(writable).toBe(false);
    await t.drainOne();
    expect(t.sentences.map((w) => w[0])).toEqual(['/a', '/b', '/c']);
    expect(writable).toBe(true);
    await t.drainOne();
    await t.drainOne();
    expect(s.outgoingBytes).toBe(0);
    expect(c.finished).toBe(false);
  });

  it('a sentence larger than the budget goes alone; one held when the link drops was not sent', async () => {
    const t = new DrainingTransport();
    const s = new Session(t, { timers: new ManualTimers(), outgoingBudgetBytes: 100 });
    const big = s.command(['/big', word(500)], { timeoutMs: 0 });
    const held = s.command(['/held'], { timeoutMs: 0 });
    await settle();
    expect(t.sentences.map((w) => w[0])).toEqual(['/big']);
    t.peerClose();
    const a = await outcome(big);
    const b = await outcome(held);
    expect((a.error as ConnectionClosedError).outcomeUnknown).toBe(true);
    // Never written: nothing can have run on the router.
    expect(b.error).toBeInstanceOf(ConnectionClosedError);
    expect((b.error as ConnectionClosedError).outcomeUnknown).toBe(false);
    expect((b.error as Error).message).toBe('not sent: connection closed');
  });

  it('the default budget is 1 MiB', async () => {
    const t = new DrainingTransport();
    const s = new Session(t, { timers: new ManualTimers() });
    for (let i = 0; i < 20; i++) void s.command(['/x', word(100_000)], { timeoutMs: 0 });
    await settle();
    // Ten 100 kB sentences fit in 1 MiB; the eleventh waits.
    expect(t.sentences).toHaveLength(10);
    expect(s.outgoingBytes).toBeGreaterThan(1_000_000);
    expect(s.outgoingBytes).toBeLessThanOrEqual(1 << 20);
  });
});

describe('Session: the end of a connection', () => {
  it.each([
    ['bare word (RouterOS)', ['!fatal', 'session terminated on request'], 'session terminated on request'],
    ['=message= (GO tests)', ['!fatal', '=message=too many commands before login'], 'too many commands before login'],
  ])('!fatal with its reason as a %s fails every pending command and closes', async (_, words, reason) => {
    const closes: Error[] = [];
    const { t, s } = open({ onClose: (e) => closes.push(e) });
    const a = s.command(['/a']);
    const b = s.command(['/b'], { raw: true });
    const st = s.stream(['/c']);
    t.reply(...words);
    for (const p of [a, b, st.done]) {
      const { error } = await outcome(p);
      expect(error).toBeInstanceOf(FatalError);
      expect((error as FatalError).reason).toBe(reason);
    }
    expect(t.closeCalls).toBe(1);
    expect(s.closed).toBeInstanceOf(FatalError);
    expect(closes).toHaveLength(1);
    const later = await outcome(s.command(['/d']));
    expect(later.error).toBeInstanceOf(ConnectionClosedError);
    expect((later.error as ConnectionClosedError).outcomeUnknown).toBe(false);
  });

  it('connection loss rejects all pending with ConnectionClosedError, outcome unknown', async () => {
    const { t, s } = open();
    const pending = [s.command(['/a']), s.command(['/b'], { raw: true }), s.stream(['/c']).done];
    t.peerClose(new Error('ECONNRESET'));
    for (const p of pending) {
      const { error } = await outcome(p);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as ConnectionClosedError).outcomeUnknown).toBe(true);
      expect((error as Error).message).toBe('connection lost: ECONNRESET');
    }
    expect(s.pendingCount).toBe(0);
  });

  it('a framing error ends the session after delivering what came before it; pending commands: outcome unknown', async () => {
    const { t, s } = open();
    const a = s.command(['/a']);
    const b = s.command(['/b']);
    t.deliver(concatBytes(frame('!done', '.tag=t1'), Uint8Array.of(0xf9, 1, 2)));
    expect((await a).rows).toEqual([]);
    const { error } = await outcome(b);
    // /b was written: the router may have run it, as with any other drop (issue 11 item D).
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).outcomeUnknown).toBe(true);
    expect((error as Error).message).toBe(
      `connection closed: the router sent bytes that cannot be read (framing error at byte ${frame('!done', '.tag=t1').length}: reserved control byte 0xF9 where a length prefix was expected)`,
    );
    expect(s.closed).toBeInstanceOf(FramingError);
    expect((error as ConnectionClosedError).cause).toBe(s.closed);
    expect((s.closed as FramingError).offset).toBe(frame('!done', '.tag=t1').length);
    expect(t.closeCalls).toBe(1);
  });

  it('a hostile 4 GiB prefix ends the connection with a framing error, allocating nothing', async () => {
    const { t, s } = open();
    const a = s.command(['/a']);
    t.deliver(Uint8Array.of(0xf0, 0xff, 0xff, 0xff, 0xff, 0x41));
    await outcome(a);
    expect((s.closed as FramingError).message).toBe(
      'framing error at byte 0: word of 4294967295 bytes exceeds the 16777216-byte limit',
    );
  });

  it('a write that fails rejects the command as connection closed', async () => {
    const { t, s } = open();
    t.failWrites = new Error('EPIPE');
    const { error } = await outcome(s.command(['/a']));
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).message).toBe('write failed: EPIPE');
    expect(s.pendingCount).toBe(0);
  });

  it('quit(): /quit, the router’s !fatal, the close — and no timer left behind', async () => {
    const { t, s, timers } = open();
    t.onWrite = (words, tr) => {
      if (words[0] === '/quit') {
        tr.reply('!fatal', 'session terminated on request');
        tr.peerClose();
      }
    };
    const pending = s.command(['/a']);
    await s.quit();
    expect(t.sentences.at(-1)).toEqual(['/quit']);
    expect((await outcome(pending)).error).toBeInstanceOf(FatalError);
    expect(timers.count).toBe(0);
  });

  it('quit() gives up after its deadline when the router neither answers nor closes', async () => {
    const { t, s, timers } = open();
    const q = s.quit(500);
    timers.advance(500);
    await q;
    expect(t.closed).toBe(true);
    expect(s.closed).toBeInstanceOf(ConnectionClosedError);
  });

  it('close() fails pending commands and closes the transport', async () => {
    const { t, s } = open();
    const p = s.command(['/a']);
    s.close();
    expect((await outcome(p)).error).toBeInstanceOf(ConnectionClosedError);
    expect(t.closeCalls).toBe(1);
  });
});
