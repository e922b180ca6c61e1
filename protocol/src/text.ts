/**
 * Text at the edge (protocol.md §9). RouterOS stores raw bytes and has no notion of character
 * sets, so values are shown as UTF-8 when the bytes are valid UTF-8 and otherwise through a
 * single-byte fallback code page (windows-1252 unless configured). Implemented here in plain
 * TypeScript so that protocol/src depends on no runtime API (no TextEncoder/TextDecoder typings).
 */

export const CODE_PAGES = ['windows-1252', 'windows-1250', 'windows-1251', 'iso-8859-1'] as const;
export type CodePage = (typeof CODE_PAGES)[number];

// High halves (0x80–0xFF) as 4-hex-digit code points. 1250/1251 were generated from ICU; 1252 is
// Latin-1 with the 0x80–0x9F block remapped (WHATWG keeps the five undefined bytes as C1 controls).
const HIGH_1250 =
  '20ac0081201a0083201e2026202020210088203001602039015a0164017d0179009020182019201c201d202220132014009821220161203a015b0165017e017a00a002c702d8014100a4010400a600a700a800a9015e00ab00ac00ad00ae017b00b000b102db014200b400b500b600b700b80105015f00bb013d02dd013e017c015400c100c2010200c40139010600c7010c00c9011800cb011a00cd00ce010e01100143014700d300d4015000d600d70158016e00da017000dc00dd016200df015500e100e2010300e4013a010700e7010d00e9011900eb011b00ed00ee010f01110144014800f300f4015100f600f70159016f00fa017100fc00fd016302d9';
const HIGH_1251 =
  '04020403201a0453201e20262020202120ac203004092039040a040c040b040f045220182019201c201d202220132014009821220459203a045a045c045b045f00a0040e045e040800a4049000a600a7040100a9040400ab00ac00ad00ae040700b000b104060456049100b500b600b704512116045400bb04580405045504570410041104120413041404150416041704180419041a041b041c041d041e041f0420042104220423042404250426042704280429042a042b042c042d042e042f0430043104320433043404350436043704380439043a043b043c043d043e043f0440044104420443044404450446044704480449044a044b044c044d044e044f';
const C1_1252 =
  '20ac0081201a0192201e20262020202102c62030016020390152008d017d008f' +
  '009020182019201c201d20222013201402dc21220161203a0153009d017e0178';

function table(hex: string): Uint16Array {
  const t = new Uint16Array(128);
  for (let i = 0; i < 128; i++) t[i] = parseInt(hex.slice(i * 4, i * 4 + 4), 16);
  return t;
}

const tables = new Map<CodePage, Uint16Array>();
function highTable(cp: CodePage): Uint16Array {
  let t = tables.get(cp);
  if (!t) {
    if (cp === 'windows-1250') t = table(HIGH_1250);
    else if (cp === 'windows-1251') t = table(HIGH_1251);
    else {
      t = new Uint16Array(128);
      for (let i = 0; i < 128; i++) t[i] = 0x80 + i;
      if (cp === 'windows-1252') t.set(table(C1_1252).subarray(0, 32));
    }
    tables.set(cp, t);
  }
  return t;
}

export function isCodePage(value: string): value is CodePage {
  return (CODE_PAGES as readonly string[]).includes(value);
}

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

function decodeSingleByte(b: Uint8Array, start: number, end: number, cp: CodePage): string {
  const high = highTable(cp);
  let out = '';
  let chunk: number[] = [];
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    chunk.push(c < 0x80 ? c : high[c - 0x80]!);
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

/** Decodes a word (or part of one): UTF-8 when valid, else the fallback code page. */
export function decodeText(b: Uint8Array, fallback: CodePage = 'windows-1252', start = 0, end = b.length): string {
  const ascii = decodeAscii(b, start, end);
  if (ascii !== undefined) return ascii;
  return isValidUtf8(b, start, end) ? decodeUtf8Unchecked(b, start, end) : decodeSingleByte(b, start, end, fallback);
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

/**
 * Encodes text for the wire. With 'utf-8' (the default) any string works; with a code page,
 * a character the page cannot represent is an error rather than a silent '?'.
 */
export function encodeText(s: string, encoding: 'utf-8' | CodePage = 'utf-8'): Uint8Array {
  if (encoding === 'utf-8') return encodeUtf8(s);
  const high = highTable(encoding);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out[i] = c;
      continue;
    }
    const idx = high.indexOf(c);
    if (idx < 0)
      throw new RangeError(
        `character U+${c.toString(16).toUpperCase().padStart(4, '0')} at index ${i} has no byte in ${encoding}`,
      );
    out[i] = 0x80 + idx;
  }
  return out;
}

export function bytesEqualAscii(b: Uint8Array, ascii: string, start = 0): boolean {
  if (b.length - start < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (b[start + i] !== ascii.charCodeAt(i)) return false;
  return true;
}
