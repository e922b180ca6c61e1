import {
  bytesEqualAscii,
  encodeUtf8,
  frameSentence,
  lengthPrefixSize,
  prefixSizeFromFirstByte,
  prefixSizeIn,
  readLengthPrefix,
  writeLengthPrefix,
  UTF8_CODEC,
  writeLengthPrefixOfSize,
  type Reply,
  type TextCodec,
} from '../../../../protocol/src/index';
import type { LinkState, TraceEntry, TraceScope, TraceSnapshot } from '../../common/contract';
import { SecretScanner, redactWords } from './redact';

/**
 * Bookkeeping charged per entry on top of its wire bytes (the metadata columns below take 21
 * bytes), so that a flood of tiny sentences is bounded by the cap too.
 */
export const ENTRY_OVERHEAD_BYTES = 24;

/**
 * Bytes of word text one entry carries to the window (`trace:entries`, `trace:get`); the rest of a
 * bigger sentence is cut there (`TraceEntry.truncated`) and stays whole in exports. A 64 MiB reply
 * is one entry: as text in one event it was one bridge frame of all of it (issue 11 E).
 */
export const WINDOW_ENTRY_TEXT_BYTES = 256 * 1024;

/**
 * Sentences pinned at the start of each session (docs/main-process.md, "Trace capture"): the
 * login, the router-info reads and their replies — what a bug report needs first, and what a flood
 * of rows used to push out of the ring within seconds.
 */
export const DEFAULT_PINNED_PER_SESSION = 32;

/** One recorded sentence, as handed out for reading (exports, snapshots). */
export interface TraceView {
  seq: number;
  /** Epoch ms with sub-millisecond fraction. */
  time: number;
  /** `note`: an event of Tikscope's own (TraceEntry.direction), not wire bytes. */
  direction: 'in' | 'out' | 'note';
  /** Which session (login) of the connection; a reconnect starts a new one (pcapng: new TCP stream). */
  session: number;
  /** The framed sentence: length prefixes, words, terminating zero. */
  frame: Uint8Array;
  /** Tikscope's own traffic (heartbeat, completion, router-info reads). */
  own: boolean;
  /** Kept outside the ring: never evicted (the first sentences of a session, link events). */
  pinned: boolean;
}

// Bits of the `flags` column.
const OUT = 1;
const NOTE = 2;
const OWN = 4;
/** The commands a sentence belongs to (`classify`): Tikscope's own, or a live table's rows. */
export const CLASS_OWN = OWN;
export const CLASS_ROWS = 8;
/**
 * Replies that hold secrets by content, not by property name — the `=data=` of a show-sensitive
 * export read back with `/file/read` (issue 16) — which redaction cannot see: their `!re` sentences
 * are never recorded (counted as skipped). The command and its `!done` are.
 */
export const CLASS_SECRET = 16;
/** The first slab of a trace (later ones double up to the slab size). */
const FIRST_SLAB_BYTES = 16 * 1024;
// Scope numbers: positions in SCOPES (1, no-rows, is tested through the ROWS class).
const SCOPE_ALL = 0;
const SCOPE_COMMANDS = 2;
const SCOPES: readonly TraceScope[] = ['all', 'no-rows', 'commands'];

/**
 * The trace of one connection: a ring buffer with a byte cap (wire bytes plus a fixed overhead per
 * entry); the oldest entries are dropped, in batches (see evictToFit), and counted.
 *
 * Memory layout, chosen because this runs for every sentence of every connection (a 100k-row print
 * included) and lives for hours: the framed, already redacted sentences are copied into large
 * byte slabs, and the per-entry metadata lives in typed-array columns — no JavaScript object per
 * entry, so the garbage collector has nothing to trace. Tags are not stored: they are in the words
 * (`.tag=`) and parsed when an entry is read.
 */
