// How commands and the session end early: a command's time-out, `/cancel` with its deadline
// (docs/main-process.md, "Cancel"), and a polite `/quit`. Apart from tag routing because these are
// timers and follow-up commands on top of it: they open commands through the session like any
// caller, and only mark the Pending they act on.
import { CancelUnconfirmedError, TimeoutError } from './errors';
import { guard } from './hooks';
import type { CommandSink, Pending } from './mux';
import type { Word } from './sentence';
import type { Timers } from './timers';
import type { Transport } from './transport';

/** What the cancel logic needs of the session: its state and a way to send a command. */
export interface CommandOpener {
  /** The error the session ended with, or undefined while it is open. */
  readonly closed: Error | undefined;
  /** Registers and writes a command. Returns undefined when it failed at once. */
  open(words: readonly Word[], raw: boolean, sink: CommandSink): Pending | undefined;
}

/** The session's hook for a cancel the router did not confirm (SessionOptions). */
export interface CancelObservers {
  readonly onCancelUnconfirmed?: (tag: string | undefined, timeoutMs: number, time: number) => void;
}

export class CancelControl {
  constructor(
    private readonly session: CommandOpener,
    private readonly timers: Timers,
    /** How long a cancelled command may take to end after our `/cancel`; 0 waits forever. */
    private readonly cancelTimeout: number,
    private readonly observers: CancelObservers,
    private readonly now: () => number,
  ) {}

  /**
   * Marks a command as being cancelled and starts its deadline: a router that neither interrupts it
   * nor answers must not keep a cancel (table:stop, console:cancel) waiting forever (issue 11 item
   * 4). The entry stays registered, so a late `!done` is still absorbed.
   */
  cancelling(p: Pending): void {
    p.cancelRequested = true;
    if (p.settled || p.cancelTimer !== undefined || this.cancelTimeout <= 0) return;
    const ms = this.cancelTimeout;
    p.cancelTimer = this.timers.set(() => {
      p.cancelTimer = undefined;
      if (p.settled) return;
      const hook = this.observers.onCancelUnconfirmed;
      if (hook) guard((tag: string | undefined) => hook(tag, ms, this.now()), p.tag);
      p.fail(new CancelUnconfirmedError(ms));
    }, ms);
  }

  /**
   * Sends `/cancel` (with `=tag=`, or bare for an untagged command) and resolves when it is done,
   * trapped (the victim had already ended), or unanswered within the cancel deadline; an unanswered
   * `/cancel` stays registered to absorb its late reply, and is not itself cancelled.
   */
  sendCancel(tag: string | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: unknown;
      const p = this.session.open(tag === undefined ? ['/cancel'] : ['/cancel', `=tag=${tag}`], false, {
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

  /** A command timed out: fail it now, ask the router to stop it, absorb its late replies. */
  expire(p: Pending, timeoutMs: number): void {
    if (p.settled) return;
    p.fail(new TimeoutError(timeoutMs));
    // Still held by the outgoing budget: it will not be written at all (see OutgoingQueue.flushed).
    if (p.tag !== undefined && p.written && !this.session.closed) {
      p.cancelRequested = true;
      this.sendCancel(p.tag).catch(() => undefined);
    }
    // The entry stays registered until its !done so that late replies are not misrouted.
  }
}

/**
 * Sends `/quit` (by `sendQuit`) and resolves when the router closes the connection (it answers with
 * `!fatal` and a close, protocol.md §6.4) or after `timeoutMs`: a router that neither answers nor
 * closes must not keep us (or the process) waiting.
 */
export async function quitAndWait(transport: Transport, timers: Timers, timeoutMs: number, sendQuit: () => void): Promise<void> {
  let timer: unknown;
  let off: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    off = transport.onClose(() => resolve());
    timer = timers.set(resolve, timeoutMs);
  });
  sendQuit();
  await ended;
  off();
  timers.clear(timer);
}
