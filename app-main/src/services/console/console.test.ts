import { describe, expect, it } from 'vitest';
import { encodeUtf8, frameSentence, SentenceDecoder, Session, type Transport } from '../../../../protocol/src/index';
import type { ConsoleEnd, ConsoleReply, HistoryEntry } from '../../common/contract';
import { CONSOLE_BATCH_CHARS, CONSOLE_PIECE_CHARS, ConsoleService } from './console';
import type { HistoryStore } from './history';

/** A router that answers each command with `answer(tag)`, in 16 KiB reads as the inbound scheduler feeds them. */
function router(answer: (tag: string) => string[][]): Transport {
  let deliver: (chunk: Uint8Array) => void = () => undefined;
  const decoder = new SentenceDecoder();
  return {
    write: (bytes) => {
      for (const words of decoder.push(bytes)) {
        const tagWord = words.map((w) => Buffer.from(w).toString()).find((w) => w.startsWith('.tag='))!;
        const wire = Buffer.concat(answer(tagWord.slice(5)).map((s) => frameSentence([...s, tagWord].map(encodeUtf8))));
        queueMicrotask(() => {
          for (let i = 0; i < wire.length; i += 16384) deliver(new Uint8Array(wire.subarray(i, i + 16384)));
        });
      }
      return Promise.resolve();
    },
    onData: (l) => ((deliver = l), () => undefined),
    onClose: () => () => undefined,
    close: () => undefined,
  };
}

function console_(transport: Transport) {
  const session = new Session(transport, { commandTimeoutMs: 0 });
  const events: (['replies', ConsoleReply[]] | ['end', ConsoleEnd])[] = [];
  const history = {
    add: (connectionId: string, words: string[], sentAt: string) =>
      Promise.resolve({ id: 'h1', connectionId, words, sentAt } satisfies HistoryEntry),
    changed: () => Promise.resolve(),
  } as unknown as HistoryStore;
  let ended: () => void = () => undefined;
  const service = new ConsoleService({
    session: () => session,
    history,
    emitReplies: (r) => events.push(['replies', r]),
    emitEnd: (e) => {
      events.push(['end', e]);
      ended();
    },
    now: () => 0,
    batchMs: 1,
    maxBatch: 2000,
  });
  const end = new Promise<void>((resolve) => (ended = resolve));
  return { service, events, end };
}

describe('console: big replies go to the window in pieces (issue 11 E)', () => {
  it('a reply of 9 MiB is sent in pieces of at most 1 MiB, batches of at most 4 MiB; joined, it is the reply', async () => {
    const big = `=contents=${'abcdefghij'.repeat(900_000)}`; // 9 MB in one word
    const words = ['!re', '=name=f', big, ...Array.from({ length: 3000 }, (_, i) => `=w${i}=${'x'.repeat(i % 50)}`)];
    const { service, events, end } = console_(router(() => [words, ['!re', '=name=small'], ['!done']]));
    await service.send({ connectionId: 'c1', words: ['/file/print'] });
    await end;
    const batches = events.filter((e) => e[0] === 'replies').map((e) => e[1] as ConsoleReply[]);
    const chars = (rs: ConsoleReply[]) => rs.reduce((n, r) => n + r.words.reduce((m, w) => m + w.length, 0), 0);
    for (const b of batches) expect(chars(b)).toBeLessThanOrEqual(CONSOLE_BATCH_CHARS);
    const all = batches.flat();
    const pieces = all.filter((r) => r.piece);
    expect(pieces.length).toBeGreaterThanOrEqual(9);
    for (const p of pieces) expect(chars([p])).toBeLessThanOrEqual(CONSOLE_PIECE_CHARS);
    expect(pieces.map((p) => p.piece!.more)).toEqual([...pieces.slice(1).map(() => true), false]);
    // Joined as the window does: continued pieces append to the last word.
    const joined: string[] = [];
    for (const p of pieces) {
      const [first, ...rest] = p.words;
      if (p.piece!.continued) joined[joined.length - 1] += first!;
      else joined.push(first!);
      joined.push(...rest);
    }
    expect(joined.length).toBe(words.length + 1);
    expect(joined.slice(0, -1)).toEqual(words);
    expect(joined.at(-1)).toMatch(/^\.tag=/);
    // The small replies after it keep their order, and the end comes last.
    expect(all.filter((r) => !r.piece).map((r) => r.kind)).toEqual(['!re', '!done']);
    expect(events.at(-1)![0]).toBe('end');
    expect((events.at(-1)![1] as ConsoleEnd).rows).toBe(2);
  });

  it('small replies are sent whole, as before', async () => {
    const { service, events, end } = console_(router(() => [['!re', '=name=a'], ['!done']]));
    await service.send({ connectionId: 'c1', words: ['/interface/print'] });
    await end;
    const all = events.filter((e) => e[0] === 'replies').flatMap((e) => e[1] as ConsoleReply[]);
    expect(all.map((r) => [r.kind, r.piece])).toEqual([
      ['!re', undefined],
      ['!done', undefined],
    ]);
  });
});
