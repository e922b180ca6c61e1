import { describe, expect, it } from 'vitest';
import {
  encodeLengthPrefix,
  isNonMinimal,
  lengthPrefixSize,
  prefixSizeFromFirstByte,
  readLengthPrefix,
  SentenceDecoder,
  writeLengthPrefix,
  writeLengthPrefixOfSize,
} from '../src/index';
import { BOUNDARIES, catchFraming, hex, toHexString } from './helpers';

describe('length prefixes (protocol.md §2)', () => {
  it.each(BOUNDARIES)('encodes %i as %s, the shortest form', (n, expected) => {
    expect(toHexString(encodeLengthPrefix(n))).toBe(expected);
    expect(lengthPrefixSize(n)).toBe(hex(expected).length);
  });

  it.each(BOUNDARIES)('decodes %i from %s', (n, bytes) => {
    const b = hex(bytes);
    expect(prefixSizeFromFirstByte(b[0]!)).toBe(b.length);
    const value = readLengthPrefix(b, 0, b.length);
    expect(value).toBe(n);
    expect(value).toBeGreaterThanOrEqual(0);
  });

  it('writes at an offset and returns the offset after the prefix', () => {
    const target = new Uint8Array(8).fill(0xaa);
    expect(writeLengthPrefix(target, 2, 0x80000000)).toBe(7);
    expect(toHexString(target)).toBe('AA AA F0 80 00 00 00 AA');
  });

  it.each([-1, 0x100000000, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses to encode %s, naming it', (n) => {
    expect(() => encodeLengthPrefix(n)).toThrow(new RegExp(`word length ${String(n)} cannot be encoded`));
  });

  it('writes a prefix in a given size, longer than the shortest if asked (to keep a received sentence as it came)', () => {
    const of = (n: number, size: number) => {
      const b = new Uint8Array(size);
      expect(writeLengthPrefixOfSize(b, 0, n, size)).toBe(size);
      return toHexString(b);
    };
    expect(of(3, 2)).toBe('80 03');
    expect(of(200, 3)).toBe('C0 00 C8');
    expect(of(5, 5)).toBe('F0 00 00 00 05');
    expect(of(0, 2)).toBe('80 00');
    for (const [n, bytes] of BOUNDARIES) expect(of(n, hex(bytes).length)).toBe(bytes);
    expect(() => of(0x4000, 2)).toThrow(/length 16384 cannot be written in 2 bytes/);
  });

  it('flags non-minimal forms', () => {
    expect(isNonMinimal(5, 2)).toBe(true);
    expect(isNonMinimal(0x80, 2)).toBe(false);
    expect(isNonMinimal(0x4000, 4)).toBe(true);
  });

  it('gives no prefix size for 0xF1–0xFF', () => {
    for (let b = 0xf1; b <= 0xff; b++) expect(prefixSizeFromFirstByte(b)).toBe(0);
    expect(prefixSizeFromFirstByte(0xf0)).toBe(5);
  });
});

describe('decoder: prefixes it accepts and refuses', () => {
  const NON_MINIMAL: [string, number][] = [
    ['80 05', 5],
    ['C0 00 05', 5],
    ['E0 00 00 05', 5],
    ['F0 00 00 00 05', 5],
    ['C0 00 80', 0x80],
    ['F0 00 00 40 00', 0x4000],
  ];

  it.each(NON_MINIMAL)('accepts the non-minimal prefix %s (like every peer decoder)', (prefix, n) => {
    const word = new Uint8Array(n).fill(0x61);
    const sentences = new SentenceDecoder().push(Uint8Array.from([...hex(prefix), ...word, 0]));
    expect(sentences).toHaveLength(1);
    expect(sentences[0]![0]!.length).toBe(n);
  });

  it.each(NON_MINIMAL)('refuses the non-minimal prefix %s when asked to', (prefix) => {
    const d = new SentenceDecoder({ rejectNonMinimal: true });
    const error = catchFraming(() => d.push(Uint8Array.from([1, 0x61, ...hex(prefix)])));
    expect(error.offset).toBe(2);
    expect(error.message).toMatch(/non-minimal prefix/);
  });

  const RESERVED = Array.from({ length: 8 }, (_, i) => 0xf8 + i);
  const UNDEFINED_FORMS = Array.from({ length: 7 }, (_, i) => 0xf1 + i);

  it.each(RESERVED.map((b) => [b.toString(16).toUpperCase(), b] as const))(
    'refuses the reserved control byte 0x%s, naming it and its offset',
    (_, b) => {
      const d = new SentenceDecoder();
      // A complete sentence first, so the offset is not trivially 0.
      const stream = Uint8Array.from([3, 0x61, 0x62, 0x63, 0, b, 0, 0, 0, 0]);
      const error = catchFraming(() => d.push(stream));
      expect(error.offset).toBe(5);
      expect(error.message).toContain(`reserved control byte 0x${b.toString(16).toUpperCase()}`);
      expect(error.message).toContain('at byte 5');
    },
  );

  it.each(UNDEFINED_FORMS.map((b) => [b.toString(16).toUpperCase(), b] as const))(
    'refuses 0x%s (the PEAR2/EVIL 35-bit extension, never emitted)',
    (_, b) => {
      const d = new SentenceDecoder();
      const error = catchFraming(() => d.push(Uint8Array.from([b, 0xff, 0xff, 0xff, 0xff])));
      expect(error.offset).toBe(0);
      expect(error.message).toContain(`undefined length prefix 0x${b.toString(16).toUpperCase()}`);
    },
  );

  it('counts the offset across chunks', () => {
    const d = new SentenceDecoder();
    d.push(Uint8Array.from([2, 0x61]));
    d.push(Uint8Array.from([0x62, 0]));
    const error = catchFraming(() => d.push(Uint8Array.from([1, 0x61, 0xfe])));
    expect(error.offset).toBe(6);
  });

  it('reads the five-byte form as unsigned (no 2^31 sign bug), checked through the limit error', () => {
    for (const [n, bytes] of BOUNDARIES.filter(([n]) => n > 16 * 1024 * 1024)) {
      const error = catchFraming(() => new SentenceDecoder().push(hex(bytes)));
      expect(error.message).toContain(`word of ${n} bytes exceeds the 16777216-byte limit`);
    }
  });
});
