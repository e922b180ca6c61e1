import { describe, expect, it } from 'vitest';
import { CONNECT_CONCURRENCY, ConnectGate } from './connect-gate';

const settle = () => new Promise((r) => setImmediate(r));

describe('ConnectGate', () => {
  it('the default limit is the documented 64', () => {
    expect(CONNECT_CONCURRENCY).toBe(64);
    expect(new ConnectGate().limit).toBe(64);
    expect(() => new ConnectGate(0)).toThrow(/whole number from 1/);
  });

  it('lets N in, queues the rest first come first served, and passes each released turn on', async () => {
    const gate = new ConnectGate(2);
    const got: number[] = [];
    const releases: (() => void)[] = [];
    for (let i = 0; i < 5; i++)
      void gate.acquire().then((r) => {
        got.push(i);
        releases[i] = r;
      });
    await settle();
    expect(got).toEqual([0, 1]);
    expect([gate.active, gate.queued]).toEqual([2, 3]);
    releases[1]!();
    releases[1]!(); // twice is once
    await settle();
    expect(got).toEqual([0, 1, 2]);
    expect([gate.active, gate.queued]).toEqual([2, 2]);
    releases[0]!();
    releases[2]!();
    await settle();
    expect(got).toEqual([0, 1, 2, 3, 4]);
    releases[3]!();
    releases[4]!();
    expect([gate.active, gate.queued]).toEqual([0, 0]);
  });

  it('an aborted wait leaves the queue and is rejected with the reason', async () => {
    const gate = new ConnectGate(1);
    const first = await gate.acquire();
    const ac = new AbortController();
    const waiting = gate.acquire(ac.signal);
    const after = gate.acquire();
    ac.abort(new Error('disconnected'));
    await expect(waiting).rejects.toThrow('disconnected');
    expect(gate.queued).toBe(1);
    first();
    const r = await after;
    expect(gate.active).toBe(1);
    r();
    expect(gate.active).toBe(0);
    await expect(gate.acquire(ac.signal)).rejects.toThrow('disconnected');
  });
});
