import type { TraceEntry } from '../../../app-main/src/common/contract';

/**
 * What the Trace tab shows about a sentence beyond its words: which command it belongs to, how long
 * its reply took, whether it ends its command. Sentences of one command are tied by `.tag`
 * (protocol.md §7.1); untagged commands are answered in order, so an untagged reply belongs to the
 * oldest untagged command still open. `!done` and `!fatal` end a command; `!trap` and `!empty` are
 * followed by a `!done` (§5).
 */
export interface SentenceInfo {
  /** The seq of the command this sentence belongs to (a command's own seq); none when unknown. */
  group?: number;
  /** That command's first word. */
  command?: string;
  /** On a reply: milliseconds since its command was sent. */
  elapsedMs?: number;
  /** On a reply: it ends its command (`!done`, `!fatal`). */
  ends?: boolean;
  /** On a command: replies received so far. */
  replies?: number;
  /** On a command: its traps and fatals so far. */
  problems?: number;
  /** On a command whose end arrived: how long it took, and the ending reply. */
  tookMs?: number;
  endedBy?: string;
}

interface Rows {
  length: number;
  get(i: number): TraceEntry | undefined;
}

interface Open {
  seq: number;
  time: number;
  command: string;
}

/**
 * Incremental: the trace grows at wire speed (a 100k-row print), so each update looks only at the
 * entries newer than the last one seen. It starts over when the log is replaced (a load), when seq
 * goes backwards (main restarted), or when it holds far more than the log (entries dropped off).
 */
export class TraceAnalysis {
  private info = new Map<number, SentenceInfo>();
  private tagged = new Map<string, Open>();
  private untagged: Open[] = [];
  private lastSeq = -1;
  private source: unknown;
  /** Changes whenever `info` does, for React's memo keys. */
  revision = 0;

  get(seq: number): SentenceInfo | undefined {
    return this.info.get(seq);
  }

  update(rows: Rows, source: unknown): this {
    const newest = rows.get(rows.length - 1)?.seq ?? -1;
    if (source !== this.source || newest < this.lastSeq || this.info.size > 2 * rows.length + 1024) this.reset(source);
    if (newest <= this.lastSeq) return this;
    let from = rows.length;
    while (from > 0 && rows.get(from - 1)!.seq > this.lastSeq) from--;
    for (let i = from; i < rows.length; i++) this.add(rows.get(i)!);
    this.lastSeq = newest;
    this.revision++;
    return this;
  }

  private reset(source: unknown): void {
    this.info = new Map();
    this.tagged.clear();
    this.untagged = [];
    this.lastSeq = -1;
    this.source = source;
    this.revision++;
  }

  private add(e: TraceEntry): void {
    if (e.direction === 'note') {
      // A new session (link events): tags start over (they are per session, §7.1).
      if (e.words[0]?.startsWith('link ')) {
        this.tagged.clear();
        this.untagged = [];
      }
      return;
    }
    const first = e.words[0] ?? '';
    if (e.direction === 'out') {
      const open: Open = { seq: e.seq, time: e.time, command: first };
      if (e.tag !== undefined) this.tagged.set(e.tag, open);
      else this.untagged.push(open);
      this.info.set(e.seq, { group: e.seq, command: first, replies: 0, problems: 0 });
      return;
    }
    const open = e.tag !== undefined ? this.tagged.get(e.tag) : this.untagged[0];
    if (!open) {
      this.info.set(e.seq, {});
      return;
    }
    const ends = first === '!done' || first === '!fatal';
    const elapsedMs = e.time - open.time;
    this.info.set(e.seq, { group: open.seq, command: open.command, elapsedMs, ends });
    // The command's summary changes in place (a 100k-row print would otherwise copy it per row);
    // its row is memoised on these numbers, not on the object.
    const head = this.info.get(open.seq);
    if (head) {
      head.replies = (head.replies ?? 0) + 1;
      if (first === '!trap' || first === '!fatal') head.problems = (head.problems ?? 0) + 1;
      if (ends) {
        head.tookMs = elapsedMs;
        head.endedBy = first;
      }
    }
    if (ends) {
      if (e.tag !== undefined) this.tagged.delete(e.tag);
      else this.untagged.shift();
    }
  }
}

/** Reply types the filter offers; `problems` is `!trap` or `!fatal`. */
export type ReplyFilter = '' | '!re' | '!done' | '!trap' | '!fatal' | '!empty' | 'problems';

export function replyMatches(first: string, filter: ReplyFilter): boolean {
  if (filter === 'problems') return first === '!trap' || first === '!fatal';
  return first === filter;
}
