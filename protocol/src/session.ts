import { SentenceDecoder, type DecoderLimits, type WordSink } from './decoder';
import {
  CancelledError,
  CancelUnconfirmedError,
  ConnectionClosedError,
  FatalError,
  FramingError,
  TimeoutError,
  TrapError,
  UsageError,
  type Trap,
} from './errors';
import { lengthPrefixSize, writeLengthPrefixOfSize } from './length';
import { prefixSizeIn, Reply, ReplyType, type Attributes } from './reply';
import { encodeWord, frameSentence, type Word } from './sentence';
import { bytesEqualAscii, UTF8_CODEC, type TextCodec } from './text';
import { hostTimers, type Timers } from './timers';

/**
 * What the session needs from a byte stream. Adapters live outside protocol/src (protocol/node for
 * TCP/TLS, tests use an in-memory pair).
 */
export interface Transport {
  /** Resolves when the bytes were accepted; adapters wait for `drain` before resolving. */
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): () => void;
  onClose(listener: (error?: Error) => void): () => void;
  close(): void;
}

export type Direction = 'out' | 'in';

export interface SentenceEvent {
  direction: Direction;
  words: readonly Uint8Array[];
  /** Tag of the sentence (`.tag=` word), if any. */
  tag: string | undefined;
  /** Clock reading from `SessionOptions.now`. */
  time: number;
  /**
   * A received sentence as a Reply: its words may be read as ranges of the received chunk
   * (`reply.bytes`, `reply.offsets`) without making the `words` views.
   */
  reply?: Reply;
}

/** A received sentence's event: `words` are made only if a listener asks for them. */
class ReceivedSentence implements SentenceEvent {
  readonly direction = 'in' as const;
  constructor(
    readonly reply: Reply,
    readonly time: number,
  ) {}
  get words(): readonly Uint8Array[] {
    return this.reply.words;
  }
  get tag(): string | undefined {
    return this.reply.tag;
  }
}

export interface SessionOptions extends DecoderLimits {
  /**
   * The connection's Encoding (protocol.md §9): encodes every outgoing text word (login password
   * and query values included) and decodes replies (UTF-8 when valid, else its code page). Default
   * UTF8_CODEC; protocol/node's `textCodec()` gives the Windows code pages.
   */
  codec?: TextCodec;
  /** Default per-command timeout for `command()`; 0 disables. Streams have none by default. */
  commandTimeoutMs?: number;
  /**
   * How long a cancelled command may take to end after our `/cancel` (default 5000 ms; 0 waits
   * forever). Past it the command fails with CancelUnconfirmedError; its late replies are then
   * dropped like any others (docs/main-process.md, "Cancel").
   */
  cancelTimeoutMs?: number;
  /**
   * Outgoing back-pressure (default 1 MiB): bytes of sent sentences the transport has not accepted
   * yet (SocketTransport: written while the socket's buffer is past its high-water mark, until
   * `drain`). A sentence that would pass it waits, in order, until writes complete; one larger than
   * the budget goes alone. `whenWritable()` lets a caller wait before sending (docs/main-process.md).
   */
  outgoingBudgetBytes?: number;
  /** Replies for unknown or finished tags (late sentences after `/cancel`, protocol.md §7.1). */
  onUntaggedReply?: (reply: Reply) => void;
  /** Every sentence in both directions, for traces. Called synchronously. */
  onSentence?: (event: SentenceEvent) => void;
  /**
   * Every sent sentence, with its clock reading. For recorders: unlike `onSentence`, no event
   * object is made. Called synchronously, before the write.
   */
  onSent?: (words: readonly Uint8Array[], time: number) => void;
  /**
   * Every received sentence as it is dispatched, with the clock reading of the chunk that
   * completed it. Called synchronously, before `onSentence`. For recorders on the hot path: no
   * event object per sentence — a 100k-row print would make 100k, and that garbage makes the
   * young-generation collector copy the print's retained replies again and again.
   */
  onReceived?: (reply: Reply, time: number) => void;
  /**
   * A command we sent `/cancel` for did not end within the cancel deadline (for traces: the wire
   * shows only the /cancel and silence). Called synchronously, with the clock reading.
   */
  onCancelUnconfirmed?: (tag: string | undefined, timeoutMs: number, time: number) => void;
  /** Called once when the session ends (fatal, framing error, transport closed). */
  onClose?: (error: Error) => void;
  now?: () => number;
  timers?: Timers;
  /** Prefix of generated tags (`t1`, `t2`, ...). */
  tagPrefix?: string;
}

