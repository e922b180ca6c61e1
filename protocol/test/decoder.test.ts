import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeSentence,
  frameSentence,
  FramingError,
  lengthPrefixSize,
  SentenceDecoder,
  writeLengthPrefixOfSize,
  type Sentence,
  type WordSink,
} from '../src/index';
import { ascii, BOUNDARIES, catchFraming, concatBytes, frame, hex, text } from './helpers';

const SEED = 20260801;

/** A word of `n` bytes with a pattern, so misplaced bytes show up. */
function patterned(n: number): Uint8Array {
  const w = new Uint8Array(n);
  for (let i = 0; i < n; i++) w[i] = (i * 31 + 7) & 0xff;
  return w;
}

/** The length prefix of `n` in exactly `size` bytes (longer than the shortest form, if so asked). */
function prefixOfSize(n: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  writeLengthPrefixOfSize(out, 0, n, size);
  return out;
}

/** Decodes `stream` cut at the given offsets. */
function decodeSplit(stream: Uint8Array, cuts: readonly number[], decoder = new SentenceDecoder()): Sentence[] {
  const out: Sentence[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    out.push(...decoder.push(stream.subarray(from, cut)));
    from = cut;
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

function equalSentences(actual: Sentence[], expected: readonly (readonly Uint8Array[])[]): boolean {
  return (
    actual.length === expected.length &&
    actual.every((s, i) => s.length === expected[i]!.length && s.every((w, j) => equalBytes(w, expected[i]![j]!)))
  );
}

function sameSentences(actual: Sentence[], expected: readonly (readonly Uint8Array[])[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((s, i) => {
    expect(s.length).toBe(expected[i]!.length);
    s.forEach((w, j) => expect(Buffer.from(w).equals(Buffer.from(expected[i]![j]!))).toBe(true));
  });
}

describe('SentenceDecoder: vectors split everywhere', () => {
  // Every boundary whose word fits in memory comfortably, inside a sentence with a short word on
  // either side so that prefix, body and terminator all meet chunk edges.
  const small = BOUNDARIES.filter(([n]) => n > 0 && n <= 17000);

  it.each(small)('a %i-byte word split at every byte offset', (n) => {
    const words = [ascii('!re'), patterned(n), ascii('=x=y')];
    const stream = encodeSentence(words);
    const wrong: number[] = [];
    for (let cut = 0; cut <= stream.length; cut++) if (!equalSentences(decodeSplit(stream, [cut]), [words])) wrong.push(cut);
    expect(wrong).toEqual([]);
  });

  it.each(small.filter(([n]) => n <= 0x4000))('a %i-byte word fed byte by byte', (n) => {
    const words = [patterned(n), ascii('.tag=1')];
    const stream = encodeSentence(words);
    const d = new SentenceDecoder();
    const out: Sentence[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...d.push(stream.subarray(i, i + 1)));
    sameSentences(out, [words]);
    expect(d.idle).toBe(true);
    expect(d.offset).toBe(stream.length);
  });

  it.each([0x1fffff, 0x200000])('a %i-byte word split around its prefix and its end', (n) => {
    const words = [patterned(n)];
    const stream = encodeSentence(words);
    const cuts = [...Array.from({ length: 12 }, (_, i) => i), ...Array.from({ length: 12 }, (_, i) => stream.length - i)];
    for (const cut of cuts) sameSentences(decodeSplit(stream, [cut]), [words]);
    // Three pieces: the straddling word is assembled once from its views.
    sameSentences(decodeSplit(stream, [2, 1000, stream.length - 1]), [words]);
  });

  it('five-byte prefixes split at every offset wait for the body (limits raised)', () => {
    for (const [n, bytes] of BOUNDARIES.filter(([n]) => n >= 0x10000000)) {
      const prefix = hex(bytes);
      for (let cut = 0; cut <= prefix.length; cut++) {
        const d = new SentenceDecoder({ maxWordBytes: n, maxSentenceBytes: n + 5 });
        expect(d.push(prefix.slice(0, cut))).toEqual([]);
        expect(d.push(Uint8Array.from([...prefix.slice(cut), 1, 2, 3]))).toEqual([]);
        expect(d.idle).toBe(false);
      }
    }
  });

  it('many sentences in one chunk, with empty sentences skipped (protocol.md §3)', () => {
    const sentences = [[ascii('!re'), ascii('=a=1')], [ascii('!re'), patterned(300)], [ascii('!done')]];
    const stream = concatBytes(Uint8Array.of(0), ...sentences.map((s) => frameSentence(s)), Uint8Array.of(0, 0));
    sameSentences(new SentenceDecoder().push(stream), sentences);
    const wrong: number[] = [];
    for (let cut = 0; cut <= stream.length; cut++) if (!equalSentences(decodeSplit(stream, [cut]), sentences)) wrong.push(cut);
    expect(wrong).toEqual([]);
  });

  it('the manual examples: foo bar, /login, and =comment=łąć (15 bytes)', () => {
    expect(Buffer.from(frame('foo', 'bar')).toString('hex')).toBe('03666f6f0362617200');
    expect(Buffer.from(frame('/login')).toString('hex')).toBe('062f6c6f67696e00');
    expect(text(new SentenceDecoder().push(hex('0F 3D 63 6F 6D 6D 65 6E 74 3D C5 82 C4 85 C4 87 00'))[0]!)).toEqual([
      '=comment=łąć',
    ]);
  });

  it('returns words of a chunk as views of it, without copying', () => {
    const stream = frame('!re', '=name=ether1');
    const [s] = new SentenceDecoder().push(stream);
    expect(s![1]!.buffer).toBe(stream.buffer);
  });
});

describe('SentenceDecoder: callers that reuse their chunk buffer', () => {
  it('with reusedChunks, a word straddling reads survives the buffer being overwritten', () => {
    const words = [ascii('!re'), patterned(300), ascii('=x=y'), patterned(5000)];
    const stream = concatBytes(frameSentence(words), frame('!done'));
    for (const size of [1, 7, 64, 1000]) {
      const d = new SentenceDecoder({ reusedChunks: true });
      // A Node Buffer, like socket reads: its slice() is a view, which once hid a bug here.
      const buffer = Buffer.alloc(size);
      const got: Uint8Array[][] = [];
      let current: Uint8Array[] = [];
      const sink: WordSink = {
        // Words are only valid during the call: copy them, as a real consumer would format them.
        word: (b, s, e) => current.push(new Uint8Array(b.subarray(s, e))),
        end: () => {
          got.push(current);
          current = [];
        },
      };
      for (let i = 0; i < stream.length; i += size) {
        const n = Math.min(size, stream.length - i);
        buffer.set(stream.subarray(i, i + n));
        d.feed(buffer.subarray(0, n), sink);
        buffer.fill(0xee);
      }
      sameSentences(got, [words, [ascii('!done')]]);
    }
  });

  it('a straddling word is gathered into a copy of its own, so overwriting the chunks cannot touch it', () => {
    // It used to be kept as views of the chunks (issue 11 E: a byte-at-a-time word was one view per byte).
    const words = [patterned(300)];
    const stream = frameSentence(words);
    const d = new SentenceDecoder();
    const buffer = new Uint8Array(100);
    const got: Uint8Array[] = [];
    const sink: WordSink = { word: (b, s, e) => got.push(b.subarray(s, e)), end: () => undefined };
    for (let i = 0; i < stream.length; i += 100) {
      const n = Math.min(100, stream.length - i);
      buffer.set(stream.subarray(i, i + n));
      d.feed(buffer.subarray(0, n), sink);
      buffer.fill(0xee);
    }
    expect(got[0]!.buffer).not.toBe(buffer.buffer);
    expect(equalBytes(got[0]!, words[0]!)).toBe(true);
  });
});

describe('SentenceDecoder: limits and hostile input', () => {
  it('refuses a word above the cap from its prefix, before storing any of it', () => {
    const d = new SentenceDecoder({ maxWordBytes: 100 });
    const error = catchFraming(() => d.push(Uint8Array.from([1, 0x61, 0x80, 101])));
    expect(error.offset).toBe(2);
    expect(error.reason).toBe('word of 101 bytes exceeds the 100-byte limit');
  });

  it('refuses a sentence above the cap', () => {
    const d = new SentenceDecoder({ maxWordBytes: 100, maxSentenceBytes: 150 });
    const word = Uint8Array.from([80, ...new Uint8Array(80)]);
    const error = catchFraming(() => d.push(concatBytes(word, word)));
    expect(error.offset).toBe(81);
    expect(error.message).toMatch(/sentence of more than 150 bytes/);
  });

  it('a hostile 4 GiB prefix fails at once with the default limits', () => {
    const d = new SentenceDecoder();
    const error = catchFraming(() => d.push(hex('F0 FF FF FF FF 41 41 41')));
    expect(error.offset).toBe(0);
    expect(error.message).toContain('4294967295');
  });

  it('a hostile 4 GiB prefix allocates nothing up front even with no limit: at most twice what arrived', () => {
    const d = new SentenceDecoder({ maxWordBytes: Number.POSITIVE_INFINITY, maxSentenceBytes: Number.POSITIVE_INFINITY });
    const chunk = new Uint8Array(64 * 1024);
    globalThis.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    d.push(hex('F0 FF FF FF FF'));
    for (let i = 0; i < 16; i++) d.push(chunk);
    const grown = process.memoryUsage().arrayBuffers - before;
    // 1 MiB arrived: gathered in at most 2 MiB. A 4 GiB allocation would show (or crash).
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    expect(d.idle).toBe(false);
  });

  it('refuses a sentence of more words than the word limit, at the prefix of the first word too many', () => {
    // Issue 11 E: the byte limit alone let 30 million one-byte words through in one sentence.
    const d = new SentenceDecoder({ maxSentenceWords: 3 });
    expect(d.push(frame('!re', '=a=', '=b='))).toHaveLength(1);
    const error = catchFraming(() => d.push(frame('!re', '=a=', '=b=', '=c=')));
    expect(error.offset).toBe(frame('!re', '=a=', '=b=').length + 4 + 4 + 4);
    expect(error.reason).toBe('sentence of more than 3 words exceeds the limit');
    const byDefault = new SentenceDecoder();
    const words = new Uint8Array(2 * 65_537).fill(0x61);
    for (let i = 0; i < words.length; i += 2) words[i] = 1;
    expect(catchFraming(() => byDefault.push(words)).reason).toBe('sentence of more than 65536 words exceeds the limit');
  });

  it('reports the length prefixes that were longer than the shortest form, per sentence (property)', () => {
    // Issue 11 C: a trace must hold a sentence as received, whatever prefix form the router used.
    const word = fc.uint8Array({ minLength: 1, maxLength: 300 });
    const sentence = fc.array(fc.tuple(word, fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(sentence, fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (ss, rawCuts) => {
          const parts: Uint8Array[] = [];
          const expected: (number[] | undefined)[] = [];
          for (const [words, terminatorExtra] of ss) {
            const forms: number[] = [];
            words.forEach(([w, extra], i) => {
              const size = Math.min(5, lengthPrefixSize(w.length) + extra);
              if (size !== lengthPrefixSize(w.length)) forms.push(i, size);
              parts.push(prefixOfSize(w.length, size), w);
            });
            const tsize = 1 + terminatorExtra;
            if (tsize !== 1) forms.push(words.length, tsize);
            parts.push(prefixOfSize(0, tsize));
            expected.push(forms.length > 0 ? forms : undefined);
          }
          const bytes = concatBytes(...parts);
          const d = new SentenceDecoder();
          const got: (readonly number[] | undefined)[] = [];
          const sink: WordSink = { word: () => undefined, end: () => got.push(d.nonMinimalPrefixes) };
          let from = 0;
          const cuts = [...new Set(rawCuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b);
          for (const cut of [...cuts, bytes.length]) {
            d.feed(bytes.subarray(from, cut), sink);
            from = cut;
          }
          expect(got).toEqual(expected);
          expect(d.nonMinimalPrefixes).toBeUndefined();
          // Refused with rejectNonMinimal, as before.
          if (expected.some((e) => e !== undefined))
            expect(() => new SentenceDecoder({ rejectNonMinimal: true }).push(bytes)).toThrow(FramingError);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('stays failed: every later push throws the same error', () => {
    const d = new SentenceDecoder();
    const first = catchFraming(() => d.push(Uint8Array.of(0xff)));
    expect(catchFraming(() => d.push(frame('!done')))).toBe(first);
    expect(d.failed).toBe(first);
  });

  it('feed() delivers every sentence before the bad byte, then throws', () => {
    const d = new SentenceDecoder();
    const seen: string[] = [];
    let words: string[] = [];
    const sink: WordSink = {
      word: (b, s, e) => words.push(Buffer.from(b.subarray(s, e)).toString()),
      end: () => {
        seen.push(words.join(' '));
        words = [];
      },
    };
    const stream = concatBytes(frame('!re', '=a=1'), frame('!done'), Uint8Array.of(1, 0x61), Uint8Array.of(0xf8));
    const error = catchFraming(() => d.feed(stream, sink));
    expect(seen).toEqual(['!re =a=1', '!done']);
    expect(error.offset).toBe(stream.length - 1);
  });
});

describe('SentenceDecoder: properties (fast-check, seeded)', () => {
  const word = fc.oneof(
    { weight: 8, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }) },
    { weight: 2, arbitrary: fc.uint8Array({ minLength: 120, maxLength: 400 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0x3ff0, max: 0x4010 }).map(patterned) },
  );
  const sentences = fc.array(fc.array(word, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 });
  const cuts = (length: number): fc.Arbitrary<number[]> =>
    fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: 12 }).map((c) => c.sort((a, b) => a - b));

  it('encode → decode round trip, under any chunking', () => {
    fc.assert(
      fc.property(
        sentences.chain((ss) => {
          const stream = concatBytes(...ss.map((s) => frameSentence(s)));
          return fc.tuple(fc.constant(ss), fc.constant(stream), cuts(stream.length));
        }),
        ([ss, stream, c]) => {
          sameSentences(decodeSplit(stream, c), ss);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  /** Decodes a whole stream and reports sentences or the FramingError offset — nothing else may happen. */
  function outcome(stream: Uint8Array, c: readonly number[]): { sentences: string[]; error?: number } {
    const d = new SentenceDecoder({ maxWordBytes: 1000, maxSentenceBytes: 3000 });
    const got: string[] = [];
    try {
      for (const s of decodeSplit(stream, c, d)) {
        for (const w of s) expect(w.length).toBeLessThanOrEqual(1000);
        got.push(Buffer.from(frameSentence(s)).toString('hex'));
      }
      return { sentences: got };
    } catch (e) {
      if (!(e instanceof FramingError)) throw e;
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThan(stream.length);
      return { sentences: [], error: e.offset };
    }
  }

  it('random bytes decode or raise a FramingError, the same way under any chunking', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }).chain((b) => fc.tuple(fc.constant(b), cuts(b.length))),
        ([bytes, c]) => {
          expect(outcome(bytes, c)).toEqual(outcome(bytes, []));
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('mutated valid streams decode or raise a FramingError, the same way under any chunking', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), byte: fc.constant(0) }),
    );
    fc.assert(
      fc.property(
        sentences,
        fc.array(mutation, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (ss, ms, rawCuts) => {
          const bytes = [...concatBytes(...ss.map((s) => frameSentence(s)))];
          for (const m of ms) {
            const at = m.at % (bytes.length + 1);
            if (m.kind === 'set' && at < bytes.length) bytes[at] = m.byte;
            else if (m.kind === 'insert') bytes.splice(at, 0, m.byte);
            else if (m.kind === 'delete') bytes.splice(at, 1);
          }
          const stream = Uint8Array.from(bytes);
          const c = [...new Set(rawCuts.map((x) => x % (stream.length + 1)))].sort((a, b) => a - b);
          expect(outcome(stream, c)).toEqual(outcome(stream, []));
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  /**
   * Every event feed() produces — words, sentence ends, the FramingError's offset and reason — for
   * a stream cut at `cuts`. One-byte chunks never hold a whole word, so they take the general path
   * for every word: the reference for feed()'s fast path over whole chunks.
   */
  function events(
    stream: Uint8Array,
    cuts: readonly number[],
    limits: { maxWordBytes: number; maxSentenceBytes: number; maxSentenceWords?: number },
  ): string[] {
    const d = new SentenceDecoder(limits);
    const got: string[] = [];
    const sink: WordSink = {
      word: (b, s, e) => got.push(Buffer.from(b.subarray(s, e)).toString('hex')),
      end: () => got.push('end'),
    };
    let from = 0;
    try {
      for (const cut of [...cuts, stream.length]) {
        d.feed(stream.subarray(from, cut), sink);
        from = cut;
      }
    } catch (e) {
      if (!(e instanceof FramingError)) throw e;
      got.push(`error at ${e.offset}: ${e.reason}`);
    }
    return got;
  }

  it('the fast path for one-byte prefixes gives the events of the general path, limits and errors included', () => {
    const short = fc.oneof(
      { weight: 6, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 127 }) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 128, maxLength: 300 }) },
    );
    const sentence = fc.array(short, { maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(sentence, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        // Limits as small as the words, so that the fast path meets both often.
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 7 }),
        fc.option(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
        (ss, rawCuts, maxWordBytes, maxSentenceBytes, maxSentenceWords, corrupt) => {
          const bytes = concatBytes(...ss.map((s) => (s.length === 0 ? Uint8Array.of(0) : frameSentence(s))));
          if (corrupt && bytes.length > 0) bytes[corrupt[0] % bytes.length] = corrupt[1];
          const limits = { maxWordBytes, maxSentenceBytes, maxSentenceWords };
          const everyByte = Array.from({ length: Math.max(0, bytes.length - 1) }, (_, i) => i + 1);
          const cuts = [...new Set(rawCuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b);
          const reference = events(bytes, everyByte, limits);
          expect(events(bytes, [], limits)).toEqual(reference);
          expect(events(bytes, cuts, limits)).toEqual(reference);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('bytes 0xF1–0xFF where a prefix is expected always fail at that byte', () => {
    fc.assert(
      fc.property(sentences, fc.integer({ min: 0xf1, max: 0xff }), (ss, bad) => {
        const good = concatBytes(...ss.map((s) => frameSentence(s)));
        const d = new SentenceDecoder();
        const error = catchFraming(() => d.push(concatBytes(good, Uint8Array.of(bad, 1, 2, 3, 4, 5))));
        expect(error.offset).toBe(good.length);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
