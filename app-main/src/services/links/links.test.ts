/**
 * Services against the simulated router over loopback: links, reconnect, faults, console, live
 * tables, traces. Every wait is on an event (link:state, console:end, table:patch …).
 */
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../../simulator/src/index';
import type { LinkState, TablePatch } from '../../common/contract';
import type { LinkTimings, Services } from '../index';
import { callFailure, failure, servicesRig, until, upsertsOf } from '../test-support/helpers';
import { scriptedRouter } from '../test-support/scripted-router';

const FAST: Partial<LinkTimings> = {
  connectTimeoutMs: 3000,
  commandTimeoutMs: 3000,
  heartbeatIntervalMs: 0,
  heartbeatTimeoutMs: 300,
  backoffStartMs: 20,
  backoffCapMs: 200,
  stableResetMs: 60_000,
  quitTimeoutMs: 500,
};

const rig = servicesRig({
  services: { timings: FAST, random: () => 0.5 },
  sim: (n) => ({ password: 'pw', identity: `sim-${n}` }),
});
const { sim, start } = rig;

async function save(s: Services, router: Simulator, name = 'R1', password = 'pw'): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name, host: '127.0.0.1', port: router.port!, transport: 'plain', user: 'admin', password },
  });
  return c.id;
}

const stateOf = (id: string, status: LinkState['status']) => (p: LinkState) => p.connectionId === id && p.status === status;

