import { decodeText, frameSentence, prefixSizeFromFirstByte, readLengthPrefix, type CodePage } from '../../../protocol/src/index';
import type { TraceEntry, TraceSnapshot } from '../common/contract';
import { redactWords } from './redact';

/** Bookkeeping charged per entry on top of its wire bytes, so that tiny sentences are bounded too. */
export const ENTRY_OVERHEAD_BYTES = 64;

/** One recorded sentence. Its words live as framed bytes inside a slab (no object per word). */
export interface StoredEntry {
  seq: number;
  time: number;
  direction: 'in' | 'out';
  tag: string | undefined;
  /** Which session (login) of the connection; a reconnect starts a new one (pcapng: new TCP stream). */
  session: number;
  slab: Slab;
  offset: number;
  length: number;
}

interface Slab {
  bytes: Uint8Array;
  used: number;
  live: number;
}

/**
 * The trace of one connection: a ring buffer with a byte cap (wire bytes plus a fixed overhead per
 * entry). Sentences are copied, already redacted and framed, into large slabs, so that a 100k-row
 * print costs one small object per sentence and the memory held is what the cap says; the oldest
 * entries are dropped and counted.
 */
export class TraceBuffer {
  private entries: StoredEntry[] = [];
  private head = 0;
  private slabs: Slab[] = [];
  private nextSeq = 1;
  private held = 0;
  private droppedCount = 0;
  private readonly slabSize: number;
  session = 0;

  constructor(
    readonly connectionId: string,
    readonly capBytes: number,
    public codePage: CodePage = 'windows-1252',
  ) {
    this.slabSize = Math.max(16 * 1024, Math.min(1024 * 1024, Math.floor(capBytes / 8)));
  }

  get dropped(): number {
    return this.droppedCount;
  }
  get heldBytes(): number {
    return this.held;
  }
  get size(): number {
    return this.entries.length - this.head;
  }
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Records a sentence given as words (redacted here, at capture). */
  recordWords(direction: 'in' | 'out', words: readonly Uint8Array[], tag: string | undefined, time: number): StoredEntry {
    const safe = redactWords(words, direction) ?? words;
    return this.recordFrame(direction, frameSentence(safe), tag, time);
  }

  /** Records an already framed (and already redacted) sentence. */
  recordFrame(direction: 'in' | 'out', frame: Uint8Array, tag: string | undefined, time: number): StoredEntry {
    const slab = this.slabFor(frame.length);
    const offset = slab.used;
    slab.bytes.set(frame, offset);
    slab.used += frame.length;
    slab.live++;
    const entry: StoredEntry = { seq: this.nextSeq++, time, direction, tag, session: this.session, slab, offset, length: frame.length };
    this.entries.push(entry);
    this.held += frame.length + ENTRY_OVERHEAD_BYTES;
    while (this.held > this.capBytes && this.size > 1) this.evictOldest();
    return entry;
  }

  private slabFor(length: number): Slab {
    const last = this.slabs[this.slabs.length - 1];
    if (last && last.bytes.length - last.used >= length) return last;
    const slab: Slab = { bytes: new Uint8Array(Math.max(this.slabSize, length)), used: 0, live: 0 };
    this.slabs.push(slab);
    return slab;
  }

  private evictOldest(): void {
    const e = this.entries[this.head]!;
    this.entries[this.head] = undefined as unknown as StoredEntry;
    this.head++;
    this.held -= e.length + ENTRY_OVERHEAD_BYTES;
    this.droppedCount++;
    e.slab.live--;
    // Slabs fill and empty in order: free the leading ones once nothing in them is alive.
    while (this.slabs.length > 1 && this.slabs[0]!.live === 0) this.slabs.shift();
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
    this.slabs = [];
    this.held = 0;
    this.droppedCount = 0;
  }

  /** Entries in order, oldest first. */
  *iterate(sinceSeq = 0): Generator<StoredEntry> {
    let i = this.head;
    // Sequence numbers are dense inside the buffer: jump straight to the first wanted one.
    const first = this.entries[this.head];
    if (first && sinceSeq >= first.seq) i = this.head + (sinceSeq - first.seq) + 1;
    for (; i < this.entries.length; i++) yield this.entries[i]!;
  }

  toEntry(e: StoredEntry): TraceEntry {
    const words = frameWords(e.slab.bytes, e.offset, e.offset + e.length).map((w) => decodeText(w, this.codePage));
    const out: TraceEntry = { seq: e.seq, connectionId: this.connectionId, time: e.time, direction: e.direction, words, bytes: e.length };
    if (e.tag !== undefined) out.tag = e.tag;
    return out;
  }

  /** Snapshot of the newest `limit` entries after `sinceSeq`. */
  snapshot(sinceSeq = 0, limit = 5000): TraceSnapshot {
    const all: StoredEntry[] = [];
    for (const e of this.iterate(sinceSeq)) all.push(e);
    const picked = all.length > limit ? all.slice(all.length - limit) : all;
    return {
      connectionId: this.connectionId,
      entries: picked.map((e) => this.toEntry(e)),
      dropped: this.droppedCount,
      heldBytes: this.held,
      capBytes: this.capBytes,
    };
  }
}

/** Splits a framed sentence (minimal length prefixes, trailing zero byte) back into words. */
export function frameWords(bytes: Uint8Array, start: number, end: number): Uint8Array[] {
  const words: Uint8Array[] = [];
  let i = start;
  while (i < end) {
    const size = prefixSizeFromFirstByte(bytes[i]!);
    const n = readLengthPrefix(bytes, i, size);
    i += size;
    if (n === 0) break;
    words.push(bytes.subarray(i, i + n));
    i += n;
  }
  return words;
}

export function entryWords(e: StoredEntry): Uint8Array[] {
  return frameWords(e.slab.bytes, e.offset, e.offset + e.length);
}

export function entryFrame(e: StoredEntry): Uint8Array {
  return e.slab.bytes.subarray(e.offset, e.offset + e.length);
}
