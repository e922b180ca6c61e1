import type { TraceEntry } from '../../common/contract';
import { Throttle } from '../core/throttle';
import { WINDOW_ENTRY_TEXT_BYTES, type TraceBuffer } from './trace';

export interface TraceEventsOptions {
  /** Minimum interval between two batches of one connection (ms). */
  intervalMs: number;
  /** At most this many entries per batch. */
  limit: number;
  /** Entries per second across all connections together. */
  budget: number;
  /** The connection's trace buffer now (it may have been deleted meanwhile). */
  buffer: (connectionId: string) => TraceBuffer | undefined;
  emit: (connectionId: string, entries: TraceEntry[]) => void;
}

/**
 * `trace:entries` per connection, at most one batch per interval. Bounded: a flood (a 100k-row
 * print) sends only the newest `limit` entries of each interval; the rest stays available through
 * trace:get. Only sequence numbers are tracked, nothing is copied meanwhile. Connections with
 * traffic right now share the budget: with many busy routers each batch shrinks (to no fewer than
 * 10) instead of the trace events costing as much as the traffic they describe.
 */
export class TraceEvents {
  /** Per connection: the newest sequence number already pushed, and the batch timer. */
  private readonly pending = new Map<string, { sent: number; throttle: Throttle }>();

  constructor(private readonly options: TraceEventsOptions) {}

  /** The batch timer of a connection; `request()` it after recording into `buffer`. */
  notifier(id: string, buffer: TraceBuffer): Throttle {
    let p = this.pending.get(id);
    if (!p) {
      const { intervalMs, limit, budget } = this.options;
      const pending = { sent: buffer.lastSeq - 1, throttle: undefined as unknown as Throttle };
      pending.throttle = new Throttle(intervalMs, () => {
        const b = this.options.buffer(id);
        if (!b || b.lastSeq <= pending.sent) return;
        // Connections with traffic right now share the budget.
        let busy = 0;
        for (const [cid, q] of this.pending) if ((this.options.buffer(cid)?.lastSeq ?? 0) > q.sent) busy++;
        const perBatch = Math.max(10, Math.min(limit, Math.floor((budget * intervalMs) / 1000 / Math.max(1, busy))));
        const from = Math.max(pending.sent, b.lastSeq - perBatch);
        pending.sent = b.lastSeq;
        const entries = [];
        for (const v of b.iterate(from)) entries.push(b.toEntry(v, WINDOW_ENTRY_TEXT_BYTES));
        if (entries.length > 0) this.options.emit(id, entries);
      });
      p = pending;
      this.pending.set(id, p);
    }
    return p.throttle;
  }

  /** After a clear: nothing up to `seq` is pushed any more. */
  markSent(id: string, seq: number): void {
    const p = this.pending.get(id);
    if (p) p.sent = seq;
  }

  /** The connection is gone: its timer stops. */
  forget(id: string): void {
    this.pending.get(id)?.throttle.dispose();
    this.pending.delete(id);
  }

  /** Sends what is pending now (a clean quit). */
  flush(): void {
    for (const p of this.pending.values()) p.throttle.now();
  }

  dispose(): void {
    for (const p of this.pending.values()) p.throttle.dispose();
  }
}
