/**
 * Trace replay, the pure part: which sentences a trace's client sent, which of them are read-only,
 * and how two sets of replies to one sentence compare. No Node, no sockets — unit-tested on its
 * own (app-main/src/services/replay/replay-core.test.ts) and used by `replay.ts`.
 *
 * Vocabulary as in protocol.md: a sentence is a list of words; the client's first word is the
 * command; replies are `!re`, `!done`, `!trap`, `!empty`, `!fatal`; `.tag=` routes them.
 */
import type { ReplayDifference, ReplayOutcome, ReplaySentence } from '../../common/contract';
import { classifyCommand } from '../core/command-class';
import { REDACTED } from '../traces/redact';

/** What replay needs of a trace entry (a `TraceEntry`, or a line of a JSON Lines trace). */
export interface TraceLine {
  seq: number;
  direction: 'in' | 'out' | 'note';
  tag?: string;
  words: readonly string[];
  /**
   * Tikscope's own traffic as the trace marked it when it was captured (TraceEntry.own: login reads,
   * heartbeat, completion). What a sentence looks like never decides it: a `/system/identity/print`
   * the user typed is the user's (issue 14).
   */
  own?: boolean;
}

/** One reply sentence as recorded or received: its reply word and all words. */
export interface ReplyRecord {
  kind: string;
  words: readonly string[];
}

/** A sentence the client sent, with the replies the trace holds for it. */
export interface RecordedSentence extends ReplaySentence {
  /** Reply sentences in order (bounded by `maxStoredReplies`; `recorded.replies` counts them all). */
  replies: ReplyRecord[];
}

// ---------------------------------------------------------------------------------------------
// The read-only rule

/** Monitors and probes that run until cancelled unless told to stop (`=once=`, `=count=`, `=duration=`). */
const RUNNING_COMMANDS: ReadonlySet<string> = new Set([
  'monitor',
  'monitor-traffic',
  'torch',
  'ping',
  'sniffer',
  'bandwidth-test',
  'traceroute',
]);

/** Commands that end the session or the router: never replayed (the replay could not finish). */
const SESSION_ENDING: ReadonlySet<string> = new Set([
  '/quit',
  '/system/reboot',
  '/system/shutdown',
  '/system/reset-configuration',
]);

/** `/ip/address/print` → `print`. */
export function lastSegment(command: string): string {
  const i = command.lastIndexOf('/');
  return i < 0 ? command : command.slice(i + 1);
}

/** The name of an attribute word (`=name=value` → `name`), or undefined for other words. */
function attributeName(word: string): string | undefined {
  if (word[0] !== '=') return undefined;
  const split = word.indexOf('=', 1);
  return split < 0 ? word.slice(1) : word.slice(1, split);
}

function hasAttribute(words: readonly string[], name: string): boolean {
  for (let i = 1; i < words.length; i++) if (attributeName(words[i]!) === name) return true;
  return false;
}

/**
 * True when replaying the sentence cannot change the router: the app's one read-only rule
 * (`classifyCommand` in command-class.ts, shared with the broadcast): the command's last path
 * segment is print, getall, get, listen, monitor or monitor-traffic — what a RouterOS user with
 * only the `read` policy may run — or the command is /console/inspect; `=file=` makes print write
 * its output to a file on the router, so a sentence with it is a write. A first word that is not a
 * command (no leading `/`) is never read-only.
 */
export function isReadOnly(words: readonly string[]): boolean {
  const command = words[0] ?? '';
  if (!command.startsWith('/')) return false;
  return classifyCommand(words).readOnly;
}

/**
 * True for commands that stream until cancelled (protocol.md §7.3–7.4): `listen`, print with
 * `=follow=`, `=follow-only=` or `=interval=`, and monitors or probes without `=once=`, `=count=`
 * or `=duration=`. Replay bounds these and cancels them.
 */
export function isStreaming(words: readonly string[]): boolean {
  const command = words[0] ?? '';
  const last = lastSegment(command);
  if (last === 'listen') return true;
  if (hasAttribute(words, 'follow') || hasAttribute(words, 'follow-only') || hasAttribute(words, 'interval')) return true;
  if (RUNNING_COMMANDS.has(last))
    return !(hasAttribute(words, 'once') || hasAttribute(words, 'count') || hasAttribute(words, 'duration'));
  return false;
}