describe('links', () => {
  it('connects, reads identity and version, and records a redacted trace of the login', async () => {
    const router = await sim({ rosVersion: '7.20' });
    const s = await start();
    const id = await save(s, router);
    const state = await s.handlers['link:connect']({ id });
    expect(state).toMatchObject({
      connectionId: id,
      status: 'online',
      transport: 'plain',
      encrypted: false,
      authenticated: false,
    });
    expect(state.router).toMatchObject({ identity: 'sim-1', version: expect.stringMatching(/^7\.20/) });
    expect(rig.events.of('link:state').map((p) => p.status)).toEqual(['connecting', 'online']);
    const trace = await s.handlers['trace:get']({ connectionId: id });
    // Link events (connecting, logged-in) are entries too (notes); the first sentence is the login.
    expect(trace.entries.find((e) => e.direction !== 'note')!.words).toEqual(['/login', '=name=admin', '=password=********']);
    expect(JSON.stringify(trace)).not.toContain('=password=pw');
    expect(trace.entries.some((e) => e.words[0] === '/system/resource/print')).toBe(true);
    expect((await s.handlers['link:states']({}))[0]!.status).toBe('online');
    const off = await s.handlers['link:disconnect']({ id });
    expect(off.status).toBe('offline');
    // The clean close sent /quit (protocol.md §6.4).
    expect((await s.handlers['trace:get']({ connectionId: id })).entries.some((e) => e.words[0] === '/quit')).toBe(true);
  });

  it('keeps several routers connected at once, each with its own state', async () => {
    const routers = await Promise.all([sim(), sim(), sim()]);
    const s = await start();
    const ids: string[] = [];
    for (const [i, r] of routers.entries()) ids.push(await save(s, r, `R${i + 1}`));
    const states = await Promise.all(ids.map((id) => s.handlers['link:connect']({ id })));
    expect(states.map((st) => st.status)).toEqual(['online', 'online', 'online']);
    expect(new Set(states.map((st) => st.router?.identity)).size).toBe(3);
    // Commands on each link reach its own router.
    const ends = ids.map((id) => rig.events.wait('console:end', (e) => e.connectionId === id));
    for (const id of ids) await s.handlers['console:send']({ connectionId: id, words: ['/system/identity/print'] });
    await Promise.all(ends);
    const replies = rig.events.of('console:replies').flat();
    for (const [i, id] of ids.entries()) {
      expect(replies.find((r) => r.connectionId === id && r.kind === '!re')?.words).toContain(`=name=sim-${i + 1}`);
    }
    // One going away does not touch the others.
    await s.handlers['link:disconnect']({ id: ids[1]! });
    expect((await s.handlers['link:states']({})).map((st) => st.status).sort()).toEqual(['offline', 'online', 'online']);
  });

  it('fails at once with NOT_CONNECTED while offline (nothing is queued)', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    expect((await failure(() => s.handlers['console:send']({ connectionId: id, words: ['/interface/print'] }))).code).toBe(
      'NOT_CONNECTED',
    );
    expect((await failure(() => s.handlers['table:start']({ connectionId: id, path: '/interface' }))).code).toBe('NOT_CONNECTED');
    await s.handlers['link:connect']({ id });
    await s.handlers['link:disconnect']({ id });
    const f = await failure(() => s.handlers['console:send']({ connectionId: id, words: ['/interface/print'] }));
    expect(f.code).toBe('NOT_CONNECTED');
    expect(f.hint).toMatch(/never queued/);
  });

  it('a first connect to a closed port fails with NETWORK and does not retry', async () => {
    const router = await sim();
    const port = router.port!;
    await router.close();
    const s = await start();
    const c = await s.handlers['connections:save']({
      input: { name: 'gone', host: '127.0.0.1', port, transport: 'plain', user: 'admin' },
    });
    const st = await s.handlers['link:connect']({ id: c.id });
    expect(st).toMatchObject({ status: 'failed', errorCode: 'NETWORK' });
    expect(st.reason).toMatch(/refused/);
    expect(st.nextAttemptAt).toBeUndefined();
  });

  it('refused login → auth-failed, never retried', async () => {
    const router = await sim({ faults: { refuseLogin: true } });
    const s = await start();
    const id = await save(s, router);
    const st = await s.handlers['link:connect']({ id });
    expect(st).toMatchObject({ status: 'auth-failed', errorCode: 'LOGIN_FAILED' });
    expect(st.reason).toMatch(/invalid user name or password/);
    expect(st.nextAttemptAt).toBeUndefined();
  });

  it('a login refused during a reconnect stops the retries (auth-failed)', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    router.faults.refuseLogin = true;
    router.dropConnections();
    const failed = await rig.events.wait('link:state', stateOf(id, 'auth-failed'));
    expect(failed.errorCode).toBe('LOGIN_FAILED');
    const before = (await s.handlers['trace:get']({ connectionId: id })).entries.filter((e) => e.words[0] === '/login').length;
    // Absence of a retry can only be shown by waiting: several backoff caps (200 ms) without one.
    await new Promise((r) => setTimeout(r, 800));
    expect((await s.handlers['trace:get']({ connectionId: id })).entries.filter((e) => e.words[0] === '/login').length).toBe(
      before,
    );
    expect(rig.events.linkStates(id).at(-1)).toBe('auth-failed');
  });

  it('simulator killed and restarted on the same port: reconnects and live tables resubscribe', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/interface' });
    const live = await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'live');
    const rows = live.total;
    expect(rows).toBeGreaterThan(3);

    await router.stop();
    const backoff = await rig.events.wait('link:state', stateOf(id, 'backoff'));
    expect(backoff.errorCode).toBe('NETWORK');
    expect(backoff.nextAttemptAt).toBeGreaterThan(0);
    await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'resubscribing', 5000, true);
    expect((await failure(() => s.handlers['console:send']({ connectionId: id, words: ['/interface/print'] }))).code).toBe(
      'NOT_CONNECTED',
    );

    const online = rig.events.wait('link:state', stateOf(id, 'online'), 15_000);
    const reset = rig.events.wait(
      'table:patch',
      (p) => p.tableId === tableId && p.reset && rig.events.of('link:state').some(stateOf(id, 'backoff')),
    );
    await router.start();
    await online;
    const afterReset = await reset;
    const relive =
      afterReset.status === 'live'
        ? afterReset
        : await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'live', 15_000);
    expect(relive.total).toBe(rows);
    // The resubscription reprinted and listens again: a change shows up.
    const changed = rig.events.wait(
      'table:patch',
      (p) => p.tableId === tableId && upsertsOf(p).some((r) => r['comment'] === 'after-restart'),
    );
    await s.handlers['console:send']({ connectionId: id, words: ['/interface/set', '=.id=ether2', '=comment=after-restart'] });
    await changed;
  });

  it('split writes and latency do not change what arrives', async () => {
    const router = await sim({ faults: { chunkBytes: 3, latencyMs: 20 } });
    const s = await start();
    const id = await save(s, router);
    expect((await s.handlers['link:connect']({ id })).status).toBe('online');
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/interface', proplist: ['name', 'type'] });
    const live = await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'live');
    const rows = new Map<string, Record<string, string>>();
    for (const p of rig.events.of('table:patch').filter((x) => x.tableId === tableId)) {
      if (p.reset) rows.clear();
      for (const r of upsertsOf(p)) rows.set(r['.id']!, r);
    }
    expect(rows.size).toBe(live.total);
    expect([...rows.values()].every((r) => Object.keys(r).sort().join() === '.id,name,type')).toBe(true);
    expect([...router.menu('interface').items()].map((i) => i.get('name')).sort()).toEqual(
      [...rows.values()].map((r) => r['name']).sort(),
    );
  });

  it('stall: the heartbeat detects a half-open link and the link recovers', async () => {
    const router = await sim();
    const s = await start({ timings: { ...FAST, heartbeatIntervalMs: 100, heartbeatTimeoutMs: 300, connectTimeoutMs: 500 } });
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    router.faults.stall = true;
    const down = await rig.events.wait('link:state', stateOf(id, 'backoff'));
    expect(down.errorCode).toBe('TIMEOUT');
    expect(down.reason).toMatch(/heartbeat/);
    router.faults.stall = false;
    const up = await rig.events.wait('link:state', stateOf(id, 'online'), 15_000);
    expect(up.router?.identity).toBe('sim-1');
  });

  it('abrupt close with a command in flight: outcome unknown, never replayed', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const ref = await s.handlers['console:send']({ connectionId: id, words: ['/interface/listen'] });
    const end = rig.events.wait('console:end', (e) => e.commandId === ref.commandId);
    router.dropConnections();
    const e = await end;
    expect(e.outcome).toBe('outcome-unknown');
    expect(e.error?.code).toBe('OUTCOME_UNKNOWN');
    expect(e.error?.message).toMatch(/may or may not have run/);
    await rig.events.wait('link:state', stateOf(id, 'online'));
    // Reconnected, and the listen was not sent again.
    const trace = (await s.handlers['trace:get']({ connectionId: id })).entries;
    expect(trace.filter((x) => x.direction === 'out' && x.words[0] === '/interface/listen')).toHaveLength(1);
    const history = await s.handlers['console:history']({ connectionId: id });
    expect(history[0]).toMatchObject({ words: ['/interface/listen'], outcome: 'outcome-unknown' });
  });

  it('close after N sentences (router reboot mid-reply): outcome unknown, link comes back', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    // Login, identity and resource took 5 sentences; cut after the first row of the next reply.
    router.faults.closeAfterSentences = 6;
    const ref = await s.handlers['console:send']({ connectionId: id, words: ['/interface/print'] });
    const end = await rig.events.wait('console:end', (x) => x.commandId === ref.commandId);
    expect(end.outcome).toBe('outcome-unknown');
    router.faults.closeAfterSentences = undefined;
    await rig.events.wait('link:state', stateOf(id, 'online'));
  });

  it('a reconnect whose session ends with the last router-info reply backs off and retries', async () => {
    let closeFirst: (() => void) | undefined;
    const server = await scriptedRouter((command, reply, connection, close) => {
      if (connection === 1) closeFirst = close;
      if (command === '/login') reply(['!done']);
      else if (command === '/system/identity/print') reply(['!re', '=name=r'], ['!done']);
      else if (command === '/system/resource/print') {
        // The second session ends in the turn its last router-info command resolves.
        if (connection === 2) reply(['!re', '=version=7.20'], ['!done'], ['!fatal', 'out of memory']);
        else reply(['!re', '=version=7.20'], ['!done']);
      }
    });
    const s = await start();
    const c = await s.handlers['connections:save']({
      input: { name: 'F', host: '127.0.0.1', port: server.port, transport: 'plain', user: 'admin', password: 'pw' },
    });
    try {
      expect((await s.handlers['link:connect']({ id: c.id })).status).toBe('online');
      const fatal = rig.events.wait('link:state', (p) => p.connectionId === c.id && p.errorCode === 'FATAL');
      closeFirst!();
      const st = await fatal;
      expect(st).toMatchObject({ status: 'backoff', reason: 'the router ended the session: out of memory' });
      await rig.events.wait('link:state', stateOf(c.id, 'online'));
      expect(rig.events.linkStates(c.id)).toEqual([
        'connecting',
        'online',
        'backoff',
        'connecting',
        'backoff',
        'connecting',
        'online',
      ]);
    } finally {
      await server.close();
    }
  });

  it('a !fatal right after the last router-info reply fails the first connect with the reason', async () => {
    const server = await scriptedRouter((command, reply) => {
      if (command === '/login') reply(['!done']);
      else if (command === '/system/identity/print') reply(['!re', '=name=r'], ['!done']);
      // The !done and the !fatal in one write: the session ends in the turn the command resolves.
      else if (command === '/system/resource/print') reply(['!re', '=version=7.20'], ['!done'], ['!fatal', 'out of memory']);
    });
    const s = await start();
    const c = await s.handlers['connections:save']({
      input: { name: 'F', host: '127.0.0.1', port: server.port, transport: 'plain', user: 'admin', password: 'pw' },
    });
    try {
      const st = await s.handlers['link:connect']({ id: c.id });
      expect(st).toMatchObject({ status: 'failed', errorCode: 'FATAL' });
      expect(st.reason).toBe('the router ended the session: out of memory');
    } finally {
      await server.close();
    }
  });

  it('late sentences after /cancel are absorbed; the connection stays usable', async () => {
    const router = await sim({ faults: { cancelLateSentences: 3, cancelLateDelayMs: 5 } });
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const ref = await s.handlers['console:send']({ connectionId: id, words: ['/interface/listen'] });
    await s.handlers['console:cancel']({ commandId: ref.commandId });
    const end = await rig.events.wait('console:end', (x) => x.commandId === ref.commandId, 5000, true);
    expect(end.outcome).toBe('cancelled');
    expect(end.error).toBeUndefined();
    // The stray sentences for the cancelled tag arrive later and land only in the trace.
    await rig.events.wait(
      'trace:entries',
      (b) => b.entries.some((e) => e.tag === ref.tag && e.direction === 'in' && e.words[0] === '!re'),
      5000,
      true,
    );
    const next = await s.handlers['console:send']({ connectionId: id, words: ['/system/identity/print'] });
    const done = await rig.events.wait('console:end', (x) => x.commandId === next.commandId);
    expect(done).toMatchObject({ outcome: 'done', rows: 1 });
    expect(
      rig.events
        .of('console:replies')
        .flat()
        .filter((r) => r.commandId === ref.commandId && r.kind === '!re'),
    ).toHaveLength(0);
    expect(rig.events.of('link:state').at(-1)!.status).toBe('online');
  });

  it('Connect during backoff retries now and keeps the reconnect loop when the retry fails (issue 11, item 12)', async () => {
    const router = await sim();
    // A long backoff: the link sits in it, so only "Retry now" (link:connect) can bring it back soon.
    const s = await start({ timings: { ...FAST, backoffStartMs: 60_000, backoffCapMs: 60_000 } });
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    await router.stop();
    const dropped = await rig.events.wait('link:state', stateOf(id, 'backoff'));
    expect(dropped.reason).toMatch(/connection lost|closed|reset/i);

    // The router is still down: the retry fails and the link goes back to backoff (not "failed",
    // which would stop reconnecting and leave the user with a dead workspace).
    const again = await s.handlers['link:connect']({ id });
    expect(again.status).toBe('backoff');
    expect(again.errorCode).toBe('NETWORK');
    expect(again.nextAttemptAt).toBeGreaterThan(Date.now());

    await router.start();
    const online = await s.handlers['link:connect']({ id });
    expect(online.status).toBe('online');
  });

  it('a reserved control byte (0xF8) puts the link into the framing error state', async () => {
    const router = await sim();
    const s = await start({ timings: { ...FAST, backoffStartMs: 500, backoffCapMs: 500 } });
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    router.faults.controlByteAfterSentences = 6;
    const ref = await s.handlers['console:send']({ connectionId: id, words: ['/system/identity/print'] });
    const st = await rig.events.wait('link:state', stateOf(id, 'backoff'));
    expect(st.errorCode).toBe('FRAMING');
    expect(st.reason).toMatch(/cannot be read/);
    // The command was on the wire when the connection died: it may have run, like any drop
    // (issue 11 item D: it was reported "failed").
    const end = await rig.events.wait('console:end', (e) => e.commandId === ref.commandId, 5000, true);
    expect(end).toMatchObject({ outcome: 'outcome-unknown', error: { code: 'OUTCOME_UNKNOWN' } });
    expect(end.error?.message).toMatch(/cannot be read.*may or may not have run/);
    expect((await s.handlers['console:history']({ connectionId: id })).at(-1)).toMatchObject({ outcome: 'outcome-unknown' });
    router.faults.controlByteAfterSentences = undefined;
    await rig.events.wait('link:state', stateOf(id, 'online'), 15_000);
  });

  it('tls-pinned: trust on first use, then a changed certificate is refused loudly', async () => {
    const router = await sim({ port: null, tlsCertPort: 0 });
    const s = await start();
    const c = await s.handlers['connections:save']({
      input: {
        name: 'TLS',
        host: '127.0.0.1',
        port: router.tlsCertPort!,
        transport: 'tls-pinned',
        user: 'admin',
        password: 'pw',
      },
    });
    const first = await s.handlers['link:connect']({ id: c.id });
    expect(first).toMatchObject({
      status: 'failed',
      errorCode: 'TLS_UNTRUSTED',
      presentedFingerprint256: router.certificate!.fingerprint256,
    });
    // Nothing was sent over the probe: no login in the trace (only the link events).
    const probed = (await s.handlers['trace:get']({ connectionId: c.id })).entries;
    expect(probed.filter((e) => e.direction !== 'note')).toHaveLength(0);
    expect(probed.map((e) => e.words[0])).toEqual(['link connecting', 'link failed']);
    await s.handlers['connections:trust']({ id: c.id, fingerprint256: first.presentedFingerprint256! });
    const ok = await s.handlers['link:connect']({ id: c.id });
    expect(ok).toMatchObject({ status: 'online', encrypted: true, authenticated: true });
    await s.handlers['link:disconnect']({ id: c.id });
    await s.handlers['connections:trust']({ id: c.id, fingerprint256: '00'.repeat(32) });
    const changed = await s.handlers['link:connect']({ id: c.id });
    expect(changed).toMatchObject({
      status: 'failed',
      errorCode: 'TLS_UNTRUSTED',
      presentedFingerprint256: router.certificate!.fingerprint256,
    });
    expect(changed.reason).toMatch(/CHANGED/);
  });

  it('tls-verify against a self-signed certificate fails with TLS and a hint', async () => {
    const router = await sim({ port: null, tlsCertPort: 0 });
    const s = await start();
    const c = await s.handlers['connections:save']({
      input: { name: 'V', host: '127.0.0.1', port: router.tlsCertPort!, transport: 'tls-verify', user: 'admin', password: 'pw' },
    });
    const st = await s.handlers['link:connect']({ id: c.id });
    expect(st).toMatchObject({ status: 'failed', errorCode: 'TLS' });
    expect(st.reason).toMatch(/certificate/i);
  });

  it('disconnect while logging in closes the socket and stays offline', async () => {
    const router = await sim({ faults: { stallAfterSentences: 0 } });
    const s = await start();
    const id = await save(s, router);
    const attempt = s.handlers['link:connect']({ id });
    await rig.events.wait('link:state', stateOf(id, 'connecting'), 5000, true);
    await s.handlers['link:disconnect']({ id });
    expect((await attempt).status).toBe('offline');
    await rig.events.wait('link:state', stateOf(id, 'offline'), 5000, true);
    expect(rig.events.linkStates(id).at(-1)).toBe('offline');
  });

  it('tls-anonymous: encrypted but not authenticated', async () => {
    const router = await sim({ port: null, tlsPort: 0 });
    const s = await start();
    const c = await s.handlers['connections:save']({
      input: { name: 'ADH', host: '127.0.0.1', port: router.tlsPort!, transport: 'tls-anonymous', user: 'admin', password: 'pw' },
    });
    expect(await s.handlers['link:connect']({ id: c.id })).toMatchObject({
      status: 'online',
      encrypted: true,
      authenticated: false,
    });
  });

  it('the Demo router starts the simulator on connect and stops it on disconnect', async () => {
    const s = await start({ demoRouter: undefined });
    const demo = (await s.handlers['connections:list']({})).connections.find((c) => c.demo)!;
    const st = await s.handlers['link:connect']({ id: demo.id });
    expect(st).toMatchObject({ status: 'online', router: { identity: 'Tikscope Demo' } });
    await s.handlers['link:disconnect']({ id: demo.id });
    // Connecting again starts a fresh simulator (the old one is gone).
    expect((await s.handlers['link:connect']({ id: demo.id })).status).toBe('online');
  });

  it('dispose quits every link within the deadline', async () => {
    const routers = await Promise.all([sim(), sim()]);
    const s = await start();
    const ids = [await save(s, routers[0]!, 'A'), await save(s, routers[1]!, 'B')];
    for (const id of ids) await s.handlers['link:connect']({ id });
    await s.handlers['table:start']({ connectionId: ids[0]!, path: '/interface' });
    routers[1]!.faults.stall = true; // one router does not answer /quit
    const t0 = performance.now();
    await s.dispose();
    expect(performance.now() - t0).toBeLessThan(3000);
    rig.disposed();
    expect(routers[0]!.sessions()).toHaveLength(0);
  });
});

