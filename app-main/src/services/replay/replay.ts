import { performance } from 'node:perf_hooks';
import { ConnectionClosedError, FatalError, TrapError, type CommandStream, type Session } from '../../../../protocol/src/index';
import type {
  ReplayOptions,
  ReplayOutcome,
  ReplayPlan,
  ReplayProgress,
  ReplayResult,
  ReplayRow,
  ReplayRunArgs,
} from '../../common/contract';
import { BridgeFailure, validationError } from '../core/errors';
import { compareReplies, extractSentences, type RecordedSentence, type ReplyRecord, type TraceLine } from './replay-core';

export interface ReplayDeps {
  /** The target's logged-in session, or a NOT_CONNECTED failure. */
  session(targetId: string): Session;
  /** The sentences of a trace (a connection's ring buffer or an imported trace), oldest first. */
  lines(sourceId: string): Iterable<TraceLine>;
  emitProgress(progress: ReplayProgress): void;
  /** Epoch ms. */
  now(): number;
  /** Minimum interval between progress events (default 100 ms; the last one is always sent). */
  progressIntervalMs?: number;
}

export const REPLAY_DEFAULTS: Required<ReplayOptions> = {
  maxStreamReplies: 20,
  maxStreamMs: 3000,
  timeoutMs: 15_000,
  ignoreVolatile: true,
  strictBooleans: false,
};

/** Reply sentences kept per replayed sentence for the comparison; counting goes on past it. */
const MAX_STORED_REPLIES = 20_000;

interface Sent {
  outcome: ReplayOutcome;
  replies: ReplyRecord[];
  re: number;
  elapsedMs: number;
  bounded: boolean;
  message?: string;
  /** The link dropped: nothing more can be sent. */
  linkLost?: boolean;
}

/**
 * Trace replay (issue 6): re-sends the sentences a trace's client sent to a connected router — the
 * same one or another — one at a time in trace order, and compares the replies with the recorded
 * ones (`replay-core.ts`).
 *
 * Safety: a selected write (not read-only by the rule in `replay-core.ts`) is refused unless its
 * `seq` is in `confirmedWrites`, and the whole run is refused before anything is sent. Streaming
 * commands are cancelled (`/cancel =tag=`) after `maxStreamReplies` `!re` or `maxStreamMs`; any
 * other command after `timeoutMs`, so a replay always ends.
 */
export class ReplayService {
  private nextId = 1;
  /**
   * Targets with a replay running (one at a time per router keeps the results readable), with
   * what `cancel()` needs: the flag that stops the loop and the halt of the sentence in flight.
   */
  private readonly busy = new Map<string, { cancelled: boolean; halt?: () => void }>();

  constructor(private readonly deps: ReplayDeps) {}

  plan({ sourceId }: { sourceId: string }): ReplayPlan {
    const { sentences, skipped } = extractSentences(this.deps.lines(sourceId), { maxStoredReplies: 0 });
    // The recorded replies stay in main; the plan carries only what the list shows.
    return { sourceId, sentences: sentences.map(({ replies: _replies, ...s }) => s), skipped };
  }

