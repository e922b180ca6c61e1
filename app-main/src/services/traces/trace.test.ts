import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeUtf8, frameSentence, Reply, Session, type Transport } from '../../../../protocol/src/index';
import { buildPcapng, internetChecksum } from './pcapng';
import { rangesHoldSecret, REDACTED, redactTextWords, redactWords, SecretScanner } from './redact';
import { ENTRY_OVERHEAD_BYTES, TraceBuffer, WINDOW_ENTRY_TEXT_BYTES } from './trace';
import { escapeWord, exportTrace, loadImported, parseJsonlTrace, traceToJsonl, traceToPcapng, traceToText } from './trace-export';
import { tempDir } from '../test-support/helpers';

const enc = (words: string[]): Uint8Array[] => words.map((w) => encodeUtf8(w));
const dec = (words: readonly Uint8Array[]): string[] => words.map((w) => Buffer.from(w).toString('utf8'));
const TSHARK = '/usr/bin/tshark';

/**
 * Sentences framed back to back in one chunk, as the session receives them, with each sentence's
 * word ranges (Reply `offsets`); `cut` bytes are taken off the end (a terminator still to come).
 */
function framedChunk(sentences: string[][], cut = 0): { bytes: Uint8Array; ranges: number[][] } {
  const framed = Buffer.concat(sentences.map((w) => frameSentence(enc(w))));
  const bytes = new Uint8Array(framed.subarray(0, framed.length - cut));
  const ranges: number[][] = [];
  let i = 0;
  for (const words of sentences) {
    const offsets: number[] = [];
    for (const w of enc(words)) {
      const size = w.length < 0x80 ? 1 : 2;
      offsets.push(i + size, i + size + w.length);
      i += size + w.length;
    }
    i += 1;
    ranges.push(offsets);
  }
  return { bytes, ranges };
}

const meta = {
  name: 'Lab router',
  host: '10.0.0.1',
  port: 8728,
  transport: 'plain',
  appVersion: '9.9.9',
  exportedAt: '2026-01-01T00:00:00.000Z',
};

function sample(): TraceBuffer {
  const t = new TraceBuffer('c1', 1024 * 1024);
  t.session = 1;
  let time = 1_767_225_600_000.25;
  const rec = (d: 'in' | 'out', words: string[], _tag?: string) => t.recordWords(d, enc(words), (time += 1.5));
  rec('out', ['/login', '=name=admin', '=password=hunter2']);
  rec('in', ['!done']);
  rec('out', ['/interface/print', '.tag=t1'], 't1');
  rec('in', ['!re', '=.id=*1', '=name=ether1', '.tag=t1'], 't1');
  rec('in', ['!re', '=.id=*2', '=name=wlan-ö', '=comment=a\\b\nc', '.tag=t1'], 't1');
  rec('in', ['!done', '.tag=t1'], 't1');
  return t;
}