export class TraceBuffer {
  private slabs: Slab[] = [];
  /** Received sentences whose bytes are reserved in `slab` but still to be copied from `bytes`. */
  private pending: PendingCopy | undefined;
  /** An emptied slab kept for reuse: a full ring recycles its memory instead of allocating. */
  private spare: Uint8Array | undefined;
  /** Slab number of `slabs[0]`. */
  private firstSlab = 0;
  // Metadata columns, a ring of `capacity` rows starting at `head`; `capacity` is a power of two,
  // so positions wrap with a mask (a `%` is a division on every sentence).
  // Starts small and doubles (grow): 1,000 idle links would otherwise hold 25 KiB of empty
  // columns each (issue 15, "Scale").
  private capacity = 64;
  private head = 0;
  private count = 0;
  private times = new Float64Array(this.capacity);
  private slabNos = new Uint32Array(this.capacity);
  private offsets = new Uint32Array(this.capacity);
  private lengths = new Uint32Array(this.capacity);
  private sessions = new Uint32Array(this.capacity);
  private dirs = new Uint8Array(this.capacity);
  /** Sequence number of the oldest entry held (or of the next one when empty). */
  private firstSeq = 1;
  private held = 0;
  private droppedCount = 0;
  private readonly slabSize: number;
  /** Remembers the property names this connection's replies have shown to be harmless. */
  private readonly scanner = new SecretScanner();
  session = 0;
  // ---- scope and classes (docs/main-process.md, "Trace capture") ----
  private scopeNo = SCOPE_ALL;
  /** Received sentences the scope left out. */
  private skippedCount = 0;
  /** Set by `classify` while a command is being opened: the class of the sentence it sends. */
  private sending = 0;
  /** Tag → class of the running commands that are Tikscope's own or a live table's. */
  private readonly classes = new Map<string, number>();
  /** Flags of the entry being recorded (OWN), set by the capture entry points. */
  private mark = 0;
  // ---- pinned entries ----
  /** How many sentences at the start of each session are pinned. */
  pinPerSession = DEFAULT_PINNED_PER_SESSION;
  /** Sentences of this session still to be pinned. */
  private pinLeft = 0;
  /** Pinned entries still in the ring (sequence numbers, ascending): copied out when evicted. */
  private pinSeqs: number[] = [];
  /** Pinned entries evicted from the ring, kept here, oldest first; all older than `firstSeq`. */
  private pinned: TraceView[] = [];
  private pinnedBytes = 0;
  /** Pinned entries up to this seq (the first session's) are kept even when the pinned store is full. */
  private protectUpTo = 0;
  private firstSession = 0;

  constructor(
    readonly connectionId: string,
    public capBytes: number,
    /** The connection's Encoding: how the trace shows words as text (the bytes stay as received). */
    public codec: TextCodec = UTF8_CODEC,
  ) {
    this.slabSize = Math.max(16 * 1024, Math.min(1024 * 1024, Math.floor(capBytes / 8)));
  }

  get dropped(): number {
    return this.droppedCount;
  }
  /** Received sentences the capture scope left out (never recorded). */
  get skipped(): number {
    return this.skippedCount;
  }
  get scope(): TraceScope {
    return SCOPES[this.scopeNo]!;
  }
  set scope(scope: TraceScope) {
    const i = SCOPES.indexOf(scope);
    if (i < 0) throw new RangeError(`unknown trace scope ${String(scope)}`);
    this.scopeNo = i;
  }

  /** Adds to the dropped count: an imported trace keeps the count its file says (JSONL `dropped`). */
  addDropped(n: number): void {
    if (Number.isSafeInteger(n) && n > 0) this.droppedCount += n;
  }

  /** A new cap (the buffer size setting): applies at once, evicting the oldest entries if over it. */
  setCap(bytes: number): void {
    this.capBytes = bytes;
    if (this.held > bytes) this.evictToFit();
  }

  /**
   * A new session (login) begins: its first `pinPerSession` sentences are pinned, and the classes
   * of the previous session's tags are forgotten (tags are per session). Returns its number.
   */
  beginSession(): number {
    this.session++;
    if (this.firstSession === 0) this.firstSession = this.session;
    this.pinLeft = this.pinPerSession;
    this.classes.clear();
    return this.session;
  }