describe('console', () => {
  it('sends, streams replies in batches, ends after the last reply', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    // (Trailing empty lines are dropped by the bridge schema: app-main/test/bridge/dispatch.test.ts.)
    const ref = await s.handlers['console:send']({ connectionId: id, words: ['/interface/print', '?type=ether'] });
    expect(ref.tag).toMatch(/^t\d+$/);
    const end = await rig.events.wait('console:end', (e) => e.commandId === ref.commandId);
    const replies = rig.events
      .of('console:replies')
      .flat()
      .filter((r) => r.commandId === ref.commandId);
    const ether = [...router.menu('interface').items()].filter((i) => i.get('type') === 'ether').length;
    expect(end).toMatchObject({ outcome: 'done', rows: ether });
    expect(replies.map((r) => r.kind)).toEqual([...Array(ether).fill('!re'), '!done']);
    expect(replies.every((r, i) => i === 0 || r.elapsedMs >= replies[i - 1]!.elapsedMs)).toBe(true);
    // console:end came after the batch with the !done.
    const order = rig.events.events.filter(
      (e) =>
        (e.event === 'console:end' && e.payload.commandId === ref.commandId) ||
        (e.event === 'console:replies' && e.payload.some((r) => r.commandId === ref.commandId && r.kind === '!done')),
    );
    expect(order.map((e) => e.event)).toEqual(['console:replies', 'console:end']);
  });

  it('a command whose !done came while the /cancel was on its way is done, not cancelled', async () => {
    // Replies 100 ms late: the add has run and its !done is on its way when the cancel is sent.
    const router = await sim({ faults: { latencyMs: 100 } });
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const ref = await s.handlers['console:send']({
      connectionId: id,
      words: ['/ip/address/add', '=address=192.0.2.7/24', '=interface=ether1'],
    });
    await s.handlers['console:cancel']({ commandId: ref.commandId });
    const end = await rig.events.wait('console:end', (e) => e.commandId === ref.commandId, 5000, true);
    // The =ret= came back: the address exists (issue 11 item 5: this was reported "cancelled").
    expect(end.outcome).toBe('done');
    expect(
      rig.events
        .of('console:replies')
        .flat()
        .find((r) => r.commandId === ref.commandId && r.kind === '!done')?.words,
    ).toContainEqual(expect.stringMatching(/^=ret=\*/));
    expect([...router.menu('ip/address').items()].some((i) => i.get('address') === '192.0.2.7/24')).toBe(true);
    const history = await s.handlers['console:history']({ connectionId: id });
    expect(history.at(-1)).toMatchObject({ outcome: 'done' });
  });

  it('a cancel the router never confirms resolves and ends the command "cancel unconfirmed"', async () => {
    const router = await sim();
    const s = await start({ timings: { ...FAST, cancelTimeoutMs: 200 } });
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const ref = await s.handlers['console:send']({ connectionId: id, words: ['/interface/listen'] });
    router.faults.stall = true;
    // console:cancel resolves (issue 11 item 4: it waited for the victim's !done forever).
    await s.handlers['console:cancel']({ commandId: ref.commandId });
    const end = await rig.events.wait('console:end', (e) => e.commandId === ref.commandId, 5000, true);
    expect(end.outcome).toBe('cancel-unconfirmed');
    expect(end.error).toMatchObject({ code: 'CANCELLED', detail: { confirmed: false, timeoutMs: 200 } });
    expect(end.error?.message).toMatch(/^cancel unconfirmed: /);
    const history = await s.handlers['console:history']({ connectionId: id });
    expect(history.at(-1)).toMatchObject({ words: ['/interface/listen'], outcome: 'cancel-unconfirmed' });
    expect(rig.events.of('link:state').at(-1)!.status).toBe('online');
    // The trace marks it after the /cancel: a note of Tikscope's own, not wire bytes.
    const trace = (await s.handlers['trace:get']({ connectionId: id })).entries;
    const cancel = trace.findIndex(
      (e) => e.direction === 'out' && e.words[0] === '/cancel' && e.words.includes(`=tag=${ref.tag}`),
    );
    const note = trace.findIndex((e) => e.direction === 'note' && e.words[0] === 'cancel unconfirmed');
    expect(cancel).toBeGreaterThan(0);
    expect(note).toBeGreaterThan(cancel);
    expect(trace[note]).toMatchObject({ tag: ref.tag, words: ['cancel unconfirmed', `.tag=${ref.tag}`, '=timeout-ms=200'] });
    const text = await s.handlers['trace:export']({ connectionId: id, format: 'text' });
    expect(text.data).toContain(`--- cancel unconfirmed\n--- .tag=${ref.tag}\n--- =timeout-ms=200\n--- \n`);
    const jsonl = await s.handlers['trace:export']({ connectionId: id, format: 'jsonl' });
    const imported = await s.handlers['trace:import']({ fileName: 'x.jsonl', content: jsonl.data });
    expect(imported.entries.filter((e) => e.direction === 'note' && e.words[0] === 'cancel unconfirmed')).toHaveLength(1);
    // A capture holds wire bytes only.
    const pcap = await s.handlers['trace:export']({ connectionId: id, format: 'pcapng' });
    const bytes = Buffer.from(pcap.data, 'base64').toString('latin1');
    expect(bytes).toContain('/cancel');
    expect(bytes).not.toContain('cancel unconfirmed');
  });

  it('table:stop resolves when the router never confirms the cancel', async () => {
    const router = await sim();
    const s = await start({ timings: { ...FAST, cancelTimeoutMs: 200 } });
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/interface' });
    await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'live');
    router.faults.stall = true;
    const t0 = performance.now();
    await s.handlers['table:stop']({ tableId });
    // Within the cancel deadline (200 ms), not the command time-out (3 s here, 15 s by default),
    // which bounded it before only because the /cancel itself timed out.
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(
      rig.events
        .of('table:patch')
        .filter((p) => p.tableId === tableId)
        .at(-1)!.status,
    ).toBe('stopped');
  });

  it('honours a .tag= the user typed, reports traps, refuses empty words', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const ref = await s.handlers['console:send']({ connectionId: id, words: ['/interface/print', '.tag=mine'] });
    expect(ref.tag).toBe('mine');
    await rig.events.wait('console:end', (e) => e.commandId === ref.commandId);
    const bad = await s.handlers['console:send']({ connectionId: id, words: ['/interface/set', '=.id=nope', '=mtu=1400'] });
    const end = await rig.events.wait('console:end', (e) => e.commandId === bad.commandId);
    expect(end.outcome).toBe('trap');
    expect(end.error?.code).toBe('TRAP');
    expect(
      rig.events
        .of('console:replies')
        .flat()
        .some((r) => r.commandId === bad.commandId && r.kind === '!trap'),
    ).toBe(true);
    const f = await callFailure(s, 'console:send', { connectionId: id, words: ['/interface/print', '', '=x=y'] });
    expect(f).toMatchObject({
      code: 'VALIDATION',
      detail: { field: 'words[1]' },
      message: 'Word 2 of the sentence is empty; an empty word would end the sentence.',
      hint: 'Remove the empty line.',
    });
    expect(await callFailure(s, 'console:send', { connectionId: id, words: [] })).toMatchObject({
      code: 'VALIDATION',
      message: 'The sentence is empty.',
    });
    // Issue 11 (14): the one limit, in words a user understands.
    expect(await callFailure(s, 'console:send', { connectionId: id, words: ['/x', 'y'.repeat((1 << 20) + 1)] })).toMatchObject({
      message: 'Word 2 of the sentence is longer than 1 MiB.',
    });
  });

  it('cancels a running command on the router', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const ref = await s.handlers['console:send']({ connectionId: id, words: ['/interface/listen'] });
    await s.handlers['console:cancel']({ commandId: ref.commandId });
    expect((await rig.events.wait('console:end', (e) => e.commandId === ref.commandId, 5000, true)).outcome).toBe('cancelled');
    const out = (await s.handlers['trace:get']({ connectionId: id })).entries
      .filter((e) => e.direction === 'out')
      .map((e) => e.words);
    expect(out).toContainEqual(expect.arrayContaining(['/cancel', `=tag=${ref.tag}`]));
    expect(router.sessions()[0]!.running).toBe(0);
    expect((await failure(() => s.handlers['console:cancel']({ commandId: 'c999' }))).code).toBe('NOT_FOUND');
  });

  it('keeps a searchable, persisted, bounded history per router, without passwords', async () => {
    const router = await sim();
    const s = await start({ historyLimit: 5 });
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const sent: string[][] = [
      ['/system/identity/print'],
      ['/interface/print', '?type=ether'],
      ['/user/set', '=.id=admin', '=password=NewSecret1'],
      ['/ip/address/print'],
      ['/interface/print', '=.proplist=name'],
      ['/system/resource/print'],
    ];
    for (const words of sent) {
      const ref = await s.handlers['console:send']({ connectionId: id, words });
      await rig.events.wait('console:end', (e) => e.commandId === ref.commandId);
    }
    const all = await s.handlers['console:history']({ connectionId: id });
    expect(all).toHaveLength(5); // bounded: the oldest went
    expect(all[0]!.words).toEqual(['/system/resource/print']);
    expect(all.map((h) => h.outcome)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(all[3]!.words).toEqual(['/user/set', '=.id=admin', '=password=********']);
    expect((await s.handlers['console:history']({ connectionId: id, search: 'INTERFACE' })).map((h) => h.words[0])).toEqual([
      '/interface/print',
      '/interface/print',
    ]);
    expect(await s.handlers['console:history']({ connectionId: id, limit: 1 })).toHaveLength(1);
    await s.dispose();
    rig.disposed();
    const s2 = await start({ historyLimit: 5 });
    expect((await s2.handlers['console:history']({ connectionId: id })).map((h) => h.words[0])).toEqual(
      all.map((h) => h.words[0]),
    );
  });
});

