// The Session facade: one API connection's public face (command, stream, cancel, quit, close) and
// the wiring of its parts — the receive path (receive.ts), tag routing (mux.ts), the outgoing budget
// (outgoing.ts), time-outs, cancel and quit (cancel.ts) and CommandStream (stream.ts). What stays
// here is what needs all of them: opening a command, `!fatal`, and ending the session.
import type { DecoderLimits } from './decoder';
import { CancelledError, ConnectionClosedError, FatalError, FramingError, TrapError, UsageError, type Trap } from './errors';
import { CancelControl, quitAndWait } from './cancel';
import { guard, ReceivedSentence, type SentenceEvent } from './hooks';
import { findTag, TagMux, type CommandEnd, type CommandSink, type Pending, type SendOptions } from './mux';
import { OutgoingQueue } from './outgoing';
import { SentenceReceiver } from './receive';
import { ReplyType, type Attributes, type Reply } from './reply';
import { encodeWord, type Word } from './sentence';
import { CommandStream, type StreamOptions } from './stream';
import { UTF8_CODEC, type TextCodec } from './text';
import { hostTimers, type Timers } from './timers';
import type { Transport } from './transport';

export type { Transport } from './transport';
export type { Direction, SentenceEvent } from './hooks';
export type { CommandEnd, SendOptions } from './mux';
export { CommandStream, type StreamEnd, type StreamOptions } from './stream';

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

/**
 * One logged-in (or logging-in) API connection: tags, commands, streams and cancel over a
 * Transport (protocol.md §7, §12). Tag rules are TagMux's (mux.ts).
 *
 * - `!fatal`, a framing error or the transport closing fail every pending command.
 */
export class Session {
  private readonly mux: TagMux;
  private readonly receiver: SentenceReceiver;
  private readonly outgoing: OutgoingQueue;
  private readonly cancels: CancelControl;
  private closedWith: Error | undefined;
  /** The connection's Encoding (SessionOptions.codec). */
  readonly codec: TextCodec;
  private readonly defaultTimeout: number;
  private readonly now: () => number;
  /** @internal */
  readonly timers: Timers;
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly transport: Transport,
    private readonly options: SessionOptions = {},
  ) {
    this.codec = options.codec ?? UTF8_CODEC;
    this.defaultTimeout = options.commandTimeoutMs ?? 15_000;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? hostTimers;
    this.mux = new TagMux(this.timers, options.tagPrefix ?? 't', options.onUntaggedReply);
    // The clock is read per chunk only when a hook wants arrival times.
    this.receiver = new SentenceReceiver(
      options,
      this.codec,
      () => (this.options.onSentence || this.options.onReceived ? this.now() : 0),
      (reply, time) => this.dispatch(reply, time),
    );
    this.outgoing = new OutgoingQueue(transport, options.outgoingBudgetBytes ?? 1024 * 1024, options, this.now, this.mux);
    this.cancels = new CancelControl(this, this.timers, options.cancelTimeoutMs ?? 5_000, options, this.now);
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
    return this.outgoing.bytes;
  }

  /**
   * Resolves when a sentence can be written at once: nothing waits for the outgoing budget and less
   * than the budget is in flight (or the session has ended; sending then fails as not connected).
   */
  whenWritable(): Promise<void> {
    return this.outgoing.whenWritable();
  }

  /** Number of commands (tagged and untagged) that have not reached `!done`. */
  get pendingCount(): number {
    return this.mux.size;
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
        timer = this.timers.set(() => this.cancels.expire(pending, timeoutMs), timeoutMs);
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
    const victim = this.mux.get(tag);
    if (victim) this.cancels.cancelling(victim);
    await this.cancels.sendCancel(tag);
  }

  /** @internal Marks a command as being cancelled and starts its deadline (CancelControl). */
  cancelling(p: Pending): void {
    this.cancels.cancelling(p);
  }

  /** @internal Sends `/cancel` for a tag, or bare for an untagged command (CancelControl). */
  sendCancel(tag: string | undefined): Promise<void> {
    return this.cancels.sendCancel(tag);
  }

  /** Logs out politely: `/quit`, answered by `!fatal` and a close (protocol.md §6.4). */
  async quit(timeoutMs = 2000): Promise<void> {
    if (this.closedWith) return;
    await quitAndWait(this.transport, this.timers, timeoutMs, () =>
      this.outgoing.send([encodeWord('/quit', this.codec)], undefined, undefined),
    );
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
  open(words: readonly Word[], raw: boolean, sink: CommandSink): Pending | undefined {
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
      tag = this.mux.newTag();
      encoded.push(encodeWord(`.tag=${tag}`, this.codec));
    }
    if (tag !== undefined && this.mux.has(tag)) {
      sink.onError(new UsageError(`tag ${tag} is already in use by a running command`));
      return undefined;
    }
    const p = this.mux.open(tag, sink);
    this.outgoing.send(encoded, tag, p);
    return p;
  }

  private receive(chunk: Uint8Array): void {
    if (this.closedWith) return;
    try {
      this.receiver.receive(chunk);
    } catch (e) {
      if (!(e instanceof FramingError)) throw e;
      this.shutdown(e);
      this.transport.close();
    }
  }

  private dispatch(reply: Reply, time: number): void {
    if (this.closedWith) return;
    const onReceived = this.options.onReceived;
    if (onReceived !== undefined) {
      try {
        onReceived(reply, time);
      } catch (e) {
        void Promise.reject(e);
      }
    }
    if (this.options.onSentence) guard(this.options.onSentence, new ReceivedSentence(reply, time));
    if (reply.type === ReplyType.Fatal) {
      // !fatal has no tag and nothing follows it: every command in flight is dead (§5.2).
      this.shutdown(new FatalError(reply.fatalReason));
      this.transport.close();
      return;
    }
    this.mux.deliver(reply);
  }

  private shutdown(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const off of this.unsubscribe) off();
    const all = this.mux.takeAll();
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
    this.outgoing.drop();
    for (const p of all) p.fail(p.written ? commandError : new ConnectionClosedError(`not sent: ${error.message}`, false, error));
    this.outgoing.wakeWriters();
    guard(this.options.onClose, error);
  }
}