  /**
   * Runs `open`, which sends one command synchronously (Session.command/stream write before they
   * return), with `cls` (CLASS_OWN or CLASS_ROWS) given to that command: its tag is remembered when
   * it is sent, and every reply with that tag, until its `!done`, gets the same class.
   */
  classify<T>(cls: number, open: () => T): T {
    const before = this.sending;
    this.sending = cls;
    try {
      return open();
    } finally {
      this.sending = before;
    }
  }

  /** A sentence the session sends (SessionOptions.onSent). */
  captureSent(words: readonly Uint8Array[], time: number): number {
    const cls = this.sending;
    if (cls !== 0) {
      const tag = tagOf(words, this.codec);
      if (tag !== undefined) this.classes.set(tag, cls);
      this.mark = cls & OWN;
    }
    if (this.pinLeft > 0) this.pinNext(true);
    const seq = this.recordWords('out', words, time);
    this.mark = 0;
    return seq;
  }

  /**
   * A sentence the session received (SessionOptions.onReceived): classed by its tag, left out when
   * the scope says so (a `!re` row: every one for `commands`, a live table's for `no-rows`), else
   * recorded — and pinned while the session's first `pinPerSession` recorded sentences last.
   * Returns its sequence number, or 0 when it was left out.
   */
  captureReply(reply: Reply, time: number): number {
    let cls = 0;
    // Only while some command is classed (a live table, a heartbeat): a plain console print
    // pays for one size check per sentence.
    if (this.classes.size !== 0) {
      const tag = reply.tag;
      if (tag !== undefined) {
        const c = this.classes.get(tag);
        if (c !== undefined) {
          cls = c;
          if (reply.type === '!done') this.classes.delete(tag);
        }
      }
    }
    if ((cls & CLASS_SECRET) !== 0 && reply.type === '!re') {
      this.skippedCount++;
      return 0;
    }
    if (this.scopeNo !== SCOPE_ALL && (this.scopeNo === SCOPE_COMMANDS || (cls & CLASS_ROWS) !== 0) && reply.type === '!re') {
      this.skippedCount++;
      return 0;
    }
    if (this.pinLeft > 0) this.pinNext(true);
    this.mark = cls & OWN;
    const seq = this.recordReply(reply, time);
    this.mark = 0;
    return seq;
  }

  /**
   * Records a link event (connecting, logged in, dropped …) as a note (`linkEventWords`). Always
   * pinned: a flood of rows must not push out why the link dropped.
   */
  recordLink(words: readonly string[], time: number): number {
    this.pinNext(false);
    return this.recordNote(words, time);
  }

  /** Pins the entry about to be added (its seq is `lastSeq + 1`); `session`: one of the session's first. */
  private pinNext(session: boolean): void {
    if (session) this.pinLeft--;
    const seq = this.lastSeq + 1;
    this.pinSeqs.push(seq);
    if (this.session === this.firstSession) this.protectUpTo = seq;
  }
  get heldBytes(): number {
    return this.held;
  }
  get size(): number {
    return this.count;
  }
  get lastSeq(): number {
    return this.firstSeq + this.count - 1;
  }

