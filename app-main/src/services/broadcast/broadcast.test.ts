/**
 * Broadcast (one sentence to many routers): the read-only rule, argument checks, and the service
 * against several simulated routers with different versions and data — every router settles,
 * writes need a confirmation, stop-on-first-error skips the rest, traces and history record each
 * router's command. A scripted console covers the cases a simulator does not produce on demand.
 */
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../../simulator/src/index';
import type { BroadcastAnswer, BroadcastProgress, BroadcastResult, ConsoleEnd, ConsoleReply } from '../../common/contract';
import { parseArgs } from '../../bridge/dispatch';
import { BroadcastService, classifyCommand, type BroadcastConsole } from './broadcast';
import type { ConsoleTap } from '../console/console';
import { BridgeFailure, type Services } from '../index';
import { argsFailure, FAST_TIMINGS, failure, servicesRig } from '../test-support/helpers';

describe('classifyCommand (the confirmation rule)', () => {
  it.each([
    ['/interface/print', true],
    ['/ip/address/print', true],
    ['/ip/firewall/filter/getall', true],
    ['/system/identity/get', true],
    ['/interface/listen', true],
    ['/interface/monitor-traffic', true],
    ['/interface/ethernet/monitor', true],
    ['/console/inspect', true],
    ['/CONSOLE/INSPECT', true],
    ['/interface/print/', true],
    ['/ip/address/add', false],
    ['/interface/set', false],
    ['/ip/address/remove', false],
    ['/interface/enable', false],
    ['/interface/disable', false],
    ['/interface/unset', false],
    ['/ip/firewall/filter/move', false],
    ['/interface/reset-counters', false],
    ['/system/script/run', false],
    ['/system/reboot', false],
    ['/ping', false],
    ['/export', false],
    ['/cancel', false],
    ['/something-new', false],
  ])('%s → read-only %s', (command, readOnly) => {
    const c = classifyCommand([command]);
    expect(c.readOnly).toBe(readOnly);
    expect(c.command).toBe(command);
    expect(c.refused).toBeUndefined();
    expect(c.reason.length).toBeGreaterThan(5);
  });

  it('a print that writes a file (=file=) needs a confirmation', () => {
    const c = classifyCommand(['/interface/print', '=file=ifaces']);
    expect(c.readOnly).toBe(false);
    expect(c.reason).toContain('writes a file');
    expect(classifyCommand(['/interface/print', '?file=x']).readOnly).toBe(true);
  });

  it('/quit and /login are never broadcast', () => {
    expect(classifyCommand(['/quit']).refused).toMatch(/cannot be broadcast: it would close/);
    expect(classifyCommand(['/login', '=name=admin']).refused).toMatch(/cannot be broadcast/);
  });
});