describe('redaction at capture', () => {
  const out = (...w: string[]) => redactWords(enc(w), 'out');
  it('hides /login passwords and challenge responses', () => {
    expect(dec(out('/login', '=name=admin', '=password=hunter2')!)).toEqual(['/login', '=name=admin', `=password=${REDACTED}`]);
    expect(dec(out('/login', '=name=admin', '=response=00c7fd865183a43a772dde231f6d0bff13')!)).toEqual([
      '/login',
      '=name=admin',
      `=response=${REDACTED}`,
    ]);
  });
  it('hides secret-looking properties in any command, query or reply', () => {
    expect(dec(out('/user/set', '=.id=*1', '=password=x1')!)).toEqual(['/user/set', '=.id=*1', `=password=${REDACTED}`]);
    expect(dec(out('/interface/wireless/security-profiles/add', '=wpa2-pre-shared-key=abcdefgh')!)[1]).toBe(
      `=wpa2-pre-shared-key=${REDACTED}`,
    );
    expect(dec(out('/interface/wireguard/add', '=private-key=AAAA')!)[1]).toBe(`=private-key=${REDACTED}`);
    expect(dec(out('/ppp/secret/print', '?password=guess')!)[1]).toBe(`?password=${REDACTED}`);
    expect(dec(out('/radius/add', '=secret=s3')!)[1]).toBe(`=secret=${REDACTED}`);
    expect(dec(redactWords(enc(['!re', '=name=bob', '=password=clear']), 'in')!)).toEqual([
      '!re',
      '=name=bob',
      `=password=${REDACTED}`,
    ]);
  });
  it('leaves everything else alone (no copy when nothing is secret)', () => {
    expect(out('/ip/firewall/mangle/add', '=passthrough=yes', '=action=mark-connection')).toBeUndefined();
    expect(out('/interface/print', '=.proplist=name,password')).toBeUndefined();
    expect(out('/user/set', '=password=')).toBeUndefined(); // empty value reveals nothing
    expect(out('/system/identity/set', '=name=response')).toBeUndefined();
    // `=response=` is secret only in /login.
    expect(out('/tool/fetch', '=response=x')).toBeUndefined();
  });
  it('text words follow the same rules', () => {
    expect(redactTextWords(['/login', '=name=a', '=password=p'], 'out')).toEqual(['/login', '=name=a', `=password=${REDACTED}`]);
    expect(redactTextWords(['/user/add', '=name=a', '=password=p', '=group=full'], 'out')).toEqual([
      '/user/add',
      '=name=a',
      `=password=${REDACTED}`,
      '=group=full',
    ]);
  });
  it('a property is secret exactly when its name holds one of the patterns, in any case (property)', () => {
    const SECRET = /password|passphrase|psk|private-key|secret|shared-key/i;
    const fragment = fc.constantFrom(
      'pass',
      'word',
      'phrase',
      'psk',
      'ps',
      'pr',
      'private',
      '-key',
      'secret',
      'sec',
      'shared',
      'sh',
      'p',
      's',
      'src-',
      'address',
      'repl-packets',
      'protocol',
      'PASSWORD',
      'Psk',
      'SeCrEt',
      'x',
      '-',
    );
    const name = fc
      .array(fragment, { minLength: 1, maxLength: 5 })
      .map((parts) => parts.join(''))
      .filter((n) => !/^\d/.test(n));
    fc.assert(
      fc.property(name, fc.constantFrom('=', '?', '?=', '?<', '?>'), (n, lead) => {
        const r = redactWords(enc(['!re', `${lead}${n}=value`]), 'in');
        expect(r !== undefined).toBe(SECRET.test(n));
      }),
      { seed: 7, numRuns: 3000 },
    );
  });
  it("a recorder's remembering scanner answers exactly as the full scan, whatever it saw before (property)", () => {
    // Names that share their first bytes, lengths and positions with secret ones, so that a
    // remembered harmless name is offered where a secret one now stands, and the other way round.
    const names = [
      'pass-through',
      // Same length as a secret name, differing only at the end or only in the middle.
      'passwore',
      'shaxxx-key',
      'passphrase',
      'password',
      'pass',
      'passive',
      'psk',
      'psk-x',
      'PSK',
      'secondary',
      'secret',
      'Secret',
      'shared',
      'shared-key',
      'private',
      'private-key',
      'priority',
      'rx-byte',
      'rx-packet',
      'name',
      '.id',
      'mtu',
      'ab',
      'comment',
      'mac-address',
      'x'.repeat(59),
      'x'.repeat(58) + 'psk',
      'y'.repeat(70),
      'wpa2-pre-shared-key',
      'authentication-password',
    ];
    const word = fc.tuple(
      fc.constantFrom('=', '=', '=', '=', '?', '?=', '?<', '.'),
      fc.constantFrom(...names),
      fc.constantFrom('', '1', 'clear', 'a=b', 'longer value here'),
    );
    const sentence = fc.array(word, { minLength: 0, maxLength: 8 });
    // Rows as a print sends them: a few shapes repeated with new values, now and then one word
    // swapped for another (a look-alike name, a secret, another lead) in the same place.
    const rows = fc
      .tuple(
        fc.array(sentence, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '1', 'clear', 'x=y'), fc.option(fc.tuple(fc.nat(), word), { freq: 3 })), {
          minLength: 1,
          maxLength: 30,
        }),
      )
      .map(([shapes, picks]) =>
        picks.map(([k, value, swap]) => {
          const ws = shapes[k % shapes.length]!.map(([lead, n]) => [lead, n, value] as [string, string, string]);
          if (swap && ws.length > 0) ws[swap[0] % ws.length] = swap[1];
          return ws;
        }),
      );
    fc.assert(
      fc.property(fc.oneof(fc.array(sentence, { minLength: 1, maxLength: 30 }), rows), (sentences) => {
        const wordLists = sentences.map((ws) => [
          '!re',
          ...ws.map(([lead, n, v]) => (lead === '.' ? `.tag=${v}` : `${lead}${n}=${v}`)),
        ]);
        const { bytes, ranges } = framedChunk(wordLists);
        const scanner = new SecretScanner();
        wordLists.forEach((words, k) => {
          const truth = redactWords(enc(words), 'in') !== undefined;
          expect(rangesHoldSecret(bytes, ranges[k]!)).toBe(truth);
          expect(scanner.holdsSecret(bytes, ranges[k]!)).toBe(truth);
        });
      }),
      { seed: 11, numRuns: 2000 },
    );
  });
  it('a remembered row never hides a secret that differs from it in one place only', () => {
    // Each pair: a harmless name, then a secret one of the same length in the same word, differing
    // at its start, its middle or its end — after the harmless row was seen often enough to be
    // remembered (both the per-name table and the whole-row template).
    const pairs = [
      ['passwore', 'password'],
      ['shaxxx-key', 'shared-key'],
      ['xassword', 'password'],
      ['wpa2-pre-xhared-key', 'wpa2-pre-shared-key'],
    ];
    for (const [harmless, secret] of pairs) {
      const rows = [
        ...Array.from({ length: 3 }, (_, k) => ['!re', `=.id=*${k}`, `=${harmless!}=v${k}`, '.tag=t1']),
        ['!re', '=.id=*9', `=${secret!}=hunter2`, '.tag=t1'],
      ];
      const { bytes, ranges } = framedChunk(rows);
      const scanner = new SecretScanner();
      const answers = ranges.map((offsets) => scanner.holdsSecret(bytes, offsets));
      expect(answers, `${harmless} then ${secret}`).toEqual([false, false, false, true]);
    }
  });
  it('no password survives redaction (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('password', 'new-password', 'secret', 'wpa-pre-shared-key', 'private-key'),
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000')),
        (key, value) => {
          const r = redactWords(enc(['/x/set', `=${key}=${value}`]), 'out');
          expect(r && dec(r)[1]).toBe(`=${key}=${REDACTED}`);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('TraceBuffer', () => {
  it('records redacted sentences with seq, tag, time and wire bytes', () => {
    const t = sample();
    const snap = t.snapshot();
    expect(snap.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(snap.entries[0]!.words).toEqual(['/login', '=name=admin', `=password=${REDACTED}`]);
    expect(snap.entries[3]).toMatchObject({ direction: 'in', tag: 't1', words: ['!re', '=.id=*1', '=name=ether1', '.tag=t1'] });
    // bytes = prefixes + words + terminator: 3 + 1+6 + 1+7 + 1+8 + 1
    expect(snap.entries[1]!.bytes).toBe(1 + 5 + 1);
    expect(snap.entries[0]!.time % 1).not.toBe(0); // sub-millisecond resolution kept
  });

  it('records a received sentence straight from its chunk (Reply ranges), byte for byte; secrets still redacted', () => {
    /** Sentences framed back to back in one chunk, as the session hands them out. */
    const chunk = (sentences: string[][], cut = 0) => {
      const { bytes, ranges } = framedChunk(sentences, cut);
      return ranges.map((offsets) => Reply.fromRanges(bytes, offsets));
    };
    const long = 'x'.repeat(300); // a two-byte prefix
    const sentences = [
      ['!re', '=.id=*1', `=comment=${long}`, '.tag=t1'],
      ['!re', '=name=bob', '=password=clear', '.tag=t1'],
      ['!done', '.tag=t1'],
    ];
    const t = new TraceBuffer('c1', 1 << 20);
    const viaWords = vi.spyOn(t, 'recordWords');
    // The last sentence's terminator is cut off this chunk (it came in the next one).
    for (const r of chunk(sentences, 1)) t.recordReply(r, 5);
    // Only the secret one and the cut one needed their words; the first was copied from the chunk.
    expect(viaWords).toHaveBeenCalledTimes(2);
    const frames = [...t.iterate(0)].map((v) => Buffer.from(v.frame));
    expect(frames[0]).toEqual(Buffer.from(frameSentence(enc(sentences[0]!))));
    expect(frames[2]).toEqual(Buffer.from(frameSentence(enc(sentences[2]!))));
    expect(t.snapshot().entries[1]!.words).toEqual(['!re', '=name=bob', `=password=${REDACTED}`, '.tag=t1']);
    expect(t.snapshot().entries.map((e) => [e.direction, e.tag])).toEqual([
      ['in', 't1'],
      ['in', 't1'],
      ['in', 't1'],
    ]);
  });

  it('keeps within its byte cap, dropping and counting the oldest entries', () => {
    const cap = 4096;
    const t = new TraceBuffer('c1', cap);
    for (let i = 0; i < 1000; i++) t.recordWords('in', enc(['!re', `=.id=*${i}`, `=name=interface-${i}`]), i);
    expect(t.heldBytes).toBeLessThanOrEqual(cap);
    expect(t.dropped + t.size).toBe(1000);
    expect(t.dropped).toBeGreaterThan(900);
    const snap = t.snapshot();
    expect(snap.entries.at(-1)!.words[1]).toBe('=.id=*999');
    expect(snap.entries[0]!.seq).toBe(t.dropped + 1);
    expect(snap.heldBytes).toBe(snap.entries.reduce((n, e) => n + e.bytes + ENTRY_OVERHEAD_BYTES, 0));
    // Dropped in batches down to 1/64 below the cap, less one entry at most.
    expect(snap.heldBytes).toBeGreaterThan(cap - cap / 64 - 100);
  });

  it('recycles its slabs under churn: bounded memory, and every entry held reads back exactly', () => {
    const cap = 64 * 1024; // slabs of 16 KiB
    const t = new TraceBuffer('c1', cap);
    const recorded = new Map<number, string[]>();
    let state = 7;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let round = 0; round < 400; round++) {
      // A chunk of received rows (ranges, copied in one run), then now and then a sent sentence.
      const rows = Array.from({ length: 1 + Math.floor(random() * 40) }, (_, k) => [
        '!re',
        `=.id=*${round}-${k}`,
        `=comment=${'c'.repeat(Math.floor(random() * 300))}`,
        '.tag=t1',
      ]);
      const { bytes, ranges } = framedChunk(rows);
      rows.forEach((words, k) => recorded.set(t.recordReply(Reply.fromRanges(bytes, ranges[k]!), round), words));
      if (random() < 0.3) recorded.set(t.recordWords('out', enc(['/x', `=n=${round}`]), round), ['/x', `=n=${round}`]);
      expect((t as unknown as { slabs: unknown[] }).slabs.length).toBeLessThanOrEqual(cap / (16 * 1024) + 2);
      if (round % 50 === 49) {
        const held = t.snapshot(0, 1_000_000).entries;
        expect(held.length).toBe(t.size);
        for (const e of held) expect(e.words).toEqual(recorded.get(e.seq));
      }
    }
    expect(t.dropped).toBeGreaterThan(1000);
    expect(t.heldBytes).toBeLessThanOrEqual(cap);
  });

  it('grows its columns and keeps order across wrap-around', () => {
    const t = new TraceBuffer('c1', 64 * 1024);
    for (let i = 0; i < 5000; i++)
      t.recordWords(i % 2 ? 'in' : 'out', enc([i % 2 ? '!re' : '/x', `=n=${i}`, `.tag=${i % 7}`]), i);
    const snap = t.snapshot(0, 100_000);
    expect(snap.entries.length).toBe(t.size);
    expect(snap.entries.every((e, k) => k === 0 || e.seq === snap.entries[k - 1]!.seq + 1)).toBe(true);
    const last = snap.entries.at(-1)!;
    expect(last).toMatchObject({ seq: 5000, direction: 'in', words: ['!re', '=n=4999', '.tag=1'], tag: '1', time: 4999 });
    expect(t.get(last.seq)?.frame.length).toBe(last.bytes);
    expect(t.get(1)).toBeUndefined();
  });

  it('records received words straight from the socket buffer, and only when they are exactly that', () => {
    const wire = Buffer.concat([
      Buffer.from([9, 9]),
      Buffer.from(frameSentence(enc(['!re', '=name=a', '.tag=7']))),
      Buffer.from([5]),
    ]);
    // Views as the decoder makes them: back to back after their prefixes.
    const words = [wire.subarray(3, 6), wire.subarray(7, 14), wire.subarray(15, 21)];
    const t = new TraceBuffer('c', 1 << 20);
    t.recordWords('in', words, 1);
    expect(Buffer.from(t.get(1)!.frame)).toEqual(Buffer.from(frameSentence(enc(['!re', '=name=a', '.tag=7']))));
    // Same buffer, same total length, but not contiguous: the words are re-framed instead.
    const gap = Buffer.from([3, 0x21, 0x72, 0x65, 0xff, 7, ...Buffer.from('=name=a'), 6, ...Buffer.from('.tag=7'), 0]);
    const odd = [gap.subarray(1, 4), gap.subarray(6, 13), gap.subarray(14, 20)];
    t.recordWords('in', odd, 2);
    expect(t.toEntry(t.get(2)!).words).toEqual(['!re', '=name=a', '.tag=7']);
    expect(Buffer.from(t.get(2)!.frame)).toEqual(Buffer.from(frameSentence(enc(['!re', '=name=a', '.tag=7']))));
    // A secret in a received sentence is never copied from the wire.
    const secret = Buffer.from(frameSentence(enc(['!re', '=password=s3cr3t'])));
    t.recordWords('in', [secret.subarray(1, 4), secret.subarray(5, 21)], 3);
    expect(t.toEntry(t.get(3)!).words).toEqual(['!re', `=password=${REDACTED}`]);
  });

  it('gives the window at most 256 KiB of text per entry; exports keep every byte', () => {
    // Issue 11 E: a 64 MiB reply is one entry, and was one trace:entries frame of all of it.
    const t = new TraceBuffer('c1', 1 << 20);
    const big = `=contents=${'é'.repeat(200_000)}`; // 400,010 bytes of UTF-8
    t.recordWords('in', enc(['!re', big, '=after=1', '.tag=t9']), 1);
    t.recordWords('in', enc(['!done', '.tag=t9']), 2);
    const [entry, done] = t.snapshot().entries;
    expect(entry!.truncated).toBe(true);
    expect(entry!.tag).toBe('t9');
    expect(entry!.words).toHaveLength(4);
    expect(entry!.words[1]).toBe(big.slice(0, 10 + (WINDOW_ENTRY_TEXT_BYTES - 3 - 10) / 2)); // cut between characters
    expect(entry!.words.slice(2)).toEqual(['', '']);
    expect(entry!.bytes).toBe(t.get(1)!.frame.length);
    expect(done!.truncated).toBeUndefined();
    expect(parseJsonlTrace('x.jsonl', traceToJsonl(t, meta)).entries[0]!.words).toEqual(['!re', big, '=after=1', '.tag=t9']);
  });

  it('pages with sinceSeq and limit', () => {
    const t = sample();
    expect(t.snapshot(4).entries.map((e) => e.seq)).toEqual([5, 6]);
    expect(t.snapshot(0, 2).entries.map((e) => e.seq)).toEqual([5, 6]);
    t.clear();
    t.recordWords('out', enc(['/quit']), 1);
    expect(t.snapshot().entries.map((e) => e.seq)).toEqual([7]); // monotonic across clear
  });
});

/**
 * Received sentences whose length prefixes are not in their shortest form (every peer decoder
 * accepts `80 05` for 5, protocol.md §2 "Minimal form"). The trace must hold them as they came.
 */
describe('received sentences are recorded as they were on the wire, whatever the prefix form', () => {
  const cat = (...parts: (number[] | string)[]): Uint8Array =>
    Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
  const long = `!${'y'.repeat(199)}`; // 200 bytes: minimal prefix 80 C8
  const wire = [
    // Issue 11 C: a two-byte prefix for the three-byte reply word.
    cat([0x80, 0x03], '!re', [0x0c], '=name=ether1', [0x07], '.tag=t1', [0x00]),
    // Issue 11 C: a three-byte prefix for a 200-byte first word (recorded with no words before).
    cat([0xc0, 0x00, 0xc8], long, [0x07], '.tag=t1', [0x00]),
    // Minimal first word; a four-byte prefix in the middle; a two-byte terminating zero.
    cat([0x03], '!re', [0xe0, 0x00, 0x00, 0x0c], '=name=ether2', [0x07], '.tag=t1', [0x80, 0x00]),
    // The five-byte form, then an ordinary sentence after all of them.
    cat([0xf0, 0x00, 0x00, 0x00, 0x05], '!done', [0x07], '.tag=t1', [0x00]),
    cat([0x03], '!re', [0x0c], '=name=ether3', [0x00]),
  ];
  const words = [
    ['!re', '=name=ether1', '.tag=t1'],
    [long, '.tag=t1'],
    ['!re', '=name=ether2', '.tag=t1'],
    ['!done', '.tag=t1'],
    ['!re', '=name=ether3'],
  ];
  const stream = Buffer.concat(wire);

  /** A session fed `chunks`, recording what it receives as the link does (onReceived → recordReply). */
  function record(chunks: Uint8Array[]): TraceBuffer {
    const trace = new TraceBuffer('c1', 1 << 20);
    let deliver: (chunk: Uint8Array) => void = () => undefined;
    const transport: Transport = {
      write: () => Promise.resolve(),
      onData: (l) => ((deliver = l), () => undefined),
      onClose: () => () => undefined,
      close: () => undefined,
    };
    const session = new Session(transport, { onReceived: (r, t) => trace.recordReply(r, t), now: () => 1 });
    for (const c of chunks) deliver(c);
    expect(session.closed).toBeUndefined();
    return trace;
  }
  const frames = (t: TraceBuffer) => [...t.iterate(0)].map((v) => Buffer.from(v.frame));

  it('one chunk: every frame is the bytes received, and its words read back', () => {
    const t = record([new Uint8Array(stream)]);
    expect(frames(t)).toEqual(wire.map((w) => Buffer.from(w)));
    expect(t.snapshot().entries.map((e) => e.words)).toEqual(words);
    expect(t.snapshot().entries.map((e) => e.bytes)).toEqual(wire.map((w) => w.length));
  });

  it('cut into two chunks at every offset, and one byte per chunk', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const t = record([new Uint8Array(stream.subarray(0, cut)), new Uint8Array(stream.subarray(cut))]);
      expect(frames(t), `cut at ${cut}`).toEqual(wire.map((w) => Buffer.from(w)));
    }
    const t = record([...stream].map((b) => Uint8Array.of(b)));
    expect(frames(t)).toEqual(wire.map((w) => Buffer.from(w)));
  });

  it('the JSON Lines export imports again, and pcapng carries the bytes received', () => {
    const t = record([new Uint8Array(stream)]);
    const parsed = parseJsonlTrace('x.jsonl', traceToJsonl(t, meta));
    expect(parsed.entries.map((e) => e.words)).toEqual(words);
    const pcap = Buffer.from(traceToPcapng(t, meta));
    for (const w of wire) expect(pcap.indexOf(Buffer.from(w)), Buffer.from(w).toString('hex')).toBeGreaterThan(0);
  });

  it('a redacted word is framed anew; the words around it keep the prefixes they came with', () => {
    const secret = cat([0x80, 0x03], '!re', [0x80, 0x0f], '=password=clear', [0xc0, 0x00, 0x07], '.tag=t1', [0x00]);
    const t = record([secret]);
    const redacted = `=password=${REDACTED}`;
    expect(frames(t)).toEqual([
      Buffer.from(cat([0x80, 0x03], '!re', [redacted.length], redacted, [0xc0, 0x00, 0x07], '.tag=t1', [0x00])),
    ]);
  });
});

