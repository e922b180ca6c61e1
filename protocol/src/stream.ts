// CommandStream: a running command as an async iterable of its replies. Apart from the session
// because it is a consumer of it, like `command()`'s promise: it opens a command through the
// `StreamHost` interface (which the Session implements) and buffers what the router sends.
import { CancelledError, CancelUnconfirmedError, TimeoutError, TrapError } from './errors';
import { guard } from './hooks';
import type { CommandEnd, CommandSink, Pending, SendOptions } from './mux';
import { ReplyType, type Reply } from './reply';
import type { Word } from './sentence';
import type { Timers } from './timers';

export interface StreamOptions extends SendOptions {
  /**
   * Receives every reply of the command, the final `!done` included, instead of buffering them for
   * the async iterator. Use it for high-rate streams.
   */
  onReply?: (reply: Reply) => void;
}

/** Result of a stream that reached `!done`. */
export type StreamEnd = CommandEnd;

/** What a CommandStream needs of its session (the Session's `@internal` members). */
export interface StreamHost {
  readonly timers: Timers;
  open(words: readonly Word[], raw: boolean, sink: CommandSink): Pending | undefined;
  cancelling(p: Pending): void;
  sendCancel(tag: string | undefined): Promise<void>;
}

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
    private readonly session: StreamHost,
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
