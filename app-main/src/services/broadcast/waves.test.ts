/**
 * Staged broadcast: routers in waves, a pause (fake timers) or a wait for `broadcast:continue`
 * between waves, later waves skipped when more than `maxFailures` routers of a wave fail, the
 * `beforeWrite` hook, and several sentences per router. A scripted console stands in for routers;
 * the end of the file runs waves against simulators through the real services.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BroadcastAnswer, BroadcastResult, BroadcastWaveProgress, ConsoleEnd } from '../../common/contract';
import type { ConsoleTap } from '../console/console';
import { BroadcastService, type BeforeWriteStep, type BroadcastConsole } from './broadcast';
import { argsFailure, FAST_TIMINGS, servicesRig } from '../test-support/helpers';
import type { Services } from '../index';
import type { Simulator } from '../../../../simulator/src/index';

interface Sent {
  connectionId: string;
  words: string[];
  end(outcome: ConsoleEnd['outcome']): void;
}

/** Records every command; `answer` decides how each ends (default: done at once). */
class FakeConsole implements BroadcastConsole {
  readonly sent: Sent[] = [];
  answer: (c: Sent) => void = (c) => c.end('done');
  private n = 0;
  async send(args: unknown, tap?: ConsoleTap) {
    const { connectionId, words } = args as { connectionId: string; words: string[] };
    const commandId = `c${++this.n}`;
    const c: Sent = {
      connectionId,
      words,
      end: (outcome) => tap!.onEnd({ connectionId, commandId, outcome, rows: 0, elapsedMs: 1 }),
    };
    this.sent.push(c);
    queueMicrotask(() => this.answer(c));
    return { commandId, tag: `t${this.n}` };
  }
  async cancel(commandId: unknown) {
    return { commandId: String(commandId) };
  }
}

function rig(extra: { beforeWrite?: (s: BeforeWriteStep) => Promise<void> } = {}) {
  const console = new FakeConsole();
  const waves: BroadcastWaveProgress[] = [];
  const waiters: { pred: (p: BroadcastWaveProgress) => boolean; resolve: (p: BroadcastWaveProgress) => void }[] = [];
  const service = new BroadcastService({
    console,
    routerInfo: (id) => ({ name: `R-${id}` }),
    now: () => Date.now(),
    emitWaves: (p) => {
      waves.push(p);
      for (const w of waiters.splice(0)) {
        if (w.pred(p)) w.resolve(p);
        else waiters.push(w);
      }
    },
    ...extra,
  });
  /** Resolves at the first wave event (past or next) matching `pred`. */
  const waveEvent = (pred: (p: BroadcastWaveProgress) => boolean) =>
    new Promise<BroadcastWaveProgress>((resolve) => {
      const hit = waves.find(pred);
      if (hit) resolve(hit);
      else waiters.push({ pred, resolve });
    });
  return { console, service, waves, waveEvent };
}

const sent = (a: BroadcastAnswer): BroadcastResult => {
  if (a.status !== 'sent') throw new Error(`expected sent, got ${JSON.stringify(a)}`);
  return a.result;
};

const ids = ['a', 'b', 'c', 'd', 'e'];

afterEach(() => {
  vi.useRealTimers();
});