describe('broadcast:send arguments (the bridge schema)', () => {
  const bad = (args: unknown) => argsFailure('broadcast:send', args);

  it('names what is wrong', () => {
    expect(bad({ connectionIds: [], words: ['/x/print'] }).message).toMatch(/^The list of routers names no router/);
    expect(bad({ connectionIds: ['a', 'a'], words: ['/x/print'] }).message).toMatch(/names the same router twice/);
    expect(bad({ connectionIds: ['a'], words: [] }).message).toBe('The sentence is empty.');
    expect(bad({ connectionIds: ['a'], words: ['/x/print', '', '=a=b'] }).detail).toEqual({
      channel: 'broadcast:send',
      field: 'words[1]',
    });
    expect(bad({ connectionIds: ['a'], words: ['/x/print'], timeoutSeconds: 0 }).message).toBe(
      'The time limit must be between 1 and 3600.',
    );
    expect(bad({ connectionIds: ['a'], words: ['/x/print'], confirmed: 'yes' }).message).toBe(
      'The confirmation must be true or false.',
    );
    expect(bad({ connectionIds: Array.from({ length: 101 }, (_, i) => `c${i}`), words: ['/x/print'] }).message).toMatch(
      /names more than 100 routers/,
    );
  });

  it('drops trailing empty lines', () => {
    expect(parseArgs('broadcast:send', { connectionIds: ['a', 'b'], words: ['/x/print', '?a=b', '', ' '] })).toEqual({
      ok: true,
      value: { connectionIds: ['a', 'b'], words: ['/x/print', '?a=b'] },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// A scripted console: the service's own logic, without sockets.

interface ScriptedCommand {
  connectionId: string;
  words: string[];
  tap: ConsoleTap;
  commandId: string;
  cancelled: boolean;
  reply(kind: string, ...words: string[]): void;
  end(outcome: ConsoleEnd['outcome'], rows?: number): void;
}

class ScriptedConsole implements BroadcastConsole {
  readonly commands: ScriptedCommand[] = [];
  /** Called for each send; script the command's behaviour here. */
  onSend: (c: ScriptedCommand) => void = (c) => c.end('done');
  offline = new Set<string>();
  private n = 0;

  async send(args: unknown, tap?: ConsoleTap) {
    const { connectionId, words } = args as { connectionId: string; words: string[] };
    if (this.offline.has(connectionId))
      throw new BridgeFailure('NOT_CONNECTED', `${connectionId} is not connected`, 'Connect first.');
    const commandId = `c${++this.n}`;
    const c: ScriptedCommand = {
      connectionId,
      words,
      tap: tap!,
      commandId,
      cancelled: false,
      reply: (kind, ...w) =>
        tap!.onReply({ connectionId, commandId, kind, words: [kind, ...w], elapsedMs: 1 } satisfies ConsoleReply),
      end: (outcome, rows = 0) => tap!.onEnd({ connectionId, commandId, outcome, rows, elapsedMs: 2 }),
    };
    this.commands.push(c);
    queueMicrotask(() => this.onSend(c));
    return { commandId, tag: `t${this.n}` };
  }

  async cancel(commandId: unknown) {
    const c = this.commands.find((x) => x.commandId === commandId);
    if (c) c.cancelled = true;
    return { commandId: String(commandId) };
  }
}

function scripted(opts: { maxRows?: number; maxOther?: number; cancelGraceMs?: number } = {}) {
  const console = new ScriptedConsole();
  const service = new BroadcastService({
    console,
    routerInfo: (id) => ({ name: `R-${id}` }),
    now: () => 1_700_000_000_000,
    ...opts,
  });
  return { console, service };
}

const sent = (a: BroadcastAnswer): BroadcastResult => {
  if (a.status !== 'sent') throw new Error(`expected sent, got ${JSON.stringify(a)}`);
  return a.result;
};

describe('BroadcastService (scripted console)', () => {
  it('runs concurrently by default: every router is sent to before any answers', async () => {
    const { console, service } = scripted();
    const pending: ScriptedCommand[] = [];
    console.onSend = (c) => {
      pending.push(c);
      if (pending.length === 3) for (const p of pending.reverse()) p.end('done');
    };
    const r = sent(await service.send({ connectionIds: ['a', 'b', 'c'], words: ['/interface/print'] }));
    expect(r.results.map((x) => [x.name, x.outcome])).toEqual([
      ['R-a', 'done'],
      ['R-b', 'done'],
      ['R-c', 'done'],
    ]);
  });

  it('stop on first error: one after another, the rest skipped with the reason', async () => {
    const { console, service } = scripted();
    console.onSend = (c) => {
      if (c.connectionId === 'b') {
        c.reply('!trap', '=message=not enough permissions (9)');
        c.reply('!done');
        c.end('trap');
      } else c.end('done');
    };
    const r = sent(
      await service.send({ connectionIds: ['a', 'b', 'c', 'd'], words: ['/system/identity/print'], stopOnFirstError: true }),
    );
    expect(r.results.map((x) => x.outcome)).toEqual(['done', 'trap', 'skipped', 'skipped']);
    expect(console.commands.map((c) => c.connectionId)).toEqual(['a', 'b']);
    expect(r.results[2]!.error?.message).toBe('not sent: R-b ended trap and "stop on first error" is on');
    expect(r.results[2]!.error?.hint).toMatch(/turn "stop on first error" off/);
  });

  it('a router that is not connected ends not-connected; the others still run', async () => {
    const { console, service } = scripted();
    console.offline.add('b');
    const r = sent(await service.send({ connectionIds: ['a', 'b'], words: ['/interface/print'] }));
    expect(r.results.map((x) => x.outcome)).toEqual(['done', 'not-connected']);
    expect(r.results[1]!.error?.code).toBe('NOT_CONNECTED');
    // …and with stop-on-first-error it counts as the first error.
    const s = sent(await service.send({ connectionIds: ['b', 'a'], words: ['/interface/print'], stopOnFirstError: true }));
    expect(s.results.map((x) => x.outcome)).toEqual(['not-connected', 'skipped']);
  });

  it('keeps the first rows and every other reply, counting the rest', async () => {
    const { console, service } = scripted({ maxRows: 3, maxOther: 2 });
    console.onSend = (c) => {
      for (let i = 0; i < 10; i++) c.reply('!re', `=n=${i}`);
      c.reply('!weird');
      c.reply('!weird');
      c.reply('!weird');
      c.reply('!done');
      c.end('done', 10);
    };
    const r = sent(await service.send({ connectionIds: ['a'], words: ['/x/print'] })).results[0]!;
    expect(r.rows).toBe(10);
    expect(r.replies.map((x) => x.words.join(' '))).toEqual(['!re =n=0', '!re =n=1', '!re =n=2', '!weird', '!weird']);
    expect(r.repliesDropped).toBe(9);
  });

  it('a command that never ends is cancelled at the time limit, and settles even if the router never answers the /cancel', async () => {
    const { console, service } = scripted({ cancelGraceMs: 50 });
    console.onSend = () => undefined; // silent router
    const r = sent(await service.send({ connectionIds: ['a'], words: ['/interface/listen'], timeoutSeconds: 1 })).results[0]!;
    expect(r.outcome).toBe('timeout');
    expect(r.error).toMatchObject({
      code: 'TIMEOUT',
      message: 'no final reply within 1 s; the command was cancelled with /cancel',
    });
    expect(console.commands[0]!.cancelled).toBe(true);
  });

  it('cancel: the running command gets /cancel and ends cancelled; routers not yet reached are skipped', async () => {
    const { console, service } = scripted();
    let firstSent!: (c: ScriptedCommand) => void;
    const onWire = new Promise<ScriptedCommand>((r) => (firstSent = r));
    console.onSend = (c) => firstSent(c); // runs until cancelled
    const pending = service.send({
      connectionIds: ['a', 'b'],
      words: ['/interface/listen'],
      stopOnFirstError: true,
      broadcastId: 'ui-1',
    });
    const a = await onWire;
    // The same id cannot start twice while it runs.
    await expect(service.send({ connectionIds: ['b'], words: ['/x/print'], broadcastId: 'ui-1' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(service.cancel({ broadcastId: 'ui-1' })).resolves.toEqual({ broadcastId: 'ui-1', running: true });
    expect(a.cancelled).toBe(true);
    a.end('cancelled'); // the router confirms the /cancel
    const r = sent(await pending);
    expect(r.results.map((x) => [x.name, x.outcome])).toEqual([
      ['R-a', 'cancelled'],
      ['R-b', 'skipped'],
    ]);
    expect(r.results[1]!.error?.message).toBe('not sent: the broadcast was cancelled before this router');
    expect(console.commands.map((c) => c.connectionId)).toEqual(['a']); // b never got it
    await expect(service.cancel({ broadcastId: 'ui-1' })).resolves.toEqual({ broadcastId: 'ui-1', running: false });
    await expect(service.cancel({ broadcastId: 'never' })).resolves.toEqual({ broadcastId: 'never', running: false });
    expect(argsFailure('broadcast:cancel', { broadcastId: '' })).toMatchObject({ code: 'VALIDATION' });
  });

  it('reports each router as it settles (broadcast:progress), before the answer', async () => {
    const console = new ScriptedConsole();
    const progress: BroadcastProgress[] = [];
    let firstReported!: () => void;
    const reported = new Promise<void>((r) => (firstReported = r));
    const service = new BroadcastService({
      console,
      routerInfo: (id) => ({ name: `R-${id}` }),
      now: () => 0,
      emitProgress: (p) => {
        progress.push(p);
        firstReported();
      },
    });
    const waiting = new Map<string, ScriptedCommand>();
    let bothSent!: () => void;
    const sentToBoth = new Promise<void>((r) => (bothSent = r));
    console.onSend = (c) => {
      waiting.set(c.connectionId, c);
      if (waiting.size === 2) bothSent();
    };
    const pending = service.send({ connectionIds: ['a', 'b'], words: ['/x/print'], broadcastId: 'p1' });
    await sentToBoth;
    waiting.get('b')!.end('done', 3); // b answers first
    await reported;
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatchObject({ broadcastId: 'p1', total: 2, result: { name: 'R-b', outcome: 'done', rows: 3 } });
    waiting.get('a')!.end('trap');
    const r = sent(await pending);
    expect(progress.map((p) => p.result.name)).toEqual(['R-b', 'R-a']);
    expect(r.results.map((x) => x.name)).toEqual(['R-a', 'R-b']); // the answer keeps the chosen order
  });

  it('cancel settles a router that never confirms the /cancel after the grace period', async () => {
    const { console, service } = scripted({ cancelGraceMs: 30 });
    let sentAll!: () => void;
    const bothSent = new Promise<void>((r) => (sentAll = r));
    console.onSend = () => {
      if (console.commands.length === 2) sentAll();
    };
    const pending = service.send({ connectionIds: ['a', 'b'], words: ['/interface/listen'], broadcastId: 'ui-2' });
    await bothSent;
    await service.cancel({ broadcastId: 'ui-2' });
    const r = sent(await pending);
    expect(r.results.map((x) => x.outcome)).toEqual(['cancelled', 'cancelled']);
    expect(r.results[0]!.error).toMatchObject({
      code: 'CANCELLED',
      message: 'cancelled by the user; the router did not confirm the /cancel',
    });
    expect(console.commands.every((c) => c.cancelled)).toBe(true);
  });

  it('needs a confirmation for a write, sends nothing without it', async () => {
    const { console, service } = scripted();
    const a = await service.send({
      connectionIds: ['a', 'b'],
      words: ['/ip/address/add', '=address=10.9.9.9/32', '=interface=ether1'],
    });
    expect(a).toEqual({
      status: 'needs-confirmation',
      command: '/ip/address/add',
      reason: '"add" is not a read-only command (print, get, getall, listen, monitor, monitor-traffic)',
      routers: ['R-a', 'R-b'],
    });
    expect(console.commands).toEqual([]);
    const r = sent(
      await service.send({ connectionIds: ['a', 'b'], words: ['/ip/address/add', '=address=10.9.9.9/32'], confirmed: true }),
    );
    expect(r.readOnly).toBe(false);
    expect(console.commands).toHaveLength(2);
  });

  it('refuses /quit outright and unknown routers before anything is sent', async () => {
    const { console, service } = scripted();
    const quit = await failure(() => service.send({ connectionIds: ['a'], words: ['/quit'], confirmed: true }));
    expect(quit.code).toBe('VALIDATION');
    expect(quit.message).toMatch(/cannot be broadcast/);
    const unknown = new BroadcastService({
      console,
      routerInfo: (id) => {
        if (id === 'ghost') throw new BridgeFailure('NOT_FOUND', 'connection "ghost" does not exist');
        return { name: id };
      },
      now: Date.now,
    });
    expect((await failure(() => unknown.send({ connectionIds: ['a', 'ghost'], words: ['/x/print'] }))).code).toBe('NOT_FOUND');
    expect(console.commands).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The real services against simulated routers.

const rig = servicesRig({ services: { timings: FAST_TIMINGS, random: () => 0.5 }, sim: () => ({ password: 'pw' }) });
const { sim, start } = rig;

async function connect(s: Services, router: Simulator, name: string, user = 'admin', password = 'pw'): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name, host: '127.0.0.1', port: router.port!, transport: 'plain', user, password },
  });
  await s.handlers['link:connect']({ id: c.id });
  return c.id;
}

async function traceWords(s: Services, id: string): Promise<string[][]> {
  return (await s.handlers['trace:get']({ connectionId: id })).entries.map((e) => e.words);
}

describe('broadcast against simulated routers', () => {
  it('a read-only print reaches two routers of different versions; each command is in its own trace and history, not in the console events', async () => {
    const [a, b] = [await sim({ identity: 'core-a', rosVersion: '7.20' }), await sim({ identity: 'edge-b', rosVersion: '6.49' })];
    const s = await start();
    const ida = await connect(s, a, 'A');
    const idb = await connect(s, b, 'B');
    const r = sent(await s.handlers['broadcast:send']({ connectionIds: [ida, idb], words: ['/system/identity/print'] }));
    expect(r.readOnly).toBe(true);
    expect(r.results.map((x) => [x.name, x.identity, x.version?.slice(0, 4), x.outcome, x.rows])).toEqual([
      ['A', 'core-a', '7.20', 'done', 1],
      ['B', 'edge-b', '6.49', 'done', 1],
    ]);
    expect(r.results[0]!.replies.map((x) => x.kind)).toEqual(['!re', '!done']);
    expect(r.results[0]!.replies[0]!.words).toContain('=name=core-a');
    expect(r.results[1]!.replies[0]!.words).toContain('=name=edge-b');
    for (const x of r.results) {
      expect(x.elapsedMs).toBeGreaterThan(0);
      const words = await traceWords(s, x.connectionId);
      expect(words).toContainEqual(['/system/identity/print', `.tag=${x.tag}`]);
      const history = await s.handlers['console:history']({ connectionId: x.connectionId });
      expect(history[0]).toMatchObject({ words: ['/system/identity/print'], outcome: 'done', rows: 1 });
    }
    // The tap: the window's consoles do not receive replies for commands they did not send.
    const ids = new Set(r.results.map((x) => x.commandId));
    expect(
      rig.events
        .of('console:replies')
        .flat()
        .some((x) => ids.has(x.commandId)),
    ).toBe(false);
    expect(rig.events.of('console:end').some((x) => ids.has(x.commandId))).toBe(false);
  });

  it('a write is not sent without confirmation, and is sent to every router with it', async () => {
    const [a, b] = [await sim({ identity: 'a' }), await sim({ identity: 'b', rosVersion: '7.16' })];
    const s = await start();
    const ids = [await connect(s, a, 'A'), await connect(s, b, 'B')];
    const words = ['/ip/address/add', '=address=10.99.0.1/32', '=interface=ether2', '=comment=from-broadcast'];
    const ask = await s.handlers['broadcast:send']({ connectionIds: ids, words });
    expect(ask).toMatchObject({ status: 'needs-confirmation', command: '/ip/address/add', routers: ['A', 'B'] });
    for (const router of [a, b])
      expect([...router.menu('/ip/address').items()].some((x) => x.get('comment') === 'from-broadcast')).toBe(false);
    for (const id of ids) expect((await traceWords(s, id)).some((w) => w[0] === '/ip/address/add')).toBe(false);

    const r = sent(await s.handlers['broadcast:send']({ connectionIds: ids, words, confirmed: true }));
    expect(r.results.map((x) => x.outcome)).toEqual(['done', 'done']);
    for (const x of r.results) expect(x.replies.at(-1)!.words.some((w) => w.startsWith('=ret=*'))).toBe(true);
    for (const router of [a, b])
      expect([...router.menu('/ip/address').items()].filter((x) => x.get('comment') === 'from-broadcast')).toHaveLength(1);
  });

  it('stop on first error: a read-only user traps, the router after it is skipped and never sees the command', async () => {
    const a = await sim({ identity: 'ro', users: [{ name: 'viewer', password: 'view', group: 'read' }] });
    const b = await sim({ identity: 'rw' });
    const s = await start();
    const ida = await connect(s, a, 'viewer@ro', 'viewer', 'view');
    const idb = await connect(s, b, 'admin@rw');
    const words = ['/interface/set', '=.id=ether3', '=comment=stop-test'];
    // No snapshot before the write: the read-only user could not take one (no ftp policy for
    // /file/read), and this test is about the trap of the write itself.
    const r = sent(
      await s.handlers['broadcast:send']({
        connectionIds: [ida, idb],
        words,
        stopOnFirstError: true,
        confirmed: true,
        snapshotBefore: false,
      }),
    );
    expect(r.results.map((x) => x.outcome)).toEqual(['trap', 'skipped']);
    expect(r.results[0]!.error?.message).toMatch(/not enough permissions/);
    expect(r.results[0]!.replies.map((x) => x.kind)).toEqual(['!trap', '!done']);
    expect((await traceWords(s, idb)).some((w) => w[0] === '/interface/set')).toBe(false);
    expect(b.menu('/interface').findByName('ether3')!.get('comment')).not.toBe('stop-test');

    // Without the option the second router gets it regardless.
    const all = sent(
      await s.handlers['broadcast:send']({ connectionIds: [ida, idb], words, confirmed: true, snapshotBefore: false }),
    );
    expect(all.results.map((x) => x.outcome)).toEqual(['trap', 'done']);
    expect(b.menu('/interface').findByName('ether3')!.get('comment')).toBe('stop-test');
  });

  it('a bad path traps on every router with the router’s message; an offline router is not-connected', async () => {
    const a = await sim({ identity: 'a' });
    const b = await sim({ identity: 'b' });
    const s = await start();
    const ida = await connect(s, a, 'A');
    const idb = await connect(s, b, 'B');
    await s.handlers['link:disconnect']({ id: idb });
    const r = sent(await s.handlers['broadcast:send']({ connectionIds: [ida, idb], words: ['/ip/nothing-here/print'] }));
    expect(r.results[0]).toMatchObject({ outcome: 'trap', error: { code: 'TRAP' } });
    expect(r.results[0]!.error!.message).toMatch(/no such command/);
    expect(r.results[1]).toMatchObject({ outcome: 'not-connected', error: { code: 'NOT_CONNECTED' }, rows: 0, replies: [] });
  });

  it('a listen is cancelled at the time limit (timeout) and the session stays usable', async () => {
    const a = await sim({ identity: 'a' });
    const s = await start();
    const id = await connect(s, a, 'A');
    const r = sent(await s.handlers['broadcast:send']({ connectionIds: [id], words: ['/interface/listen'], timeoutSeconds: 1 }));
    expect(r.results[0]).toMatchObject({ outcome: 'timeout', error: { code: 'TIMEOUT' } });
    const words = await traceWords(s, id);
    expect(words.some((w) => w[0] === '/cancel' && w.includes(`=tag=${r.results[0]!.tag}`))).toBe(true);
    const again = sent(await s.handlers['broadcast:send']({ connectionIds: [id], words: ['/system/identity/print'] }));
    expect(again.results[0]!.outcome).toBe('done');
  });

  it('cancel stops a listen running on two routers: both end cancelled, each with /cancel on its own wire', async () => {
    const [a, b] = [await sim({ identity: 'a' }), await sim({ identity: 'b', rosVersion: '7.16' })];
    const s = await start();
    const ida = await connect(s, a, 'A');
    const idb = await connect(s, b, 'B');
    const listening = Promise.all(
      [ida, idb].map((id) =>
        rig.events.wait(
          'trace:entries',
          (e) => e.connectionId === id && e.entries.some((x) => x.direction === 'out' && x.words[0] === '/interface/listen'),
        ),
      ),
    );
    const pending = s.handlers['broadcast:send']({
      connectionIds: [ida, idb],
      words: ['/interface/listen'],
      timeoutSeconds: 60,
      broadcastId: 'ui-listen',
    });
    await listening;
    await expect(s.handlers['broadcast:cancel']({ broadcastId: 'ui-listen' })).resolves.toEqual({
      broadcastId: 'ui-listen',
      running: true,
    });
    const r = sent(await pending);
    expect(r.broadcastId).toBe('ui-listen');
    expect(r.results.map((x) => x.outcome)).toEqual(['cancelled', 'cancelled']);
    for (const x of r.results) {
      const words = await traceWords(s, x.connectionId);
      expect(words.some((w) => w[0] === '/cancel' && w.includes(`=tag=${x.tag}`))).toBe(true);
    }
  });

  it('a framing error (0xF8) with the command in flight: outcome-unknown, like any drop', async () => {
    const a = await sim({ identity: 'a' });
    const b = await sim({ identity: 'b' });
    const s = await start();
    const ida = await connect(s, a, 'A');
    const idb = await connect(s, b, 'B');
    // Login and router info took 5 sentences on A; the print's row is the 6th, then 0xF8.
    a.faults.controlByteAfterSentences = 6;
    const r = sent(
      await s.handlers['broadcast:send']({ connectionIds: [ida, idb], words: ['/system/identity/print'], timeoutSeconds: 30 }),
    );
    // Issue 11 item D: this was "failed", though A may have run the command.
    expect(r.results[0]).toMatchObject({ outcome: 'outcome-unknown', error: { code: 'OUTCOME_UNKNOWN' } });
    expect(r.results[1]!.outcome).toBe('done');
  });

  it('a link that drops with the command in flight: outcome-unknown for that router only', async () => {
    const a = await sim({ identity: 'a' });
    const b = await sim({ identity: 'b' });
    const s = await start();
    const ida = await connect(s, a, 'A');
    const idb = await connect(s, b, 'B');
    // A stops answering; once the print is on the wire to A, A loses power.
    a.faults.stall = true;
    const onWire = rig.events.wait(
      'trace:entries',
      (e) => e.connectionId === ida && e.entries.some((x) => x.words[0] === '/system/identity/print'),
    );
    const answer = s.handlers['broadcast:send']({
      connectionIds: [ida, idb],
      words: ['/system/identity/print'],
      timeoutSeconds: 30,
    });
    await onWire;
    a.dropConnections();
    const r = sent(await answer);
    expect(r.results[0]).toMatchObject({ outcome: 'outcome-unknown', error: { code: 'OUTCOME_UNKNOWN' } });
    expect(r.results[1]!.outcome).toBe('done');
  });
});
