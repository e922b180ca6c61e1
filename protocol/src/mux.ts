// Tag routing (protocol.md §7): which command a received reply belongs to, and how a command's
// replies end it. Apart from the codec and the transport, as go-routeros keeps its tag map apart
// from its reader and nats.js its multiplexer apart from its transport: it knows tags and reply
// words, never bytes on the wire or sockets.
import type { Trap } from './errors';
import { guard } from './hooks';
import { ReplyType, type Reply } from './reply';
import { bytesEqualAscii, type TextCodec } from './text';
import type { Timers } from './timers';

export interface SendOptions {
  /**
   * Send the words exactly as given (for the console and the CLI): no `.tag=` is added. The tag, if
   * any, is the one among the words; untagged commands are answered in order.
   */
  raw?: boolean;
  /** Per-command timeout; overrides the session default for `command()`. 0 disables. */
  timeoutMs?: number;
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

/** Where a command's replies and its end go (a `command()` promise, a CommandStream, a `/cancel`). */
export interface CommandSink {
  onReply(r: Reply): void;
  onEnd(end: CommandEnd): void;
  onError(e: Error): void;
}

/** A command that has not reached `!done`, registered under its tag (or in the untagged queue). */
export interface Pending {
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

const CANCEL_INTERRUPTED = 2;

export function isInterrupted(t: Trap): boolean {
  return t.category === CANCEL_INTERRUPTED;
}

/** The `.tag=` among a sentence's words (after the command word), if any. */
export function findTag(words: readonly Uint8Array[], codec: TextCodec): string | undefined {
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (bytesEqualAscii(w, '.tag=')) {
      const tag = codec.decode(w, 5);
      return tag === '' ? undefined : tag;
    }
  }
  return undefined;
}

/**
 * The commands of one session by tag.
 *
 * - Tags are registered before the sentence is written (go-routeros/routeros#33).
 * - A command ends only at `!done`; `!trap` and `!empty` do not end it (go-routeros/routeros#16).
 * - Sentences for unknown or finished tags go to `onUntaggedReply`, never an exception (NODE
 *   `UNREGISTEREDTAG`, SW "Unknown tag" tore down shared connections).
 */
export class TagMux {
  private readonly tagged = new Map<string, Pending>();
  /** Untagged commands, answered in order: replies go to the oldest unfinished one. */
  private readonly untagged: Pending[] = [];
  private nextTag = 1;

  constructor(
    private readonly timers: Timers,
    private readonly tagPrefix: string,
    private readonly onUntaggedReply: ((reply: Reply) => void) | undefined,
  ) {}

  /** Number of commands (tagged and untagged) that have not reached `!done`. */
  get size(): number {
    return this.tagged.size + this.untagged.length;
  }

  /** A generated tag (`t1`, `t2`, ...) that no running command uses. */
  newTag(): string {
    let tag: string;
    do tag = `${this.tagPrefix}${this.nextTag++}`;
    while (this.tagged.has(tag));
    return tag;
  }

  /** True while a command with this tag has not reached `!done`. */
  has(tag: string): boolean {
    return this.tagged.has(tag);
  }

  get(tag: string): Pending | undefined {
    return this.tagged.get(tag);
  }

  /**
   * Registers a command before it is written: a reply may arrive in the same tick as the write
   * (go-routeros#33).
   */
  open(tag: string | undefined, sink: CommandSink): Pending {
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
    if (tag !== undefined) this.tagged.set(tag, p);
    else this.untagged.push(p);
    return p;
  }

  release(p: Pending): void {
    if (p.tag !== undefined) {
      if (this.tagged.get(p.tag) === p) this.tagged.delete(p.tag);
    } else {
      const i = this.untagged.indexOf(p);
      if (i >= 0) this.untagged.splice(i, 1);
    }
  }

  /** Routes a received reply (not `!fatal`) to its command. */
  deliver(reply: Reply): void {
    const p = reply.tag !== undefined ? this.tagged.get(reply.tag) : this.untagged[0];
    if (!p) {
      guard(this.onUntaggedReply, reply);
      return;
    }
    if (p.settled && reply.type !== ReplyType.Done) {
      // Late replies of a command we gave up on (timeout): recorded by the trace, dropped here.
      guard(this.onUntaggedReply, reply);
      return;
    }
    if (p.settled) {
      this.release(p);
      return;
    }
    p.handle(reply);
  }

  /** Unregisters every command (the session ended) and returns them, tagged first. */
  takeAll(): Pending[] {
    const all = [...this.tagged.values(), ...this.untagged];
    this.tagged.clear();
    this.untagged.length = 0;
    return all;
  }
}
