import { performance } from 'node:perf_hooks';
import {
  CancelUnconfirmedError,
  ConnectionClosedError,
  FatalError,
  TimeoutError,
  TrapError,
  UsageError,
  type CommandStream,
  type Reply,
  type Session,
} from '../../../../protocol/src/index';
import type {
  ConsoleCommandRef,
  ConsoleEnd,
  ConsoleOutcome,
  ConsoleReply,
  ConsoleSendArgs,
  HistoryEntry,
} from '../../common/contract';
import { BridgeFailure, notFound, toBridgeError, validationError } from '../core/errors';
import type { HistoryStore } from './history';
import { redactTextWords } from '../traces/redact';
import { Throttle } from '../core/throttle';

export interface ConsoleDeps {
  session(connectionId: string): Session;
  history: HistoryStore;
  emitReplies(replies: ConsoleReply[]): void;
  emitEnd(end: ConsoleEnd): void;
  /** A command ended `done` (after its end was emitted): e.g. the header's identity follows `/system/identity/set`. */
  onDone?(connectionId: string, command: string): void;
  now(): number;
  /** Minimum interval between two `console:replies` batches. */
  batchMs: number;
  /** A batch is sent at once when it reaches this many replies (bounded buffer for huge replies). */
  maxBatch: number;
}

/**
 * A reply of more bytes than this goes to the window in pieces of at most this many characters of
 * text, decoded only as each piece is sent: a 57 MiB reply once became all its strings and then one
 * bridge message of their JSON at once (issue 11 E).
 */
export const CONSOLE_PIECE_CHARS = 1024 * 1024;
/** Text sent per `console:replies` batch: past it a batch goes at once, and a big reply waits. */
export const CONSOLE_BATCH_CHARS = 4 * 1024 * 1024;

/** A big reply still being sent in pieces: the next word and the character in it to start from. */
interface Spooled {
  reply: Reply;
  head: Omit<ConsoleReply, 'words' | 'piece'>;
  word: number;
  char: number;
  /** The text of `word` while it is being cut (it is longer than a piece). */
  text: string | undefined;
}

/** What waits for the next batch: a decoded reply, a big one in pieces, or a command's end. */
type Queued = { reply: ConsoleReply } | { spooled: Spooled } | { end: ConsoleEnd };

/**
 * For services that run console commands on the user's behalf (broadcast): the command's replies
 * and its end go to the tap instead of `console:replies` / `console:end`, while the history and
 * the trace record it exactly like a typed command.
 */
export interface ConsoleTap {
  onReply(reply: ConsoleReply): void;
  onEnd(end: ConsoleEnd): void;
}

interface Running {
  tap?: ConsoleTap;
  connectionId: string;
  commandId: string;
  /** The command word (`/system/identity/set`). */
  command: string;
  stream: CommandStream;
  started: number;
  rows: number;
  history: HistoryEntry;
  cancelRequested: boolean;
}

/**
 * The raw console: any sentence, tagged automatically unless it carries its own `.tag=`; replies
 * streamed in batches with their timing; `/cancel =tag=`; a persisted, searchable history.
 */
export class ConsoleService {
  private readonly running = new Map<string, Running>();
  private nextId = 1;
  private queue: Queued[] = [];
  /** Characters of text in `queue` (big replies count as their bytes). */
  private queuedChars = 0;
  private readonly throttle: Throttle;

  constructor(private readonly deps: ConsoleDeps) {
    this.throttle = new Throttle(deps.batchMs, () => this.flush());
  }

