/**
 * The rows of one live table, as UTF-8 JSON bytes in large slabs outside the JavaScript heap.
 *
 * Why: twenty routers with two 10k-row tables each hold 400k rows for hours while a quarter of
 * them change every second. Kept as strings (one per row, ~130 MB in all) they filled the old
 * generation, and every major collection marked and compacted them on the main thread: pauses of
 * 20–37 ms plus incremental steps of up to 32 ms, every 4–6 s (`--trace-gc`, 2026-11-26) — the
 * largest part of the event-loop lag p99 (issue 4). Bytes in slabs are invisible to the collector;
 * what stays on the heap is one small id string per row and the id → slot map.
 *
 * A row is written once per change (copied from the encoder's buffer, see row-json.ts) and read
 * as bytes when a patch is built: the patch's `upsertsJson` is assembled from the bytes of the
 * changed rows and decoded to a string once per patch, not once per row.
 *
 * Slabs are append-only; a replaced or removed row leaves garbage behind, counted per slab. A slab
 * with no live row left is recycled; when garbage outweighs the live bytes the live rows are
 * copied into fresh slabs (compaction, O(live bytes), amortised over at least as many bytes
 * written).
 */

const SLAB_BYTES = 256 * 1024;

export class RowStore {
  private readonly slotOf = new Map<string, number>();
  /** Slots handed out so far (free ones are reused first). */
  private slotCount = 0;
  private slab = new Uint32Array(64);
  private offset = new Uint32Array(64);
  private length = new Uint32Array(64);
  private shape = new Uint16Array(64);
  /** 1 when the row's bytes are all ASCII: a patch of such rows is decoded as Latin-1 (a copy). */
  private ascii = new Uint8Array(64);
  private readonly freeSlots: number[] = [];

  private slabs: (Buffer | undefined)[] = [];
  private slabLive: number[] = [];
  private spareSlabs: Buffer[] = [];
  private current = -1;
  private used = 0;
  private liveBytes = 0;
  private slabBytes = 0;

  get size(): number {
    return this.slotOf.size;
  }

  /** Bytes held in slabs (live rows and not yet reclaimed garbage). */
  get heldBytes(): number {
    return this.slabBytes;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  ids(): IterableIterator<string> {
    return this.slotOf.keys();
  }

  /** The shape index of the row (see row-json.ts), or -1 when there is no such row. */
  shapeOf(id: string): number {
    const s = this.slotOf.get(id);
    return s === undefined ? -1 : this.shape[s]!;
  }

  /** The row's JSON text (the rare merge path; patches use `json()`). */
  text(id: string): string | undefined {
    const s = this.slotOf.get(id);
    if (s === undefined) return undefined;
    const off = this.offset[s]!;
    return this.slabs[this.slab[s]!]!.toString('utf8', off, off + this.length[s]!);
  }

  /** Stores `bytes[start, end)` (a JSON object, UTF-8) as the row `id`; `ascii` if all bytes are. */
  set(id: string, bytes: Uint8Array, start: number, end: number, shape: number, ascii: boolean): void {
    const n = end - start;
    const s = this.slotFor(id);
    const at = this.reserve(n);
    this.slabs[this.current]!.set(bytes.subarray(start, end), at);
    this.place(s, at, n, shape);
    this.ascii[s] = ascii ? 1 : 0;
  }

  /** Stores a row given as JSON text. */
  setText(id: string, json: string, shape: number): void {
    const n = Buffer.byteLength(json, 'utf8');
    const s = this.slotFor(id);
    const at = this.reserve(n);
    this.slabs[this.current]!.write(json, at, n, 'utf8');
    this.place(s, at, n, shape);
    this.ascii[s] = n === json.length ? 1 : 0; // as many bytes as characters: all ASCII
  }

  delete(id: string): boolean {
    const s = this.slotOf.get(id);
    if (s === undefined) return false;
    this.release(s);
    this.slotOf.delete(id);
    this.freeSlots.push(s);
    return true;
  }

  clear(): void {
    this.slotOf.clear();
    this.slotCount = 0;
    this.freeSlots.length = 0;
    this.slabs = [];
    this.slabLive = [];
    this.spareSlabs = [];
    this.current = -1;
    this.used = 0;
    this.liveBytes = 0;
    this.slabBytes = 0;
  }

  /**
   * `[row,row,…]` for the given ids (unknown ids are skipped), assembled from the rows' bytes and
   * decoded once. Returns the text and how many rows it holds.
   */
  json(ids: Iterable<string>): { text: string; count: number } {
    const slots: number[] = [];
    let total = 2;
    let ascii = 1;
    for (const id of ids) {
      const s = this.slotOf.get(id);
      if (s === undefined) continue;
      slots.push(s);
      total += this.length[s]! + 1;
      ascii &= this.ascii[s]!;
    }
    if (slots.length === 0) return { text: '[]', count: 0 };
    const out = Buffer.allocUnsafe(total);
    let o = 0;
    out[o++] = 0x5b; // [
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (i > 0) out[o++] = 0x2c; // ,
      const from = this.slabs[this.slab[s]!]!;
      const n = this.length[s]!;
      // A view made directly (Buffer#copy and #subarray take slower paths for the same copy).
      out.set(new Uint8Array(from.buffer, from.byteOffset + this.offset[s]!, n), o);
      o += n;
    }
    out[o++] = 0x5d; // ]
    return { text: out.toString(ascii ? 'latin1' : 'utf8', 0, o), count: slots.length };
  }

