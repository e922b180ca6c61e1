/** Replay (`replay:*`, the `replay:progress` event) and repro bundles (`repro:export`, read by `trace:import`). */
import type { RouterInfo } from './links';

/**
 * How a command ended, in a recorded trace or on replay. `empty`: `!empty` then `!done` with no
 * `!re` (RouterOS ≥ 7.18). `open`: no `!done` in the trace (still running, or dropped from the
 * ring). `timeout`/`failed`: replay only.
 */
export type ReplayOutcome =
  | 'done'
  | 'trap'
  | 'empty'
  | 'fatal'
  | 'cancelled'
  | 'open'
  | 'timeout'
  /** The link dropped with the sentence on the wire: it may or may not have run. */
  | 'outcome-unknown'
  | 'failed';

/** How a sentence ended in the recorded trace: its outcome, its reply count, the trap message. */
export interface RecordedOutcome {
  outcome: ReplayOutcome;
  replies: number;
  message?: string;
}

/** One sentence the client sent, reconstructed from a trace. */
export interface ReplaySentence {
  /** `seq` of the recorded sentence in its trace: how `replay:run` names it. */
  seq: number;
  /** The words as sent, without the `.tag=` word (a new tag is given on replay). */
  words: string[];
  /** The recorded tag, if any. */
  tag?: string;
  /** Read-only by the rule of its command's last path segment (docs/main-process.md). */
  readOnly: boolean;
  /** listen, `=follow=`, `=follow-only=`, `=interval=`, monitors: bounded and cancelled on replay. */
  streaming: boolean;
  /** Why it cannot be replayed (e.g. a redacted secret), or undefined. */
  blocked?: string;
  /** Sent by Tikscope itself (login reads, heartbeat): listed, not selected by default. */
  background: boolean;
  recorded: RecordedOutcome;
}

export interface ReplayPlan {
  sourceId: string;
  sentences: ReplaySentence[];
  /** Sentences left out: `/login` (redacted), `/cancel` of recorded tags, `/quit`, older than the newest `limit`. */
  skipped: { login: number; cancel: number; quit: number; older: number };
}

export interface ReplayOptions {
  /** A streaming command is cancelled after this many `!re` (default 20). */
  maxStreamReplies?: number;
  /** …or after this many ms (default 3000). */
  maxStreamMs?: number;
  /** Any other command is cancelled after this many ms (default 15000). */
  timeoutMs?: number;
  /** Leave counters, uptimes, load and times out of the field comparison (default true). */
  ignoreVolatile?: boolean;
  /** Compare `yes`/`no` and `true`/`false` (RouterOS 6 and 7 spellings) as written (default false: the same). */
  strictBooleans?: boolean;
}

export interface ReplayRunArgs {
  /** A connection id or an imported trace (`import:<n>`). */
  sourceId: string;
  /** A connected router: the same one or another. */
  targetId: string;
  /** `seq`s of the sentences to send, in trace order. */
  seqs: number[];
  /** `seq`s of the write sentences the user confirmed; every selected write must be here. */
  confirmedWrites: number[];
  options?: ReplayOptions;
}

export interface ReplayDifference {
  kind: 'outcome' | 'replies' | 'row-missing' | 'row-extra' | 'field' | 'ret' | 'message';
  /** The row: `.id` value or `#position`. */
  key?: string;
  field?: string;
  recorded?: string;
  replayed?: string;
}

export interface ReplayRow {
  seq: number;
  words: string[];
  readOnly: boolean;
  streaming: boolean;
  recorded: RecordedOutcome;
  replayed: { outcome: ReplayOutcome; replies: number; elapsedMs: number; bounded: boolean; message?: string };
  verdict: 'same' | 'differs';
  differences: ReplayDifference[];
  /** Said, not counted as a difference (e.g. `!empty` on one side only, a bounded stream). */
  notes: string[];
}

export interface ReplayResult {
  replayId: string;
  sourceId: string;
  targetId: string;
  startedAt: number;
  elapsedMs: number;
  rows: ReplayRow[];
  same: number;
  differs: number;
}

export interface ReplayProgress {
  replayId: string;
  sourceId: string;
  targetId: string;
  done: number;
  total: number;
  /** The command being sent now. */
  command?: string;
}

/** The connection's settings without secrets, as a repro bundle carries them. */
export interface ReproConnection {
  name: string;
  host: string;
  port: number;
  transport: string;
  user?: string;
  /** The connection's Encoding (bundles from before it existed name a fallback `codePage`: shown here). */
  encoding?: string;
  fingerprint256?: string;
}

/** The router a repro bundle was made from, when it was online (`reason` in words when not). */
export type ReproRouter = ({ known: true } & RouterInfo) | { known: false; reason: string };

/** What a repro bundle says besides its trace (docs/main-process.md, "Repro bundles"). */
export interface ReproBundleInfo {
  version: number;
  createdAt: string;
  description: string;
  appVersion: string;
  platform: string;
  connection: ReproConnection;
  router: ReproRouter;
}