  /** `args` as parsed by the bridge schema: trailing empty lines dropped, no empty word inside. */
  async send(args: ConsoleSendArgs, tap?: ConsoleTap): Promise<ConsoleCommandRef> {
    const { connectionId, words } = args;
    this.deps.session(connectionId); // NOT_CONNECTED before anything is recorded
    const history = await this.deps.history.add(
      connectionId,
      redactTextWords(words, 'out'),
      new Date(this.deps.now()).toISOString(),
    );
    const commandId = `c${this.nextId++}`;
    let session: Session;
    try {
      // A caller past the session's outgoing budget waits here, so console:send (and each router of
      // a broadcast) cannot pile sentences up faster than the router's link takes them.
      await this.deps.session(connectionId).whenWritable();
      session = this.deps.session(connectionId); // the link may have dropped meanwhile
    } catch (e) {
      history.outcome = 'failed';
      void this.deps.history.changed(connectionId).catch(() => undefined);
      throw e;
    }
    const run: Running = {
      connectionId,
      commandId,
      command: words[0] ?? '',
      stream: undefined as unknown as CommandStream,
      started: performance.now(),
      rows: 0,
      history,
      cancelRequested: false,
    };
    if (tap) run.tap = tap;
    // Registered before the sentence is written: replies may arrive in the same tick.
    this.running.set(commandId, run);
    const stream = session.stream(words, {
      // Console commands include listen and monitors: no timeout; the user cancels.
      timeoutMs: 0,
      onReply: (r) => {
        if (this.running.get(commandId) !== run) return;
        if (r.type === '!re') run.rows++;
        const elapsedMs = performance.now() - run.started;
        const size = wordBytes(r);
        if (size > CONSOLE_PIECE_CHARS && !run.tap) {
          const head = { connectionId, commandId, kind: r.type, elapsedMs };
          this.queue.push({ spooled: { reply: r, head, word: 0, char: 0, text: undefined } });
        } else {
          const reply: ConsoleReply = { connectionId, commandId, kind: r.type, words: r.texts(), elapsedMs };
          if (run.tap) return run.tap.onReply(reply);
          this.queue.push({ reply });
        }
        // Text decodes to at most one character per byte: bytes bound the batch's text.
        this.queuedChars += size;
        if (this.queue.length >= this.deps.maxBatch || this.queuedChars >= CONSOLE_BATCH_CHARS) this.throttle.now();
        else this.throttle.request();
      },
    });
    run.stream = stream;
    if (stream.finished) {
      // Refused before anything was written (duplicate tag, unencodable word, link gone).
      this.running.delete(commandId);
      history.outcome = 'failed';
      void this.deps.history.changed(connectionId).catch(() => undefined);
      const error = await stream.done.then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error instanceof UsageError) throw validationError('words', error.message);
      if (error instanceof ConnectionClosedError && !error.outcomeUnknown)
        throw new BridgeFailure('NOT_CONNECTED', error.message, 'Connect to the router first.');
      throw error instanceof Error ? error : new Error(String(error));
    }
    stream.done.then(
      // Cancelled only when the router said so (the `interrupted` trap): a command whose `!done`
      // came while our /cancel was on its way completed — an `add` whose `=ret=` came back
      // created the item (issue 11 item 5).
      (end) => this.finish(run, end.cancelled ? 'cancelled' : 'done'),
      (e: unknown) => this.finish(run, outcomeOf(e, run.cancelRequested), e),
    );
    return { commandId, tag: stream.tag ?? '' };
  }

  async cancel(id: string): Promise<{ commandId: string }> {
    const run = this.running.get(id);
    if (!run) {
      if (/^c\d+$/.test(id) && Number(id.slice(1)) < this.nextId) return { commandId: id }; // already finished
      throw notFound('console command', id);
    }
    run.cancelRequested = true;
    // Always resolves: the command's end (cancelled, done, cancel unconfirmed after the deadline,
    // outcome unknown if the link dropped) is reported by console:end, not by the cancel.
    await run.stream.cancel().catch(() => undefined);
    return { commandId: id };
  }

  private finish(run: Running, outcome: ConsoleOutcome, error?: unknown): void {
    if (!this.running.delete(run.commandId)) return;
    // Replies first, then the end: the renderer must never see an end before the data.
    this.throttle.now();
    const elapsedMs = performance.now() - run.started;
    const end: ConsoleEnd = { connectionId: run.connectionId, commandId: run.commandId, outcome, rows: run.rows, elapsedMs };
    if (error !== undefined && outcome !== 'cancelled') end.error = toBridgeError(error);
    if (run.tap) run.tap.onEnd(end);
    // A big reply may still be on its way in pieces: the end waits behind it.
    else if (this.queue.length > 0) this.queue.push({ end });
    else this.deps.emitEnd(end);
    if (outcome === 'done') this.deps.onDone?.(run.connectionId, run.command);
    run.history.outcome = outcome;
    run.history.rows = run.rows;
    run.history.elapsedMs = Math.round(elapsedMs * 1000) / 1000;
    void this.deps.history.changed(run.connectionId).catch(() => undefined);
  }

  /**
   * Sends what is queued, up to CONSOLE_BATCH_CHARS of text per batch; a big reply is decoded and
   * sent a piece at a time, and what does not fit waits for the next batch (one interval later), so
   * the main process holds at most about a batch of its text at once. Ends go out in their place.
   */
  private flush(): void {
    let batch: ConsoleReply[] = [];
    let budget = CONSOLE_BATCH_CHARS;
    let taken = 0;
    const queue = this.queue;
    while (taken < queue.length && budget > 0) {
      const item = queue[taken]!;
      if ('reply' in item) {
        batch.push(item.reply);
        for (const w of item.reply.words) budget -= w.length;
      } else if ('end' in item) {
        if (batch.length > 0) this.deps.emitReplies(batch);
        batch = [];
        this.deps.emitEnd(item.end);
      } else {
        const s = item.spooled;
        while (budget > 0 && s.word < s.reply.wordCount) {
          const piece = nextPiece(s, Math.min(budget, CONSOLE_PIECE_CHARS));
          batch.push(piece.reply);
          budget -= piece.chars;
        }
        if (s.word < s.reply.wordCount) break;
      }
      taken++;
    }
    this.queue = taken === queue.length ? [] : queue.slice(taken);
    let chars = 0;
    for (const item of this.queue) if ('spooled' in item) chars += wordBytes(item.spooled.reply);
    this.queuedChars = chars;
    if (batch.length > 0) this.deps.emitReplies(batch);
    if (this.queue.length > 0) this.throttle.request();
  }

  /** Commands still running on a connection (for disconnect and dispose). */
  runningOn(connectionId: string): string[] {
    return [...this.running.values()].filter((r) => r.connectionId === connectionId).map((r) => r.commandId);
  }

  async cancelAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.cancel(id).catch(() => undefined)));
  }

  dispose(): void {
    this.throttle.now();
    this.throttle.dispose();
  }
}

