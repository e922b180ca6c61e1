import { FramingError } from './errors';
import { isNonMinimal, prefixSizeFromFirstByte, readLengthPrefix } from './length';

/** A sentence as it travelled: its words as raw bytes, without the terminating empty word. */
export type Sentence = Uint8Array[];

export interface DecoderLimits {
  /** Largest word accepted; checked from the prefix, before any byte of the word is stored. */
  maxWordBytes?: number;
  /** Largest sentence (prefixes + words) accepted. */
  maxSentenceBytes?: number;
  /**
   * Every peer decoder accepts non-minimal prefixes such as `80 05` (protocol.md §2), and so do we
   * by default; set this to refuse them.
   */
  rejectNonMinimal?: boolean;
}

export const DEFAULT_MAX_WORD_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_SENTENCE_BYTES = 64 * 1024 * 1024;

/**
 * Streaming sentence decoder (protocol.md §1–§3). Chunks may end anywhere — inside a prefix, a word
 * or between sentences — and may carry many sentences. Words that lie wholly inside one chunk are
 * returned as zero-copy views of it; a word that straddles chunks is assembled once from its pieces
 * when its last byte arrives, so a hostile prefix announcing a huge word allocates nothing until the
 * bytes are really there (and never more than the cap). Nothing is re-copied per chunk.
 *
 * After a FramingError the stream cannot be resynchronised (the manual: a client that meets an
 * unknown control byte cannot know how to read what follows), so every later push throws it again.
 */
export class SentenceDecoder {
  private readonly maxWord: number;
  private readonly maxSentence: number;
  private readonly rejectNonMinimal: boolean;

  private words: Uint8Array[] = [];
  private sentenceBytes = 0;
  /** Bytes of a prefix that straddles chunks. */
  private readonly prefix = new Uint8Array(5);
  private prefixHave = 0;
  private prefixNeed = 0;
  private prefixOffset = 0;
  /** Pieces of a word that straddles chunks. */
  private pieces: Uint8Array[] = [];
  private bodyHave = 0;
  private bodyNeed = 0;
  /** Stream offset of the first byte of the chunk being decoded. */
  private base = 0;
  private failure: FramingError | undefined;

  constructor(limits: DecoderLimits = {}) {
    this.maxWord = limits.maxWordBytes ?? DEFAULT_MAX_WORD_BYTES;
    this.maxSentence = limits.maxSentenceBytes ?? DEFAULT_MAX_SENTENCE_BYTES;
    this.rejectNonMinimal = limits.rejectNonMinimal ?? false;
  }

  /** Bytes received so far (the offset the next chunk starts at). */
  get offset(): number {
    return this.base;
  }

  /** True when no partial sentence is buffered. */
  get idle(): boolean {
    return this.words.length === 0 && this.prefixHave === 0 && this.bodyNeed === 0;
  }

  /** Decodes a chunk and returns the sentences it completed. Empty sentences are skipped (§3). */
  push(chunk: Uint8Array): Sentence[] {
    if (this.failure) throw this.failure;
    const out: Sentence[] = [];
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.bodyNeed > 0) {
        const take = Math.min(this.bodyNeed - this.bodyHave, n - i);
        this.pieces.push(chunk.subarray(i, i + take));
        this.bodyHave += take;
        i += take;
        if (this.bodyHave === this.bodyNeed) {
          this.words.push(concat(this.pieces, this.bodyNeed));
          this.pieces = [];
          this.bodyHave = 0;
          this.bodyNeed = 0;
        }
        continue;
      }

      let len: number;
      let size: number;
      let at: number;
      if (this.prefixHave === 0) {
        at = this.base + i;
        size = prefixSizeFromFirstByte(chunk[i]!);
        if (size === 0) this.fail(describeBadFirstByte(chunk[i]!), at);
        if (i + size <= n) {
          len = readLengthPrefix(chunk, i, size);
          i += size;
        } else {
          this.prefixNeed = size;
          this.prefixOffset = at;
          while (i < n) this.prefix[this.prefixHave++] = chunk[i++]!;
          continue;
        }
      } else {
        while (this.prefixHave < this.prefixNeed && i < n) this.prefix[this.prefixHave++] = chunk[i++]!;
        if (this.prefixHave < this.prefixNeed) continue;
        size = this.prefixNeed;
        at = this.prefixOffset;
        len = readLengthPrefix(this.prefix, 0, size);
        this.prefixHave = 0;
        this.prefixNeed = 0;
      }

      if (this.rejectNonMinimal && isNonMinimal(len, size)) {
        this.fail(`length ${len} written in ${size} bytes (non-minimal prefix)`, at);
      }
      if (len === 0) {
        if (this.words.length > 0) out.push(this.words);
        this.words = [];
        this.sentenceBytes = 0;
        continue;
      }
      if (len > this.maxWord) this.fail(`word of ${len} bytes exceeds the ${this.maxWord}-byte limit`, at);
      this.sentenceBytes += size + len;
      if (this.sentenceBytes > this.maxSentence) {
        this.fail(`sentence exceeds the ${this.maxSentence}-byte limit`, at);
      }
      if (i + len <= n) {
        this.words.push(chunk.subarray(i, i + len));
        i += len;
      } else {
        this.pieces.push(chunk.subarray(i));
        this.bodyHave = n - i;
        this.bodyNeed = len;
        i = n;
      }
    }
    this.base += n;
    return out;
  }

  private fail(reason: string, offset: number): never {
    this.failure = new FramingError(reason, offset);
    this.words = [];
    this.pieces = [];
    throw this.failure;
  }
}

function describeBadFirstByte(b: number): string {
  const hex = `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return b >= 0xf8
    ? `reserved control byte ${hex} where a length prefix was expected`
    : `undefined length prefix ${hex} (only 0xF0 starts the five-byte form)`;
}

function concat(pieces: readonly Uint8Array[], total: number): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of pieces) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