/** Why a sentence cannot be replayed at all, or undefined. */
export function blockedReason(words: readonly string[]): string | undefined {
  const command = words[0] ?? '';
  if (SESSION_ENDING.has(command)) return `${command} ends the session; replay never sends it`;
  const secret = words.find((w, i) => i > 0 && (w.startsWith('=') || w.startsWith('?')) && w.endsWith(`=${REDACTED}`));
  if (secret)
    return `${secret.slice(0, secret.indexOf('=', 1) + 1)} was redacted in the trace; replaying would send ${REDACTED} instead of the secret`;
  return undefined;
}

const tagWord = (w: string) => w.startsWith('.tag=');

// ---------------------------------------------------------------------------------------------
// Sentence extraction

export interface ExtractOptions {
  /** Keep the newest this many sentences (default 5000); older ones are counted in `skipped.older`. */
  limit?: number;
  /** Reply sentences stored per sentence for comparison (default 20000); the count stays exact. */
  maxStoredReplies?: number;
}

export interface Extracted {
  sentences: RecordedSentence[];
  skipped: { login: number; cancel: number; quit: number; older: number };
}

interface Open {
  sentence: RecordedSentence | undefined;
  tag: string | undefined;
  replies: number;
  re: number;
  empty: boolean;
  traps: string[];
  interrupted: boolean;
  ended: boolean;
  fatal: boolean;
}

function trapMessage(words: readonly string[]): string {
  for (const w of words) if (w.startsWith('=message=')) return w.slice('=message='.length);
  return '';
}

function trapCategory(words: readonly string[]): string | undefined {
  for (const w of words) if (w.startsWith('=category=')) return w.slice('=category='.length);
  return undefined;
}

/**
 * Reconstructs what the client sent (direction `out`, one entry per sentence) and routes the
 * replies to them the way a session does: by `.tag`, untagged replies to the oldest unfinished
 * untagged command, `!done` ends a command, `!fatal` ends all (protocol.md §5, §7.1). A `/login`
 * starts a new session: commands still open then never got their `!done` (connection lost).
 *
 * Left out of the result: `/login` (its secrets are redacted, and the link logs in itself),
 * `/cancel` (it ended a recorded command; replay bounds streams itself, and a bare `/cancel` would
 * interrupt every command on the target connection), `/quit`.
 */
