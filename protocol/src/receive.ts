// The receive path: chunks from the transport to Reply objects, without an object per word. Apart
// from tag routing because it is the hot loop (a 100k-row print is millions of words through
// `sink.word`) and its V8 notes belong with it; it knows bytes and prefixes, never tags or commands.
import { SentenceDecoder, type DecoderLimits, type WordSink } from './decoder';
import { lengthPrefixSize, writeLengthPrefixOfSize } from './length';
import { prefixSizeIn, Reply } from './reply';
import type { TextCodec } from './text';

/**
 * Decodes received chunks into Replies, handing each to `deliver` with the clock reading of the
 * chunk that completed it. A FramingError from the decoder is thrown to the caller of `receive`,
 * after every sentence before the corrupt prefix was delivered.
 */
export class SentenceReceiver {
  private readonly decoder: SentenceDecoder;
  /** Clock reading for the chunk being decoded: the time of every sentence it completes. */
  private receivedAt = 0;
  /**
   * The sentence being received: the array its words lie in and their [start, end) pairs there —
   * the chunk, or `inFrame` once the sentence spans arrays.
   */
  private inBytes: Uint8Array | undefined;
  private inOffsets: number[] = [];
  /**
   * A copy of the sentence as framed on the wire, made once its words lie in more than one array
   * (it spans chunks, or a word was gathered across chunks); `inFrameLength` bytes of it are used.
   */
  private inFrame: Uint8Array | undefined;
  private inFrameLength = 0;

  /** @param clock read once per chunk: the arrival time of every sentence the chunk completes. */
  constructor(
    limits: DecoderLimits,
    private readonly codec: TextCodec,
    private readonly clock: () => number,
    private readonly deliver: (reply: Reply, time: number) => void,
  ) {
    this.decoder = new SentenceDecoder(limits);
  }

  receive(received: Uint8Array): void {
    // Node hands out Buffers, a subclass of Uint8Array: byte reads from a subclass run on a slower
    // path in V8 (measured 1.5–2× in the recorder's scan), and every reader of this chunk — the
    // decoder, Reply's ranges, live tables, the trace — would pay it. One plain view per chunk.
    const chunk =
      Object.getPrototypeOf(received) === Uint8Array.prototype
        ? received
        : new Uint8Array(received.buffer, received.byteOffset, received.length);
    // A sentence is received when its last byte is: every sentence this chunk completes arrived
    // with it. One clock reading per chunk, not per sentence (a 100k-row print is 100k readings).
    this.receivedAt = this.clock();
    // feed() delivers every sentence before a corrupt prefix first, so a `!done` that precedes
    // garbage still ends its command before the connection is failed.
    this.decoder.feed(chunk, this.sink);
  }

  /**
   * Words of a sentence that lie in one chunk are kept as offsets into it (Reply's ranges form).
   * Once a word comes from another array (the sentence spans chunks, or the word was gathered across
   * them), the sentence is copied, as framed on the wire, into one buffer of its own and kept as
   * offsets into that: still no object per word. (It used to become one view per word: a 57 MiB
   * sentence of one-byte words was 30 million views, 4.3 GB — issue 11 E.)
   */
  private readonly sink: WordSink = {
    word: (bytes, start, end) => {
      if (this.inFrame !== undefined) {
        this.appendWord(bytes, start, end);
        return;
      }
      const offsets = this.inOffsets;
      if (offsets.length === 0) this.inBytes = bytes;
      else if (bytes !== this.inBytes) {
        this.startFrame();
        this.appendWord(bytes, start, end);
        return;
      }
      offsets.push(start, end);
    },
    end: () => {
      const nonMinimal = this.decoder.nonMinimalPrefixes;
      if (this.inFrame !== undefined) {
        // The terminating zero, in the form it came in (protocol.md §2: any prefix may be longer).
        const size = prefixSizeIn(nonMinimal, this.inOffsets.length >> 1, 0);
        writeLengthPrefixOfSize(this.reserveFrame(size), this.inFrameLength, 0, size);
        this.inFrameLength += size;
        // A reply may be kept (a command's result): not with more than 64 KiB of spare room.
        const frame = this.inFrame;
        this.inBytes = frame.length - this.inFrameLength > 64 * 1024 ? frame.slice(0, this.inFrameLength) : frame;
        this.inFrame = undefined;
      }
      const reply = Reply.fromRanges(this.inBytes!, this.inOffsets, this.codec, nonMinimal);
      this.inBytes = undefined;
      this.inOffsets = [];
      this.deliver(reply, this.receivedAt);
    },
  };

  /** Copies the words received so far, each after its length prefix, into a frame of their own. */
  private startFrame(): void {
    const from = this.inBytes!;
    const offsets = this.inOffsets;
    let size = 0;
    for (let i = 0; i < offsets.length; i += 2) size += offsets[i + 1]! - offsets[i]! + 5;
    // Room for what follows: the rest of a small sentence, or a run of words before it doubles.
    this.inFrame = new Uint8Array(size + Math.max(256, Math.min(size, 64 * 1024)));
    this.inFrameLength = 0;
    this.inOffsets = [];
    for (let i = 0; i < offsets.length; i += 2) this.appendWord(from, offsets[i]!, offsets[i + 1]!);
  }

  /** Appends a word and its prefix (in the form it came in) to `inFrame`, and its range. */
  private appendWord(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    const nonMinimal = this.decoder.nonMinimalPrefixes;
    const size =
      nonMinimal === undefined ? lengthPrefixSize(length) : prefixSizeIn(nonMinimal, this.inOffsets.length >> 1, length);
    const frame = this.reserveFrame(size + length);
    let o = writeLengthPrefixOfSize(frame, this.inFrameLength, length, size);
    this.inOffsets.push(o, o + length);
    frame.set(new Uint8Array(bytes.buffer, bytes.byteOffset + start, length), o);
    o += length;
    this.inFrameLength = o;
  }

  /**
   * `inFrame` with room for `n` more bytes: it doubles when full, so a sentence that spans chunks
   * is held in at most twice its size (three times while the buffer grows). A big word that does
   * not fit gets its size plus at most 64 KiB of room instead, so that the copy of a 16 MiB word is
   * not 32 MiB (and then trimmed: one more copy).
   */
  private reserveFrame(n: number): Uint8Array {
    const frame = this.inFrame!;
    const need = this.inFrameLength + n;
    if (need <= frame.length) return frame;
    const grown = new Uint8Array(Math.max(need + Math.min(need, 64 * 1024), 2 * frame.length));
    grown.set(frame.subarray(0, this.inFrameLength));
    this.inFrame = grown;
    return grown;
  }
}