  private slotFor(id: string): number {
    let s = this.slotOf.get(id);
    if (s !== undefined) {
      this.release(s);
      // Empty until placed again: a compaction in between must not copy the old bytes (their slab
      // may already be gone).
      this.length[s] = 0;
      return s;
    }
    s = this.freeSlots.pop();
    if (s === undefined) {
      s = this.slotCount++;
      if (s >= this.slab.length) this.growSlots();
    }
    this.length[s] = 0;
    this.slotOf.set(id, s);
    return s;
  }

  private place(s: number, at: number, n: number, shape: number): void {
    this.slab[s] = this.current;
    this.offset[s] = at;
    this.length[s] = n;
    this.shape[s] = shape;
    this.slabLive[this.current]! += n;
    this.liveBytes += n;
  }

  /** The row in slot `s` is going away: its bytes become garbage in its slab. */
  private release(s: number): void {
    const k = this.slab[s]!;
    const n = this.length[s]!;
    this.liveBytes -= n;
    const left = (this.slabLive[k]! -= n);
    if (left === 0 && k !== this.current) this.dropSlab(k);
  }

  private dropSlab(k: number): void {
    const b = this.slabs[k]!;
    this.slabs[k] = undefined;
    this.slabBytes -= b.length;
    if (b.length === SLAB_BYTES && this.spareSlabs.length < 4) this.spareSlabs.push(b);
  }

  /** Room for `n` bytes in the current slab; returns where they go. */
  private reserve(n: number): number {
    if (this.fits(n)) return this.take(n);
    // Garbage outweighs live rows (and is worth a slab): copy the live rows together first.
    if (this.slabBytes - this.liveBytes > Math.max(this.liveBytes, 2 * SLAB_BYTES)) {
      this.compact();
      if (this.fits(n)) return this.take(n);
    }
    const old = this.current;
    this.newSlab(n);
    if (old >= 0 && this.slabLive[old] === 0) this.dropSlab(old);
    this.used = n;
    return 0;
  }

  private fits(n: number): boolean {
    const cur = this.current >= 0 ? this.slabs[this.current] : undefined;
    return cur !== undefined && this.used + n <= cur.length;
  }

  private take(n: number): number {
    const at = this.used;
    this.used += n;
    return at;
  }

  private newSlab(atLeast: number): void {
    const b = atLeast <= SLAB_BYTES ? (this.spareSlabs.pop() ?? Buffer.allocUnsafe(SLAB_BYTES)) : Buffer.allocUnsafe(atLeast);
    this.slabs.push(b);
    this.slabLive.push(0);
    this.slabBytes += b.length;
    this.current = this.slabs.length - 1;
    this.used = 0;
  }

  private compact(): void {
    const oldSlabs = this.slabs;
    this.slabs = [];
    this.slabLive = [];
    this.slabBytes = 0;
    this.liveBytes = 0;
    this.current = -1;
    this.used = 0;
    for (const s of this.slotOf.values()) {
      const n = this.length[s]!;
      if (n === 0) continue; // the row being rewritten
      const from = oldSlabs[this.slab[s]!]!;
      const off = this.offset[s]!;
      const cur = this.current >= 0 ? this.slabs[this.current]! : undefined;
      if (cur === undefined || this.used + n > cur.length) this.newSlab(n);
      const at = this.used;
      from.copy(this.slabs[this.current]!, at, off, off + n);
      this.used += n;
      this.slab[s] = this.current;
      this.offset[s] = at;
      this.slabLive[this.current]! += n;
      this.liveBytes += n;
    }
    this.spareSlabs = [];
  }

  private growSlots(): void {
    const n = this.slab.length * 2;
    const grow = <T extends Uint32Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.slab = grow(this.slab, (k) => new Uint32Array(k));
    this.offset = grow(this.offset, (k) => new Uint32Array(k));
    this.length = grow(this.length, (k) => new Uint32Array(k));
    this.shape = grow(this.shape, (k) => new Uint16Array(k));
    const ascii = new Uint8Array(n);
    ascii.set(this.ascii);
    this.ascii = ascii;
  }
}
