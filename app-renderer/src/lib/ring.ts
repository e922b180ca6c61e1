/**
 * An append-only log that keeps at most `capacity` items, dropping the oldest. Console replies and
 * trace entries arrive at wire speed; holding them in a bounded log keeps memory flat (design.md §5
 * "ring buffers for traces and consoles") while `dropped` tells the user what fell off the front.
 *
 * The log is mutable on purpose: copying 100,000 items per batch would make appends quadratic. The
 * store pairs it with a version number that changes on every append, so React sees a new value.
 */
export class RingLog<T> {
  private items: T[] = [];
  private start = 0;
  /** Items evicted from the front since creation. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
  }

  get length(): number {
    return this.items.length - this.start;
  }

  /** Item `i` counted from the oldest kept item. */
  get(i: number): T | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return this.items[this.start + i];
  }

  push(...values: T[]): void {
    this.pushAll(values);
  }

  pushAll(values: readonly T[]): void {
    for (const v of values) this.items.push(v);
    const over = this.length - this.capacity;
    if (over > 0) {
      this.start += over;
      this.dropped += over;
      // Compact once the dead prefix is as large as the live part: amortised O(1) per item.
      if (this.start >= this.capacity) {
        this.items = this.items.slice(this.start);
        this.start = 0;
      }
    }
  }

  clear(): void {
    this.dropped += this.length;
    this.items = [];
    this.start = 0;
  }

  toArray(): T[] {
    return this.items.slice(this.start);
  }
}