describe('text export', () => {
  it('writes exactly the CLI format of design.md §4', () => {
    const text = traceToText(sample());
    expect(text).toBe(
      [
        '<<< /login',
        '<<< =name=admin',
        '<<< =password=********',
        '<<< ',
        '>>> !done',
        '>>> ',
        '<<< /interface/print',
        '<<< .tag=t1',
        '<<< ',
        '>>> !re',
        '>>> =.id=*1',
        '>>> =name=ether1',
        '>>> .tag=t1',
        '>>> ',
        '>>> !re',
        '>>> =.id=*2',
        '>>> =name=wlan-ö',
        '>>> =comment=a\\\\b\\nc',
        '>>> .tag=t1',
        '>>> ',
        '>>> !done',
        '>>> .tag=t1',
        '>>> ',
        '',
      ].join('\n'),
    );
  });

  it('escapes control characters and bytes that are not UTF-8', () => {
    expect(escapeWord(Uint8Array.from([0x3d, 0x61, 0x01, 0x7f, 0xff, 0xc3, 0xb6, 0x5c]))).toBe('=a\\x01\\x7f\\xffö\\\\');
  });
});

describe('JSON Lines export and import', () => {
  it('round-trips: export, import, same words, tags and times', () => {
    const t = sample();
    const jsonl = traceToJsonl(t, meta);
    const lines = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      format: 'tikscope-trace',
      version: 1,
      connectionId: 'c1',
      connection: { name: 'Lab router', port: 8728 },
    });
    expect(lines).toHaveLength(7);
    const parsed = parseJsonlTrace('x.jsonl', jsonl);
    const original = t.snapshot().entries;
    expect(parsed.entries.map((e) => [e.seq, e.direction, e.tag, e.words, e.time])).toEqual(
      original.map((e) => [e.seq, e.direction, e.tag, e.words, e.time]),
    );
    const back = new TraceBuffer('import:1', 1024 * 1024);
    loadImported(back, parsed.entries);
    expect(back.snapshot().entries.map((e) => e.words)).toEqual(original.map((e) => e.words));
    expect(back.snapshot().entries.map((e) => e.bytes)).toEqual(original.map((e) => e.bytes));
  });

  it('redacts again on import', () => {
    const line = JSON.stringify({
      seq: 1,
      connectionId: 'x',
      time: 1,
      direction: 'out',
      words: ['/login', '=name=a', '=password=oops'],
      bytes: 0,
    });
    expect(parseJsonlTrace('x.jsonl', line).entries[0]!.words[2]).toBe(`=password=${REDACTED}`);
  });

  it('names the line and the problem in bad files', () => {
    expect(() =>
      parseJsonlTrace(
        't.jsonl',
        '{"format":"tikscope-trace","version":1,"connectionId":"a"}\n{"direction":"sideways","words":["!re"],"time":1}',
      ),
    ).toThrow(/t\.jsonl line 2: "direction" must be "in", "out" or "note"/);
    expect(() => parseJsonlTrace('t.jsonl', 'not json')).toThrow(/t\.jsonl line 1 is not valid JSON/);
    expect(() => parseJsonlTrace('t.jsonl', '{"format":"tikscope-trace","version":7}')).toThrow(/version 7 is not supported/);
    expect(() => parseJsonlTrace('t.jsonl', '')).toThrow(/holds no trace entries/);
    expect(() => parseJsonlTrace('t.jsonl', '{"direction":"in","words":[],"time":1}')).toThrow(
      /"words" must be a non-empty list/,
    );
  });
});

