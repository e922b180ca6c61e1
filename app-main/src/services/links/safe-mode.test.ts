/**
 * Safe mode on a link's session (`link:safe-mode`, docs/ui.md "Safe mode") against the simulator:
 * take → console add → unroll / release / the link drops; refused before RouterOS 7.18; another
 * session holding it.
 */
import { describe, expect, it } from 'vitest';
import { connect } from '../../../../protocol/node/connect';
import type { Simulator } from '../../../../simulator/src/index';
import type { Services } from '../index';
import { callFailure, FAST_TIMINGS, servicesRig } from '../test-support/helpers';
import { safeModeSupported, safeModeUnsupportedReason, safeModeWords } from './safe-mode';

const rig = servicesRig({ services: { timings: { ...FAST_TIMINGS, heartbeatIntervalMs: 0 }, random: () => 0.5 } });

async function online(router: Simulator): Promise<{ s: Services; id: string }> {
  const s = await rig.start();
  const c = await s.handlers['connections:save']({
    input: { name: 'R1', host: '127.0.0.1', port: router.port!, transport: 'plain', user: 'admin', password: '' },
  });
  const state = await s.handlers['link:connect']({ id: c.id });
  expect(state.status).toBe('online');
  return { s, id: c.id };
}

/** Runs a console command and waits for its end (the console is where the user's writes run). */
async function consoleRun(s: Services, id: string, words: string[]): Promise<void> {
  const ended = rig.events.wait('console:end', (e) => e.connectionId === id);
  const { commandId } = await s.handlers['console:send']({ connectionId: id, words });
  const end = await ended;
  expect(end.commandId).toBe(commandId);
  expect(end.outcome).toBe('done');
}

const ADD = ['/ip/address/add', '=address=10.99.0.1/24', '=interface=ether2'];
const addresses = (router: Simulator) => [...router.menu('ip/address').items()].map((i) => i.get('address'));

describe('safe mode version rule', () => {
  it('is there from 7.18, not before, and not when the version is unknown', () => {
    expect(['7.18', '7.18.2', '7.20 (stable)', '7.22.3', '8.0'].map(safeModeSupported)).toEqual([true, true, true, true, true]);
    expect(['7.17.2', '7.1', '6.49.10', '', 'x'].map(safeModeSupported)).toEqual([false, false, false, false, false]);
    expect(safeModeUnsupportedReason('7.16.2')).toBe('RouterOS 7.16.2 has no /safe-mode command; it came in RouterOS 7.18');
    expect(safeModeUnsupportedReason(undefined)).toMatch(/not known/);
    expect(safeModeWords('take', 'unroll')).toEqual(['/safe-mode/take', '=on-error=unroll']);
    expect(safeModeWords('release')).toEqual(['/safe-mode/release']);
  });
});

