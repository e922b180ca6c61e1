import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, parseArgs } from '../node/cli-args';
import { EscapeError, LineSplitter, LineWriter, RECEIVED_MARKER, SENT_MARKER, unescapeWord } from '../node/cli-text';
import { frameSentence, SentenceDecoder, utf8SequenceLength, type WordSink } from '../src/index';
import { concatBytes, hex } from './helpers';

const SEED = 20260804;

/** What the CLI prints for one received word. */
function shown(word: Uint8Array, capacity = 1 << 16): string {
  const out: Uint8Array[] = [];
  const w = new LineWriter((b) => void out.push(b), capacity);
  w.word(RECEIVED_MARKER, word, 0, word.length);
  w.flush();
  return Buffer.from(concatBytes(...out)).toString('latin1');
}

/** The escaped word alone (without `>>> ` and the newline), as bytes. */
function escapedBytes(word: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [];
  const w = new LineWriter((b) => void out.push(b));
  w.word(RECEIVED_MARKER, word, 0, word.length);
  w.flush();
  const all = concatBytes(...out);
  return all.subarray(4, all.length - 1);
}

describe('CLI output escapes (design.md §4)', () => {
  it('prints every single byte as itself, \\\\, \\n or \\xNN (lowercase)', () => {
    for (let b = 0; b < 256; b++) {
      const expected =
        b === 0x5c
          ? '\\\\'
          : b === 0x0a
            ? '\\n'
            : b < 0x20 || b === 0x7f || b >= 0x80
              ? `\\x${b.toString(16).padStart(2, '0')}`
              : String.fromCharCode(b);
      expect([b, shown(Uint8Array.of(b))]).toEqual([b, `>>> ${expected}\n`]);
    }
  });

  it('keeps valid UTF-8 as it is', () => {
    expect(Buffer.from(shown(Buffer.from('=comment=łąć ✓ 𝄞')), 'latin1').toString('utf8')).toBe('>>> =comment=łąć ✓ 𝄞\n');
  });

  it('escapes bytes that are not valid UTF-8, byte by byte', () => {
    // overlong, surrogate, above U+10FFFF, truncated at the end of the word, stray continuation
    expect(shown(hex('C0 AF'))).toBe('>>> \\xc0\\xaf\n');
    expect(shown(hex('ED A0 80'))).toBe('>>> \\xed\\xa0\\x80\n');
    expect(shown(hex('F4 90 80 80'))).toBe('>>> \\xf4\\x90\\x80\\x80\n');
    expect(shown(hex('41 E2 9C'))).toBe('>>> A\\xe2\\x9c\n');
    expect(shown(hex('80 41'))).toBe('>>> \\x80A\n');
    // windows-1252 "café": E9 followed by nothing that continues it
    expect(shown(hex('63 61 66 E9'))).toBe('>>> caf\\xe9\n');
  });

  it('escapes C1 control characters (U+0080–U+009F) like C0 ones', () => {
    expect(shown(hex('C2 85'))).toBe('>>> \\xc2\\x85\n');
    expect(shown(hex('C2 9F C2 A0'))).toBe(`>>> \\xc2\\x9f${Buffer.from([0xc2, 0xa0]).toString('latin1')}\n`);
  });

  it('writes sentence ends as the marker and one space', () => {
    const out: Uint8Array[] = [];
    const w = new LineWriter((b) => void out.push(b));
    w.sentence(SENT_MARKER, [Buffer.from('/interface/print')]);
    w.sentence(RECEIVED_MARKER, [Buffer.from('!done')]);
    w.flush();
    expect(Buffer.from(concatBytes(...out)).toString()).toBe('<<< /interface/print\n<<< \n>>> !done\n>>> \n');
  });

  it('flushes full buffers and gives a word larger than the buffer a buffer of its own', () => {
    const out: Uint8Array[] = [];
    const w = new LineWriter((b) => void out.push(b), 16);
    const big = new Uint8Array(100).fill(0x41);
    w.word(RECEIVED_MARKER, Buffer.from('!re'), 0, 3);
    w.word(RECEIVED_MARKER, big, 0, big.length);
    w.endOfSentence(RECEIVED_MARKER);
    expect(w.buffered).toBeGreaterThan(0);
    w.flush();
    expect(w.buffered).toBe(0);
    expect(out.length).toBeGreaterThan(1);
    expect(Buffer.from(concatBytes(...out)).toString()).toBe(`>>> !re\n>>> ${'A'.repeat(100)}\n>>> \n`);
  });

  it('reserve() flushes only when the room is not there, and grows the buffer for more than it holds', () => {
    const out: Uint8Array[] = [];
    const w = new LineWriter((b) => void out.push(new Uint8Array(b)), 32);
    w.word(RECEIVED_MARKER, Buffer.from('!re'), 0, 3);
    w.reserve(16);
    expect(out.length).toBe(0);
    w.reserve(64);
    expect(out.length).toBe(1);
    // Five output bytes per input byte at most: a chunk of one-byte words and sentence ends fits.
    const chunk = frameSentence([hex('00'), hex('5C'), hex('7F')]);
    w.reserve(chunk.length * 5);
    const flushed = out.length;
    new SentenceDecoder().feed(chunk, {
      word: (b, s, e) => w.word(RECEIVED_MARKER, b, s, e),
      end: () => w.endOfSentence(RECEIVED_MARKER),
    });
    expect(out.length).toBe(flushed);
    w.flush();
    expect(Buffer.from(concatBytes(...out)).toString('latin1')).toBe('>>> !re\n>>> \\x00\n>>> \\\\\n>>> \\x7f\n>>> \n');
  });

  it('output escaping and input unescaping round-trip any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (word) => {
        const escaped = escapedBytes(word);
        expect(escaped.includes(0x0a)).toBe(false);
        expect(Buffer.from(unescapeWord(escaped)).equals(Buffer.from(word))).toBe(true);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('CLI input escapes', () => {
  const un = (s: string): number[] => [...unescapeWord(Buffer.from(s, 'latin1'))];

  it('reads \\\\, \\n and \\xNN (either case); everything else byte for byte', () => {
    expect(un('a\\\\b')).toEqual([0x61, 0x5c, 0x62]);
    expect(un('a\\nb')).toEqual([0x61, 0x0a, 0x62]);
    expect(un('\\x00\\xff\\xAb')).toEqual([0, 0xff, 0xab]);
    expect(un('=comment=\xe9')).toEqual([...Buffer.from('=comment=', 'latin1'), 0xe9]);
    expect(un('plain')).toEqual([...Buffer.from('plain')]);
  });

  it('works on a range of a line', () => {
    expect([...unescapeWord(Buffer.from('xx\\x41yy'), 2, 6)]).toEqual([0x41]);
  });

  it.each([
    ['a\\q', 'unknown escape \\q (use \\\\, \\n or \\xNN) at column 2'],
    ['abc\\', 'backslash at the end of the line (write \\\\ for a backslash) at column 4'],
    ['\\x4', '\\x must be followed by two hex digits at column 1'],
    ['\\xg0', '\\x must be followed by two hex digits at column 1'],
    ['\\ ', 'unknown escape \\x20 (use \\\\, \\n or \\xNN) at column 1'],
  ])('refuses %j: %s', (input, message) => {
    expect(() => unescapeWord(Buffer.from(input))).toThrow(EscapeError);
    expect(() => unescapeWord(Buffer.from(input))).toThrow(message);
  });
});

describe('CLI input lines', () => {
  function lines(chunks: string[]): string[] {
    const out: string[] = [];
    const s = new LineSplitter((b, start, end) => out.push(Buffer.from(b.subarray(start, end)).toString()));
    for (const c of chunks) s.push(Buffer.from(c));
    s.end();
    return out;
  }

  it('splits on newlines across any chunking, drops a CR before LF, keeps a last line without LF', () => {
    const input = '/interface/print\r\n=.proplist=name\n\n/quit';
    const expected = ['/interface/print', '=.proplist=name', '', '/quit'];
    for (let cut = 0; cut <= input.length; cut++) expect(lines([input.slice(0, cut), input.slice(cut)])).toEqual(expected);
    expect(lines(input.split(''))).toEqual(expected);
  });

  it('refuses a line longer than its limit', () => {
    const s = new LineSplitter(() => undefined, 10);
    expect(() => s.push(Buffer.from('x'.repeat(11)))).toThrow('an input line is longer than 10 bytes');
  });
});

describe('CLI arguments (design.md §4)', () => {
  const ok = (argv: string[]) => {
    const r = parseArgs(argv);
    if (r.help) throw new Error('unexpected help');
    return r.options;
  };

  it('HOST USER [PASSWORD] with the default ports', () => {
    expect(ok(['10.0.0.1', 'admin'])).toEqual({
      host: '10.0.0.1',
      user: 'admin',
      password: '',
      port: 8728,
      tls: undefined,
      timeoutMs: undefined,
    });
    expect(ok(['r', 'admin', "''"]).password).toBe("''");
    expect(ok(['r', 'admin', 'pw', '--tls']).port).toBe(8729);
    expect(ok(['r', 'admin', '--tls-anon']).port).toBe(8729);
    expect(ok(['r', 'admin', '--tls-anon']).tls).toEqual({ mode: 'anonymous' });
    expect(ok(['r', 'admin', '--tls']).tls).toEqual({ mode: 'verify' });
  });

  it('options anywhere, --name=value, -- before a password that starts with -', () => {
    expect(ok(['--port', '1234', 'r', 'u', '--timeout=2.5'])).toMatchObject({
      host: 'r',
      user: 'u',
      port: 1234,
      timeoutMs: 2500,
    });
    expect(ok(['r', 'u', '--tls', '--port=9000']).port).toBe(9000);
    expect(ok(['r', 'u', '--', '-secret']).password).toBe('-secret');
  });

  it('--fingerprint pins a certificate and implies --tls', () => {
    const fp = 'ab:'.repeat(31) + 'ab';
    expect(ok(['r', 'u', '--fingerprint', fp]).tls).toEqual({ mode: 'pinned', fingerprint256: fp });
    expect(ok(['r', 'u', '--fingerprint', fp]).port).toBe(8729);
  });

  it('--help', () => {
    expect(parseArgs(['--help'])).toEqual({ help: true });
    expect(parseArgs(['r', '-h'])).toEqual({ help: true });
  });

  it.each([
    [[], 'HOST and USER are required'],
    [['r'], 'USER is required'],
    [['r', 'u', 'p', 'extra'], 'unexpected argument "extra" (HOST USER [PASSWORD] only)'],
    [['r', 'u', '--port'], '--port needs a value'],
    [['r', 'u', '--port', '0'], '--port must be a number from 1 to 65535, not "0"'],
    [['r', 'u', '--port', '70000'], '--port must be a number from 1 to 65535, not "70000"'],
    [['r', 'u', '--port', 'x'], '--port must be a number from 1 to 65535, not "x"'],
    [['r', 'u', '--timeout', '0'], '--timeout must be a positive number of seconds, not "0"'],
    [['r', 'u', '--timeout', '-1'], '--timeout must be a positive number of seconds, not "-1"'],
    [['r', 'u', '--timeout', 'soon'], '--timeout must be a positive number of seconds, not "soon"'],
    [['r', 'u', '--tls', '--tls-anon'], '--tls-anon cannot be combined with --tls or --fingerprint'],
    [['r', 'u', '--tls=yes'], '--tls takes no value'],
    [
      ['r', 'u', '--fingerprint', 'abc'],
      '--fingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed), not "abc"',
    ],
    [['r', 'u', '--verbose'], 'unknown option --verbose'],
    [['', 'u'], 'HOST is empty'],
    [['r', ''], 'USER is empty'],
  ])('%j → %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(ArgumentError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

/**
 * The output rules of design.md §4 spelled out byte by byte, with no fast path: what LineWriter's
 * four-bytes-at-a-time loop must reproduce exactly.
 */
function referenceLine(marker: number, word: Uint8Array): number[] {
  const out = [marker, marker, marker, 0x20];
  const hexByte = (b: number): void => void out.push(0x5c, 0x78, ...Buffer.from(b.toString(16).padStart(2, '0')));
  let i = 0;
  while (i < word.length) {
    const b = word[i]!;
    if (b === 0x5c) out.push(0x5c, 0x5c);
    else if (b === 0x0a) out.push(0x5c, 0x6e);
    else if (b >= 0x20 && b < 0x7f) out.push(b);
    else if (b < 0x80) hexByte(b);
    else {
      const n = utf8SequenceLength(word, i, word.length);
      if (n === 0 || (b === 0xc2 && word[i + 1]! < 0xa0)) hexByte(b);
      else {
        out.push(...word.subarray(i, i + n));
        i += n;
        continue;
      }
    }
    i++;
  }
  out.push(0x0a);
  return out;
}

describe('CLI output: the four-bytes-at-a-time loop against the byte-by-byte rules', () => {
  // Mostly printable ASCII (the fast loop's case), with escapes, UTF-8 (valid, C1, broken) mixed in.
  const piece = fc.oneof(
    { weight: 6, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12, min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.constantFrom(...['\\', '\n', '\x7f', '\x00', '\x1f', 'ł', '✓', '𝄞'].map((s) => Buffer.from(s))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(hex('C2 85'), hex('C2 A0'), hex('E2 9C'), hex('ED A0 80'), hex('F4 90 80 80'), hex('C0 AF')),
    },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 6 }) },
  );
  const word = fc.array(piece, { minLength: 1, maxLength: 8 }).map((ps) => concatBytes(...ps));

  it('gives the same bytes for any word at any offset of any array, whatever follows it', () => {
    fc.assert(
      fc.property(
        word,
        fc.uint8Array({ maxLength: 5 }),
        fc.uint8Array({ maxLength: 5 }),
        fc.boolean(),
        fc.integer({ min: 8, max: 64 }),
        (w, before, after, asBuffer, capacity) => {
          // The word sits between other bytes, so reads that run past its end see arbitrary ones,
          // and at the very end of the array (after = []) no read may run past the array.
          const all = concatBytes(before, w, after);
          const bytes = asBuffer ? Buffer.from(all) : all;
          const out: Uint8Array[] = [];
          const writer = new LineWriter((b) => void out.push(new Uint8Array(b)), capacity);
          writer.word(RECEIVED_MARKER, bytes, before.length, before.length + w.length);
          writer.word(SENT_MARKER, bytes, before.length, before.length + w.length);
          writer.flush();
          expect([...concatBytes(...out)]).toEqual([...referenceLine(RECEIVED_MARKER, w), ...referenceLine(SENT_MARKER, w)]);
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('gives the same transcript for a decoded reply under any chunking (decoder fast path included)', () => {
    const sentence = fc.array(
      fc.oneof({ weight: 5, arbitrary: word }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 120, maxLength: 300 }) }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(
        fc.array(sentence, { minLength: 1, maxLength: 6 }).chain((ss) => {
          const stream = concatBytes(...ss.map((s) => frameSentence(s)));
          const cuts = fc.uniqueArray(fc.integer({ min: 0, max: stream.length }), { maxLength: 10 });
          return fc.tuple(
            fc.constant(ss),
            fc.constant(stream),
            cuts.map((c) => c.sort((a, b) => a - b)),
          );
        }),
        fc.integer({ min: 16, max: 4096 }),
        fc.boolean(),
        ([ss, stream, cuts], capacity, reservePerChunk) => {
          const out: Uint8Array[] = [];
          const writer = new LineWriter((b) => void out.push(new Uint8Array(b)), capacity);
          // As in the CLI: every chunk is read into the same reused buffer.
          const decoder = new SentenceDecoder({ reusedChunks: true });
          const readBuffer = new Uint8Array(stream.length);
          const sink: WordSink = {
            word: (b, s, e) => writer.word(RECEIVED_MARKER, b, s, e),
            end: () => writer.endOfSentence(RECEIVED_MARKER),
          };
          let from = 0;
          for (const cut of [...cuts, stream.length]) {
            readBuffer.set(stream.subarray(from, cut));
            // As in the CLI, optionally: room for the chunk's worst-case output made up front.
            if (reservePerChunk) writer.reserve((cut - from) * 5);
            decoder.feed(readBuffer.subarray(0, cut - from), sink);
            readBuffer.fill(0xee);
            from = cut;
          }
          writer.flush();
          const expected = ss.flatMap((s) => [...s.flatMap((w) => referenceLine(RECEIVED_MARKER, w)), ...Buffer.from('>>> \n')]);
          expect([...concatBytes(...out)]).toEqual(expected);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});
