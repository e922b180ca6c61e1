/**
 * Byte strings. RouterOS has no notion of character sets: it stores and returns the raw bytes a
 * client wrote (protocol.md §9). The simulator therefore keeps every word, name and value as a
 * "byte string" — a JS string with one char per byte (latin1) — so that whatever bytes a client
 * sends (UTF-8, windows-1250, garbage) come back unchanged, and so that encoding a word for the
 * wire is a straight latin1 copy whose length is the byte length.
 *
 * Plain ASCII is the same in both worlds; only non-ASCII text needs `fromText` / `toText`.
 */
import { textCodec } from '../../protocol/node/codec';
import type { TextCodec } from '../../protocol/src/index';

/** Bytes of a word as a byte string. */
export function bytesToString(word: Uint8Array): string {
  return Buffer.from(word.buffer, word.byteOffset, word.byteLength).toString('latin1');
}

/** The UTF-8 bytes of JS text, as a byte string (what a UTF-8 client would have sent). */
export function fromText(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/**
 * A byte string shown as JS text, as a Tikscope connection with that codec shows it: UTF-8 when
 * the bytes are valid UTF-8, otherwise through the codec's code page (protocol.md §9; a UTF-8
 * connection shows non-UTF-8 bytes as windows-1252).
 */
export function toText(bytes: string, codec: TextCodec = textCodec('utf-8')): string {
  return codec.decode(Buffer.from(bytes, 'latin1'));
}

/** JS text in a code page, as a byte string (what WinBox on a Windows PC would have stored). */
export function fromTextIn(text: string, codec: TextCodec): string {
  return Buffer.from(codec.encode(text)).toString('latin1');
}

/** Byte string from raw bytes given as numbers (for demo data in a legacy code page). */
export function fromBytes(...bytes: number[]): string {
  return String.fromCharCode(...bytes.map((b) => b & 0xff));
}
