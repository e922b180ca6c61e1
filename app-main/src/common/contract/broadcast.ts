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
  /**
   * For a write: snapshot each router's configuration first (history, issue 16); a router whose
   * snapshot fails is not sent to. Absent: the `snapshotBeforeWrite` setting (on by default).
   */
  snapshotBefore?: boolean;
  /** Staged rollout: the routers in waves of `size`, in the order given (docs/ui.md, "Waves"). */
  waves?: BroadcastWaves;
}

/**
 * Waves of a staged broadcast. Each wave runs like a broadcast of its own (all at once, or one
 * after another with `stopOnFirstError`); between waves the service pauses or waits for
 * `broadcast:continue`; when more than `maxFailures` routers of a wave do not end `done`, the
 * routers of later waves are `skipped`.
 */
export interface BroadcastWaves {
  /** Routers per wave (1 to 100). */
  size: number;
  /** Seconds to wait between waves (0 to 3600, default 0). */
  pauseSeconds?: number;
  /** Wait for `broadcast:continue` before each wave after the first (default false). */
  confirmBetween?: boolean;
  /** Stop when more than this many routers of one wave fail (default 0: any failure stops). */
  maxFailures?: number;
}

export type WaveState = 'pending' | 'running' | 'pausing' | 'waiting' | 'done' | 'stopped' | 'skipped' | 'cancelled';

/** One wave of a staged broadcast, as it stands. */
export interface BroadcastWave {
  /** 1-based. */
  wave: number;
  state: WaveState;
  /** Names of the routers in this wave. */
  routers: string[];
  /** Routers of this wave that did not end `done` (so far). */
  failed: number;
  /** Set while `pausing`: when the next wave starts, epoch ms. */
  resumeAt?: number;
  /** Why it stopped or was skipped, in words. */
  message?: string;
}

/** A wave changed state (pushed as it happens): the window shows progress per wave. */
export interface BroadcastWaveProgress {
  broadcastId: string;
  waves: BroadcastWave[];
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
  /** The wave this router was in (staged broadcasts only), 1-based. */
  wave?: number;
  /** A library command: the sentences as filled in for this router (each ran after the previous ended `done`). */
  sentences?: string[][];
}

export interface BroadcastResult {
  broadcastId: string;
  words: string[];
  /** True when the command is read-only (no confirmation was needed). */
  readOnly: boolean;
  stopOnFirstError: boolean;
  /** A library command's name, when the broadcast ran one. */
  commandName?: string;
  /** Staged broadcasts: each wave's final state. */
  waves?: BroadcastWave[];
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
  | { status: 'needs-confirmation'; command: string; reason: string; routers: string[]; commandName?: string }
  | { status: 'sent'; result: BroadcastResult };