export interface SendOptions {
  /**
   * Send the words exactly as given (for the console and the CLI): no `.tag=` is added. The tag, if
   * any, is the one among the words; untagged commands are answered in order.
   */
  raw?: boolean;
  /** Per-command timeout; overrides the session default for `command()`. 0 disables. */
  timeoutMs?: number;
}

export interface StreamOptions extends SendOptions {
  /**
   * Receives every reply of the command, the final `!done` included, instead of buffering them for
   * the async iterator. Use it for high-rate streams.
   */
  onReply?: (reply: Reply) => void;
}

/** How a command ended, when it ended at `!done`. */
export interface CommandEnd {
  done: Reply;
  /** Every `!trap` before the `!done` (there may be several, protocol.md §5.1). */
  traps: Trap[];
  /** The router said `!empty` (RouterOS ≥ 7.18): no data. */
  empty: boolean;
  /** The command was interrupted by our `/cancel`. */
  cancelled: boolean;
  /** Replies whose word is not one the manual names, passed on as received. */
  unknown: Reply[];
}

export class CommandResult implements CommandEnd {
  constructor(
    readonly replies: readonly Reply[],
    readonly done: Reply,
    readonly traps: Trap[],
    readonly empty: boolean,
    readonly cancelled: boolean,
    readonly unknown: Reply[],
  ) {}
  /** `!re` attributes, one record per row. */
  get rows(): Attributes[] {
    return this.replies.map((r) => r.attributes);
  }
  /** `=ret=` of the `!done` (new item id, `count-only` count, login challenge, `get` value). */
  get ret(): string | undefined {
    return this.done.attributes['ret'];
  }
}

const CANCEL_INTERRUPTED = 2;

interface Pending {
  tag: string | undefined;
  /** Handed to the transport (false while held by the outgoing budget). */
  written: boolean;
  settled: boolean;
  cancelRequested: boolean;
  /** The cancel deadline (cancelTimeoutMs), while one runs. */
  cancelTimer: unknown;
  traps: Trap[];
  unknown: Reply[];
  empty: boolean;
  handle(reply: Reply): void;
  finish(end: CommandEnd): void;
  fail(error: Error): void;
}

/**
 * One logged-in (or logging-in) API connection: tags, commands, streams and cancel over a
 * Transport (protocol.md §7, §12).
 *
 * - Tags are registered before the sentence is written (go-routeros/routeros#33).
 * - A command ends only at `!done`; `!trap` and `!empty` do not end it (go-routeros/routeros#16).
 * - Sentences for unknown or finished tags go to `onUntaggedReply`, never an exception (NODE
 *   `UNREGISTEREDTAG`, SW "Unknown tag" tore down shared connections).
 * - `!fatal`, a framing error or the transport closing fail every pending command.
 */
/** A sentence waiting for room in the outgoing budget. */
interface HeldSentence {
  words: Uint8Array[];
  tag: string | undefined;
  frame: Uint8Array;
  pending: Pending | undefined;
}

export class Session {
  private readonly decoder: SentenceDecoder;
  private readonly tagged = new Map<string, Pending>();
  /** Untagged commands, answered in order: replies go to the oldest unfinished one. */
  private readonly untagged: Pending[] = [];
  private nextTag = 1;
  private closedWith: Error | undefined;
  /** The connection's Encoding (SessionOptions.codec). */
  readonly codec: TextCodec;
  private readonly defaultTimeout: number;
  private readonly cancelTimeout: number;
  private readonly outgoingBudget: number;
  /** Bytes handed to the transport whose write has not resolved yet. */
  private unflushed = 0;
  /** Sentences waiting for room in the outgoing budget, oldest first. */
  private held: (HeldSentence | undefined)[] = [];
  /** Index of the oldest sentence in `held` still waiting (a head index: shift() is O(n)). */
  private heldHead = 0;
  private writableWaiters: (() => void)[] = [];
  private readonly tagPrefix: string;
  private readonly now: () => number;
  /** @internal */
  readonly timers: Timers;
  private readonly unsubscribe: (() => void)[];
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

