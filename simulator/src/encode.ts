/**
 * Sentence framing for the server side, over byte strings (bytes.ts). Length prefixes come from
 * the protocol codec (shortest form, protocol.md §2); words are latin1 copies, so a word's byte
 * length is its string length.
 */
import { lengthPrefixSize, writeLengthPrefix } from '../../protocol/src/index';

/** Bytes a word takes on the wire, prefix included. */
export function wordSize(word: string): number {
  return lengthPrefixSize(word.length) + word.length;
}

/**
 * Copies a byte string into `target` at `offset`; returns the offset after it. Short strings are
 * copied in a plain loop: most words are a few bytes, and a call into Buffer.write costs more
 * than the copy itself.
 */
export function writeBytes(target: Uint8Array, offset: number, s: string): number {
  const n = s.length;
  if (n > 64) return offset + (target as Buffer).write(s, offset, n, 'latin1');
  for (let i = 0; i < n; i++) target[offset + i] = s.charCodeAt(i);
  return offset + n;
}

/** Writes prefix + word at `offset`; returns the offset after it. */
export function writeWord(target: Buffer, offset: number, word: string): number {
  return writeBytes(target, writeLengthPrefix(target, offset, word.length), word);
}

function copyInto(target: Uint8Array, offset: number, source: Uint8Array): number {
  const n = source.length;
  if (n > 32) target.set(source, offset);
  else for (let i = 0; i < n; i++) target[offset + i] = source[i]!;
  return offset + n;
}

/** The bytes of `=name=`, cached: attribute names repeat in every row. */
const keyBytes = new Map<string, Uint8Array>();
export function attributeKey(name: string): Uint8Array {
  let k = keyBytes.get(name);
  if (!k) {
    k = Buffer.from(`=${name}=`, 'latin1');
    // Property names come from a fixed schema; the cap only guards against unbounded growth.
    if (keyBytes.size < 4096) keyBytes.set(name, k);
  }
  return k;
}

/**
 * Attribute words from parallel lists of `=name=` keys and values (undefined values are left
 * out): sizes first, then one allocation and plain copies.
 */
export function encodeFields(keys: readonly Uint8Array[], values: readonly (string | undefined)[]): Buffer {
  let size = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const len = keys[i]!.length + v.length;
    size += lengthPrefixSize(len) + len;
  }
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const k = keys[i]!;
    o = writeLengthPrefix(out, o, k.length + v.length);
    o = copyInto(out, o, k);
    o = writeBytes(out, o, v);
  }
  return out;
}

/** One sentence: the words, an optional `.tag=` word, and the terminating empty word (§3). */
export function frame(words: readonly string[], tag?: string): Buffer {
  let size = 1;
  for (const w of words) size += wordSize(w);
  const tagWord = tag === undefined ? undefined : `.tag=${tag}`;
  if (tagWord !== undefined) size += wordSize(tagWord);
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (const w of words) o = writeWord(out, o, w);
  if (tagWord !== undefined) o = writeWord(out, o, tagWord);
  out[o] = 0;
  return out;
}

/** `=name=value` words for a list of pairs, already framed (no reply word, no terminator). */
export function encodeAttributes(pairs: readonly (readonly [string, string])[]): Buffer {
  return encodeFields(
    pairs.map(([k]) => attributeKey(k)),
    pairs.map(([, v]) => v),
  );
}

/** The framed word `!re`, shared by every data row. */
export const RE_WORD = frame(['!re']).subarray(0, 4);

/**
 * The end of a row sentence for one command: its `.tag=` word (if any) and the terminator. Built
 * once per command so that rows are `RE_WORD + cached body + tail` — three copies, no per-word work.
 */
export function sentenceTail(tag: string | undefined): Buffer {
  if (tag === undefined) return Buffer.from([0]);
  const w = `.tag=${tag}`;
  const out = Buffer.allocUnsafe(wordSize(w) + 1);
  const o = writeWord(out, 0, w);
  out[o] = 0;
  return out;
}

/**
 * Collects many sentences into large buffers (one socket write per ~64 KiB instead of one per
 * row), for big prints and fan-out.
 */
export class SentenceBatch {
  private chunks: Buffer[] = [];
  private current: Buffer;
  private used = 0;
  /** Sentences added since the last take(). */
  count = 0;

  constructor(private readonly chunkSize = 64 * 1024) {
    this.current = Buffer.allocUnsafe(chunkSize);
  }

  /** Bytes waiting in the batch. */
  get size(): number {
    return this.flushed + this.used;
  }
  private flushed = 0;

  /** Appends a row: `!re`, a pre-framed body, the command's tail. */
  addRow(body: Uint8Array, tail: Uint8Array): void {
    const need = RE_WORD.length + body.length + tail.length;
    const b = this.room(need);
    let o = copyInto(b, this.used, RE_WORD);
    o = copyInto(b, o, body);
    this.used = copyInto(b, o, tail);
    this.count++;
  }

  /** Appends an already framed sentence. */
  addFramed(sentence: Uint8Array): void {
    const b = this.room(sentence.length);
    this.used = copyInto(b, this.used, sentence);
    this.count++;
  }

  /** Everything collected so far as one buffer (or undefined when empty); resets the batch. */
  take(): Buffer | undefined {
    if (this.used > 0) {
      this.chunks.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(this.chunkSize);
      this.used = 0;
    }
    const chunks = this.chunks;
    this.chunks = [];
    this.count = 0;
    this.flushed = 0;
    if (chunks.length === 0) return undefined;
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  private room(need: number): Buffer {
    if (this.used + need <= this.current.length) return this.current;
    if (this.used > 0) {
      this.chunks.push(this.current.subarray(0, this.used));
      this.flushed += this.used;
    }
    this.current = Buffer.allocUnsafe(Math.max(this.chunkSize, need));
    this.used = 0;
    return this.current;
  }
}
