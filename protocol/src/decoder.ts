import { FramingError } from './errors';
import { isNonMinimal, prefixSizeFromFirstByte, readLengthPrefix } from './length';

/** A sentence as it travelled: its words as raw bytes, without the terminating empty word. */
export type Sentence = Uint8Array[];

export interface DecoderLimits {
  /** Largest word accepted; checked from the prefix, before any byte of the word is stored. */
  maxWordBytes?: number;
  /** Largest sentence (prefixes + words) accepted; also checked from each prefix. */
  maxSentenceBytes?: number;
  /**
   * Every peer decoder accepts non-minimal prefixes such as `80 05` (protocol.md §2), and so do we
   * by default; set this to refuse them.
   */
  rejectNonMinimal?: boolean;
}

export interface DecoderOptions extends DecoderLimits {
  /**
   * The caller reuses its chunk memory (a static read buffer): the bytes of a word that straddles
   * chunks are copied instead of kept as views, and words handed to a WordSink are valid only
   * during the call. `push()` must not be used then — its words are views.
   */
  reusedChunks?: boolean;
}

/**
 * Receives decoded words as they complete, without a per-word allocation: the consumer reads
 * `bytes[start, end)` directly (the CLI formats them straight into its output buffer).
 */
export interface WordSink {
  /**
   * One complete, non-empty word. `bytes` is the pushed chunk, or one assembled copy for a word that
   * straddled chunks; the decoder never writes into it afterwards, so views of it stay valid.
   */
  word(bytes: Uint8Array, start: number, end: number): void;
  /** The zero-length word ended a sentence that had at least one word (empty ones are skipped, §3). */
  end(): void;
}

export const DEFAULT_MAX_WORD_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_SENTENCE_BYTES = 64 * 1024 * 1024;

/**
 * Streaming sentence decoder (protocol.md §1–§3). Chunks may end anywhere — inside a prefix, a word
 * or between sentences — and may carry many sentences. Words that lie wholly inside one chunk are
 * handed out as ranges (or zero-copy views) of it; a word that straddles chunks is kept as a list
 * of views and assembled once, when its last byte arrives. So nothing is re-copied per chunk, and a
 * hostile prefix announcing a huge word allocates nothing: the limits are checked from the prefix
 * itself, before a single byte of the word is kept (protocol.md §2 "Size limits").
 *
 * After a FramingError the stream cannot be resynchronised (the manual: a client that meets an
 * unknown control byte cannot know how to read what follows), so every later push throws it again.
 */
export class SentenceDecoder {
  private readonly maxWord: number;
  private readonly maxSentence: number;
  private readonly rejectNonMinimal: boolean;
  private readonly reusedChunks: boolean;

  /** Words delivered for the sentence in progress, and their bytes including prefixes. */
  private sentenceWords = 0;
  private sentenceBytes = 0;
  /** Bytes of a prefix that straddles chunks. */
  private readonly prefix = new Uint8Array(5);
  private prefixHave = 0;
  private prefixNeed = 0;
  private prefixOffset = 0;
  /** Pieces (views) of a word that straddles chunks. */
  private pieces: Uint8Array[] = [];
  private bodyHave = 0;
  private bodyNeed = 0;
  /** Stream offset of the first byte of the chunk being decoded. */
  private base = 0;
  private failure: FramingError | undefined;

  /** State of `push()`: words of the sentence in progress, kept across chunks. */
  private collected: Uint8Array[] = [];
  private completed: Sentence[] = [];
  private readonly collector: WordSink = {
    word: (bytes, start, end) => {
      this.collected.push(start === 0 && end === bytes.length ? bytes : wordView(bytes, start, end));
    },
    end: () => {
      this.completed.push(this.collected);
      this.collected = [];
    },
  };

  constructor(options: DecoderOptions = {}) {
    this.maxWord = options.maxWordBytes ?? DEFAULT_MAX_WORD_BYTES;
    this.maxSentence = options.maxSentenceBytes ?? DEFAULT_MAX_SENTENCE_BYTES;
    this.rejectNonMinimal = options.rejectNonMinimal ?? false;
    this.reusedChunks = options.reusedChunks ?? false;
  }

  /** Bytes received so far (the offset the next chunk starts at). */
  get offset(): number {
    return this.base;
  }

  /** True when no partial sentence is buffered. */
  get idle(): boolean {
    return this.sentenceWords === 0 && this.prefixHave === 0 && this.bodyNeed === 0;
  }

  /** The error the stream failed with, if it did. */
  get failed(): FramingError | undefined {
    return this.failure;
  }

  /**
   * Decodes a chunk and returns the sentences it completed, each word a view of the chunk (or of
   * one assembled copy), so the caller must not reuse the chunk's memory. If the chunk is corrupt,
   * the sentences it completed before the bad byte are dropped with the FramingError; use `feed()`
   * when they must be acted on first (a `!done` just before garbage should still end its command).
   */
  push(chunk: Uint8Array): Sentence[] {
    try {
      this.feed(chunk, this.collector);
    } finally {
      if (this.failure) this.collected = [];
    }
    const out = this.completed;
    this.completed = [];
    return out;
  }