describe('link:safe-mode', () => {
  it('take → add from the console → unroll: the address is gone, the state says on then off', async () => {
    const router = await rig.sim({ rosVersion: '7.20' });
    const { s, id } = await online(router);
    const on = await s.handlers['link:safe-mode']({ id, action: 'take' });
    expect(on.safeMode).toMatchObject({ status: 'on' });
    expect(rig.events.of('link:state').at(-1)!.safeMode?.status).toBe('on');
    await consoleRun(s, id, ADD);
    expect(addresses(router)).toContain('10.99.0.1/24');
    const off = await s.handlers['link:safe-mode']({ id, action: 'unroll' });
    expect(off.safeMode).toBeUndefined();
    expect(addresses(router)).not.toContain('10.99.0.1/24');
    // The sentences are on the link's trace like any other.
    const words = (await s.handlers['trace:get']({ connectionId: id })).entries.map((e) => e.words[0]);
    expect(words).toEqual(expect.arrayContaining(['/safe-mode/take', '/ip/address/add', '/safe-mode/unroll']));
  });

  it('take → add → release: the address is kept after a disconnect', async () => {
    const router = await rig.sim({ rosVersion: '7.18' });
    const { s, id } = await online(router);
    await s.handlers['link:safe-mode']({ id, action: 'take' });
    await consoleRun(s, id, ADD);
    expect((await s.handlers['link:safe-mode']({ id, action: 'release' })).safeMode).toBeUndefined();
    const closed = new Promise<void>((r) => router.on('session-closed', () => r()));
    const off = await s.handlers['link:disconnect']({ id });
    expect(off.safeMode).toBeUndefined();
    await closed;
    expect(addresses(router)).toContain('10.99.0.1/24');
  });

  it('take → add → the link drops: the state says lost, the router undid the change; dismiss clears it', async () => {
    const router = await rig.sim({ rosVersion: '7.18' });
    const { s, id } = await online(router);
    await s.handlers['link:safe-mode']({ id, action: 'take' });
    await consoleRun(s, id, ADD);
    const lost = rig.events.wait('link:state', (p) => p.connectionId === id && p.safeMode?.status === 'lost');
    router.dropConnections();
    const state = await lost;
    expect(state.status).not.toBe('online');
    expect(state.safeMode?.reason).toBeTruthy();
    // The reconnect does not bring safe mode back: the notice stays until dismissed.
    const back = await rig.events.wait('link:state', (p) => p.connectionId === id && p.status === 'online');
    expect(back.safeMode?.status).toBe('lost');
    expect(addresses(router)).not.toContain('10.99.0.1/24');
    expect((await s.handlers['link:safe-mode']({ id, action: 'dismiss' })).safeMode).toBeUndefined();
  });

  it('a disconnect on purpose while on also says lost (the router undoes the changes)', async () => {
    const router = await rig.sim({ rosVersion: '7.18' });
    const { s, id } = await online(router);
    await s.handlers['link:safe-mode']({ id, action: 'take' });
    await consoleRun(s, id, ADD);
    const closed = new Promise<void>((r) => router.on('session-closed', () => r()));
    const off = await s.handlers['link:disconnect']({ id });
    expect(off).toMatchObject({ status: 'offline', safeMode: { status: 'lost' } });
    await closed;
    expect(addresses(router)).not.toContain('10.99.0.1/24');
  });

  it('is refused before RouterOS 7.18 with the reason, and nothing is sent', async () => {
    const router = await rig.sim({ rosVersion: '7.16.2' });
    const { s, id } = await online(router);
    const e = await callFailure(s, 'link:safe-mode', { id, action: 'take' });
    expect(e.message).toBe(
      'Safe mode is not available: RouterOS 7.16.2 (stable) has no /safe-mode command; it came in RouterOS 7.18.',
    );
    const words = (await s.handlers['trace:get']({ connectionId: id })).entries.map((x) => x.words[0]);
    expect(words).not.toContain('/safe-mode/take');
  });

  it('another session holding it: take fails with the router’s message; takeOver=unroll undoes its changes', async () => {
    const router = await rig.sim({ rosVersion: '7.20' });
    const { s, id } = await online(router);
    const other = await connect({ host: '127.0.0.1', port: router.port!, user: 'admin', password: '' });
    try {
      await other.session.command(['/safe-mode/take']);
      await other.session.command(ADD);
      const e = await callFailure(s, 'link:safe-mode', { id, action: 'take' });
      expect(e.code).toBe('TRAP');
      expect(e.message).toMatch(/held by another session/);
      const on = await s.handlers['link:safe-mode']({ id, action: 'take', takeOver: 'unroll' });
      expect(on.safeMode?.status).toBe('on');
      expect(addresses(router)).not.toContain('10.99.0.1/24');
    } finally {
      other.session.close();
      other.transport.destroy();
    }
  });

  it('refuses bad arguments at the gate and when offline', async () => {
    const router = await rig.sim({ rosVersion: '7.20' });
    const { s, id } = await online(router);
    expect((await callFailure(s, 'link:safe-mode', { id, action: 'commit' })).message).toMatch(/take, release, unroll, dismiss/);
    expect((await callFailure(s, 'link:safe-mode', { id, action: 'release', takeOver: 'unroll' })).message).toMatch(
      /only for take/,
    );
    await s.handlers['link:disconnect']({ id });
    expect((await callFailure(s, 'link:safe-mode', { id, action: 'take' })).code).toBe('NOT_CONNECTED');
  });
});
