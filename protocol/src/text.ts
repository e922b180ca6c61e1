/**
 * Text at the edge (protocol.md §9). RouterOS stores raw bytes and has no notion of character
 * sets: routers configured from WinBox on Windows hold text (and passwords) in the PC's code page,
 * API writers store UTF-8. So every connection has one Encoding, a TextCodec:
 *
 * - outgoing words (commands, values, query words, the login password) are encoded with it;
 * - a received word is shown as UTF-8 when its bytes are valid UTF-8 (text from API writers), and
 *   otherwise through the codec's code page.
 *
 * protocol/src has no code page tables and depends on no runtime API (no Buffer, no TextDecoder):
 * the code pages come from a library through protocol/node's `textCodec()`, injected into the
 * Session. Alone, protocol/src offers UTF8_CODEC: UTF-8 out, and bytes that are not UTF-8 shown
 * one character per byte (U+0080–U+00FF, Latin-1), which loses nothing.
 */

/** The Encoding setting of a connection: UTF-8 (the default) or a Windows code page. */
export const ENCODINGS = [
  'utf-8',
  'windows-1250',
  'windows-1251',
  'windows-1252',
  'windows-1253',
  'windows-1254',
  'windows-1255',
  'windows-1256',
  'windows-1257',
  'windows-1258',
] as const;
export type EncodingName = (typeof ENCODINGS)[number];

export function isEncodingName(value: unknown): value is EncodingName {
  return typeof value === 'string' && (ENCODINGS as readonly string[]).includes(value);
}

/** Turns text into word bytes and word bytes into text, for one connection. */
export interface TextCodec {
  /** The encoding, as settings and trace files name it (`utf-8`, `windows-1250`, …). */
  readonly name: string;
  /**
   * Text to bytes for the wire. Throws a RangeError naming the first character the encoding has
   * no byte for: a `?` sent instead would be a wrong password or a query matching nothing.
   */
  encode(text: string): Uint8Array;
  /** Bytes `[start, end)` of a word as text. */
  decode(bytes: Uint8Array, start?: number, end?: number): string;
}

/** What a code page adds to UTF8FirstCodec: its encoder and its decoder for non-UTF-8 bytes. */
export interface CodePageFunctions {
  /** Strict: throws RangeError for a character the page lacks. Omitted: outgoing text is UTF-8. */
  encode?: (text: string) => Uint8Array;
  decode: (bytes: Uint8Array, start: number, end: number) => string;
}

/**
 * The one TextCodec class, so that the hot readers (Reply, live tables, the trace) call a
 * monomorphic `decode`. ASCII and valid UTF-8 never reach the code page: those are the common
 * words, and their fast paths stay here.
 */
export class Utf8FirstCodec implements TextCodec {
  private readonly encodeOther: ((text: string) => Uint8Array) | undefined;
  private readonly decodeOther: (bytes: Uint8Array, start: number, end: number) => string;

  constructor(
    readonly name: string,
    other: CodePageFunctions,
  ) {
    this.encodeOther = other.encode;
    this.decodeOther = other.decode;
  }

  encode(text: string): Uint8Array {
    return this.encodeOther === undefined ? encodeUtf8(text) : this.encodeOther(text);
  }

  decode(b: Uint8Array, start = 0, end = b.length): string {
    const ascii = decodeAscii(b, start, end);
    if (ascii !== undefined) return ascii;
    return isValidUtf8(b, start, end) ? decodeUtf8Unchecked(b, start, end) : this.decodeOther(b, start, end);
  }
}

/** Bytes as the code points U+0000–U+00FF, one per byte (no table: Latin-1 is Unicode's first 256). */
export function decodeLatin1(b: Uint8Array, start = 0, end = b.length): string {
  let out = '';
  for (let i = start; i < end; i += 4096) out += String.fromCharCode(...b.subarray(i, Math.min(end, i + 4096)));
  return out;
}

/**
 * The default codec of protocol/src: UTF-8 out; non-UTF-8 bytes shown as Latin-1. The app and the
 * CLI inject protocol/node's `textCodec(encoding)` instead.
 */
export const UTF8_CODEC: TextCodec = new Utf8FirstCodec('utf-8', { decode: decodeLatin1 });

/**
 * Length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there are not valid
 * UTF-8 (overlongs, surrogates, > U+10FFFF and truncated sequences are all invalid).
 */
export function utf8SequenceLength(b: Uint8Array, i: number, end: number = b.length): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  if (c < 0xc2) return 0;
  if (c < 0xe0) return i + 1 < end && (b[i + 1]! & 0xc0) === 0x80 ? 2 : 0;
  if (c < 0xf0) {
    if (i + 2 >= end) return 0;
    const c1 = b[i + 1]!;
    if ((c1 & 0xc0) !== 0x80 || (b[i + 2]! & 0xc0) !== 0x80) return 0;
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // UTF-16 surrogate
    return 3;
  }
  if (c < 0xf5) {
    if (i + 3 >= end) return 0;
    const c1 = b[i + 1]!;
    if ((c1 & 0xc0) !== 0x80 || (b[i + 2]! & 0xc0) !== 0x80 || (b[i + 3]! & 0xc0) !== 0x80) return 0;
    if (c === 0xf0 && c1 < 0x90) return 0; // overlong
    if (c === 0xf4 && c1 >= 0x90) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

export function isValidUtf8(b: Uint8Array, start = 0, end = b.length): boolean {
  let i = start;
  while (i < end) {
    if (b[i]! < 0x80) {
      i++;
      continue;
    }
    const n = utf8SequenceLength(b, i, end);
    if (n === 0) return false;
    i += n;
  }
  return true;
}

function decodeUtf8Unchecked(b: Uint8Array, start: number, end: number): string {
  let out = '';
  let chunk: number[] = [];
  for (let i = start; i < end;) {
    const c = b[i]!;
    let cp: number;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c < 0xe0) {
      cp = ((c & 0x1f) << 6) | (b[i + 1]! & 0x3f);
      i += 2;
    } else if (c < 0xf0) {
      cp = ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f);
      i += 3;
    } else {
      cp = ((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
      i += 4;
    }
    if (cp > 0xffff) {
      cp -= 0x10000;
      chunk.push(0xd800 + (cp >>> 10), 0xdc00 + (cp & 0x3ff));
    } else chunk.push(cp);
    if (chunk.length >= 4096) {
      out += String.fromCharCode(...chunk);
      chunk = [];
    }
  }
  return out + String.fromCharCode(...chunk);
}

/** Pure-ASCII fast path: most RouterOS words are ASCII (ids, names, numbers, flags). */
function decodeAscii(b: Uint8Array, start: number, end: number): string | undefined {
  if (end - start > 64) return undefined;
  let s = '';
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x80) return undefined;
    s += String.fromCharCode(c);
  }
  return s;
}

export function utf8ByteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3; // lone surrogates become U+FFFD (3 bytes)
  }
  return n;
}

/** UTF-8 encoding; lengths on the wire are always counted from these bytes (protocol.md §9). */
export function encodeUtf8(s: string): Uint8Array {
  const out = new Uint8Array(utf8ByteLength(s));
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out[o++] = 0xf0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 0x3f);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
    out[o++] = 0xe0 | (c >> 12);
    out[o++] = 0x80 | ((c >> 6) & 0x3f);
    out[o++] = 0x80 | (c & 0x3f);
  }
  return out;
}

export function bytesEqualAscii(b: Uint8Array, ascii: string, start = 0): boolean {
  if (b.length - start < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (b[start + i] !== ascii.charCodeAt(i)) return false;
  return true;
}