  async run(args: ReplayRunArgs): Promise<ReplayResult> {
    const { sourceId, targetId } = args;
    const options = { ...REPLAY_DEFAULTS, ...stripUndefined(args.options ?? {}) };
    const confirmed = new Set(args.confirmedWrites ?? []);

    const { sentences } = extractSentences(this.deps.lines(sourceId), { maxStoredReplies: MAX_STORED_REPLIES });
    const bySeq = new Map(sentences.map((s) => [s.seq, s]));
    const chosen: RecordedSentence[] = [];
    for (const seq of [...new Set(args.seqs)].sort((x, y) => x - y)) {
      const s = bySeq.get(seq);
      if (!s) {
        throw validationError(
          'seqs',
          `sentence ${seq} is not a sentence the client sent in this trace (or the ring buffer has dropped it)`,
          'Open Replay… again to list the sentences the trace holds now.',
        );
      }
      if (s.blocked)
        throw validationError(
          'seqs',
          `sentence ${seq} (${s.words[0]}) cannot be replayed: ${s.blocked}`,
          'Leave it out of the selection.',
        );
      chosen.push(s);
    }
    const unconfirmed = chosen.filter((s) => !s.readOnly && !confirmed.has(s.seq));
    if (unconfirmed.length > 0) {
      // Refused as a whole, before the first sentence: a half-run replay is harder to reason about.
      throw new BridgeFailure(
        'VALIDATION',
        `${unconfirmed.length} selected sentence${unconfirmed.length === 1 ? ' changes' : 's change'} the router and ${unconfirmed.length === 1 ? 'was' : 'were'} not confirmed: ${unconfirmed
          .map((s) => s.words[0])
          .join(', ')}. Nothing was sent.`,
        'Confirm the write sentences, or unselect them to replay only the read-only ones.',
        { field: 'confirmedWrites', unconfirmed: unconfirmed.map((s) => s.seq).join(',') },
      );
    }
    this.deps.session(targetId); // NOT_CONNECTED before anything starts
    if (this.busy.has(targetId)) {
      throw new BridgeFailure('VALIDATION', 'a replay to this router is already running', 'Wait for it to finish.', {
        field: 'targetId',
      });
    }

    const control: { cancelled: boolean; halt?: () => void } = { cancelled: false };
    const replayId = `r${this.nextId++}`;
    const startedAt = this.deps.now();
    const t0 = performance.now();
    const rows: ReplayRow[] = [];
    const interval = this.deps.progressIntervalMs ?? 100;
    let lastProgress = -Infinity;
    const progress = (done: number, command?: string) => {
      const at = performance.now();
      if (done < chosen.length && done > 0 && at - lastProgress < interval) return;
      lastProgress = at;
      const p: ReplayProgress = { replayId, sourceId, targetId, done, total: chosen.length };
      if (command !== undefined) p.command = command;
      this.deps.emitProgress(p);
    };

    this.busy.set(targetId, control);
    try {
      let lost: string | undefined;
      for (const s of chosen) {
        progress(rows.length, s.words[0]);
        let sent: Sent;
        if (control.cancelled)
          sent = {
            outcome: 'failed',
            replies: [],
            re: 0,
            elapsedMs: 0,
            bounded: false,
            message: 'not sent: the replay was stopped',
          };
        else if (lost !== undefined)
          sent = { outcome: 'failed', replies: [], re: 0, elapsedMs: 0, bounded: false, message: `not sent: ${lost}` };
        else {
          sent = await this.send(targetId, s, options, control);
          if (sent.linkLost) lost = sent.message ?? 'the link dropped';
        }
        rows.push(this.row(s, sent, options));
      }
      progress(rows.length);
    } finally {
      this.busy.delete(targetId);
    }
    const same = rows.filter((r) => r.verdict === 'same').length;
    return {
      replayId,
      sourceId,
      targetId,
      startedAt,
      elapsedMs: performance.now() - t0,
      rows,
      same,
      differs: rows.length - same,
    };
  }

  /**
   * Stops the replay running on `targetId`: the sentence in flight gets `/cancel` (it ends
   * `cancelled`), the rest are not sent. `running` is false when no replay runs there.
   */
  cancel({ targetId }: { targetId: string }): { targetId: string; running: boolean } {
    const control = this.busy.get(targetId);
    if (!control) return { targetId, running: false };
    control.cancelled = true;
    control.halt?.();
    return { targetId, running: true };
  }