/** Bytes in a reply's words (its size on the wire, less prefixes). */
function wordBytes(r: Reply): number {
  let n = 0;
  for (let i = 0; i < r.wordCount; i++) n += r.end(i) - r.start(i);
  return n;
}

/** The next piece of a big reply: whole words while they fit in `budget` characters, then a cut. */
function nextPiece(s: Spooled, budget: number): { reply: ConsoleReply; chars: number } {
  const words: string[] = [];
  const continued = s.char > 0;
  let chars = 0;
  while (s.word < s.reply.wordCount && chars < budget) {
    const text = s.text ?? s.reply.text(s.word);
    const rest = text.length - s.char;
    if (chars + rest <= budget) {
      words.push(s.char === 0 ? text : text.slice(s.char));
      chars += rest;
      s.word++;
      s.char = 0;
      s.text = undefined;
      continue;
    }
    // Cut the word; never between the two halves of a surrogate pair.
    let cut = s.char + (budget - chars);
    const before = text.charCodeAt(cut - 1);
    if (before >= 0xd800 && before <= 0xdbff && cut - 1 > s.char) cut--;
    words.push(text.slice(s.char, cut));
    chars += cut - s.char;
    s.char = cut;
    s.text = text;
    break;
  }
  const more = s.word < s.reply.wordCount;
  return { reply: { ...s.head, words, piece: { more, continued } }, chars };
}

function outcomeOf(e: unknown, cancelRequested: boolean): ConsoleOutcome {
  if (e instanceof TrapError) return cancelRequested && e.category === 2 ? 'cancelled' : 'trap';
  if (e instanceof CancelUnconfirmedError) return 'cancel-unconfirmed';
  if (e instanceof FatalError) return 'fatal';
  if (e instanceof ConnectionClosedError) return e.outcomeUnknown ? 'outcome-unknown' : 'failed';
  if (e instanceof TimeoutError) return 'timeout';
  return 'failed';
}