  /**
   * Decodes a chunk, calling `sink.word` for every complete word and `sink.end` for every complete
   * non-empty sentence, in stream order. Throws FramingError at the first corrupt prefix — after
   * everything before it was delivered.
   */
  feed(chunk: Uint8Array, sink: WordSink): void {
    if (this.failure) throw this.failure;
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.bodyNeed === 0 && this.prefixHave === 0) {
        i = this.feedShort(chunk, i, sink);
        if (i === n) break;
      }
      if (this.bodyNeed > 0) {
        const take = Math.min(this.bodyNeed - this.bodyHave, n - i);
        this.pieces.push(this.reusedChunks ? copyOf(chunk, i, i + take) : chunk.subarray(i, i + take));
        this.bodyHave += take;
        i += take;
        if (this.bodyHave === this.bodyNeed) {
          const word = concat(this.pieces, this.bodyNeed);
          this.pieces = [];
          this.bodyHave = 0;
          this.bodyNeed = 0;
          sink.word(word, 0, word.length);
        }
        continue;
      }

      let len: number;
      let size: number;
      let at: number;
      if (this.prefixHave === 0) {
        const b = chunk[i]!;
        if (b < 0x80) {
          // One-byte prefix: by far the most common case, so it skips the general path.
          size = 1;
          at = this.base + i;
          len = b;
          i += 1;
        } else {
          at = this.base + i;
          size = prefixSizeFromFirstByte(b);
          if (size === 0) this.fail(describeBadFirstByte(b), at);
          if (i + size <= n) {
            len = readLengthPrefix(chunk, i, size);
            i += size;
          } else {
            // The prefix straddles chunks (NODE Receiver.ts' lengthDescriptorSegment case, §1).
            this.prefixNeed = size;
            this.prefixOffset = at;
            while (i < n) this.prefix[this.prefixHave++] = chunk[i++]!;
            continue;
          }
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

      if (size > 1 && this.rejectNonMinimal && isNonMinimal(len, size)) {
        this.fail(`length ${len} written in ${size} bytes (non-minimal prefix)`, at);
      }
      if (len === 0) {
        const words = this.sentenceWords;
        this.sentenceWords = 0;
        this.sentenceBytes = 0;
        if (words > 0) sink.end();
        continue;
      }
      if (len > this.maxWord) this.fail(`word of ${len} bytes exceeds the ${this.maxWord}-byte limit`, at);
      this.sentenceBytes += size + len;
      if (this.sentenceBytes > this.maxSentence) {
        this.fail(`sentence of more than ${this.maxSentence} bytes exceeds the limit`, at);
      }
      this.sentenceWords++;
      if (i + len <= n) {
        const start = i;
        i += len;
        sink.word(chunk, start, i);
      } else {
        this.pieces.push(this.reusedChunks ? copyOf(chunk, i, n) : chunk.subarray(i));
        this.bodyHave = n - i;
        this.bodyNeed = len;
        i = n;
      }
    }
    this.base += n;
  }

  /**
   * The common case, kept in locals and in a method of its own: one-byte prefixes (words under 128
   * bytes, §1) whose words lie wholly inside the chunk, and the zero bytes that end sentences.
   * Anything else — a longer prefix, a word or prefix cut by the chunk's end, a word over a limit —
   * returns at that prefix, and `feed` handles (or refuses) it with the same offsets and limits,
   * before any byte of the word is kept. Returns where it stopped.
   *
   * Why a separate method: V8 optimises this loop during the first chunk of a large reply, before
   * any word has straddled two chunks. Had the general path been part of the same optimised code,
   * its first straddling word (at the end of that first chunk) would run bytecode that has no type
   * feedback yet and deoptimise the loop, which then had to be compiled again. Here every path of
   * the optimised code has run before it is compiled.
   */
  private feedShort(chunk: Uint8Array, start: number, sink: WordSink): number {
    const n = chunk.length;
    const maxWord = this.maxWord;
    const maxSentence = this.maxSentence;
    let words = this.sentenceWords;
    let bytes = this.sentenceBytes;
    let i = start;
    while (i < n) {
      const len = chunk[i]!;
      if (len === 0) {
        i++;
        this.sentenceWords = 0;
        this.sentenceBytes = 0;
        bytes = 0;
        if (words > 0) {
          words = 0;
          sink.end();
        }
        continue;
      }
      const end = i + 1 + len;
      if (len >= 0x80 || end > n || len > maxWord || bytes + 1 + len > maxSentence) break;
      bytes += 1 + len;
      words++;
      this.sentenceWords = words;
      this.sentenceBytes = bytes;
      sink.word(chunk, i + 1, end);
      i = end;
    }
    return i;
  }

  private fail(reason: string, offset: number): never {
    this.failure = new FramingError(reason, offset);
    this.pieces = [];
    this.sentenceWords = 0;
    throw this.failure;
  }
}

function describeBadFirstByte(b: number): string {
  const hex = `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return b >= 0xf8
    ? `reserved control byte ${hex} where a length prefix was expected`
    : `undefined length prefix ${hex} (only 0xF0 starts the five-byte form)`;
}

/**
 * A real copy, always a plain Uint8Array. Not `chunk.slice()`: chunks are often Node Buffers, whose
 * `slice` returns a view of the same memory — exactly what a reused read buffer must not leave behind.
 */
function copyOf(chunk: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(chunk.subarray(start, end));
  return out;
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

/**
 * A view of `bytes[start, end)`. Constructed directly rather than with `subarray()`: chunks from
 * Node sockets are Buffers, whose `subarray` builds a Buffer through extra JavaScript (measured
 * about 3× slower per word, and this runs for every word of every sentence received).
 */
export function wordView(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}
