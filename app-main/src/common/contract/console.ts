/** The console (`console:*`): commands as typed, their reply sentences as they arrive, the history. */
import type { BridgeError } from './base';

export interface ConsoleSendArgs {
  connectionId: string;
  /** Words exactly as typed, one per line; the first is the command. A `.tag=` word is honoured. */
  words: string[];
}

export interface ConsoleCommandRef {
  commandId: string;
  /** The tag on the wire (ours, or the one the user gave). */
  tag: string;
}

/** One reply sentence of a console command. */
export interface ConsoleReply {
  connectionId: string;
  commandId: string;
  /** `!re`, `!done`, `!trap`, `!empty`, `!fatal` or any unknown reply word. */
  kind: string;
  /** All words of the sentence as text (UTF-8 when valid, otherwise through the connection's Encoding). */
  words: string[];
  /** ms since the command was sent. */
  elapsedMs: number;
  /**
   * Set on the pieces of a reply too big for one message (over 1 MiB, docs/main-process.md
   * "Console"): they follow one another for the command, each with some of the words; `more` on
   * all but the last; `continued` when this piece's first word goes on from the previous piece's
   * last word (a word longer than a piece). The window joins them into one reply.
   */
  piece?: { more: boolean; continued: boolean };
}

/**
 * `cancelled`: the router confirmed our `/cancel` (the command ended with the `interrupted` trap).
 * `cancel-unconfirmed`: it did not end within the cancel deadline (5 s); it may still be running.
 */
export type ConsoleOutcome =
  'done' | 'trap' | 'cancelled' | 'cancel-unconfirmed' | 'timeout' | 'fatal' | 'outcome-unknown' | 'failed';

export interface ConsoleEnd {
  connectionId: string;
  commandId: string;
  outcome: ConsoleOutcome;
  /** Number of `!re` replies. */
  rows: number;
  elapsedMs: number;
  error?: BridgeError;
}

export interface HistoryEntry {
  id: string;
  connectionId: string;
  words: string[];
  sentAt: string;
  outcome?: ConsoleOutcome;
  rows?: number;
  elapsedMs?: number;
}

/** A console command as main keeps it for a window that (re)loads, bounded like a window's card. */
export interface ConsoleCardSnapshot {
  connectionId: string;
  commandId: string;
  tag: string;
  /** As recorded in the history: secrets (`=password=…`) redacted. */
  words: string[];
  /** Epoch ms when it was sent. */
  startedAt: number;
  /** `running`, or how it ended. */
  status: 'running' | ConsoleOutcome;
  /** Number of `!re` replies. */
  rows: number;
  elapsedMs: number;
  /** The newest replies (at most 100,000 per command, 250,000 per router). */
  replies: ConsoleReply[];
  /** Older replies not kept. */
  repliesDropped: number;
  error?: BridgeError;
}