describe('live tables', () => {
  function model(tableId: string): Map<string, Record<string, string>> {
    const rows = new Map<string, Record<string, string>>();
    for (const p of rig.events.of('table:patch').filter((x) => x.tableId === tableId)) {
      if (p.reset) rows.clear();
      for (const r of upsertsOf(p)) rows.set(r['.id']!, r);
      for (const id of p.removes) rows.delete(id);
      expect(p.total).toBe(rows.size);
    }
    return rows;
  }

  it('prints, then merges listen changes by .id; .dead removes', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/ip/address' });
    const live = await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'live');
    expect(live.columns).toEqual(expect.arrayContaining(['.id', 'address', 'interface']));
    const before = model(tableId).size;

    const added = rig.events.wait(
      'table:patch',
      (p) => p.tableId === tableId && upsertsOf(p).some((r) => r['address'] === '10.9.9.1/24'),
    );
    const ref = await s.handlers['console:send']({
      connectionId: id,
      words: ['/ip/address/add', '=address=10.9.9.1/24', '=interface=ether3'],
    });
    const addEnd = await rig.events.wait('console:end', (e) => e.commandId === ref.commandId);
    expect(addEnd.outcome).toBe('done');
    await added;
    const newId = [...model(tableId).values()].find((r) => r['address'] === '10.9.9.1/24')!['.id']!;

    const commented = rig.events.wait(
      'table:patch',
      (p) => p.tableId === tableId && upsertsOf(p).some((r) => r['.id'] === newId && r['comment'] === 'lab'),
    );
    await s.handlers['console:send']({ connectionId: id, words: ['/ip/address/set', `=.id=${newId}`, '=comment=lab'] });
    const patch = await commented;
    // The full row, not just the changed property.
    expect(upsertsOf(patch).find((r) => r['.id'] === newId)).toMatchObject({
      address: '10.9.9.1/24',
      interface: 'ether3',
      comment: 'lab',
    });

    const removed = rig.events.wait('table:patch', (p) => p.tableId === tableId && p.removes.includes(newId));
    await s.handlers['console:send']({ connectionId: id, words: ['/ip/address/remove', `=.id=${newId}`] });
    await removed;
    expect(model(tableId).size).toBe(before);
    const stopped = rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'stopped');
    await s.handlers['table:stop']({ tableId });
    await stopped;
    expect(router.sessions()[0]!.running).toBe(0); // /cancel reached the router
    expect(await s.handlers['table:stop']({ tableId })).toEqual({ tableId }); // idempotent
  });

  it('batches a churning menu to at most 10 patches per second and stays consistent', async () => {
    const router = await sim({ connections: 2000, churn: 40, activity: false });
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/ip/firewall/connection' });
    await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'live');
    // 40 connections replaced every 10 ms: about 8000 listen sentences per second.
    const churn = setInterval(() => router.tick(), 10);
    try {
      let n = 0;
      await rig.events.wait('table:patch', (p) => p.tableId === tableId && ++n >= 15, 10_000);
    } finally {
      clearInterval(churn);
    }
    const times = rig.events.events
      .filter((e) => e.event === 'table:patch' && (e.payload as TablePatch).tableId === tableId)
      .map((e) => e.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(95);
    const rates = rig.events
      .of('table:patch')
      .filter((p) => p.tableId === tableId)
      .map((p) => p.updatesPerSecond);
    expect(Math.max(...rates)).toBeGreaterThan(1000);
    // Once the churn stops, the rows the patches describe are exactly the router's table.
    const theirs = () =>
      [...router.menu('ip/firewall/connection').items()]
        .map((i) => i.id)
        .sort()
        .join();
    await rig.events.wait(
      'table:patch',
      (p) => p.tableId === tableId && [...model(tableId).keys()].sort().join() === theirs(),
      10_000,
      true,
    );
    const ours = model(tableId);
    const item = [...router.menu('ip/firewall/connection').items()][0]!;
    expect(ours.get(item.id)?.['dst-address']).toBe(item.get('dst-address'));
  });

  it('refuses bad table arguments by field', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const table = (args: unknown) => callFailure(s, 'table:start', args);
    const at = (field: string) => ({ channel: 'table:start', field });
    expect((await table({ connectionId: id, path: 'interface print' })).detail).toEqual(at('path'));
    expect((await table({ connectionId: id, path: '/interface/print' })).message).toMatch(/menu, not a command/);
    expect((await table({ connectionId: id, path: '/interface', query: ['type=ether'] })).detail).toEqual(at('query[0]'));
    expect((await table({ connectionId: id, path: '/interface', proplist: ['a,b'] })).detail).toEqual(at('proplist[0]'));
    expect((await failure(() => s.handlers['table:stop']({ tableId: 'nope' }))).code).toBe('NOT_FOUND');
  });

  it('a print answered !empty and never !done: cancelled after the time-out setting, "no final reply" (issue 11 item 2)', async () => {
    const router = await sim({ faults: { noDoneAfterEmpty: true } });
    const s = await start();
    await s.handlers['settings:set']({ tablePrintTimeoutSeconds: 1 });
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/ip/address', query: ['?comment=none'] });
    const p = await rig.events.wait('table:patch', (x) => x.tableId === tableId && x.status === 'error', 5_000);
    expect(p.error?.code).toBe('TIMEOUT');
    expect(p.error?.message).toMatch(/no final reply to \/ip\/address\/print within 1 s/);
    // Both commands were cancelled on the router: nothing is left running there.
    const trace = (await s.handlers['trace:get']({ connectionId: id })).entries;
    expect(trace.filter((e) => e.direction === 'out' && e.words[0] === '/cancel')).toHaveLength(2);
    await until(() => router.sessions()[0]!.running === 0, 5_000, 'the router to stop both commands');
    // Start is usable again.
    router.faults.noDoneAfterEmpty = false;
    const again = await s.handlers['table:start']({ connectionId: id, path: '/ip/address', query: ['?comment=none'] });
    const live = await rig.events.wait('table:patch', (x) => x.tableId === again.tableId && x.status === 'live');
    expect(live.total).toBe(0);
  });

  it('follow mode on an empty menu is live and empty at once (issue 11 item 3)', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const { tableId } = await s.handlers['table:start']({
      connectionId: id,
      path: '/ip/address',
      query: ['?comment=none'],
      mode: 'follow',
    });
    const live = await rig.events.wait('table:patch', (x) => x.tableId === tableId && x.status === 'live', 5_000);
    expect(live.total).toBe(0);
  });

  it('a menu that does not exist ends the table with status error', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/no/such/menu' });
    const p = await rig.events.wait('table:patch', (x) => x.tableId === tableId && x.status === 'error');
    expect(p.error?.code).toBe('TRAP');
  });
});