  constructor(
    private readonly transport: Transport,
    private readonly options: SessionOptions = {},
  ) {
    this.decoder = new SentenceDecoder(options);
    this.codec = options.codec ?? UTF8_CODEC;
    this.defaultTimeout = options.commandTimeoutMs ?? 15_000;
    this.cancelTimeout = options.cancelTimeoutMs ?? 5_000;
    this.outgoingBudget = options.outgoingBudgetBytes ?? 1024 * 1024;
    this.tagPrefix = options.tagPrefix ?? 't';
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? hostTimers;
    this.unsubscribe = [
      transport.onData((chunk) => this.receive(chunk)),
      transport.onClose((error) =>
        this.shutdown(new ConnectionClosedError(error ? `connection lost: ${error.message}` : 'connection closed', true, error)),
      ),
    ];
  }

  /** The error the session ended with, or undefined while it is open. */
  get closed(): Error | undefined {
    return this.closedWith;
  }

  /** Bytes handed to the transport that it has not accepted yet (the outgoing budget's measure). */
  get outgoingBytes(): number {
    return this.unflushed;
  }

  /**
   * Resolves when a sentence can be written at once: nothing waits for the outgoing budget and less
   * than the budget is in flight (or the session has ended; sending then fails as not connected).
   */
  whenWritable(): Promise<void> {
    if (this.closedWith || (this.heldHead === this.held.length && this.unflushed < this.outgoingBudget)) return Promise.resolve();
    return new Promise<void>((resolve) => this.writableWaiters.push(resolve));
  }

  /** Number of commands (tagged and untagged) that have not reached `!done`. */
  get pendingCount(): number {
    return this.tagged.size + this.untagged.length;
  }