  /**
   * Records a sentence given as words, redacted here (at capture), framed straight into a slab.
   * `nonMinimalPrefixes` (Reply's) are the longer prefixes a received sentence came with: kept, so
   * that the trace holds what was on the wire (a redacted word gets the shortest prefix for its
   * new length). Returns its sequence number.
   */
  recordWords(
    direction: 'in' | 'out',
    words: readonly Uint8Array[],
    time: number,
    nonMinimalPrefixes?: readonly number[],
  ): number {
    const redacted = redactWords(words, direction);
    const safe = redacted ?? words;
    if (nonMinimalPrefixes !== undefined) return this.recordWithPrefixes(direction, words, safe, time, nonMinimalPrefixes);
    let length = 1;
    for (const w of safe) if (w.length > 0) length += lengthPrefixSize(w.length) + w.length;
    if (!redacted && direction === 'in' && safe.length > 0) {
      const region = framedRegion(safe, length);
      if (region) return this.recordFrame(direction, region, time);
    }
    const slab = this.slabFor(length);
    const offset = slab.used;
    const bytes = slab.bytes;
    let o = offset;
    for (const w of safe) {
      const n = w.length;
      if (n === 0) continue;
      if (n < 0x80) {
        bytes[o++] = n;
        // Most words are short; a plain loop beats TypedArray#set's per-call overhead there.
        if (n <= 48) for (let i = 0; i < n; i++) bytes[o + i] = w[i]!;
        else bytes.set(w, o);
      } else {
        o = writeLengthPrefix(bytes, o, n);
        bytes.set(w, o);
      }
      o += n;
    }
    bytes[o++] = 0;
    slab.used = o;
    return this.add(direction, time, slab, offset, o - offset);
  }

  /** `recordWords` for a sentence some of whose prefixes were longer than the shortest form (rare). */
  private recordWithPrefixes(
    direction: 'in' | 'out',
    words: readonly Uint8Array[],
    safe: readonly Uint8Array[],
    time: number,
    nonMinimal: readonly number[],
  ): number {
    const size = (i: number): number =>
      i === safe.length || safe[i] === words[i]
        ? prefixSizeIn(nonMinimal, i, i < safe.length ? safe[i]!.length : 0)
        : lengthPrefixSize(safe[i]!.length);
    let length = size(safe.length);
    for (let i = 0; i < safe.length; i++) length += size(i) + safe[i]!.length;
    const slab = this.slabFor(length);
    const offset = slab.used;
    let o = offset;
    for (let i = 0; i < safe.length; i++) {
      const w = safe[i]!;
      o = writeLengthPrefixOfSize(slab.bytes, o, w.length, size(i));
      slab.bytes.set(w, o);
      o += w.length;
    }
    o = writeLengthPrefixOfSize(slab.bytes, o, 0, size(safe.length));
    slab.used = o;
    return this.add(direction, time, slab, offset, o - offset);
  }

  /**
   * Records a received sentence. When its words are ranges of one received chunk (Reply `bytes`,
   * `offsets`: the session's usual case) and nothing in it is secret, the framed sentence is copied
   * straight from the chunk — prefixes, words and the terminating zero exactly as they came —
   * without making a view per word. Anything else goes through `recordWords`.
   */
  recordReply(reply: Reply, time: number): number {
    const b = reply.bytes;
    const off = reply.offsets;
    if (b === undefined || off === undefined || off.length === 0 || this.scanner.holdsSecret(b, off)) {
      return this.recordWords('in', reply.words, time, reply.nonMinimalPrefixes);
    }
    // The words of a ranges-form reply were decoded one after another from this one array (the
    // chunk, or the session's copy of a sentence that spanned chunks), so the framed sentence runs
    // from the first word's length prefix to the terminating zero — if both lie in it: the prefix
    // may have begun in the previous chunk (then `start` < 0) and the zero may be in the next. The
    // prefixes are the sizes they came in (`80 03` for 3 is legal, protocol.md §2): taking the
    // shortest form here recorded such a sentence one byte short, or with no words (issue 11 C).
    const forms = reply.nonMinimalPrefixes;
    const start = off[0]! - (forms === undefined ? lengthPrefixSize(off[1]! - off[0]!) : reply.prefixSize(0));
    // Just after the terminating zero.
    const end = off[off.length - 1]! + (forms === undefined ? 1 : reply.prefixSize(off.length >> 1));
    if (start < 0 || end > b.length || b[end - 1] !== 0) {
      return this.recordWords('in', reply.words, time, reply.nonMinimalPrefixes);
    }
    const length = end - start;
    // The copy is deferred and batched: sentences that follow each other in one chunk are copied
    // together, with one `set` per run instead of one per sentence (each copy needs a view object,
    // and that garbage made the collector copy a big print's retained replies over and over).
    // Space is reserved now; every read (`view`) copies what is pending first.
    const p = this.pending;
    if (
      p !== undefined &&
      p.bytes === b &&
      p.end === start &&
      p.slab.used === p.slabEnd &&
      p.slab.bytes.length - p.slabEnd >= length
    ) {
      const offset = p.slabEnd;
      p.slab.used += length;
      p.slabEnd += length;
      p.end = end;
      return this.add('in', time, p.slab, offset, length);
    }
    this.flushPending();
    const slab = this.slabFor(length);
    const offset = slab.used;
    slab.used += length;
    this.pending = { bytes: b, start, end, slab, slabStart: offset, slabEnd: slab.used };
    return this.add('in', time, slab, offset, length);
  }

