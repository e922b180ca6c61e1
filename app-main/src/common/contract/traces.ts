/** Traces (`trace:*`, the `trace:entries` event): every sentence of a router's session, kept in a ring. */
import type { ReproBundleInfo } from './replay';

/**
 * `in` and `out`: a sentence received or sent.
 * `note`: not wire bytes but an event of Tikscope's own at that moment, shaped like a sentence:
 * `cancel unconfirmed`, `.tag=…`, `=timeout-ms=…` (a /cancel the router did not confirm in time);
 * the link events: `link connecting`, `link logged-in`, `link reconnected`, `link dropped`,
 * `link retry-failed`, `link failed`, `link disconnected`, with `=attempt=`, `=reason=`,
 * `=identity=`, `=version=`, `=status=` details. Not in pcapng packets (section comments there);
 * not a sentence to replay.
 */
export type TraceDirection = 'in' | 'out' | 'note';

export interface TraceEntry {
  /** Monotonic per connection. */
  seq: number;
  connectionId: string;
  /** Epoch ms with sub-millisecond fraction. */
  time: number;
  direction: TraceDirection;
  tag?: string;
  /** The sentence's words as text, passwords and login responses already redacted. */
  words: string[];
  /** Bytes on the wire, prefixes and terminator included (0 for a note). */
  bytes: number;
  /**
   * Set when the words were cut for the window (more than 256 KiB of them: the word at the limit is
   * cut, later ones are empty); `trace:export` has them whole.
   */
  truncated?: boolean;
  /** Tikscope's own traffic: heartbeat, completion (/console/inspect), router-info reads. */
  own?: true;
  /** Never evicted: one of the first sentences of a session, or a link event (docs/main-process.md, "Trace capture"). */
  pinned?: true;
}

/**
 * What a router's trace records (docs/main-process.md, "Trace capture"): everything; everything
 * except live-table rows (`!re` of a live table); commands only (every sent sentence and every
 * reply but `!re`).
 */
export type TraceScope = 'all' | 'no-rows' | 'commands';

export interface TraceSnapshot {
  connectionId: string;
  entries: TraceEntry[];
  /** Entries dropped from the ring buffer because of its byte cap. */
  dropped: number;
  /** Received sentences the capture scope left out (never recorded). */
  skipped: number;
  scope: TraceScope;
  /** Bytes currently held. */
  heldBytes: number;
  capBytes: number;
  /** Set when the imported file was a repro bundle (`trace:import` reads both). */
  repro?: ReproBundleInfo;
}

export type TraceFormat = 'text' | 'jsonl' | 'pcapng';

export interface TraceExport {
  fileName: string;
  mime: string;
  /** Text for text/jsonl, base64 for pcapng. */
  data: string;
  encoding: 'utf-8' | 'base64';
}