  /** Runs a command to its `!done` and returns its replies; rejects with TrapError if it trapped. */
  command(words: readonly Word[], options: SendOptions = {}): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve, reject) => {
      const replies: Reply[] = [];
      const timeoutMs = options.timeoutMs ?? this.defaultTimeout;
      let timer: unknown;
      const pending = this.open(words, options.raw ?? false, {
        onReply: (r) => {
          if (r.type === ReplyType.Re) replies.push(r);
        },
        onEnd: (end) => {
          if (timer !== undefined) this.timers.clear(timer);
          if (end.cancelled) reject(new CancelledError());
          else if (end.traps.length > 0)
            reject(
              new TrapError(
                end.traps,
                replies.map((r) => r.attributes),
              ),
            );
          else resolve(new CommandResult(replies, end.done, end.traps, end.empty, end.cancelled, end.unknown));
        },
        onError: (e) => {
          if (timer !== undefined) this.timers.clear(timer);
          reject(e);
        },
      });
      if (pending && timeoutMs > 0 && !pending.settled) {
        timer = this.timers.set(() => this.expire(pending, timeoutMs), timeoutMs);
      }
    });
  }

  /**
   * Starts a command whose replies are wanted as they come (`listen`, `=follow=`, monitors, or any
   * command in the console). Iterate it for the data replies, or pass `onReply`.
   */
  stream(words: readonly Word[], options: StreamOptions = {}): CommandStream {
    return new CommandStream(this, words, options);
  }

  /**
   * Interrupts a command by tag (`/cancel =tag=X`) and resolves when `/cancel` is done, or when the
   * cancel deadline passes without an answer. One of ours that has not ended by then fails with
   * CancelUnconfirmedError.
   */
  async cancel(tag: string): Promise<void> {
    const victim = this.tagged.get(tag);
    if (victim) this.cancelling(victim);
    await this.sendCancel(tag);
  }

  /**
   * @internal Marks a command as being cancelled and starts its deadline: a router that neither
   * interrupts it nor answers must not keep a cancel (table:stop, console:cancel) waiting forever
   * (issue 11 item 4). The entry stays registered, so a late `!done` is still absorbed.
   */
  cancelling(p: Pending): void {
    p.cancelRequested = true;
    if (p.settled || p.cancelTimer !== undefined || this.cancelTimeout <= 0) return;
    const ms = this.cancelTimeout;
    p.cancelTimer = this.timers.set(() => {
      p.cancelTimer = undefined;
      if (p.settled) return;
      const hook = this.options.onCancelUnconfirmed;
      if (hook) guard((tag: string | undefined) => hook(tag, ms, this.now()), p.tag);
      p.fail(new CancelUnconfirmedError(ms));
    }, ms);
  }

  /**
   * @internal Sends `/cancel` (with `=tag=`, or bare for an untagged command) and resolves when it
   * is done, trapped (the victim had already ended), or unanswered within the cancel deadline; an
   * unanswered `/cancel` stays registered to absorb its late reply, and is not itself cancelled.
   */
  sendCancel(tag: string | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: unknown;
      const p = this.open(tag === undefined ? ['/cancel'] : ['/cancel', `=tag=${tag}`], false, {
        onReply: () => undefined,
        onEnd: () => {
          if (timer !== undefined) this.timers.clear(timer);
          resolve();
        },
        onError: (e) => {
          if (timer !== undefined) this.timers.clear(timer);
          if (e instanceof TimeoutError) resolve();
          else reject(e);
        },
      });
      if (p && !p.settled && this.cancelTimeout > 0) {
        const ms = this.cancelTimeout;
        timer = this.timers.set(() => p.fail(new TimeoutError(ms, '/cancel')), ms);
      }
    });
  }

  /** Logs out politely: `/quit`, answered by `!fatal` and a close (protocol.md §6.4). */
  async quit(timeoutMs = 2000): Promise<void> {
    if (this.closedWith) return;
    let timer: unknown;
    let off: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => {
      off = this.transport.onClose(() => resolve());
      // Bounded: a router that neither answers nor closes must not keep us (or the process) waiting.
      timer = this.timers.set(resolve, timeoutMs);
    });
    this.send([encodeWord('/quit', this.codec)], undefined, undefined);
    await ended;
    off();
    this.timers.clear(timer);
    this.close();
  }

  /** Closes the transport; pending commands fail as connection closed. */
  close(): void {
    if (!this.closedWith) {
      this.shutdown(new ConnectionClosedError('connection closed by the client', true));
    }
    this.transport.close();
  }

  /** @internal Registers and writes a command. Returns undefined when it failed at once. */
  open(
    words: readonly Word[],
    raw: boolean,
    sink: { onReply(r: Reply): void; onEnd(end: CommandEnd): void; onError(e: Error): void },
  ): Pending | undefined {
    if (this.closedWith) {
      sink.onError(new ConnectionClosedError(`not connected: ${this.closedWith.message}`, false));
      return undefined;
    }
    let encoded: Uint8Array[];
    try {
      encoded = words.map((w) => encodeWord(w, this.codec));
      if (encoded.length === 0) throw new UsageError('a command needs at least one word');
      if (encoded.some((w) => w.length === 0))
        throw new UsageError('empty words cannot be sent (a zero-length word ends the sentence)');
    } catch (e) {
      sink.onError(e instanceof UsageError ? e : new UsageError((e as Error).message));
      return undefined;
    }

    let tag = findTag(encoded, this.codec);
    if (!raw && tag === undefined) {
      do tag = `${this.tagPrefix}${this.nextTag++}`;
      while (this.tagged.has(tag));
      encoded.push(encodeWord(`.tag=${tag}`, this.codec));
    }
    if (tag !== undefined && this.tagged.has(tag)) {
      sink.onError(new UsageError(`tag ${tag} is already in use by a running command`));
      return undefined;
    }

    const p: Pending = {
      tag,
      written: false,
      settled: false,
      cancelRequested: false,
      cancelTimer: undefined,
      traps: [],
      unknown: [],
      empty: false,
      handle: (r) => {
        switch (r.type) {
          case ReplyType.Done:
            this.release(p);
            p.finish({
              done: r,
              traps: p.traps,
              empty: p.empty,
              cancelled: p.cancelRequested && p.traps.some(isInterrupted),
              unknown: p.unknown,
            });
            return;
          case ReplyType.Trap:
            p.traps.push(r.trap);
            break;
          case ReplyType.Empty:
            p.empty = true;
            break;
          case ReplyType.Re:
            break;
          default:
            p.unknown.push(r);
        }
        if (!p.settled) sink.onReply(r);
      },
      finish: (end) => {
        if (p.settled) return;
        p.settled = true;
        if (p.cancelTimer !== undefined) this.timers.clear(p.cancelTimer);
        sink.onReply(end.done);
        // The interruption we asked for is how a cancelled command ends, not an error (NODE RStream).
        if (end.cancelled) end = { ...end, traps: end.traps.filter((t) => !isInterrupted(t)) };
        sink.onEnd(end);
      },
      fail: (e) => {
        if (p.settled) return;
        p.settled = true;
        if (p.cancelTimer !== undefined) this.timers.clear(p.cancelTimer);
        sink.onError(e);
      },
    };

    // Register before writing: a reply may arrive in the same tick as the write (go-routeros#33).
    if (tag !== undefined) this.tagged.set(tag, p);
    else this.untagged.push(p);
    this.send(encoded, tag, p);
    return p;
  }

  /**
   * Writes a sentence, or holds it while the outgoing budget is used up (issue 11 item 6: write
   * promises were fire-and-forget, so a fast sender could queue without bound in the socket).
   * Order is kept: once one sentence waits, every later one waits behind it.
   */
  private send(words: Uint8Array[], tag: string | undefined, pending: Pending | undefined): void {
    const frame = frameSentence(words);
    if (this.heldHead < this.held.length || (this.unflushed > 0 && this.unflushed + frame.length > this.outgoingBudget)) {
      this.held.push({ words, tag, frame, pending });
      return;
    }
    this.transmit(words, tag, frame, pending);
  }

  private transmit(words: Uint8Array[], tag: string | undefined, frame: Uint8Array, p: Pending | undefined): void {
    if (p) p.written = true;
    const { onSent, onSentence } = this.options;
    if (onSent || onSentence) {
      const time = this.now();
      guard(onSent, words, time);
      guard(onSentence, { direction: 'out', words, tag, time });
    }
    const size = frame.length;
    this.unflushed += size;
    this.transport.write(frame).then(
      () => this.flushed(size),
      (e: unknown) => {
        this.flushed(size);
        if (!p) return;
        this.release(p);
        p.fail(new ConnectionClosedError(`write failed: ${(e as Error).message}`, true, e));
      },
    );
  }

  /** A write completed: send what the budget now has room for, then wake whoever waits. */
  private flushed(size: number): void {
    this.unflushed -= size;
    while (this.heldHead < this.held.length && !this.closedWith) {
      const next = this.held[this.heldHead]!;
      if (this.unflushed > 0 && this.unflushed + next.frame.length > this.outgoingBudget) return;
      this.held[this.heldHead++] = undefined;
      if (this.heldHead === this.held.length) {
        this.held = [];
        this.heldHead = 0;
      }
      const p = next.pending;
      if (p?.settled) {
        // Given up on (time-out, cancel deadline) before it was ever written: never send it.
        this.release(p);
        continue;
      }
      this.transmit(next.words, next.tag, next.frame, p);
    }
    if (this.heldHead === this.held.length && this.unflushed < this.outgoingBudget) this.wakeWriters();
  }

  private wakeWriters(): void {
    const waiters = this.writableWaiters;
    if (waiters.length === 0) return;
    this.writableWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** A command timed out: fail it now, ask the router to stop it, absorb its late replies. */
  private expire(p: Pending, timeoutMs: number): void {
    if (p.settled) return;
    p.fail(new TimeoutError(timeoutMs));
    // Still held by the outgoing budget: it will not be written at all (see flushed()).
    if (p.tag !== undefined && p.written && !this.closedWith) {
      p.cancelRequested = true;
      this.sendCancel(p.tag).catch(() => undefined);
    }
    // The entry stays registered until its !done so that late replies are not misrouted.
  }

  private release(p: Pending): void {
    if (p.tag !== undefined) {
      if (this.tagged.get(p.tag) === p) this.tagged.delete(p.tag);
    } else {
      const i = this.untagged.indexOf(p);
      if (i >= 0) this.untagged.splice(i, 1);
    }
  }

  private receive(received: Uint8Array): void {
    if (this.closedWith) return;
    // Node hands out Buffers, a subclass of Uint8Array: byte reads from a subclass run on a slower
    // path in V8 (measured 1.5–2× in the recorder's scan), and every reader of this chunk — the
    // decoder, Reply's ranges, live tables, the trace — would pay it. One plain view per chunk.
    const chunk =
      Object.getPrototypeOf(received) === Uint8Array.prototype
        ? received
        : new Uint8Array(received.buffer, received.byteOffset, received.length);
    // A sentence is received when its last byte is: every sentence this chunk completes arrived
    // with it. One clock reading per chunk, not per sentence (a 100k-row print is 100k readings).
    if (this.options.onSentence || this.options.onReceived) this.receivedAt = this.now();
    try {
      // feed() delivers every sentence before a corrupt prefix first, so a `!done` that precedes
      // garbage still ends its command before the connection is failed.
      this.decoder.feed(chunk, this.sink);
    } catch (e) {
      if (!(e instanceof FramingError)) throw e;
      this.shutdown(e);
      this.transport.close();
    }
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
      if (!this.closedWith) this.dispatch(reply);
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

  private dispatch(reply: Reply): void {
    const onReceived = this.options.onReceived;
    if (onReceived !== undefined) {
      try {
        onReceived(reply, this.receivedAt);
      } catch (e) {
        void Promise.reject(e);
      }
    }
    if (this.options.onSentence) guard(this.options.onSentence, new ReceivedSentence(reply, this.receivedAt));
    if (reply.type === ReplyType.Fatal) {
      // !fatal has no tag and nothing follows it: every command in flight is dead (§5.2).
      this.shutdown(new FatalError(reply.fatalReason));
      this.transport.close();
      return;
    }
    const p = reply.tag !== undefined ? this.tagged.get(reply.tag) : this.untagged[0];
    if (!p) {
      guard(this.options.onUntaggedReply, reply);
      return;
    }
    if (p.settled && reply.type !== ReplyType.Done) {
      // Late replies of a command we gave up on (timeout): recorded by the trace, dropped here.
      guard(this.options.onUntaggedReply, reply);
      return;
    }
    if (p.settled) {
      this.release(p);
      return;
    }
    p.handle(reply);
  }

  private shutdown(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const off of this.unsubscribe) off();
    const all = [...this.tagged.values(), ...this.untagged];
    this.tagged.clear();
    this.untagged.length = 0;
    // Unreadable bytes end the connection like any other drop: a command already written may have
    // run on the router, so it is "outcome unknown", not a failure (engineering-notes §6.2, issue 11
    // item D). The session itself ends with the FramingError (`closed`, onClose).
    const commandError =
      error instanceof FramingError
        ? new ConnectionClosedError(
            `connection closed: the router sent bytes that cannot be read (${error.message})`,
            true,
            error,
          )
        : error;
    // Held by the outgoing budget, never written: nothing can have run on the router.
    this.held = [];
    this.heldHead = 0;
    for (const p of all) p.fail(p.written ? commandError : new ConnectionClosedError(`not sent: ${error.message}`, false, error));
    this.wakeWriters();
    guard(this.options.onClose, error);
  }
}

