/**
 * RouterOS version quirks (protocol.md §5.3, §6): which login forms are accepted, `!empty` from
 * 7.18, booleans, the version the router reports.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LoginError, challengeResponse } from '../../protocol/src/index';
import { Resources, RawClient, login, shape, sim } from './helpers';

const res = new Resources();
afterEach(() => res.run());

/** Sends a bare /login, answers the challenge with MD5, returns the final reply's words. */
async function challengeLogin(c: RawClient, user: string, password: string): Promise<string[]> {
  c.send(['/login']);
  const challenge = await c.next();
  expect(challenge.type).toBe('!done');
  const ret = challenge.attributes['ret']!;
  expect(ret).toMatch(/^[0-9a-f]{32}$/);
  c.send(['/login', `=name=${user}`, `=response=${challengeResponse(password, ret)}`]);
  return (await c.untilDone()).flatMap((r) => r.texts());
}

describe('login by version', () => {
  it('6.40: MD5 challenge only; plain arguments are ignored and answered with a challenge', async () => {
    const s = await sim(res, { rosVersion: '6.40', password: 'pw' });
    const c = await RawClient.open(s.port!);
    res.add(() => c.close());
    c.send(['/login', '=name=admin', '=password=pw']);
    const first = await c.next();
    expect(first.type).toBe('!done');
    expect(first.attributes['ret']).toMatch(/^[0-9a-f]{32}$/);
    c.send(['/system/identity/print']);
    expect((await c.untilDone()).map((r) => r.texts()[1])).toEqual(['=message=not logged in', undefined]);
    expect(await challengeLogin(c, 'admin', 'wrong')).toEqual(['!trap', '=message=cannot log in', '!done']);
    expect(await challengeLogin(c, 'admin', 'pw')).toEqual(['!done']);
    // The engine's plain-first detection falls back to the challenge form.
    const { loginMethod } = await login(res, s, { password: 'pw' });
    expect(loginMethod).toBe('challenge');
    await expect(login(res, s, { password: 'pw', loginMethod: 'plain' })).rejects.toBeInstanceOf(LoginError);
    await expect(login(res, s, { password: 'nope' })).rejects.toThrow('cannot log in');
  });

  it('6.44: both forms', async () => {
    const s = await sim(res, { rosVersion: '6.44', password: 'pw' });
    expect((await login(res, s, { password: 'pw' })).loginMethod).toBe('plain');
    expect((await login(res, s, { password: 'pw', loginMethod: 'challenge' })).loginMethod).toBe('challenge');
    await expect(login(res, s, { password: 'nope' })).rejects.toThrow('invalid user name or password (6)');
  });

  it('6.45.1 and 7.x: plain only; a bare /login still gets a challenge that is never accepted', async () => {
    for (const rosVersion of ['6.45.1', '7.20']) {
      const s = await sim(res, { rosVersion, password: 'pw' });
      expect((await login(res, s, { password: 'pw' })).loginMethod).toBe('plain');
      await expect(login(res, s, { password: 'pw', loginMethod: 'challenge' })).rejects.toThrow(
        'invalid user name or password (6)',
      );
      const c = await RawClient.open(s.port!);
      res.add(() => c.close());
      expect(await challengeLogin(c, 'admin', 'pw')).toEqual(['!trap', '=message=invalid user name or password (6)', '!done']);
    }
  });

  it('6.45.0 still takes the challenge (the last version before it was removed)', async () => {
    const s = await sim(res, { rosVersion: '6.45.0' });
    expect((await login(res, s, { loginMethod: 'challenge' })).loginMethod).toBe('challenge');
  });
});

describe('!empty and other version differences', () => {
  it('7.17 ends an empty print with !done alone; 7.18 with !empty then !done', async () => {
    for (const [rosVersion, expected] of [
      ['7.17', ['!done:e']],
      ['7.18', ['!empty:e', '!done:e']],
      ['7.20', ['!empty:e', '!done:e']],
      ['6.49.10', ['!done:e']],
    ] as const) {
      const s = await sim(res, { rosVersion });
      const c = await RawClient.loggedIn(res, s.port!);
      c.send(['/ip/address/print', '?comment=none such', '.tag=e']);
      expect({ rosVersion, got: (await c.untilDone('e')).map(shape) }).toEqual({ rosVersion, got: expected });
      // count-only returns something (=ret=0), so never !empty.
      c.send(['/ip/address/print', '?comment=none such', '=count-only=', '.tag=n']);
      const n = await c.untilDone('n');
      expect(n.map(shape)).toEqual(['!done:n']);
      expect(n[0]!.attributes['ret']).toBe('0');
    }
  });

  it('print =follow= with an empty dump answers !empty on 7.18+ and stays open; =follow-only= does not', async () => {
    for (const [rosVersion, expected] of [
      ['7.20', ['!empty:f']],
      ['7.17', []],
    ] as const) {
      const s = await sim(res, { rosVersion });
      const c = await RawClient.loggedIn(res, s.port!);
      c.send(['/ip/address/print', '=follow=', '?comment=none such', '.tag=f']);
      c.send(['/ip/address/print', '=follow-only=', '?comment=none such', '.tag=o']);
      c.send(['/system/identity/print', '.tag=i']);
      const got = (await c.untilDone('i')).map(shape).filter((x) => !x.endsWith(':i'));
      expect({ rosVersion, got }).toEqual({ rosVersion, got: expected });
      expect(s.sessions()[0]!.running).toBe(2);
    }
  });

  it('prints booleans as true/false on 7.x and yes/no on 6.x, accepting all four as input', async () => {
    const v7 = await sim(res, { rosVersion: '7.17' });
    const a = await login(res, v7);
    await a.session.command(['/interface/set', '=.id=ether3', '=disabled=yes']);
    expect((await a.session.command(['/interface/print', '?disabled=true', '=.proplist=name,disabled'])).rows).toEqual([
      { name: 'ether3', disabled: 'true' },
    ]);
    const v6 = await sim(res, { rosVersion: '6.48' });
    const b = await login(res, v6);
    await b.session.command(['/interface/set', '=.id=ether3', '=disabled=true']);
    expect((await b.session.command(['/interface/print', '?disabled=yes', '=.proplist=name,disabled'])).rows).toEqual([
      { name: 'ether3', disabled: 'yes' },
    ]);
  });

  it('reports the emulated version in /system/resource and /system/routerboard', async () => {
    const s = await sim(res, { rosVersion: '6.45.1' });
    const { session } = await login(res, s);
    expect((await session.command(['/system/resource/get', '=value-name=version'])).ret).toBe('6.45.1 (stable)');
    expect((await session.command(['/system/routerboard/get', '=value-name=current-firmware'])).ret).toBe('6.45.1');
    expect(s.version).toMatchObject({ major: 6, minor: 45, patch: 1 });
  });

  it('refuses a malformed version with an error naming it', async () => {
    await expect(sim(res, { rosVersion: '7' })).rejects.toThrow('RouterOS version "7" is not of the form X.Y or X.Y.Z');
    await expect(sim(res, { rosVersion: '12.1' })).rejects.toThrow('major version');
  });
});
