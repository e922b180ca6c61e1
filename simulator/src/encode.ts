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

/** Writes prefix + word at `offset`; returns the offset after it. */
export function writeWord(target: Buffer, offset: number, word: string): number {
  const o = writeLengthPrefix(target, offset, word.length);
  return o + target.write(word, o, word.length, 'latin1');
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
  let size = 0;
  for (const [k, v] of pairs) size += wordSize(`=${k}=${v}`);
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (const [k, v] of pairs) o = writeWord(out, o, `=${k}=${v}`);
  return out;
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
  addRow(body: Buffer, tail: Buffer): void {
    const need = RE_WORD.length + body.length + tail.length;
    const b = this.room(need);
    let o = this.used;
    o += RE_WORD.copy(b, o);
    o += body.copy(b, o);
    o += tail.copy(b, o);
    this.used = o;
    this.count++;
  }

  /** Appends an already framed sentence. */
  addFramed(sentence: Buffer): void {
    const b = this.room(sentence.length);
    this.used += sentence.copy(b, this.used);
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