  /** Copies the run of sentences `recordReply` has reserved space for but not copied yet. */
  private flushPending(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    // A view made directly: the chunk is usually a Buffer, whose subarray() is several times slower.
    p.slab.bytes.set(new Uint8Array(p.bytes.buffer, p.bytes.byteOffset + p.start, p.end - p.start), p.slabStart);
  }

  /**
   * Records an already framed (and already redacted) sentence; `own`: Tikscope's own traffic (an
   * imported trace says so). Returns its sequence number.
   */
  recordFrame(direction: 'in' | 'out' | 'note', frame: Uint8Array, time: number, own = false): number {
    const slab = this.slabFor(frame.length);
    const offset = slab.used;
    slab.bytes.set(frame, offset);
    slab.used += frame.length;
    if (!own) return this.add(direction, time, slab, offset, frame.length);
    this.mark = OWN;
    const seq = this.add(direction, time, slab, offset, frame.length);
    this.mark = 0;
    return seq;
  }

  /**
   * Records a note of Tikscope's own, framed like a sentence (e.g. a cancel the router did not
   * confirm: the wire shows only the /cancel and then silence). Returns its sequence number.
   */
  recordNote(words: readonly string[], time: number): number {
    return this.recordFrame('note', frameSentence(words.map((w) => encodeUtf8(w))), time);
  }

  private add(direction: 'in' | 'out' | 'note', time: number, slab: Slab, offset: number, length: number): number {
    if (this.count === this.capacity) this.grow();
    const i = (this.head + this.count) & (this.capacity - 1);
    this.times[i] = time;
    this.slabNos[i] = slab.no;
    this.offsets[i] = offset;
    this.lengths[i] = length;
    this.sessions[i] = this.session;
    this.dirs[i] = (direction === 'out' ? OUT : direction === 'note' ? NOTE : 0) | this.mark;
    this.count++;
    this.held += length + ENTRY_OVERHEAD_BYTES;
    if (this.held > this.capBytes) this.evictToFit();
    return this.firstSeq + this.count - 1;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const order = (a: Float64Array | Uint32Array | Uint8Array, b: Float64Array | Uint32Array | Uint8Array): void => {
      for (let k = 0; k < this.count; k++) b[k] = a[(this.head + k) & (this.capacity - 1)]!;
    };
    const times = new Float64Array(cap);
    const slabNos = new Uint32Array(cap);
    const offsets = new Uint32Array(cap);
    const lengths = new Uint32Array(cap);
    const sessions = new Uint32Array(cap);
    const dirs = new Uint8Array(cap);
    order(this.times, times);
    order(this.slabNos, slabNos);
    order(this.offsets, offsets);
    order(this.lengths, lengths);
    order(this.sessions, sessions);
    order(this.dirs, dirs);
    this.times = times;
    this.slabNos = slabNos;
    this.offsets = offsets;
    this.lengths = lengths;
    this.sessions = sessions;
    this.dirs = dirs;
    this.capacity = cap;
    this.head = 0;
  }