describe('trace events and exports over a live link', () => {
  it('pushes trace entries in batches of at most ~10 per second and exports what it holds', async () => {
    const router = await sim();
    const s = await start();
    const id = await save(s, router);
    await s.handlers['link:connect']({ id });
    for (let i = 0; i < 20; i++) {
      const ref = await s.handlers['console:send']({ connectionId: id, words: ['/system/identity/print'] });
      await rig.events.wait('console:end', (e) => e.commandId === ref.commandId);
    }
    await rig.events.wait('trace:entries', (b) => b.entries.some((e) => e.words[0] === '!done' && e.seq >= 60), 5000, true);
    const batches = rig.events.events.filter((e) => e.event === 'trace:entries');
    const gaps = batches.slice(1).map((b, i) => b.at - batches[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(95);
    const pushed = batches.flatMap((b) => (b.payload as { entries: { seq: number }[] }).entries.map((e) => e.seq));
    expect(pushed).toEqual([...pushed].sort((a, b) => a - b));
    const text = await s.handlers['trace:export']({ connectionId: id, format: 'text' });
    expect(text.data).toContain('<<< /system/identity/print\n');
    expect(text.data).toContain('<<< =password=********\n');
    expect(text.data).not.toContain('=password=pw');
    const jsonl = await s.handlers['trace:export']({ connectionId: id, format: 'jsonl' });
    const imported = await s.handlers['trace:import']({ fileName: jsonl.fileName, content: jsonl.data });
    expect(imported.connectionId).toMatch(/^import:\d+$/);
    expect(imported.entries.map((e) => e.words)).toEqual(
      (await s.handlers['trace:get']({ connectionId: id })).entries.map((e) => e.words).slice(0, imported.entries.length),
    );
    const pcap = await s.handlers['trace:export']({ connectionId: imported.connectionId, format: 'pcapng' });
    expect(Buffer.from(pcap.data, 'base64').readUInt32LE(0)).toBe(0x0a0d0d0a);
    await s.handlers['trace:clear']({ connectionId: id });
    expect((await s.handlers['trace:get']({ connectionId: id })).entries).toHaveLength(0);
    expect((await failure(() => s.handlers['trace:get']({ connectionId: 'import:999' }))).code).toBe('NOT_FOUND');
  });
});
