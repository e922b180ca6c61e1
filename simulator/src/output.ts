/**
 * The write side of one connection: drain-aware (a client that does not read makes the
 * simulator wait, never queue without bound — engineering-notes §6.2) and the place where
 * write-side faults happen (split writes, latency, abrupt close, control byte).
 */
import type { Socket } from 'node:net';
import type { Faults } from './faults';

/** Bytes queued (socket buffer + fault queue) above which producers wait for `drain`. */
const HIGH_WATER = 256 * 1024;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0) setImmediate(resolve);
    else setTimeout(resolve, ms).unref();
  });
}

export interface OutputHooks {
  /** True while the connection is stalled: everything written is dropped. */
  stalled(): boolean;
  /** The output was cut by a fault (the caller stops processing input). */
  cut(how: 'close' | 'control-byte'): void;
}

export class Output {
  /** Sentences handed to the socket so far. */
  sentences = 0;
  private queue: { buf: Buffer; count: number; due: number }[] = [];
  private queuedBytes = 0;
  private pumping = false;
  private isCut = false;
  private ending = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly faults: Faults,
    private readonly hooks: OutputHooks,
  ) {
    socket.on('drain', () => this.notify());
    socket.on('close', () => this.notify());
  }

  /** Faults that count sentences need one write per sentence. */
  get perSentence(): boolean {
    return this.faults.closeAfterSentences !== undefined || this.faults.controlByteAfterSentences !== undefined;
  }

  private get slow(): boolean {
    return this.faults.chunkBytes > 0 || this.faults.latencyMs > 0 || this.perSentence;
  }

  private get dead(): boolean {
    return this.isCut || this.socket.destroyed || !this.socket.writable;
  }

  /** Queues `count` framed sentences. */
  write(buf: Buffer, count: number): void {
    if (this.dead || this.ending || this.hooks.stalled()) return;
    if (!this.slow && this.queue.length === 0) {
      this.socket.write(buf);
      this.sentences += count;
      return;
    }
    this.queue.push({ buf, count, due: Date.now() + this.faults.latencyMs });
    this.queuedBytes += buf.length;
    this.pump().catch(() => this.socket.destroy());
  }

  /** True when producers should wait for drain() before writing more. */
  get backlogged(): boolean {
    return !this.dead && (this.socket.writableNeedDrain || this.queuedBytes > HIGH_WATER);
  }

  /** Resolves when the backlog is gone (or the connection is). */
  drain(): Promise<void> {
    if (!this.backlogged) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends the connection once everything queued is written (after `!fatal`). */
  end(): void {
    this.ending = true;
    if (!this.pumping && this.queue.length === 0 && !this.socket.destroyed) this.socket.end();
  }

  private notify(): void {
    if (this.backlogged) return;
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  private waitSocketDrain(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.dead) {
        const item = this.queue[0]!;
        const wait = item.due - Date.now();
        if (wait > 0) await sleep(wait);
        if (this.checkCut()) break;
        const piece = this.faults.chunkBytes;
        if (piece > 0 && item.buf.length > piece) {
          for (let o = 0; o < item.buf.length && !this.dead; o += piece) {
            if (o > 0) await sleep(this.faults.chunkDelayMs);
            if (this.dead) break;
            this.socket.write(item.buf.subarray(o, o + piece));
            await this.waitSocketDrain();
          }
        } else this.socket.write(item.buf);
        this.queue.shift();
        this.queuedBytes -= item.buf.length;
        this.sentences += item.count;
        this.checkCut();
        await this.waitSocketDrain();
        this.notify();
      }
    } finally {
      this.pumping = false;
      if (this.dead) {
        this.queue = [];
        this.queuedBytes = 0;
      }
      this.notify();
      if (this.ending && this.queue.length === 0 && !this.socket.destroyed) this.socket.end();
    }
  }

  /** Applies the sentence-counting faults; true when the output is now cut. */
  private checkCut(): boolean {
    if (this.isCut) return true;
    const f = this.faults;
    if (f.closeAfterSentences !== undefined && this.sentences >= f.closeAfterSentences) {
      this.isCut = true;
      // Like a reboot: the connection just ends, no !fatal (protocol.md §10).
      this.socket.end();
      this.hooks.cut('close');
      return true;
    }
    if (f.controlByteAfterSentences !== undefined && this.sentences >= f.controlByteAfterSentences) {
      this.isCut = true;
      // A reserved control byte where a length prefix belongs (protocol.md §2): the client
      // cannot continue; the simulator sends nothing more and waits for it to close.
      this.socket.write(Buffer.from([0xf8]));
      this.hooks.cut('control-byte');
      return true;
    }
    return false;
  }
}