  private slabFor(length: number): Slab {
    const last = this.slabs[this.slabs.length - 1];
    if (last && last.bytes.length - last.used >= length) return last;
    let bytes: Uint8Array;
    if (this.spare && length <= this.spare.length) {
      bytes = this.spare;
      this.spare = undefined;
    } else {
      // The first slab is small and each next one twice the last, up to slabSize: an idle link's
      // trace (its login, heartbeats) fits in 16 KiB instead of touching pages of a full slab
      // (issue 15: 1,000 idle links within 128 KiB of resident memory each).
      const size = last ? Math.min(this.slabSize, last.bytes.length * 2) : Math.min(this.slabSize, FIRST_SLAB_BYTES);
      bytes = new Uint8Array(Math.max(size, length));
    }
    const slab: Slab = { no: this.firstSlab + this.slabs.length, bytes, used: 0 };
    this.slabs.push(slab);
    return slab;
  }

  /**
   * Drops the oldest entries, in one batch down to a little below the cap (1/64 of it, at most
   * 64 KiB): with a full ring this runs every few hundred sentences instead of on each one. The
   * newest entry is kept even when it alone exceeds the cap.
   */
  private evictToFit(): void {
    const target = this.capBytes - Math.min(this.capBytes >> 6, 65536);
    const lengths = this.lengths;
    const mask = this.capacity - 1;
    let held = this.held;
    let head = this.head;
    let count = this.count;
    // A pinned entry leaves the ring but stays held (in `pinned`): its bytes still count.
    const pins = this.pinSeqs;
    let pinAt = 0;
    let nextPin = pins.length > 0 ? pins[0]! : -1;
    let seq = this.firstSeq;
    while (held > target && count > 1) {
      if (seq === nextPin) nextPin = ++pinAt < pins.length ? pins[pinAt]! : -1;
      else held -= lengths[head]! + ENTRY_OVERHEAD_BYTES;
      head = (head + 1) & mask;
      count--;
      seq++;
    }
    const dropped = this.count - count;
    if (pinAt > 0) this.keepPinned(pinAt);
    this.held = held;
    this.head = head;
    this.count = count;
    this.firstSeq += dropped;
    this.droppedCount += dropped - pinAt;
    if (pinAt > 0) this.boundPinned();
    // Entries take their slabs in order, so the slabs before the oldest entry's are empty.
    const keep = this.slabNos[head]!;
    while (this.slabs.length > 1 && this.slabs[0]!.no < keep) {
      const freed = this.slabs.shift()!;
      // Every sentence in it is gone, the pending ones too: nothing left to copy there.
      if (this.pending?.slab === freed) this.pending = undefined;
      if (freed.bytes.length === this.slabSize) this.spare = freed.bytes;
      this.firstSlab++;
    }
  }

  /** Copies the first `n` pinned entries still in the ring (being evicted now) out of the slabs. */
  private keepPinned(n: number): void {
    for (const seq of this.pinSeqs.splice(0, n)) {
      const v = this.view(seq - this.firstSeq);
      const frame = v.frame.slice();
      this.pinned.push({ ...v, frame, pinned: true });
      this.pinnedBytes += frame.length + ENTRY_OVERHEAD_BYTES;
    }
  }

  /**
   * Pinned entries are held within the cap, but may take at most a quarter of it: past that the
   * oldest go (counted as dropped), except the first session's.
   */
  private boundPinned(): void {
    const limit = this.capBytes >> 2;
    let i = 0;
    while (this.pinnedBytes > limit && i < this.pinned.length) {
      const p = this.pinned[i]!;
      if (p.seq <= this.protectUpTo) {
        i++;
        continue;
      }
      this.pinned.splice(i, 1);
      const size = p.frame.length + ENTRY_OVERHEAD_BYTES;
      this.pinnedBytes -= size;
      this.held -= size;
      this.droppedCount++;
    }
  }

  private slab(no: number): Slab {
    return this.slabs[no - this.firstSlab]!;
  }

