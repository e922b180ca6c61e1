// What the session tells its observers (traces, the console) about each sentence, and how a hook's
// exception is kept away from the session. Apart because every part of the session calls hooks —
// the outgoing queue for sent sentences, the facade for received ones, the tag router for replies
// nobody waits for, the cancel deadline, the command stream — and none of them should import another
// for it.
import type { Reply } from './reply';

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
export class ReceivedSentence implements SentenceEvent {
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

/**
 * Runs a caller's hook so that its exception cannot leave the decoder half-way through a chunk (the
 * rest of the chunk would be lost and the stream desynchronised). The error is rethrown
 * asynchronously, like an EventEmitter listener's, so bugs still surface: what it throws is reported
 * as an unhandled rejection, never to the session.
 */
export function guard<A, B>(hook: ((arg: A, arg2: B) => void) | undefined, arg: A, arg2?: B): void {
  if (!hook) return;
  try {
    hook(arg, arg2 as B);
  } catch (e) {
    void Promise.reject(e);
  }
}
