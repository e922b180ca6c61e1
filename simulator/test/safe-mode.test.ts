/**
 * `/safe-mode` (RouterOS 7.18+; docs/simulator.md "Safe mode"): changes made while a session holds
 * safe mode are undone on `unroll` or when that session ends without `release`; `release` keeps
 * them; another session's `take` fails unless `on-error` says what to do with the holder's changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TrapError } from '../../protocol/src/index';
import type { Simulator } from '../src/index';
import { SAFE_MODE_MAX_CHANGES } from '../src/safe-mode';
import { Resources, login, sim, within } from './helpers';

const res = new Resources();
afterEach(() => res.run());

function addresses(s: Simulator): string[] {
  return [...s.menu('ip/address').items()].map((i) => i.get('address')!);
}

/** Resolves when the simulator has handled the end of a session (its close handler ran). */
function sessionClosed(s: Simulator): Promise<void> {
  return new Promise((resolve) => {
    const off = s.on('session-closed', () => {
      off();
      resolve();
    });
  });
}

const ADD = ['/ip/address/add', '=address=10.99.0.1/24', '=interface=ether2'];

describe('/safe-mode', () => {
  it('take → add → unroll: the address is gone, and safe mode is left', async () => {
    const s = await sim(res, { rosVersion: '7.18' });
    const { session } = await login(res, s);
    await session.command(['/safe-mode/take']);
    await session.command(ADD);
    expect(addresses(s)).toContain('10.99.0.1/24');
    await session.command(['/safe-mode/unroll']);
    expect(addresses(s)).not.toContain('10.99.0.1/24');
    expect((await session.command(['/safe-mode/print'])).rows[0]).toMatchObject({ enabled: 'false', current: 'false' });
  });

  it('take → add → the session drops: the address is gone', async () => {
    const s = await sim(res, { rosVersion: '7.22' });
    const { session, transport } = await login(res, s);
    await session.command(['/safe-mode/take']);
    await session.command(ADD);
    expect(addresses(s)).toContain('10.99.0.1/24');
    const closed = sessionClosed(s);
    transport.destroy();
    await within(closed, 5000, 'the simulator to see the session end');
    expect(addresses(s)).not.toContain('10.99.0.1/24');
  });

  it('take → add → release → the session drops: the address is kept', async () => {
    const s = await sim(res, { rosVersion: '7.18' });
    const { session, transport } = await login(res, s);
    await session.command(['/safe-mode/take']);
    await session.command(ADD);
    await session.command(['/safe-mode/release']);
    const closed = sessionClosed(s);
    transport.destroy();
    await within(closed, 5000, 'the simulator to see the session end');
    expect(addresses(s)).toContain('10.99.0.1/24');
  });

  it('undoes set, disable and remove too, newest first, and not changes made before take', async () => {
    const s = await sim(res, { rosVersion: '7.20' });
    const { session } = await login(res, s);
    await session.command(['/ip/address/add', '=address=10.98.0.1/24', '=interface=ether3']);
    const before = [...s.menu('ip/address').items()].map((i) => ({ ...i.values }));
    await session.command(['/safe-mode/take']);
    await session.command(['/system/identity/set', '=name=changed']);
    await session.command(['/interface/disable', '=.id=ether5']);
    const id = (await session.command(['/ip/address/add', '=address=10.99.0.1/24', '=interface=ether2'])).done.attributes['ret']!;
    await session.command(['/ip/address/set', `=.id=${id}`, '=comment=x']);
    const defconf = [...s.menu('ip/address').items()].find((i) => i.get('comment') === 'defconf')!;
    await session.command(['/ip/address/remove', `=.id=${defconf.id}`]);
    await session.command(['/safe-mode/unroll']);
    expect(s.menu('system/identity').first()!.get('name')).toBe('MikroTik');
    expect(s.menu('interface').findByName('ether5')!.get('disabled')).toBe('false');
    const after = [...s.menu('ip/address').items()].map((i) => ({ ...i.values }));
    expect(new Set(after.map((r) => r['address']))).toEqual(new Set(before.map((r) => r['address'])));
    expect(after.find((r) => r['address'] === '192.168.88.1/24')).toMatchObject({ comment: 'defconf', interface: 'bridge1' });
  });

  it('records changes made from another session while it is held (the manual: "also from other login sessions")', async () => {
    const s = await sim(res, { rosVersion: '7.18' });
    const a = await login(res, s);
    const b = await login(res, s);
    await a.session.command(['/safe-mode/take']);
    await b.session.command(ADD);
    await a.session.command(['/safe-mode/unroll']);
    expect(addresses(s)).not.toContain('10.99.0.1/24');
  });

  it('another session taking it: refused by default; on-error=release keeps, on-error=unroll undoes the holder’s changes', async () => {
    const s = await sim(res, { rosVersion: '7.18' });
    const a = await login(res, s);
    const b = await login(res, s);
    await a.session.command(['/safe-mode/take']);
    await a.session.command(ADD);
    const refused = await b.session.command(['/safe-mode/take']).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TrapError);
    expect((refused as TrapError).message).toMatch(/held by another session \(user admin\)/);
    expect((await b.session.command(['/safe-mode/print'])).rows[0]).toMatchObject({ enabled: 'true', current: 'false' });

    await b.session.command(['/safe-mode/take', '=on-error=release']);
    expect((await b.session.command(['/safe-mode/print'])).rows[0]).toMatchObject({ enabled: 'true', current: 'true' });
    expect(addresses(s)).toContain('10.99.0.1/24');
    // The first holder's session ending no longer undoes anything: it holds nothing now.
    const closed = sessionClosed(s);
    a.transport.destroy();
    await within(closed, 5000, 'the first session to end');
    expect(addresses(s)).toContain('10.99.0.1/24');

    await b.session.command(['/ip/address/add', '=address=10.97.0.1/24', '=interface=ether2']);
    const c = await login(res, s);
    await c.session.command(['/safe-mode/take', '=on-error=unroll']);
    expect(addresses(s)).not.toContain('10.97.0.1/24');
    expect(addresses(s)).toContain('10.99.0.1/24');
  });

  it(`ends without undoing anything past ${SAFE_MODE_MAX_CHANGES} changes`, async () => {
    const s = await sim(res, { rosVersion: '7.18' });
    const { session } = await login(res, s);
    await session.command(['/safe-mode/take']);
    for (let i = 0; i <= SAFE_MODE_MAX_CHANGES; i++) await session.command(['/system/identity/set', `=name=r${i}`]);
    expect((await session.command(['/safe-mode/print'])).rows[0]).toMatchObject({ enabled: 'false' });
    await session.command(['/safe-mode/unroll']);
    expect(s.menu('system/identity').first()!.get('name')).toBe(`r${SAFE_MODE_MAX_CHANGES}`);
  });

  it('before 7.18 there is no such command', async () => {
    const s = await sim(res, { rosVersion: '7.17' });
    const { session } = await login(res, s);
    await expect(session.command(['/safe-mode/take'])).rejects.toThrow('no such command');
  });
});