  clear(): void {
    this.pending = undefined;
    this.firstSeq += this.count;
    this.count = 0;
    this.head = 0;
    this.slabs = [];
    this.spare = undefined;
    this.firstSlab = 0;
    this.held = 0;
    this.droppedCount = 0;
    this.skippedCount = 0;
    this.pinSeqs = [];
    this.pinned = [];
    this.pinnedBytes = 0;
  }

  private view(k: number): TraceView {
    this.flushPending();
    const i = (this.head + k) & (this.capacity - 1);
    const offset = this.offsets[i]!;
    const flags = this.dirs[i]!;
    const seq = this.firstSeq + k;
    return {
      seq,
      time: this.times[i]!,
      direction: flags & NOTE ? 'note' : flags & OUT ? 'out' : 'in',
      session: this.sessions[i]!,
      frame: this.slab(this.slabNos[i]!).bytes.subarray(offset, offset + this.lengths[i]!),
      own: (flags & OWN) !== 0,
      pinned: this.isPinnedInRing(seq),
    };
  }

  /**
   * Entries with `seq > sinceSeq`, oldest first: the pinned ones that left the ring, then the
   * ring's (dense sequence numbers from `firstSeq`).
   */
  *iterate(sinceSeq = 0): Generator<TraceView> {
    for (const p of this.pinned) if (p.seq > sinceSeq) yield p;
    for (let k = Math.max(0, sinceSeq - this.firstSeq + 1); k < this.count; k++) yield this.view(k);
  }

  private isPinnedInRing(seq: number): boolean {
    const ps = this.pinSeqs;
    // Most entries come after the newest pin: one comparison.
    return ps.length > 0 && seq <= ps[ps.length - 1]! && ps.includes(seq);
  }

  /** Pinned entries no longer in the ring. */
  get pinnedCount(): number {
    return this.pinned.length;
  }

  /** The entry with this sequence number, if still held. */
  get(seq: number): TraceView | undefined {
    const k = seq - this.firstSeq;
    if (k < 0) return this.pinned.find((p) => p.seq === seq);
    return k < this.count ? this.view(k) : undefined;
  }

  /**
   * The entry as text. With `maxTextBytes` (for the window), the words carry at most that many
   * bytes in all: the word at the limit is cut (at a UTF-8 character boundary), later ones are
   * empty, and `truncated` is set. Exports take the whole entry.
   */
  toEntry(v: TraceView, maxTextBytes = Number.POSITIVE_INFINITY): TraceEntry {
    const raw = frameWords(v.frame, 0, v.frame.length);
    const out: TraceEntry = {
      seq: v.seq,
      connectionId: this.connectionId,
      time: v.time,
      direction: v.direction,
      words: [],
      // A note is no wire traffic.
      bytes: v.direction === 'note' ? 0 : v.frame.length,
    };
    let budget = maxTextBytes;
    for (const w of raw) {
      if (w.length <= budget) {
        out.words.push(this.codec.decode(w));
        budget -= w.length;
        continue;
      }
      let cut = budget;
      // Not inside a UTF-8 sequence: back off over continuation bytes (at most three). (In another
      // code page a cut character may show as a replacement character: the text is cut anyway.)
      for (let k = 0; k < 3 && cut > 0 && (w[cut]! & 0xc0) === 0x80; k++) cut--;
      out.words.push(this.codec.decode(w, 0, cut));
      budget = 0;
      out.truncated = true;
    }
    const tag = tagOf(raw, this.codec);
    if (tag !== undefined) out.tag = tag;
    if (v.own) out.own = true;
    if (v.pinned) out.pinned = true;
    return out;
  }

