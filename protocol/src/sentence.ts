import { lengthPrefixSize, writeLengthPrefix } from './length';
import { UTF8_CODEC, type TextCodec } from './text';

/** A word to send: text (encoded by the connection's codec) or bytes exactly as given. */
export type Word = string | Uint8Array;

export function encodeWord(word: Word, codec: TextCodec = UTF8_CODEC): Uint8Array {
  return typeof word === 'string' ? codec.encode(word) : word;
}

/**
 * Frames already-encoded words as one sentence: shortest prefixes, then the terminating zero-length
 * word (protocol.md §3). One allocation for the whole sentence.
 */
export function frameSentence(words: readonly Uint8Array[]): Uint8Array {
  let total = 1;
  for (const w of words) {
    if (w.length === 0) throw new RangeError('an empty word would end the sentence early; leave it out');
    total += lengthPrefixSize(w.length) + w.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const w of words) {
    o = writeLengthPrefix(out, o, w.length);
    out.set(w, o);
    o += w.length;
  }
  out[o] = 0;
  return out;
}

export function encodeSentence(words: readonly Word[], codec: TextCodec = UTF8_CODEC): Uint8Array {
  return frameSentence(words.map((w) => encodeWord(w, codec)));
}
