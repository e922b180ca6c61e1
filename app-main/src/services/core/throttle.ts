import { performance } from 'node:perf_hooks';

/**
 * Calls `flush` at most once per `intervalMs` (engineering-notes §6.2: coalesce renderer updates
 * to ≤ 10 Hz). `request()` after a quiet period flushes on the next macrotask, so a single change
 * still arrives promptly and a synchronous burst becomes one batch.
 */
export class Throttle {
  private timer: NodeJS.Timeout | undefined;
  private last = -Infinity;
  private disposed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly flush: () => void,
  ) {}

  request(): void {
    if (this.timer || this.disposed) return;
    const wait = Math.max(0, this.last + this.intervalMs - performance.now());
    this.timer = setTimeout(() => this.run(), wait);
  }

  /** Flushes now (used before an end-of-stream event that must come after the data). */
  now(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.run();
  }

  private run(): void {
    this.timer = undefined;
    try {
      this.flush();
    } finally {
      // Measured from the end of the flush: a batch that took long to build still keeps the
      // next one a full interval away.
      this.last = performance.now();
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Row updates per second over the last second, in 100 ms buckets. `add` only counts (it runs for
 * every row update); the clock is read when the rate is asked for, once per patch.
 */
export class RateMeter {
  private readonly buckets = new Float64Array(10);
  private bucketAt = Math.floor(performance.now() / 100);
  private pending = 0;

  private roll(): void {
    const nowBucket = Math.floor(performance.now() / 100);
    const gap = nowBucket - this.bucketAt;
    if (gap > 0) {
      for (let i = 1; i <= Math.min(gap, 10); i++) this.buckets[(this.bucketAt + i) % 10] = 0;
      this.bucketAt = nowBucket;
    }
    this.buckets[this.bucketAt % 10]! += this.pending;
    this.pending = 0;
  }

  add(n = 1): void {
    this.pending += n;
  }

  perSecond(): number {
    this.roll();
    let sum = 0;
    for (const b of this.buckets) sum += b;
    return sum;
  }
}
