import { performance } from 'node:perf_hooks';
import type { Transport } from '../../../../protocol/src/index';
import type { SocketTransport } from '../../../../protocol/node/transport';

/**
 * Time-sliced delivery of received bytes, shared by every link.
 *
 * Node delivers all readable sockets of one event-loop turn back to back: twenty routers that each
 * push a burst of changes at the same moment (a listen on a churning menu) would be decoded, merged
 * and traced in one go, and timers, IPC and the UI's requests would wait behind it. Instead each
 * socket's chunks are queued and fed to the session in pieces of at most `sliceBytes`, round-robin
 * over the connections, for at most `budgetMs` per macrotask; then the loop gets a turn
 * (setImmediate). Reading pauses when a connection has more than `highWaterBytes` queued, so a
 * router faster than we are is slowed by TCP flow control instead of filling memory
 * (engineering-notes §6.2, bounded buffers).
 */
export class InboundScheduler {
  private readonly ready: SlicedTransport[] = [];
  private armed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly budgetMs = 8,
    readonly sliceBytes = 16 * 1024,
    readonly highWaterBytes = 4 * 1024 * 1024,
  ) {}

  /** @internal */
  wake(t: SlicedTransport): void {
    if (!t.scheduled) {
      t.scheduled = true;
      this.ready.push(t);
    }
    if (!this.armed) {
      this.armed = true;
      setImmediate(() => this.run());
    }
  }

  private run(): void {
    this.armed = false;
    const start = performance.now();
    while (this.ready.length > 0) {
      const t = this.ready.shift()!;
      t.scheduled = false;
      if (t.deliverSlice(this.sliceBytes)) {
        t.scheduled = true;
        this.ready.push(t);
      }
      if (performance.now() - start >= this.budgetMs) break;
    }
    if (this.ready.length > 0 && !this.armed) {
      this.armed = true;
      setImmediate(() => this.run());
    }
    if (this.ready.length === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of w) resolve();
    }
  }

  /** Resolves when everything received so far has been delivered. */
  whenIdle(): Promise<void> {
    if (!this.armed && this.ready.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/**
 * What a queued read costs besides its bytes (its Buffer and view objects), counted against the
 * high-water mark: a router sending one byte per read would otherwise queue millions of reads,
 * ~100 bytes of heap each, before 4 MiB of bytes paused it (issue 11 E).
 */
export const INBOUND_READ_COST = 128;

/** A Transport over a SocketTransport whose incoming bytes go through the scheduler. */
export class SlicedTransport implements Transport {
  /** @internal */
  scheduled = false;
  private readonly chunks: Uint8Array[] = [];
  private queued = 0;
  private paused = false;
  private closed: { error: Error | undefined } | undefined;
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private closeDelivered = false;

  constructor(
    readonly inner: SocketTransport,
    private readonly scheduler: InboundScheduler,
  ) {
    inner.onData((chunk) => {
      this.chunks.push(chunk);
      this.queued += chunk.length + INBOUND_READ_COST;
      if (!this.paused && this.queued > scheduler.highWaterBytes) {
        this.paused = true;
        inner.socket.pause();
      }
      scheduler.wake(this);
    });
    inner.onClose((error) => {
      this.closed = { error };
      // Close only after every byte that arrived before it has been delivered.
      scheduler.wake(this);
    });
  }

  /** Delivers up to `max` bytes; true when more is waiting. */
  deliverSlice(max: number): boolean {
    let budget = max;
    while (budget > 0 && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      let piece: Uint8Array;
      if (chunk.length <= budget) {
        piece = chunk;
        this.chunks.shift();
        this.queued -= INBOUND_READ_COST;
      } else {
        piece = chunk.subarray(0, budget);
        this.chunks[0] = chunk.subarray(budget);
      }
      budget -= piece.length;
      this.queued -= piece.length;
      for (const l of this.dataListeners) l(piece);
    }
    if (this.paused && this.queued < this.scheduler.highWaterBytes / 4) {
      this.paused = false;
      if (!this.inner.socket.destroyed) this.inner.socket.resume();
    }
    if (this.chunks.length > 0) return true;
    if (this.closed && !this.closeDelivered) {
      this.closeDelivered = true;
      for (const l of [...this.closeListeners]) l(this.closed.error);
    }
    return false;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.inner.write(bytes);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    if (this.closeDelivered) {
      queueMicrotask(() => listener(this.closed?.error));
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.inner.close();
  }

  destroy(): void {
    this.inner.destroy();
  }
}