describe('waves (scripted console)', () => {
  it('sends wave by wave: no router of wave 2 gets the command before wave 1 has settled', async () => {
    const { console, service, waves } = rig();
    const order: string[] = [];
    console.answer = (c) => {
      order.push(`sent ${c.connectionId}`);
      queueMicrotask(() => {
        order.push(`end ${c.connectionId}`);
        c.end('done');
      });
    };
    const r = sent(await service.send({ connectionIds: ids, words: ['/interface/print'], waves: { size: 2 } }));
    expect(r.results.map((x) => [x.connectionId, x.wave, x.outcome])).toEqual([
      ['a', 1, 'done'],
      ['b', 1, 'done'],
      ['c', 2, 'done'],
      ['d', 2, 'done'],
      ['e', 3, 'done'],
    ]);
    expect(order.indexOf('sent c')).toBeGreaterThan(Math.max(order.indexOf('end a'), order.indexOf('end b')));
    expect(order.indexOf('sent e')).toBeGreaterThan(Math.max(order.indexOf('end c'), order.indexOf('end d')));
    expect(r.waves!.map((w) => [w.wave, w.state, w.routers, w.failed])).toEqual([
      [1, 'done', ['R-a', 'R-b'], 0],
      [2, 'done', ['R-c', 'R-d'], 0],
      [3, 'done', ['R-e'], 0],
    ]);
    // Progress per wave: first all pending, the last event all done.
    expect(waves[0]!.waves.map((w) => w.state)).toEqual(['pending', 'pending', 'pending']);
    expect(waves.at(-1)!.waves.map((w) => w.state)).toEqual(['done', 'done', 'done']);
    expect(waves.some((p) => p.waves[1]!.state === 'running' && p.waves[0]!.state === 'done')).toBe(true);
  });

  it('pauses between waves (fake timers): wave 2 waits the full pause', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { console, service, waves } = rig();
    const answer = service.send({
      connectionIds: ['a', 'b'],
      words: ['/interface/print'],
      waves: { size: 1, pauseSeconds: 30 },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(console.sent.map((c) => c.connectionId)).toEqual(['a']);
    const pausing = waves.at(-1)!.waves[1]!;
    expect(pausing.state).toBe('pausing');
    expect(pausing.resumeAt).toBe(Date.now() + 30_000);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(console.sent.map((c) => c.connectionId)).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(1);
    const r = sent(await answer);
    expect(console.sent.map((c) => c.connectionId)).toEqual(['a', 'b']);
    expect(r.waves!.map((w) => w.state)).toEqual(['done', 'done']);
  });

  it('stops when more than K routers of a wave fail: later waves are skipped with the reason', async () => {
    const { console, service } = rig();
    console.answer = (c) => c.end(c.connectionId === 'a' || c.connectionId === 'b' ? 'trap' : 'done');
    const r = sent(
      await service.send({ connectionIds: ids, words: ['/ip/address/add'], confirmed: true, waves: { size: 2, maxFailures: 1 } }),
    );
    expect(console.sent.map((c) => c.connectionId)).toEqual(['a', 'b']);
    expect(r.results.map((x) => x.outcome)).toEqual(['trap', 'trap', 'skipped', 'skipped', 'skipped']);
    expect(r.results[2]!.error?.message).toBe('not sent: wave 1 had 2 failed routers, more than the 1 allowed');
    expect(r.waves!.map((w) => [w.state, w.failed])).toEqual([
      ['stopped', 2],
      ['skipped', 0],
      ['skipped', 0],
    ]);
    expect(r.waves![0]!.message).toBe('2 of 2 routers failed, more than the 1 allowed: later waves are not sent');
  });

  it('K failures (not more) go on to the next wave', async () => {
    const { console, service } = rig();
    console.answer = (c) => c.end(c.connectionId === 'a' ? 'trap' : 'done');
    const r = sent(await service.send({ connectionIds: ids, words: ['/interface/print'], waves: { size: 2, maxFailures: 1 } }));
    expect(console.sent).toHaveLength(5);
    expect(r.waves!.map((w) => w.state)).toEqual(['done', 'done', 'done']);
    expect(r.waves![0]!.failed).toBe(1);
  });

  it('waits for broadcast:continue between waves; cancel while waiting skips the rest', async () => {
    const { console, service, waveEvent } = rig();
    const answer = service.send({
      connectionIds: ['a', 'b', 'c'],
      words: ['/interface/print'],
      broadcastId: 'w1',
      waves: { size: 1, confirmBetween: true },
    });
    await waveEvent((p) => p.waves[1]!.state === 'waiting');
    expect(console.sent.map((c) => c.connectionId)).toEqual(['a']);
    await expect(service.continue({ broadcastId: 'w1' })).resolves.toEqual({ broadcastId: 'w1', waiting: true });
    await waveEvent((p) => p.waves[2]!.state === 'waiting');
    expect(console.sent.map((c) => c.connectionId)).toEqual(['a', 'b']);
    await service.cancel({ broadcastId: 'w1' });
    const r = sent(await answer);
    expect(console.sent.map((c) => c.connectionId)).toEqual(['a', 'b']);
    expect(r.results.map((x) => x.outcome)).toEqual(['done', 'done', 'skipped']);
    expect(r.waves!.map((w) => w.state)).toEqual(['done', 'done', 'cancelled']);
    expect(r.results[2]!.error?.message).toBe('not sent: the broadcast was cancelled before this wave');
    // Not waiting any more (finished), and an unknown id is not waiting either.
    await expect(service.continue({ broadcastId: 'w1' })).resolves.toEqual({ broadcastId: 'w1', waiting: false });
  });

  it('continue during a timed pause does not cut the pause short', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { console, service } = rig();
    const answer = service.send({
      connectionIds: ['a', 'b'],
      words: ['/interface/print'],
      broadcastId: 'p',
      waves: { size: 1, pauseSeconds: 10 },
    });
    await vi.advanceTimersByTimeAsync(0);
    await expect(service.continue({ broadcastId: 'p' })).resolves.toEqual({ broadcastId: 'p', waiting: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(console.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent(await answer).results.map((x) => x.outcome)).toEqual(['done', 'done']);
  });

  it('a write asks once, naming the command and every router of every wave', async () => {
    const { console, service } = rig();
    const a = await service.send({ connectionIds: ids, words: ['/system/reboot'], waves: { size: 2 } });
    expect(a).toMatchObject({ status: 'needs-confirmation', command: '/system/reboot', routers: ids.map((x) => `R-${x}`) });
    expect(console.sent).toEqual([]);
  });

  it('stop on first error inside waves: one after another, the rest of the wave and later waves skipped', async () => {
    const { console, service } = rig();
    console.answer = (c) => c.end(c.connectionId === 'a' ? 'trap' : 'done');
    const r = sent(
      await service.send({
        connectionIds: ['a', 'b', 'c'],
        words: ['/interface/print'],
        stopOnFirstError: true,
        waves: { size: 2, maxFailures: 1 },
      }),
    );
    expect(console.sent.map((c) => c.connectionId)).toEqual(['a']);
    expect(r.results.map((x) => x.outcome)).toEqual(['trap', 'skipped', 'skipped']);
    expect(r.waves!.map((w) => w.state)).toEqual(['stopped', 'skipped']);
  });

  it('bad wave options are refused naming the field', () => {
    expect(argsFailure('broadcast:send', { connectionIds: ['a'], words: ['/x/print'], waves: { size: 0 } }).message).toBe(
      'The wave size must be between 1 and 100.',
    );
    expect(
      argsFailure('broadcast:send', { connectionIds: ['a'], words: ['/x/print'], waves: { size: 1, pauseSeconds: -1 } }).message,
    ).toBe('The pause between waves must be between 0 and 3600.');
    expect(
      argsFailure('broadcast:send', { connectionIds: ['a'], words: ['/x/print'], waves: { size: 1, maxFailures: 1.5 } }).message,
    ).toBe('The failures allowed per wave must be a whole number.');
  });
});

describe('beforeWrite and several sentences', () => {
  it('runs beforeWrite once per router before a write, never for a read', async () => {
    const steps: BeforeWriteStep[] = [];
    const { console, service } = rig({
      beforeWrite: async (s) => {
        // Nothing has been sent to this router yet.
        expect(console.sent.some((c) => c.connectionId === s.connectionId && c.words[0] === '/ip/address/add')).toBe(false);
        steps.push(s);
      },
    });
    await service.send({ connectionIds: ['a', 'b'], words: ['/interface/print'] });
    expect(steps).toEqual([]);
    await service.run({
      targets: [
        { connectionId: 'a', sentences: [['/ip/address/add', '=address=1.1.1.1/32']] },
        { connectionId: 'b', sentences: [['/ip/address/add', '=address=2.2.2.2/32']] },
      ],
      confirmed: true,
      commandName: 'Add address',
      broadcastId: 'x',
    });
    expect(steps).toEqual([
      {
        broadcastId: 'x',
        connectionId: 'a',
        sentences: [['/ip/address/add', '=address=1.1.1.1/32']],
        commandName: 'Add address',
      },
      {
        broadcastId: 'x',
        connectionId: 'b',
        sentences: [['/ip/address/add', '=address=2.2.2.2/32']],
        commandName: 'Add address',
      },
    ]);
  });

  it('a beforeWrite that throws keeps the command from that router only', async () => {
    const { console, service } = rig({
      beforeWrite: async (s) => {
        if (s.connectionId === 'a') throw new Error('snapshot failed: disk full');
      },
    });
    const r = sent(await service.send({ connectionIds: ['a', 'b'], words: ['/interface/set'], confirmed: true }));
    expect(r.results.map((x) => x.outcome)).toEqual(['failed', 'done']);
    expect(r.results[0]!.error?.message).toMatch(/snapshot failed: disk full/);
    expect(console.sent.map((c) => c.connectionId)).toEqual(['b']);
  });

  it('each router gets its own sentences in turn, stopping at the first that does not end done', async () => {
    const { console, service } = rig();
    console.answer = (c) => c.end(c.words[0] === '/bad/add' ? 'trap' : 'done');
    const r = sent(
      await service.run({
        targets: [
          { connectionId: 'a', sentences: [['/x/add', '=n=1'], ['/y/add']] },
          { connectionId: 'b', sentences: [['/bad/add'], ['/y/add']] },
        ],
        confirmed: true,
        commandName: 'Two steps',
      }),
    );
    expect(console.sent.map((c) => [c.connectionId, c.words[0]])).toEqual([
      ['a', '/x/add'],
      ['b', '/bad/add'],
      ['a', '/y/add'],
    ]);
    expect(r.results.map((x) => x.outcome)).toEqual(['done', 'trap']);
    expect(r.commandName).toBe('Two steps');
    expect(r.results[0]!.sentences).toEqual([['/x/add', '=n=1'], ['/y/add']]);
  });

  it('a refused command in any router’s sentences refuses the whole run', async () => {
    const { service, console } = rig();
    await expect(
      service.run({
        targets: [
          { connectionId: 'a', sentences: [['/interface/print']] },
          { connectionId: 'b', sentences: [['/interface/print'], ['/quit']] },
        ],
        confirmed: true,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(console.sent).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Against simulators, through the real services and the bridge handlers.

const services = servicesRig({ services: { timings: FAST_TIMINGS, random: () => 0.5 }, sim: () => ({ password: 'pw' }) });

async function connect(s: Services, router: Simulator, name: string): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name, host: '127.0.0.1', port: router.port!, transport: 'plain', user: 'admin', password: 'pw' },
  });
  await s.handlers['link:connect']({ id: c.id });
  return c.id;
}

describe('waves against simulated routers', () => {
  it('three routers in waves of two, waiting for continue: the third changes only after it, progress as events', async () => {
    const routers = [
      await services.sim({ identity: 'w-a' }),
      await services.sim({ identity: 'w-b' }),
      await services.sim({ identity: 'w-c' }),
    ];
    const s = await services.start();
    const ids = [await connect(s, routers[0]!, 'A'), await connect(s, routers[1]!, 'B'), await connect(s, routers[2]!, 'C')];
    const words = ['/interface/set', '=.id=ether2', '=comment=wave-test'];
    const comment = (r: Simulator) => r.menu('/interface').findByName('ether2')!.get('comment');
    const answer = s.handlers['broadcast:send']({
      connectionIds: ids,
      words,
      confirmed: true,
      broadcastId: 'staged',
      waves: { size: 2, confirmBetween: true },
    });
    await services.events.wait('broadcast:wave', (p) => p.broadcastId === 'staged' && p.waves[1]!.state === 'waiting');
    expect([comment(routers[0]!), comment(routers[1]!)]).toEqual(['wave-test', 'wave-test']);
    expect(comment(routers[2]!)).not.toBe('wave-test');
    await expect(s.handlers['broadcast:continue']({ broadcastId: 'staged' })).resolves.toEqual({
      broadcastId: 'staged',
      waiting: true,
    });
    const r = sent(await answer);
    expect(comment(routers[2]!)).toBe('wave-test');
    expect(r.results.map((x) => [x.name, x.wave, x.outcome])).toEqual([
      ['A', 1, 'done'],
      ['B', 1, 'done'],
      ['C', 2, 'done'],
    ]);
    const progress = services.events.of('broadcast:progress').filter((p) => p.broadcastId === 'staged');
    expect(progress.map((p) => p.result.wave).sort()).toEqual([1, 1, 2]);
  });

  it('a wave with a router that traps stops the rollout; the next wave never sees the command', async () => {
    const a = await services.sim({ identity: 'ro', users: [{ name: 'viewer', password: 'view', group: 'read' }] });
    const b = await services.sim({ identity: 'rw' });
    const s = await services.start();
    const viewer = await s.handlers['connections:save']({
      input: { name: 'viewer', host: '127.0.0.1', port: a.port!, transport: 'plain', user: 'viewer', password: 'view' },
    });
    await s.handlers['link:connect']({ id: viewer.id });
    const idb = await connect(s, b, 'B');
    const r = sent(
      await s.handlers['broadcast:send']({
        connectionIds: [viewer.id, idb],
        words: ['/interface/set', '=.id=ether3', '=comment=stopped'],
        confirmed: true,
        waves: { size: 1, maxFailures: 0 },
        // The read-only viewer could not take the snapshot before the write (no ftp policy for
        // /file/read); this test is about the write's own trap.
        snapshotBefore: false,
      }),
    );
    expect(r.results.map((x) => x.outcome)).toEqual(['trap', 'skipped']);
    expect(r.waves!.map((w) => w.state)).toEqual(['stopped', 'skipped']);
    const trace = await s.handlers['trace:get']({ connectionId: idb });
    expect(trace.entries.some((e) => e.words[0] === '/interface/set')).toBe(false);
  });

  it('quitting while a rollout waits between waves ends it: the rest skipped, never left hanging', async () => {
    const a = await services.sim({ identity: 'q-a' });
    const b = await services.sim({ identity: 'q-b' });
    const s = await services.start();
    const ids = [await connect(s, a, 'A'), await connect(s, b, 'B')];
    const answer = s.handlers['broadcast:send']({
      connectionIds: ids,
      words: ['/system/identity/print'],
      broadcastId: 'quit',
      waves: { size: 1, confirmBetween: true },
    });
    await services.events.wait('broadcast:wave', (p) => p.broadcastId === 'quit' && p.waves[1]!.state === 'waiting');
    await s.dispose();
    const r = sent(await answer);
    expect(r.results.map((x) => x.outcome)).toEqual(['done', 'skipped']);
    expect(r.waves!.map((w) => w.state)).toEqual(['done', 'cancelled']);
  });
});
