// The outgoing side: sentences framed and handed to the transport in order, within a byte budget
// (issue 11 item 6). Apart from tag routing and the receive path because back-pressure is about
// writes completing, not about replies: it knows frames and whether their command still wants them.
import { ConnectionClosedError } from './errors';
import { guard, type SentenceEvent } from './hooks';
import type { Pending, TagMux } from './mux';
import { frameSentence } from './sentence';
import type { Transport } from './transport';

/** The session's hooks for sent sentences (SessionOptions), read when a sentence is written. */
export interface SentObservers {
  readonly onSent?: (words: readonly Uint8Array[], time: number) => void;
  readonly onSentence?: (event: SentenceEvent) => void;
}

/** A sentence waiting for room in the outgoing budget. */
interface HeldSentence {
  words: Uint8Array[];
  tag: string | undefined;
  frame: Uint8Array;
  pending: Pending | undefined;
}

/**
 * Writes sentences, holding them while more than the budget's bytes are written but not accepted
 * by the transport (SocketTransport: past the socket's high-water mark, until `drain`).
 */
export class OutgoingQueue {
  /** Bytes handed to the transport whose write has not resolved yet. */
  private unflushed = 0;
  /** Sentences waiting for room in the outgoing budget, oldest first. */
  private held: (HeldSentence | undefined)[] = [];
  /** Index of the oldest sentence in `held` still waiting (a head index: shift() is O(n)). */
  private heldHead = 0;
  private writableWaiters: (() => void)[] = [];
  /** The session has ended: nothing more is written, waiters are let go. */
  private closed = false;

  constructor(
    private readonly transport: Transport,
    private readonly budget: number,
    private readonly observers: SentObservers,
    private readonly now: () => number,
    private readonly mux: TagMux,
  ) {}

  /** Bytes handed to the transport that it has not accepted yet (the outgoing budget's measure). */
  get bytes(): number {
    return this.unflushed;
  }

  /**
   * Resolves when a sentence can be written at once: nothing waits for the outgoing budget and less
   * than the budget is in flight (or the session has ended).
   */
  whenWritable(): Promise<void> {
    if (this.closed || (this.heldHead === this.held.length && this.unflushed < this.budget)) return Promise.resolve();
    return new Promise<void>((resolve) => this.writableWaiters.push(resolve));
  }

  /**
   * Writes a sentence, or holds it while the outgoing budget is used up (issue 11 item 6: write
   * promises were fire-and-forget, so a fast sender could queue without bound in the socket).
   * Order is kept: once one sentence waits, every later one waits behind it.
   */
  send(words: Uint8Array[], tag: string | undefined, pending: Pending | undefined): void {
    const frame = frameSentence(words);
    if (this.heldHead < this.held.length || (this.unflushed > 0 && this.unflushed + frame.length > this.budget)) {
      this.held.push({ words, tag, frame, pending });
      return;
    }
    this.transmit(words, tag, frame, pending);
  }

  /**
   * The session ended: held sentences were never written, so nothing of them can have run on the
   * router; they are dropped (their commands fail as "not sent"). Call `wakeWriters` after.
   */
  drop(): void {
    this.closed = true;
    this.held = [];
    this.heldHead = 0;
  }

  private transmit(words: Uint8Array[], tag: string | undefined, frame: Uint8Array, p: Pending | undefined): void {
    if (p) p.written = true;
    const { onSent, onSentence } = this.observers;
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
        this.mux.release(p);
        p.fail(new ConnectionClosedError(`write failed: ${(e as Error).message}`, true, e));
      },
    );
  }

  /** A write completed: send what the budget now has room for, then wake whoever waits. */
  private flushed(size: number): void {
    this.unflushed -= size;
    while (this.heldHead < this.held.length && !this.closed) {
      const next = this.held[this.heldHead]!;
      if (this.unflushed > 0 && this.unflushed + next.frame.length > this.budget) return;
      this.held[this.heldHead++] = undefined;
      if (this.heldHead === this.held.length) {
        this.held = [];
        this.heldHead = 0;
      }
      const p = next.pending;
      if (p?.settled) {
        // Given up on (time-out, cancel deadline) before it was ever written: never send it.
        this.mux.release(p);
        continue;
      }
      this.transmit(next.words, next.tag, next.frame, p);
    }
    if (this.heldHead === this.held.length && this.unflushed < this.budget) this.wakeWriters();
  }

  wakeWriters(): void {
    const waiters = this.writableWaiters;
    if (waiters.length === 0) return;
    this.writableWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