  private row(
    s: RecordedSentence,
    sent: Sent,
    options: Pick<Required<ReplayOptions>, 'ignoreVolatile' | 'strictBooleans'>,
  ): ReplayRow {
    const rec = {
      outcome: s.recorded.outcome,
      replies: s.replies,
      count: s.recorded.replies,
      ...(s.recorded.message !== undefined ? { message: s.recorded.message } : {}),
    };
    const rep = {
      outcome: sent.outcome,
      replies: sent.replies,
      count: sent.re,
      ...(sent.message !== undefined ? { message: sent.message } : {}),
    };
    const c = compareReplies(rec, rep, {
      streaming: s.streaming,
      bounded: sent.bounded,
      ignoreVolatile: options.ignoreVolatile,
      strictBooleans: options.strictBooleans,
    });
    const replayed: ReplayRow['replayed'] = {
      outcome: sent.outcome,
      replies: sent.re,
      elapsedMs: sent.elapsedMs,
      bounded: sent.bounded,
    };
    if (sent.message !== undefined) replayed.message = sent.message;
    return {
      seq: s.seq,
      words: s.words,
      readOnly: s.readOnly,
      streaming: s.streaming,
      recorded: s.recorded,
      replayed,
      verdict: c.verdict,
      differences: c.differences,
      notes: c.notes,
    };
  }

  /** Sends one sentence (with a fresh tag) and collects its replies until `!done`, bounded. */
  private async send(
    targetId: string,
    s: RecordedSentence,
    o: Required<ReplayOptions>,
    control: { cancelled: boolean; halt?: () => void },
  ): Promise<Sent> {
    let session: Session;
    try {
      session = this.deps.session(targetId);
    } catch (e) {
      return {
        outcome: 'failed',
        replies: [],
        re: 0,
        elapsedMs: 0,
        bounded: false,
        message: (e as Error).message,
        linkLost: true,
      };
    }
    const replies: ReplyRecord[] = [];
    let re = 0;
    let stop: 'replies' | 'time' | 'timeout' | 'user' | undefined;
    const started = performance.now();
    const ctl: { stream?: CommandStream } = {};
    const halt = (why: 'replies' | 'time' | 'timeout' | 'user') => {
      if (stop) return;
      stop = why;
      // /cancel =tag=X; the stream then ends at its own !done (protocol.md §7.2).
      void ctl.stream?.cancel().catch(() => undefined);
    };
    const stream = session.stream(s.words, {
      timeoutMs: 0,
      onReply: (r) => {
        const words = r.texts();
        if (replies.length < MAX_STORED_REPLIES) replies.push({ kind: r.type, words });
        if (r.type === '!re') {
          re++;
          if (s.streaming && re >= o.maxStreamReplies) halt('replies');
        }
      },
    });
    ctl.stream = stream;
    control.halt = () => halt('user');
    const timer = setTimeout(() => halt(s.streaming ? 'time' : 'timeout'), s.streaming ? o.maxStreamMs : o.timeoutMs);
    let outcome: ReplayOutcome;
    let message: string | undefined;
    let linkLost = false;
    try {
      const end = await stream.done;
      // A command that finished before our /cancel reached the router ended normally.
      outcome = end.cancelled ? (stop === 'timeout' ? 'timeout' : 'cancelled') : end.empty && re === 0 ? 'empty' : 'done';
    } catch (e) {
      if (e instanceof TrapError) {
        outcome = stop === 'timeout' ? 'timeout' : 'trap';
        message = e.traps[0]?.message ?? e.message;
      } else if (e instanceof FatalError) {
        outcome = 'fatal';
        message = e.reason;
        linkLost = true;
      } else if (e instanceof ConnectionClosedError) {
        // Written, then the link dropped (a framing error included): it may have run there.
        outcome = e.outcomeUnknown ? 'outcome-unknown' : 'failed';
        message = e.message;
        linkLost = true;
      } else {
        outcome = 'failed';
        message = (e as Error).message;
      }
    } finally {
      clearTimeout(timer);
      control.halt = undefined;
    }
    const sent: Sent = {
      outcome,
      replies,
      re,
      elapsedMs: performance.now() - started,
      bounded: stop === 'replies' || stop === 'time',
      linkLost,
    };
    if (message !== undefined) sent.message = message;
    else if (stop === 'timeout') sent.message = `no !done within ${o.timeoutMs} ms; cancelled`;
    else if (stop === 'user') sent.message = 'stopped by the user (/cancel)';
    return sent;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