/**
 * Runs a caller's hook so that its exception cannot leave the decoder half-way through a chunk (the
 * rest of the chunk would be lost and the stream desynchronised). The error is rethrown
 * asynchronously, like an EventEmitter listener's, so bugs still surface.
 */
/** Calls a listener; what it throws is reported as an unhandled rejection, never to the session. */
function guard<A, B>(hook: ((arg: A, arg2: B) => void) | undefined, arg: A, arg2?: B): void {
  if (!hook) return;
  try {
    hook(arg, arg2 as B);
  } catch (e) {
    void Promise.reject(e);
  }
}

function isInterrupted(t: Trap): boolean {
  return t.category === CANCEL_INTERRUPTED;
}

function findTag(words: readonly Uint8Array[], codec: TextCodec): string | undefined {
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (bytesEqualAscii(w, '.tag=')) {
      const tag = codec.decode(w, 5);
      return tag === '' ? undefined : tag;
    }
  }
  return undefined;
}

/** Result of a stream that reached `!done`. */
export type StreamEnd = CommandEnd;

/**
 * A running command whose replies arrive over time. Async-iterable over its data replies (`!re`,
 * `!empty` and unknown words); the iteration ends at `!done` and throws TrapError if the command
 * trapped (an interruption by our own `cancel()` is a normal end).
 */
