/** Broadcast (`broadcast:*`, the `broadcast:progress` event): one sentence to many routers. */
import type { BridgeError } from './base';

export interface BroadcastSendArgs {
  /** The routers to send to, in the order the result lists them (1 to 100, no repeats). */
  connectionIds: string[];
  /** Words exactly as typed, as for `console:send` (each router gets its own tag). */
  words: string[];
  /** One router after another, and the rest `skipped` after the first that does not end `done`. Default: all at once. */
  stopOnFirstError?: boolean;
  /**
   * The user confirmed a command that changes things. Without it a command that is not read-only
   * is not sent anywhere: the answer is `needs-confirmation`.
   */
  confirmed?: boolean;
  /** Per router: a command still running after this long is cancelled and ends `timeout` (default 15). */
  timeoutSeconds?: number;
  /**
   * Chosen by the caller, so that `broadcast:cancel` can name this broadcast while `broadcast:send`
   * is still running; generated when absent. Must not be the id of a broadcast still running.
   */
  broadcastId?: string;
}

export type BroadcastOutcome =
  'done' | 'trap' | 'fatal' | 'outcome-unknown' | 'not-connected' | 'skipped' | 'timeout' | 'cancelled' | 'failed';

/** One reply sentence of one router, as in the console. */
export interface BroadcastReply {
  kind: string;
  words: string[];
  elapsedMs: number;
}

export interface BroadcastRouterResult {
  connectionId: string;
  /** The saved connection's name. */
  name: string;
  /** From the router's `/system/identity` and `/system/resource` when it is online. */
  identity?: string;
  version?: string;
  outcome: BroadcastOutcome;
  /** The console command id and wire tag (the same command shows in the router's trace and history). */
  commandId?: string;
  tag?: string;
  /** Number of `!re` replies. */
  rows: number;
  /** Reply sentences, bounded (the first `!re` rows and every other reply word). */
  replies: BroadcastReply[];
  /** Replies received but not kept in `replies`. */
  repliesDropped: number;
  elapsedMs: number;
  /** Why it did not end `done`, in words (trap message, "skipped: …"). */
  error?: BridgeError;
}

export interface BroadcastResult {
  broadcastId: string;
  words: string[];
  /** True when the command is read-only (no confirmation was needed). */
  readOnly: boolean;
  stopOnFirstError: boolean;
  /** Epoch ms. */
  startedAt: number;
  elapsedMs: number;
  results: BroadcastRouterResult[];
}

/** One router of a running broadcast has settled (pushed as it happens, before the answer). */
export interface BroadcastProgress {
  broadcastId: string;
  /** Routers in this broadcast. */
  total: number;
  result: BroadcastRouterResult;
}

export type BroadcastAnswer =
  /** Nothing was sent: the command changes things and `confirmed` was not set. */
  | { status: 'needs-confirmation'; command: string; reason: string; routers: string[] }
  | { status: 'sent'; result: BroadcastResult };
