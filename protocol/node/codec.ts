import { createRequire } from 'node:module';
import type IconvLite from 'iconv-lite';
import { encodeUtf8, isEncodingName, Utf8FirstCodec, type EncodingName, type TextCodec } from '../src/index';

/**
 * The TextCodec of a connection's Encoding setting (protocol.md §9), with the Windows code pages
 * from iconv-lite (protocol/src has no tables and no Buffer, so the codec is made here and
 * injected into the Session).
 *
 * - `utf-8`: text goes out as UTF-8; received bytes that are not valid UTF-8 are shown as
 *   windows-1252, the usual code page of WinBox PCs (design.md §2's default fallback).
 * - `windows-125x`: text goes out in that code page (so a password typed in WinBox on Windows, or
 *   a comment stored by it, matches byte for byte); received bytes are shown as UTF-8 when valid
 *   (values written by API clients) and through the code page otherwise.
 */
export function textCodec(encoding: EncodingName = 'utf-8'): TextCodec {
  if (!isEncodingName(encoding)) throw new RangeError(`unknown encoding "${String(encoding)}"`);
  let codec = codecs.get(encoding);
  if (codec === undefined) {
    codec =
      encoding === 'utf-8'
        ? new Utf8FirstCodec('utf-8', { encode: encodeUtf8, decode: decoder('windows-1252') })
        : new Utf8FirstCodec(encoding, { encode: encoder(encoding), decode: decoder(encoding) });
    codecs.set(encoding, codec);
  }
  return codec;
}

const codecs = new Map<EncodingName, TextCodec>();

// iconv-lite is loaded on the first word that needs a code page, not at start-up: bundled into the
// main process it was 557 kB (its multi-byte tables come along) and 14–36 ms to load, while most
// connections are UTF-8 and most words ASCII or UTF-8, which never reach it.
const lazyRequire = createRequire(import.meta.url);
let iconvLib: typeof IconvLite | undefined;
const iconv = (): typeof IconvLite => (iconvLib ??= lazyRequire('iconv-lite') as typeof IconvLite);

function decoder(page: string): (bytes: Uint8Array, start: number, end: number) => string {
  // The page's 256 characters, asked of iconv-lite once: a single-byte page maps each byte to one
  // UTF-16 unit, so decoding is a lookup. iconv.decode per word (a Buffer and a decoder per call)
  // measured 3.2 µs for a 4-byte word against 0.6–0.9 µs here, and on a router whose comments are
  // in this page every row of a live table takes this path. The few bytes a page leaves undefined
  // (0x81 in windows-1252 …) come out as U+FFFD; the trace keeps the raw bytes
  // (docs/main-process.md, "Text encoding").
  let single: string[] | undefined;
  let units: Uint16Array | undefined;
  const load = (): string[] => {
    const all = new Uint8Array(256);
    for (let i = 0; i < 256; i++) all[i] = i;
    const chars = iconv().decode(Buffer.from(all), page);
    if (chars.length !== 256) throw new Error(`${page} is not a single-byte code page`);
    units = new Uint16Array(256);
    for (let i = 0; i < 256; i++) units[i] = chars.charCodeAt(i);
    return (single = Array.from(chars));
  };
  return (bytes, start, end) => {
    const chars = single ?? load();
    let out = '';
    if (end - start <= 64) {
      for (let i = start; i < end; i++) out += chars[bytes[i]!]!;
      return out;
    }
    const table = units!;
    const chunk = new Uint16Array(Math.min(end - start, 4096));
    for (let i = start; i < end;) {
      const n = Math.min(end - i, chunk.length);
      for (let k = 0; k < n; k++) chunk[k] = table[bytes[i + k]!]!;
      out += String.fromCharCode(...(n === chunk.length ? chunk : chunk.subarray(0, n)));
      i += n;
    }
    return out;
  };
}

const QUESTION_MARK = 0x3f;
const REPLACEMENT = 0xfffd;

function encoder(page: string): (text: string) => Uint8Array {
  return (text) => {
    const out = iconv().encode(text, page);
    // iconv-lite writes '?' for a character the page lacks (one byte per UTF-16 unit in a
    // single-byte page). Sent that way, a password fails to log in and `?comment=` matches
    // nothing, with no hint why; an error naming the character is better. U+FFFD is what
    // undefined bytes decode to: it has no byte of its own either.
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if ((out[i] === QUESTION_MARK && c !== QUESTION_MARK) || c === REPLACEMENT) {
        const cp = text.codePointAt(i)!;
        throw new RangeError(
          `character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (${String.fromCodePoint(cp)}) at index ${i} has no byte in ${page}`,
        );
      }
    }
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  };
}