export class CommandStream implements AsyncIterable<Reply> {
  readonly tag: string | undefined;
  /** Settles at `!done` (or fails with the trap, fatal, close or write error). */
  readonly done: Promise<StreamEnd>;
  private buffer: Reply[] = [];
  private head = 0;
  private waiter: (() => void) | undefined;
  private outcome: { end?: StreamEnd; error?: Error } | undefined;
  private readonly pending: Pending | undefined;

  constructor(
    private readonly session: Session,
    words: readonly Word[],
    options: StreamOptions,
  ) {
    let resolveDone!: (e: StreamEnd) => void;
    let rejectDone!: (e: Error) => void;
    this.done = new Promise<StreamEnd>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    // The iterator reports errors itself; do not let an unobserved `done` crash the process.
    this.done.catch(() => undefined);
    let timer: unknown;
    const onReply = options.onReply;
    this.pending = session.open(words, options.raw ?? false, {
      onReply: (r) => {
        if (onReply) guard(onReply, r);
        else if (r.type !== ReplyType.Done && r.type !== ReplyType.Trap) this.buffer.push(r);
        this.wake();
      },
      onEnd: (end) => {
        if (timer !== undefined) session.timers.clear(timer);
        this.outcome = end.traps.length > 0 ? { error: new TrapError(end.traps) } : { end };
        if (this.outcome.error) rejectDone(this.outcome.error);
        else resolveDone(end);
        this.wake();
      },
      onError: (e) => {
        if (timer !== undefined) session.timers.clear(timer);
        this.outcome = { error: e };
        rejectDone(e);
        this.wake();
      },
    });
    this.tag = this.pending?.tag;
    const timeoutMs = options.timeoutMs ?? 0;
    if (this.pending && timeoutMs > 0) {
      const p = this.pending;
      timer = session.timers.set(() => {
        if (!p.settled) void this.cancel().catch(() => undefined);
        p.fail(new TimeoutError(timeoutMs));
      }, timeoutMs);
    }
  }