describe('pcapng export', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('computes internet checksums that verify to zero', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (data) => {
        const sum = internetChecksum([data]);
        const withSum = new Uint8Array(data.length + (data.length % 2) + 2);
        withSum.set(data);
        withSum[withSum.length - 2] = sum >> 8;
        withSum[withSum.length - 1] = sum & 0xff;
        expect(internetChecksum([withSum])).toBe(0);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('writes blocks with consistent lengths', () => {
    const file = buildPcapng([{ time: 1, direction: 'out', payload: Uint8Array.from([1, 2, 3]), session: 1 }], {
      serverPort: 8728,
      application: 'test',
    });
    const dv = new DataView(file.buffer);
    let o = 0;
    const types: number[] = [];
    while (o < file.length) {
      const type = dv.getUint32(o, true);
      const len = dv.getUint32(o + 4, true);
      expect(len % 4).toBe(0);
      expect(dv.getUint32(o + len - 4, true)).toBe(len);
      types.push(type);
      o += len;
    }
    expect(o).toBe(file.length);
    expect(types.slice(0, 2)).toEqual([0x0a0d0d0a, 1]);
    expect(types.slice(2).every((t) => t === 6)).toBe(true);
  });

  it.skipIf(!existsSync(TSHARK))('opens in tshark: valid checksums, Follow TCP Stream shows the words', () => {
    const t = sample();
    // A reconnect: the second session becomes a second TCP stream.
    t.session = 2;
    t.recordWords('out', enc(['/system/identity/print', '.tag=t2']), 1_767_225_700_000);
    t.recordWords('in', enc(['!re', `=name=${'x'.repeat(70_000)}`, '.tag=t2']), 1_767_225_700_001); // split over segments
    t.recordWords('in', enc(['!done', '.tag=t2']), 1_767_225_700_002);
    const exp = exportTrace(t, 'pcapng', meta);
    expect(exp.encoding).toBe('base64');
    expect(exp.fileName).toMatch(/^Lab_router-.*\.pcapng$/);
    const file = join(tmp.dir, exp.fileName);
    writeFileSync(file, Buffer.from(exp.data, 'base64'));

    const run = (...args: string[]) =>
      execFileSync(TSHARK, ['-n', '-r', file, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, HOME: tmp.dir },
      });
    const statuses = run(
      '-o',
      'tcp.check_checksum:TRUE',
      '-o',
      'ip.check_checksum:TRUE',
      '-T',
      'fields',
      '-e',
      'ip.checksum.status',
      '-e',
      'tcp.checksum.status',
    )
      .trim()
      .split('\n');
    // Wireshark's checksum status: 1 = good.
    expect(statuses.length).toBeGreaterThan(10);
    expect(new Set(statuses)).toEqual(new Set(['1\t1']));
    // No retransmissions, lost segments or other TCP analysis complaints.
    expect(run('-Y', 'tcp.analysis.flags && !tcp.analysis.window_update').trim()).toBe('');
    expect(
      run('-T', 'fields', '-e', 'tcp.stream')
        .trim()
        .split('\n')
        .map(Number)
        .reduce((a, b) => Math.max(a, b), 0),
    ).toBe(1);

    const follow0 = run('-q', '-z', 'follow,tcp,ascii,0');
    for (const w of ['/login', '=name=admin', '=password=********', '/interface/print', '=name=ether1', '!done'])
      expect(follow0).toContain(w);
    expect(follow0).not.toContain('hunter2');
    const follow1 = run('-q', '-z', 'follow,tcp,raw,1');
    const hex = follow1
      .split('\n')
      .filter((l) => /^\s*[0-9a-f]+$/.test(l))
      .map((l) => l.trim())
      .join('');
    expect(hex).toContain(Buffer.from('/system/identity/print').toString('hex'));
    expect(hex.length / 2).toBe(
      t
        .snapshot()
        .entries.filter((e) => e.seq >= 7)
        .reduce((n, e) => n + e.bytes, 0),
    );
  });
});
