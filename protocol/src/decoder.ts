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
   * Most words accepted in one sentence. The byte limit alone let a sentence of 30 million one-byte
   * words through (57 MiB), and every consumer keeps something per word (issue 11 E).
   */
  maxSentenceWords?: number;
  /**
   * Every peer decoder accepts non-minimal prefixes such as `80 05` (protocol.md §2), and so do we
   * by default; set this to refuse them.
   */
  rejectNonMinimal?: boolean;
}

export interface DecoderOptions extends DecoderLimits {
  /**
   * The caller reuses its chunk memory (a static read buffer): words handed to a WordSink are valid
   * only during the call. `push()` must not be used then — its words are views. (A word that
   * straddles chunks is always copied, so this changes nothing in the decoder itself.)
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
/** RouterOS replies carry tens of words, rarely a few hundred; this leaves a wide margin. */
export const DEFAULT_MAX_SENTENCE_WORDS = 65_536;
/** First size of the buffer a word that straddles chunks is gathered in (see `gather`). */
const GATHER_MIN_BYTES = 64 * 1024;

/**
 * Streaming sentence decoder (protocol.md §1–§3). Chunks may end anywhere — inside a prefix, a word
 * or between sentences — and may carry many sentences. Words that lie wholly inside one chunk are
 * handed out as ranges (or zero-copy views) of it; a word that straddles chunks is gathered into one
 * buffer that grows as its bytes arrive (see `gather`). The limits are checked from the prefix
 * itself, before a single byte of the word is kept (protocol.md §2 "Size limits"), and a hostile
 * prefix announcing a huge word makes the decoder keep at most twice what actually arrived.
 *
 * After a FramingError the stream cannot be resynchronised (the manual: a client that meets an
 * unknown control byte cannot know how to read what follows), so every later push throws it again.
 */
export class SentenceDecoder {
  private readonly maxWord: number;
  private readonly maxSentence: number;
  private readonly maxWords: number;
  private readonly rejectNonMinimal: boolean;

  /** Words delivered for the sentence in progress, and their bytes including prefixes. */
  private sentenceWords = 0;
  private sentenceBytes = 0;
  /** Bytes of a prefix that straddles chunks. */
  private readonly prefix = new Uint8Array(5);
  private prefixHave = 0;
  private prefixNeed = 0;
  private prefixOffset = 0;
  /** A word that straddles chunks: the buffer its bytes are gathered in, how many it has, needs. */
  private gathered: Uint8Array | undefined;
  private bodyHave = 0;
  private bodyNeed = 0;
  /**
   * Length prefixes of the sentence in progress that were longer than the shortest form (`80 03`
   * for 3; every peer accepts them, protocol.md §2): pairs (word index, prefix size), the word index
   * being the word count for the terminating zero. Undefined while all are minimal (always, in
   * practice): kept so that a trace can hold the sentence as received (issue 11 C).
   */
  private nonMinimal: number[] | undefined;
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
    this.maxWords = options.maxSentenceWords ?? DEFAULT_MAX_SENTENCE_WORDS;
    this.rejectNonMinimal = options.rejectNonMinimal ?? false;
  }

  /**
   * The non-minimal length prefixes of the sentence being delivered, as pairs (word index, prefix
   * size), the index equal to the word count for the terminating zero; undefined when every prefix
   * had its shortest form. Read it in `WordSink.word` or `end`: the decoder forgets it after `end`
   * (the array itself is never changed afterwards, so it may be kept).
   */
  get nonMinimalPrefixes(): readonly number[] | undefined {
    return this.nonMinimal;
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
        this.gather(chunk, i, take);
        i += take;
        if (this.bodyHave === this.bodyNeed) {
          const word = this.gathered!;
          this.gathered = undefined;
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

      if (size > 1 && isNonMinimal(len, size)) {
        if (this.rejectNonMinimal) this.fail(`length ${len} written in ${size} bytes (non-minimal prefix)`, at);
        (this.nonMinimal ??= []).push(this.sentenceWords, size);
      }
      if (len === 0) {
        const words = this.sentenceWords;
        this.sentenceWords = 0;
        this.sentenceBytes = 0;
        if (words > 0) sink.end();
        this.nonMinimal = undefined;
        continue;
      }
      if (len > this.maxWord) this.fail(`word of ${len} bytes exceeds the ${this.maxWord}-byte limit`, at);
      this.sentenceBytes += size + len;
      if (this.sentenceBytes > this.maxSentence) {
        this.fail(`sentence of more than ${this.maxSentence} bytes exceeds the limit`, at);
      }
      if (this.sentenceWords >= this.maxWords) {
        this.fail(`sentence of more than ${this.maxWords} words exceeds the limit`, at);
      }
      this.sentenceWords++;
      if (i + len <= n) {
        const start = i;
        i += len;
        sink.word(chunk, start, i);
      } else {
        this.bodyNeed = len;
        this.gather(chunk, i, n - i);
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
    const maxWords = this.maxWords;
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
          if (this.nonMinimal !== undefined) this.nonMinimal = undefined;
        }
        continue;
      }
      const end = i + 1 + len;
      if (len >= 0x80 || end > n || len > maxWord || bytes + 1 + len > maxSentence || words >= maxWords) break;
      bytes += 1 + len;
      words++;
      this.sentenceWords = words;
      this.sentenceBytes = bytes;
      sink.word(chunk, i + 1, end);
      i = end;
    }
    return i;
  }

  /**
   * Adds `take` bytes of `chunk` at `from` to the word being gathered. Copied, never kept as views of
   * the chunks: a 16 MiB word arriving one byte per read was 16 million views, each holding its
   * one-byte chunk — about 3 GiB (issue 11 E). The buffer starts at what is needed or 64 KiB, and
   * grows by doubling, never past the word's length: so it holds at most twice the bytes received
   * (three times while it grows), and a word that arrives in two pieces, as most straddling words
   * do, is one allocation of its exact length.
   */
  private gather(chunk: Uint8Array, from: number, take: number): void {
    const have = this.bodyHave;
    const need = this.bodyNeed;
    let buf = this.gathered;
    if (buf === undefined) {
      this.gathered = buf = new Uint8Array(need <= GATHER_MIN_BYTES ? need : Math.max(take, GATHER_MIN_BYTES));
    } else if (have + take > buf.length) {
      const grown = new Uint8Array(Math.min(need, Math.max(have + take, 2 * buf.length)));
      grown.set(buf.subarray(0, have));
      this.gathered = buf = grown;
    }
    // subarray rather than a byte loop or a view made by hand: measured faster here.
    buf.set(chunk.subarray(from, from + take), have);
    this.bodyHave = have + take;
  }

  private fail(reason: string, offset: number): never {
    this.failure = new FramingError(reason, offset);
    this.gathered = undefined;
    this.nonMinimal = undefined;
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
 * A view of `bytes[start, end)`. Constructed directly rather than with `subarray()`: chunks from
 * Node sockets are Buffers, whose `subarray` builds a Buffer through extra JavaScript (measured
 * about 3× slower per word, and this runs for every word of every sentence received).
 */
export function wordView(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
}
