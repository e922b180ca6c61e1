import { describe, expect, it } from 'vitest';
import type { SocketTransport } from '../../../../protocol/node/transport';
import { INBOUND_READ_COST, InboundScheduler, SlicedTransport } from './inbound';

/** The parts of SocketTransport that SlicedTransport uses. */
class FakeSocket {
  data?: (c: Uint8Array) => void;
  close?: (e?: Error) => void;
  paused = false;
  readonly socket = {
    destroyed: false,
    pause: () => {
      this.paused = true;
    },
    resume: () => {
      this.paused = false;
    },
  };
  onData(l: (c: Uint8Array) => void) {
    this.data = l;
    return () => undefined;
  }
  onClose(l: (e?: Error) => void) {
    this.close = l;
    return () => undefined;
  }
  write = async () => undefined;
  destroy() {}
}

const wrap = (scheduler: InboundScheduler) => {
  const fake = new FakeSocket();
  const t = new SlicedTransport(fake as unknown as SocketTransport, scheduler);
  const got: Uint8Array[] = [];
  t.onData((c) => got.push(c));
  return { fake, t, got };
};

describe('InboundScheduler', () => {
  it('delivers every byte, in order, in slices', async () => {
    const s = new InboundScheduler(8, 1000);
    const { fake, got } = wrap(s);
    const chunk = Uint8Array.from({ length: 4500 }, (_, i) => i & 0xff);
    fake.data!(chunk);
    fake.data!(Uint8Array.of(1, 2, 3));
    expect(got).toHaveLength(0); // nothing synchronously: the socket callback only queues
    await s.whenIdle();
    expect(got.map((g) => g.length)).toEqual([1000, 1000, 1000, 1000, 500, 3]);
    expect(Buffer.concat(got)).toEqual(Buffer.concat([chunk, Uint8Array.of(1, 2, 3)]));
  });

  it('takes turns between connections (round-robin)', async () => {
    const s = new InboundScheduler(1000, 100);
    const order: string[] = [];
    const a = wrap(s);
    const b = wrap(s);
    a.t.onData(() => order.push('a'));
    b.t.onData(() => order.push('b'));
    a.fake.data!(new Uint8Array(300));
    b.fake.data!(new Uint8Array(300));
    await s.whenIdle();
    expect(order.join('')).toBe('ababab');
  });

  it('yields to the event loop when its time budget is spent', async () => {
    const s = new InboundScheduler(5, 100);
    const { fake, t } = wrap(s);
    t.onData(() => {
      const until = performance.now() + 2;
      while (performance.now() < until);
    });
    fake.data!(new Uint8Array(2000)); // 20 slices of ~2 ms
    let timerRanAt = -1;
    let delivered = 0;
    // The timer is armed from the first delivery: armed before it, the order of a due timer and
    // the scheduler's first setImmediate is up to the event loop (a loaded machine ran the timer
    // first). Armed here, it can only run once the scheduler has yielded.
    t.onData(() => {
      if (delivered++ === 0) setTimeout(() => (timerRanAt = delivered), 0);
    });
    await s.whenIdle();
    expect(delivered).toBe(20);
    expect(timerRanAt).toBeGreaterThan(0);
    expect(timerRanAt).toBeLessThan(20); // the timer ran in between, not after everything
  });

  it('pauses reading above the high-water mark and resumes when drained', async () => {
    const s = new InboundScheduler(8, 1024, 4096);
    const { fake, got } = wrap(s);
    fake.data!(new Uint8Array(5000));
    expect(fake.paused).toBe(true);
    await s.whenIdle();
    expect(fake.paused).toBe(false);
    expect(got.reduce((n, g) => n + g.length, 0)).toBe(5000);
  });

  it('counts each queued read as well as its bytes: one-byte reads pause reading long before the byte count would', async () => {
    // Issue 11 E: a read is an object of its own (a Buffer, ~100 bytes of heap); 4 MiB of one-byte
    // reads counted as 4 MiB would be ~4 million of them.
    const s = new InboundScheduler(8, 1024, 64 * 1024);
    const { fake, got } = wrap(s);
    let reads = 0;
    while (!fake.paused && reads < 64 * 1024) {
      fake.data!(Uint8Array.of(reads & 0xff));
      reads++;
    }
    expect(fake.paused).toBe(true);
    expect(reads).toBeLessThanOrEqual(Math.ceil((64 * 1024) / (1 + INBOUND_READ_COST)) + 1);
    await s.whenIdle();
    expect(fake.paused).toBe(false);
    expect(got.reduce((n, g) => n + g.length, 0)).toBe(reads);
  });

  it('reports the close only after the data that came before it', async () => {
    const s = new InboundScheduler(8, 10);
    const { fake, t, got } = wrap(s);
    const events: string[] = [];
    t.onData(() => events.push('data'));
    t.onClose((e) => events.push(`close:${e?.message ?? ''}`));
    fake.data!(new Uint8Array(25));
    fake.close!(new Error('reset'));
    await s.whenIdle();
    expect(events).toEqual(['data', 'data', 'data', 'close:reset']);
    expect(got).toHaveLength(3);
    // A listener added after the close still hears about it.
    const late = await new Promise<string>((r) => t.onClose((e) => r(e?.message ?? '')));
    expect(late).toBe('reset');
  });
});