  /** True once the command has ended one way or another. */
  get finished(): boolean {
    return this.outcome !== undefined;
  }

  /**
   * Sends `/cancel =tag=X` and waits for the command's own final `!done` (late sentences after a
   * cancel are normal, protocol.md §7.2), at most the session's cancel deadline: past it `done`
   * rejects with CancelUnconfirmedError and this resolves undefined. For an untagged command a bare
   * `/cancel` is sent, which interrupts every running command on the connection.
   */
  async cancel(): Promise<StreamEnd | undefined> {
    if (this.outcome) return this.outcome.end;
    if (this.pending) this.session.cancelling(this.pending);
    // What ends the wait is the command's own end — its !done, or the cancel deadline — not the
    // /cancel's reply, which may come before the victim's last sentences (protocol.md §7.2).
    this.session.sendCancel(this.tag).catch(() => undefined);
    try {
      return await this.done;
    } catch (e) {
      if (e instanceof CancelledError || e instanceof CancelUnconfirmedError) return undefined;
      throw e;
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Reply> {
    for (;;) {
      while (this.head < this.buffer.length) {
        const r = this.buffer[this.head++]!;
        if (this.head === this.buffer.length) {
          this.buffer = [];
          this.head = 0;
        }
        yield r;
      }
      if (this.outcome) {
        if (this.outcome.error) throw this.outcome.error;
        return;
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }
}