export function extractSentences(lines: Iterable<TraceLine>, options: ExtractOptions = {}): Extracted {
  const limit = options.limit ?? 5000;
  const maxStored = options.maxStoredReplies ?? 20_000;
  const sentences: RecordedSentence[] = [];
  const skipped = { login: 0, cancel: 0, quit: 0, older: 0 };
  const all: Open[] = [];
  let tagged = new Map<string, Open>();
  let untagged: Open[] = [];

  const register = (o: Open) => {
    all.push(o);
    if (o.tag !== undefined) tagged.set(o.tag, o);
    else untagged.push(o);
  };

  for (const line of lines) {
    const words = line.words;
    // A note (a cancel the router did not confirm) is Tikscope's own: neither sent nor a reply.
    if (words.length === 0 || line.direction === 'note') continue;
    if (line.direction === 'out') {
      const command = words[0]!;
      const tagAt = words.findIndex((w, i) => i > 0 && tagWord(w));
      const tag = line.tag ?? (tagAt > 0 ? words[tagAt]!.slice(5) || undefined : undefined);
      const base: Open = {
        sentence: undefined,
        tag,
        replies: 0,
        re: 0,
        empty: false,
        traps: [],
        interrupted: false,
        ended: false,
        fatal: false,
      };
      if (command === '/login') {
        // A new session: what was open on the old one never ended.
        tagged = new Map();
        untagged = [];
        skipped.login++;
        register(base);
        continue;
      }
      if (command === '/cancel') {
        skipped.cancel++;
        register(base);
        continue;
      }
      if (command === '/quit') {
        skipped.quit++;
        continue;
      }
      const sent = words.filter((w, i) => i === 0 || !tagWord(w));
      const blocked = blockedReason(sent);
      const sentence: RecordedSentence = {
        seq: line.seq,
        words: sent,
        readOnly: isReadOnly(sent),
        streaming: isStreaming(sent),
        background: line.own === true,
        recorded: { outcome: 'open', replies: 0 },
        replies: [],
      };
      if (tag !== undefined) sentence.tag = tag;
      if (blocked !== undefined) sentence.blocked = blocked;
      sentences.push(sentence);
      base.sentence = sentence;
      register(base);
      continue;
    }
    // A reply.
    const kind = words[0]!;
    if (kind === '!fatal') {
      // No tag, nothing follows: every command in flight is dead (protocol.md §5.2).
      for (const o of [...tagged.values(), ...untagged]) {
        o.fatal = true;
        o.ended = true;
        if (o.sentence && o.sentence.replies.length < maxStored) o.sentence.replies.push({ kind, words });
      }
      tagged = new Map();
      untagged = [];
      continue;
    }
    let tag = line.tag;
    if (tag === undefined) {
      const w = words.find((x, i) => i > 0 && tagWord(x));
      if (w !== undefined && w.length > 5) tag = w.slice(5);
    }
    const o = tag !== undefined ? tagged.get(tag) : untagged[0];
    if (!o) continue; // late replies after a cancel or a timeout (protocol.md §7.1)
    o.replies++;
    if (o.sentence && o.sentence.replies.length < maxStored) o.sentence.replies.push({ kind, words });
    if (kind === '!re') o.re++;
    else if (kind === '!empty') o.empty = true;
    else if (kind === '!trap') {
      if (trapCategory(words) === '2') o.interrupted = true;
      else o.traps.push(trapMessage(words));
    } else if (kind === '!done') {
      o.ended = true;
      if (o.tag !== undefined) tagged.delete(o.tag);
      else untagged.splice(untagged.indexOf(o), 1);
    }
  }

  for (const o of all) {
    const s = o.sentence;
    if (!s) continue;
    s.recorded = { outcome: recordedOutcome(o), replies: o.re };
    const message = o.traps[0];
    if (message !== undefined && s.recorded.outcome === 'trap') s.recorded.message = message;
  }
  if (sentences.length > limit) {
    skipped.older = sentences.length - limit;
    sentences.splice(0, sentences.length - limit);
  }
  return { sentences, skipped };
}

function recordedOutcome(o: Open): ReplayOutcome {
  if (o.fatal) return 'fatal';
  if (!o.ended) return 'open';
  if (o.traps.length > 0) return 'trap';
  // `!trap =category=2 interrupted` is how a command ends after /cancel (protocol.md §7.2).
  if (o.interrupted) return 'cancelled';
  if (o.empty && o.re === 0) return 'empty';
  return 'done';
}

// ---------------------------------------------------------------------------------------------
// Comparison

/**
 * Properties that change by themselves from one moment to the next (counters, load, clocks,
 * timers): left out of the field comparison when `ignoreVolatile` is on. Exact names, plus any
 * name ending in bytes/packets/drops/errors/rate (interface, firewall and connection counters).
 */
export const VOLATILE_FIELDS: ReadonlySet<string> = new Set([
  'uptime',
  'cpu-load',
  'free-memory',
  'free-hdd-space',
  'write-sect-since-reboot',
  'write-sect-total',
  'cpu-frequency',
  'time',
  'date',
  'last-link-up-time',
  'last-link-down-time',
  'link-downs',
  'expires-after',
  'last-seen',
  'timeout',
  'age',
  '.section',
]);
const VOLATILE_SUFFIX = /(^|-)(bytes?|packets?|drops?|errors?|rate)$/;

export function isVolatileField(name: string): boolean {
  return VOLATILE_FIELDS.has(name) || VOLATILE_SUFFIX.test(name);
}

/** `=name=value` words of a reply as a record (split at the first `=` after the leading one, protocol.md §4.2). */
export function attributesOf(words: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w[0] !== '=') continue;
    const split = w.indexOf('=', 1);
    if (split < 0) out.set(w.slice(1), '');
    else out.set(w.slice(1, split), w.slice(split + 1));
  }
  return out;
}

/**
 * RouterOS 6 prints booleans `yes`/`no`, RouterOS 7 `true`/`false` (protocol.md §5.4): two
 * spellings of one value, the same unless the user asks for exact comparison (issue 14). The
 * renderer's Compare tables has the same rule (app-renderer/src/lib/diff.ts).
 */
const BOOLEAN_SPELLINGS = new Map([
  ['yes', true],
  ['true', true],
  ['no', false],
  ['false', false],
]);