  /**
   * Snapshot of the newest `limit` entries after `sinceSeq`, as the window gets them (cut), and
   * every pinned entry after it whatever the limit (they are few, and they are why pinning exists).
   */
  snapshot(sinceSeq = 0, limit = 5000): TraceSnapshot {
    const from = Math.max(sinceSeq, this.lastSeq - limit);
    const entries: TraceEntry[] = [];
    for (const p of this.pinned) if (p.seq > sinceSeq && p.seq <= from) entries.push(this.toEntry(p, WINDOW_ENTRY_TEXT_BYTES));
    for (const v of this.iterate(from)) entries.push(this.toEntry(v, WINDOW_ENTRY_TEXT_BYTES));
    return {
      connectionId: this.connectionId,
      entries,
      dropped: this.droppedCount,
      skipped: this.skippedCount,
      scope: this.scope,
      heldBytes: this.held,
      capBytes: this.capBytes,
    };
  }
}

/**
 * The link event a state change makes, as trace words (event name, then `name=value` details), or
 * undefined when the change is none worth a line (a repeated state). `wasOnline`: the link was
 * online since the user connected, so coming online again is a reconnect.
 */
export function linkEventWords(prev: LinkState['status'], state: LinkState, wasOnline: boolean): string[] | undefined {
  // Shaped like the other notes (TraceEntry.direction): the event first, then `=name=value` details.
  const reason = state.reason ? [`=reason=${state.reason}`] : [];
  switch (state.status) {
    case 'connecting':
      return prev === 'connecting' ? undefined : ['link connecting', `=attempt=${state.attempt ?? 1}`];
    case 'online': {
      if (prev === 'online') return undefined;
      const r = state.router;
      const router = r ? [`=identity=${r.identity}`, `=version=${r.version}`] : [];
      return [wasOnline ? 'link reconnected' : 'link logged-in', ...router, `=attempt=${state.attempt ?? 1}`];
    }
    case 'backoff':
      // From online: the link dropped; from connecting: an attempt to reconnect failed.
      return [prev === 'online' ? 'link dropped' : 'link retry-failed', ...reason];
    case 'failed':
    case 'auth-failed':
      return ['link failed', `=status=${state.status}`, ...reason];
    case 'offline':
      return prev === 'offline' ? undefined : ['link disconnected', ...reason];
  }
}

interface Slab {
  no: number;
  bytes: Uint8Array;
  used: number;
}

/**
 * Received words are views into the socket's buffer, back to back after their length prefixes:
 * then the framed sentence is already there and one copy takes it. True only when the first and
 * last word share a buffer, the distance between them is exactly what the words and their shortest
 * prefixes need (so nothing else lies in between — the decoder hands words out in order and never
 * overlapping), the byte before the first word is its one-byte prefix or a longer prefix's last
 * byte, and a zero terminator follows the last word.
 */
function framedRegion(words: readonly Uint8Array[], length: number): Uint8Array | undefined {
  const first = words[0]!;
  const last = words[words.length - 1]!;
  const buffer = first.buffer;
  if (last.buffer !== buffer) return undefined;
  const start = first.byteOffset - lengthPrefixSize(first.length);
  const end = last.byteOffset + last.length; // the terminator's position
  if (start < 0 || end + 1 - start !== length || end >= buffer.byteLength) return undefined;
  const region = new Uint8Array(buffer, start, length);
  if (region[length - 1] !== 0) return undefined;
  if (first.length < 0x80 && region[0] !== first.length) return undefined;
  return region;
}

/** The `.tag=` of a sentence, wherever it sits (protocol.md §3); undefined when absent or empty. */
export function tagOf(words: readonly Uint8Array[], codec: TextCodec): string | undefined {
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w[0] === 0x2e && bytesEqualAscii(w, '.tag=')) {
      const t = codec.decode(w, 5);
      return t === '' ? undefined : t;
    }
  }
  return undefined;
}

/** Splits a framed sentence (length prefixes, trailing zero byte) back into words. */
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

/** A run of received sentences, contiguous in one chunk, reserved in a slab and not yet copied. */
interface PendingCopy {
  bytes: Uint8Array;
  start: number;
  end: number;
  slab: Slab;
  slabStart: number;
  slabEnd: number;
}