/** `yes`≡`true` and `no`≡`false`; exact text otherwise. */
export function sameBoolean(a: string, b: string): boolean {
  const x = BOOLEAN_SPELLINGS.get(a);
  return x !== undefined && x === BOOLEAN_SPELLINGS.get(b);
}

export interface CompareSide {
  outcome: ReplayOutcome;
  replies: readonly ReplyRecord[];
  /** The `!re` count when more replies arrived than `replies` holds (stored lists are bounded). */
  count?: number;
  /** `!trap` message, when the outcome is trap. */
  message?: string;
}

export interface CompareOptions {
  streaming: boolean;
  /** The replay stopped the stream at its reply or time bound. */
  bounded: boolean;
  ignoreVolatile: boolean;
  /** Compare `yes`/`no` and `true`/`false` as written (default false: the same, see sameBoolean). */
  strictBooleans?: boolean;
  /** Differences listed at most (default 100); the rest are counted in a note. */
  maxDifferences?: number;
}

export interface Comparison {
  verdict: 'same' | 'differs';
  differences: ReplayDifference[];
  notes: string[];
}

const ABSENT = '(absent)';

function rowsOf(replies: readonly ReplyRecord[]): Map<string, string>[] {
  const rows: Map<string, string>[] = [];
  for (const r of replies) if (r.kind === '!re') rows.push(attributesOf(r.words));
  return rows;
}

function retOf(replies: readonly ReplyRecord[]): string | undefined {
  for (const r of replies) if (r.kind === '!done') return attributesOf(r.words).get('ret');
  return undefined;
}

/**
 * Keys rows by `.id` — with an occurrence number, because a stream may report the same item more
 * than once (`*1`, `*1 (2)`) — or by position (`#1`, `#2`, …).
 */
function keyed(rows: readonly Map<string, string>[], byId: boolean): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    let key = `#${i + 1}`;
    if (byId) {
      const id = row.get('.id')!;
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      key = n === 1 ? id : `${id} (${n})`;
    }
    out.set(key, row);
  });
  return out;
}

/**
 * Rows match by `.id` when every row on both sides has one and the two routers' ids mostly
 * correspond (at least half of the smaller side); otherwise by position. Ids are per router: the
 * same address on another router has another `.id`, so matching by id there would call every
 * row missing.
 */
function matchById(a: readonly Map<string, string>[], b: readonly Map<string, string>[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  if (!a.every((r) => r.has('.id')) || !b.every((r) => r.has('.id'))) return false;
  const ids = new Set(a.map((r) => r.get('.id')));
  let shared = 0;
  for (const r of b) if (ids.has(r.get('.id'))) shared++;
  return shared * 2 >= Math.min(a.length, b.length);
}

/** Equal outcomes, allowing for what differs between RouterOS versions and for bounded streams. */
function sameOutcome(
  rec: CompareSide,
  rep: CompareSide,
  recRows: number,
  repRows: number,
  o: CompareOptions,
  notes: string[],
): boolean {
  if (rec.outcome === rep.outcome) return true;
  const emptyish = (side: CompareSide, rows: number) => side.outcome === 'empty' || (side.outcome === 'done' && rows === 0);
  if (emptyish(rec, recRows) && emptyish(rep, repRows)) {
    // RouterOS ≥ 7.18 answers an empty result with !empty before !done; older versions only !done (protocol.md §5.3).
    notes.push(`!empty on one side only: RouterOS 7.18 and later send !empty for an empty result, older versions only !done`);
    return true;
  }
  if (o.streaming) {
    const ongoing = (x: ReplayOutcome) => x === 'cancelled' || x === 'open';
    if (ongoing(rec.outcome) && ongoing(rep.outcome)) return true;
  }
  return false;
}

/**
 * Compares the replies to one sentence: the outcome (done/trap/empty/fatal/…), the `!re` count,
 * the `!trap` message, the `!done` `=ret=`, and field by field the `!re` attribute words of rows
 * matched by `.id` or position.
 *
 * Streams are judged on the outcome and on the fields of rows present on both sides; their counts
 * depend on timing and on where the replay stopped, so they are shown in a note, not judged.
 */
export function compareReplies(rec: CompareSide, rep: CompareSide, o: CompareOptions): Comparison {
  const max = o.maxDifferences ?? 100;
  const differences: ReplayDifference[] = [];
  const notes: string[] = [];
  let more = 0;
  const add = (d: ReplayDifference) => {
    if (differences.length < max) differences.push(d);
    else more++;
  };
  const recRows = rowsOf(rec.replies);
  const repRows = rowsOf(rep.replies);
  let spellings = 0;
  const equal = (x: string | undefined, y: string | undefined): boolean => {
    if (x === y) return true;
    if (o.strictBooleans || x === undefined || y === undefined || !sameBoolean(x, y)) return false;
    spellings++;
    return true;
  };

  if (!sameOutcome(rec, rep, recRows.length, repRows.length, o, notes))
    add({ kind: 'outcome', recorded: rec.outcome, replayed: rep.outcome });
  if (rec.outcome === 'trap' && rep.outcome === 'trap' && (rec.message ?? '') !== (rep.message ?? '')) {
    add({ kind: 'message', recorded: rec.message ?? '', replayed: rep.message ?? '' });
  }
  if (!o.streaming) {
    const a = retOf(rec.replies);
    const b = retOf(rep.replies);
    if (!equal(a, b)) add({ kind: 'ret', field: 'ret', recorded: a ?? ABSENT, replayed: b ?? ABSENT });
  }

  const recCount = rec.count ?? recRows.length;
  const repCount = rep.count ?? repRows.length;
  if (o.streaming) {
    if (recCount !== repCount) {
      notes.push(
        `stream: ${recCount} !re recorded, ${repCount} on replay${o.bounded ? ' (stopped at the replay bound)' : ''}; counts of streams are not compared`,
      );
    }
  } else if (recCount !== repCount) {
    add({ kind: 'replies', recorded: String(recCount), replayed: String(repCount) });
  }
  if (recRows.length < recCount || repRows.length < repCount)
    notes.push(`rows beyond the first ${Math.min(recRows.length, repRows.length)} were counted, not compared field by field`);

  const byId = matchById(recRows, repRows);
  if (
    !byId &&
    recRows.length > 0 &&
    repRows.length > 0 &&
    recRows.every((r) => r.has('.id')) &&
    repRows.every((r) => r.has('.id'))
  ) {
    notes.push('rows matched by position: the .id values of the two sides do not correspond (another router)');
  }
  const a = keyed(recRows, byId);
  const b = keyed(repRows, byId);
  for (const [key, row] of a) {
    const other = b.get(key);
    if (!other) {
      if (!o.streaming) add({ kind: 'row-missing', key });
      continue;
    }
    const names = new Set([...row.keys(), ...other.keys()]);
    for (const name of names) {
      if (byId && name === '.id') continue;
      if (o.ignoreVolatile && isVolatileField(name)) continue;
      const x = row.get(name);
      const y = other.get(name);
      if (!equal(x, y)) add({ kind: 'field', key, field: name, recorded: x ?? ABSENT, replayed: y ?? ABSENT });
    }
  }
  if (spellings > 0)
    notes.push(
      `yes/no and true/false compared as the same (${spellings} value${spellings === 1 ? '' : 's'}): RouterOS 6 and 7 spell booleans differently`,
    );
  if (!o.streaming) for (const key of b.keys()) if (!a.has(key)) add({ kind: 'row-extra', key });
  if (more > 0) notes.push(`and ${more} more difference${more === 1 ? '' : 's'}`);
  return { verdict: differences.length === 0 ? 'same' : 'differs', differences, notes };
}

/** One line per difference, for logs and the bundle-free text view. */
export function describeDifference(d: ReplayDifference): string {
  switch (d.kind) {
    case 'outcome':
      return `outcome: recorded ${d.recorded}, replayed ${d.replayed}`;
    case 'replies':
      return `!re count: recorded ${d.recorded}, replayed ${d.replayed}`;
    case 'message':
      return `!trap message: recorded "${d.recorded}", replayed "${d.replayed}"`;
    case 'ret':
      return `!done =ret=: recorded ${d.recorded}, replayed ${d.replayed}`;
    case 'row-missing':
      return `row ${d.key}: recorded, not in the replay`;
    case 'row-extra':
      return `row ${d.key}: only in the replay`;
    case 'field':
      return `row ${d.key} ${d.field}: recorded ${JSON.stringify(d.recorded)}, replayed ${JSON.stringify(d.replayed)}`;
  }
}
