import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionInput } from '../../common/contract';
import { dispatch } from '../../bridge/dispatch';
import { createServices, KeychainUnavailableError, MemoryCredentialStore, type Services } from '../index';
import { callFailure, EventLog, failure, readAllFiles, tempDir } from '../test-support/helpers';

const input = (over: Partial<ConnectionInput> = {}): ConnectionInput => ({
  name: 'Core router',
  host: '192.0.2.10',
  port: 8729,
  transport: 'tls-anonymous',
  user: 'admin',
  group: 'Site A',
  notes: 'rack 3',
  ...over,
});

let tmp: ReturnType<typeof tempDir>;
let services: Services | undefined;
let events: EventLog;
let store: MemoryCredentialStore;

async function start(credentialStore = store, extra: Partial<Parameters<typeof createServices>[0]> = {}): Promise<Services> {
  services = await createServices({
    dataDir: tmp.dir,
    host: 'browser',
    appVersion: '1.2.3',
    credentialStore,
    now: () => Date.UTC(2026, 4, 1),
    ...extra,
  });
  services.subscribe(events.listener);
  return services;
}

/** A console history file for a connection, as HistoryStore writes it. */
function writeHistory(id: string): void {
  mkdirSync(join(tmp.dir, 'history'), { recursive: true });
  const entry = { id: 'h1', connectionId: id, words: ['/system/identity/print'], sentAt: '2026-05-01T00:00:00.000Z' };
  writeFileSync(join(tmp.dir, 'history', `${id}.json`), JSON.stringify({ version: 1, entries: [entry] }));
}

beforeEach(() => {
  tmp = tempDir();
  events = new EventLog();
  store = new MemoryCredentialStore();
});
afterEach(async () => {
  await services?.dispose();
  services = undefined;
  tmp.cleanup();
});

describe('saved connections', () => {
  it('first run holds the Demo router, in a versioned file', async () => {
    const s = await start();
    const snap = await s.handlers['connections:list']({});
    expect(snap.notices).toEqual([]);
    expect(snap.connections).toHaveLength(1);
    expect(snap.connections[0]).toMatchObject({ name: 'Demo router', demo: true, hasPassword: false, transport: 'plain' });
    const file = JSON.parse(readFileSync(join(tmp.dir, 'connections.json'), 'utf8')) as {
      version: number;
      connections: unknown[];
    };
    expect(file.version).toBe(1);
    expect(file.connections).toHaveLength(1);
  });

  it('saves, updates and lists connections; the password goes to the keychain only', async () => {
    const s = await start();
    const saved = await s.handlers['connections:save']({ input: input({ password: 'Sup3r-Secret!' }) });
    expect(saved).toMatchObject({
      name: 'Core router',
      host: '192.0.2.10',
      port: 8729,
      group: 'Site A',
      encoding: 'utf-8',
      hasPassword: true,
    });
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.items.get(saved.id)).toBe('Sup3r-Secret!');
    const changed = await events.wait('connections:changed', (p) => p.connections.length === 2, 2000, true);
    expect(changed.connections.map((c) => c.name)).toEqual(['Demo router', 'Core router']);

    // Through the bridge, which normalises the host.
    const updated = await dispatch(s.handlers, 'connections:save', {
      id: saved.id,
      input: input({ name: 'Core 2', host: 'Router.Example.NET' }),
    });
    expect(updated).toMatchObject({
      ok: true,
      value: { id: saved.id, name: 'Core 2', host: 'router.example.net', hasPassword: true },
    });
    expect(store.items.get(saved.id)).toBe('Sup3r-Secret!'); // undefined keeps it

    await s.handlers['connections:save']({ id: saved.id, input: input({ password: null }) });
    expect(store.items.has(saved.id)).toBe(false);
    await s.dispose();
    for (const f of readAllFiles(tmp.dir)) expect(f.content, f.path).not.toContain('Sup3r-Secret!');
  });

  it('refuses bad input with a message naming the field', async () => {
    const s = await start();
    const cases: [Partial<ConnectionInput> | Record<string, unknown>, string, RegExp][] = [
      [{ name: '  ' }, 'name', /^The name is required\.$/],
      [{ name: 'N'.repeat(101) }, 'name', /^The name is longer than 100 characters\.$/],
      [{ name: 'a\u0007b' }, 'name', /must not contain control characters/],
      [{ host: 'bad host' }, 'host', /^The host is not a valid host name/],
      [{ host: '300.1.1.1' }, 'host', /not a valid IPv4/],
      [{ host: 'http://x' }, 'host', /not a valid host/],
      [{ port: 0 }, 'port', /^The port must be between 1 and 65535\.$/],
      [{ port: 70000 }, 'port', /between 1 and 65535/],
      [{ port: 1.5 }, 'port', /whole number/],
      [{ transport: 'ssh' as never }, 'transport', /^The transport must be one of plain, tls-verify/],
      [{ user: '' }, 'user', /^The user name is required/],
      [{ fingerprint256: 'AB:CD' }, 'fingerprint256', /64 hex digits/],
      [{ fingerprint256: 'ab'.repeat(32) }, 'fingerprint256', /only applies to the tls-pinned transport/],
      [{ encoding: 'utf-16' as never }, 'encoding', /^The encoding must be one of utf-8, windows-1250, .*windows-1258/],
      [{ password: 'p'.repeat(1001) }, 'password', /^The password is longer than 1,000 characters\.$/],
      [{ password: 'a\u0000b' }, 'password', /NUL/],
      // A password or user the Encoding cannot spell could never log in; the password is not echoed.
      [
        { encoding: 'windows-1252', password: 'zażółć' },
        'password',
        /^The password has a character with no byte in windows-1252/,
      ],
      [
        { encoding: 'windows-1251', user: 'łukasz' },
        'user',
        /^The user name cannot be sent in windows-1251: character U\+0142 \(ł\) at index 0 has no byte in windows-1251/,
      ],
    ];
    for (const [over, field, message] of cases) {
      const f = await callFailure(s, 'connections:save', { input: input(over as Partial<ConnectionInput>) });
      expect(f.code, field).toBe('VALIDATION');
      expect(f.detail?.['field']).toBe(`input.${field}`);
      expect(f.message).toMatch(message);
    }
    // What the schema leaves is trimmed and normalised.
    const trimmed = await dispatch(s.handlers, 'connections:save', {
      input: input({ name: '  Edge  ', user: ' admin ', host: 'Router.Example.NET', fingerprint256: '' }),
    });
    expect(trimmed).toMatchObject({ ok: true, value: { name: 'Edge', user: 'admin', host: 'router.example.net' } });
    expect(trimmed.ok && trimmed.value).not.toHaveProperty('fingerprint256');
    // IPv6 with and without brackets.
    expect(await dispatch(s.handlers, 'connections:save', { input: input({ host: '[FE80::1]' }) })).toMatchObject({
      ok: true,
      value: { host: 'fe80::1' },
    });
    expect((await failure(() => s.handlers['connections:save']({ id: 'nope', input: input() }))).code).toBe('NOT_FOUND');
  });

  it('duplicates with a new name and its own copy of the password', async () => {
    const s = await start();
    const a = await s.handlers['connections:save']({ input: input({ password: 'pw-a' }) });
    const b = await s.handlers['connections:duplicate']({ id: a.id });
    const c = await s.handlers['connections:duplicate']({ id: a.id });
    expect(b).toMatchObject({ name: 'Core router (copy)', host: a.host, group: a.group, notes: a.notes, hasPassword: true });
    expect(c.name).toBe('Core router (copy 2)');
    expect(b.id).not.toBe(a.id);
    expect(store.items.get(b.id)).toBe('pw-a');
    // Independent secrets: removing one leaves the other.
    await s.handlers['connections:delete']({ id: a.id });
    expect(store.items.has(a.id)).toBe(false);
    expect(store.items.get(b.id)).toBe('pw-a');
  });

  // Issue 11 A: the copy number was cut off by the 100-character limit, so every candidate name
  // was the same and the search for a free one never ended (the main process froze).
  it('duplicates connections with long names: every copy name is unique and within 100 characters', async () => {
    const s = await start();
    const long = await s.handlers['connections:save']({ input: input({ name: 'N'.repeat(93) }) });
    const full = await s.handlers['connections:save']({ input: input({ name: 'M'.repeat(100) }) });
    const copies = [];
    for (let i = 0; i < 12; i++) copies.push(await s.handlers['connections:duplicate']({ id: long.id }));
    for (let i = 0; i < 3; i++) copies.push(await s.handlers['connections:duplicate']({ id: full.id }));
    const names = (await s.handlers['connections:list']({})).connections.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(100);
    expect(copies[0]!.name).toBe(`${'N'.repeat(93)} (copy)`);
    expect(copies[1]!.name).toBe(`${'N'.repeat(91)} (copy 2)`);
    expect(copies[11]!.name).toBe(`${'N'.repeat(90)} (copy 12)`);
    expect(copies[12]!.name).toBe(`${'M'.repeat(93)} (copy)`);
    // A copy of a copy stays within the limit too, and the store still loads after a restart.
    const again = await s.handlers['connections:duplicate']({ id: copies[11]!.id });
    expect(again.name.length).toBeLessThanOrEqual(100);
    await s.dispose();
    const s2 = await start();
    expect((await s2.handlers['connections:list']({})).notices).toEqual([]);
  });

  // Issue 11 B: both saves read the same entry, awaited, and the second wrote to index -1 of the
  // list: acknowledged, yet lost (40 of 40 tries).
  it('two saves of one connection that arrive together are both applied in order', async () => {
    const s = await start();
    const a = await s.handlers['connections:save']({ input: input({ transport: 'tls-pinned' }) });
    for (let i = 0; i < 5; i++) {
      const [first, second] = await Promise.all([
        s.handlers['connections:save']({ id: a.id, input: input({ transport: 'tls-pinned', notes: `first ${i}` }) }),
        s.handlers['connections:save']({ id: a.id, input: input({ transport: 'tls-pinned', notes: `second ${i}` }) }),
      ]);
      expect(first.notes).toBe(`first ${i}`);
      expect(second.notes).toBe(`second ${i}`);
      const listed = (await s.handlers['connections:list']({})).connections.filter((c) => c.id === a.id);
      expect(listed.map((c) => c.notes)).toEqual([`second ${i}`]);
    }
    // A save and a trust together: the pin and the new notes both stay.
    const fp = Array(32).fill('AB').join(':');
    await Promise.all([
      s.handlers['connections:save']({ id: a.id, input: input({ transport: 'tls-pinned', notes: 'with pin' }) }),
      s.handlers['connections:trust']({ id: a.id, fingerprint256: fp }),
    ]);
    const after = (await s.handlers['connections:list']({})).connections.find((c) => c.id === a.id);
    expect(after).toMatchObject({ notes: 'with pin', fingerprint256: Array(32).fill('AB').join(':') });
    await s.dispose();
    const file = JSON.parse(readFileSync(join(tmp.dir, 'connections.json'), 'utf8')) as {
      connections: { id: string; notes: string; fingerprint256?: string }[];
    };
    expect(file.connections.filter((c) => c.id === a.id)).toEqual([
      expect.objectContaining({ notes: 'with pin', fingerprint256: Array(32).fill('AB').join(':') }),
    ]);
  });

  it('deleting a connection removes its secret and its history file', async () => {
    const s = await start();
    const a = await s.handlers['connections:save']({ input: input({ password: 'pw' }) });
    await s.handlers['connections:delete']({ id: a.id });
    expect(store.items.size).toBe(0);
    expect((await s.handlers['connections:list']({})).connections.map((c) => c.id)).not.toContain(a.id);
    expect((await failure(() => s.handlers['connections:delete']({ id: a.id }))).code).toBe('NOT_FOUND');
  });

  it('Undo of a delete (connections:restore) brings back the connection, its keychain password and its history', async () => {
    const s = await start();
    const other = await s.handlers['connections:save']({ input: input({ name: 'Other' }) });
    const a = await s.handlers['connections:save']({ input: input({ password: 'pw-undo' }) });
    writeHistory(a.id);
    expect((await s.handlers['console:history']({ connectionId: a.id })).map((e) => e.id)).toEqual(['h1']);
    await s.handlers['connections:delete']({ id: a.id });
    // The delete is real at once: the keychain entry and the saved entry are gone.
    expect(store.items.has(a.id)).toBe(false);
    expect(readFileSync(join(tmp.dir, 'connections.json'), 'utf8')).not.toContain(a.id);
    const restored = await s.handlers['connections:restore']({ id: a.id });
    expect(restored).toMatchObject({ id: a.id, name: 'Core router', hasPassword: true });
    expect(store.items.get(a.id)).toBe('pw-undo');
    const list = (await s.handlers['connections:list']({})).connections;
    expect(list.map((c) => c.id)).toEqual([expect.any(String), other.id, a.id]);
    expect(readFileSync(join(tmp.dir, 'connections.json'), 'utf8')).toContain(a.id);
    expect(
      events
        .of('connections:changed')
        .at(-1)
        ?.connections.some((c) => c.id === a.id),
    ).toBe(true);
    expect((await s.handlers['console:history']({ connectionId: a.id })).map((e) => e.id)).toEqual(['h1']);
    // The password never crossed the bridge.
    expect(JSON.stringify(events.events)).not.toContain('pw-undo');
    // Once restored, there is nothing left to restore.
    expect((await failure(() => s.handlers['connections:restore']({ id: a.id }))).code).toBe('NOT_FOUND');
  });

  it('Undo restores a run-only password (no keychain) to memory, and is refused after the undo window', async () => {
    let clock = Date.UTC(2026, 4, 1);
    const s = await start(new MemoryCredentialStore(new KeychainUnavailableError('no-dbus', 'no bus')), { now: () => clock });
    const a = await s.handlers['connections:save']({ input: input({ password: 'run-pw' }) });
    expect(a.hasPassword).toBe(true);
    await s.handlers['connections:delete']({ id: a.id });
    expect((await s.handlers['connections:restore']({ id: a.id })).hasPassword).toBe(true);

    writeHistory(a.id);
    await s.handlers['connections:delete']({ id: a.id });
    clock += 15_001;
    const f = await failure(() => s.handlers['connections:restore']({ id: a.id }));
    expect(f.code).toBe('NOT_FOUND');
    expect(f.message).toMatch(/can no longer be restored/);
    // What Undo kept goes for good at the latest when the app quits: the history file too.
    await s.dispose();
    expect(existsSync(join(tmp.dir, 'history', `${a.id}.json`))).toBe(false);
  });

  it('pins a certificate only on tls-pinned connections; moving the host drops the pin', async () => {
    const s = await start();
    const plain = await s.handlers['connections:save']({ input: input({ transport: 'plain', port: 8728 }) });
    expect(
      (await failure(() => s.handlers['connections:trust']({ id: plain.id, fingerprint256: 'AA:'.repeat(31) + 'AA' }))).code,
    ).toBe('VALIDATION');
    const pinned = await s.handlers['connections:save']({ input: input({ transport: 'tls-pinned' }) });
    const trusted = await dispatch(s.handlers, 'connections:trust', { id: pinned.id, fingerprint256: 'ab'.repeat(32) });
    if (!trusted.ok) throw new Error(trusted.error.message);
    const pin = (trusted.value as { fingerprint256?: string }).fingerprint256;
    expect(pin).toBe(Array(32).fill('AB').join(':'));
    const same = await s.handlers['connections:save']({ id: pinned.id, input: input({ transport: 'tls-pinned', notes: 'x' }) });
    expect(same.fingerprint256).toBe(pin);
    const moved = await s.handlers['connections:save']({
      id: pinned.id,
      input: input({ transport: 'tls-pinned', host: '192.0.2.99' }),
    });
    expect(moved.fingerprint256).toBeUndefined();
  });

  it('survives a restart: same list, passwords still in the keychain', async () => {
    const s = await start();
    const a = await s.handlers['connections:save']({ input: input({ password: 'pw' }) });
    await s.dispose();
    const s2 = await start();
    const list = (await s2.handlers['connections:list']({})).connections;
    expect(list.map((c) => [c.name, c.hasPassword])).toEqual([
      ['Demo router', false],
      ['Core router', true],
    ]);
    expect(list[1]!.id).toBe(a.id);
  });

  it('saves the Encoding; files from before it (with the codePage fallback) still load', async () => {
    const old = (id: string, codePage?: string) => ({
      id,
      name: `R-${id}`,
      host: '192.0.2.1',
      port: 8728,
      transport: 'plain',
      user: 'admin',
      group: '',
      ...(codePage ? { codePage } : {}),
      notes: '',
      passwordInKeychain: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const file = join(tmp.dir, 'connections.json');
    const legacy = [
      old('a', 'windows-1252'),
      old('b', 'windows-1250'),
      old('c', 'windows-1251'),
      old('d', 'iso-8859-1'),
      old('e'),
    ];
    writeFileSync(file, JSON.stringify({ version: 1, connections: legacy }));
    const s = await start();
    const snap = await s.handlers['connections:list']({});
    expect(snap.notices).toEqual([]);
    // A router set to show windows-1250/1251 holds text in that page; the rest keep the default's look.
    expect(snap.connections.map((c) => [c.id, c.encoding])).toEqual([
      ['a', 'utf-8'],
      ['b', 'windows-1250'],
      ['c', 'windows-1251'],
      ['d', 'utf-8'],
      ['e', 'utf-8'],
    ]);
    const saved = await s.handlers['connections:save']({ input: input({ encoding: 'windows-1257', password: 'ąčę' }) });
    expect(saved.encoding).toBe('windows-1257');
    await s.dispose();
    services = undefined;
    const written = JSON.parse(readFileSync(file, 'utf8')) as { connections: Record<string, unknown>[] };
    expect(written.connections.map((c) => c['encoding'])).toEqual([
      'utf-8',
      'windows-1250',
      'windows-1251',
      'utf-8',
      'utf-8',
      'windows-1257',
    ]);
    expect(written.connections.some((c) => 'codePage' in c)).toBe(false);
  });

  it('moves a damaged file aside, reports it, never silently replaces it', async () => {
    const file = join(tmp.dir, 'connections.json');
    writeFileSync(file, '{"version":1,"connections":[{"id":"x"');
    const s = await start();
    const snap = await s.handlers['connections:list']({});
    expect(snap.notices).toHaveLength(1);
    expect(snap.notices[0]).toMatch(/could not be read .*kept as .*connections\.json\.damaged-/);
    // The app:notice went out before anyone subscribed; the snapshot carries the notice instead.
    const damaged = readdirSync(tmp.dir).filter((n) => n.startsWith('connections.json.damaged-'));
    expect(damaged).toHaveLength(1);
    expect(readFileSync(join(tmp.dir, damaged[0]!), 'utf8')).toBe('{"version":1,"connections":[{"id":"x"');
    expect(existsSync(file)).toBe(true); // a fresh file with the Demo router
  });

  it('emits app:notice for a damaged file to early subscribers', async () => {
    writeFileSync(join(tmp.dir, 'connections.json'), JSON.stringify({ version: 1, connections: [{ id: 'x', name: '' }] }));
    const seen: string[] = [];
    services = await createServices({
      dataDir: tmp.dir,
      host: 'browser',
      appVersion: '1',
      credentialStore: store,
      log: (level, m) => level === 'error' && seen.push(m),
    });
    expect(seen.some((m) => /saved connections file could not be read \(connections\.0\.name/.test(m))).toBe(true);
  });

  it('without a keychain: the password is kept for this run only, with a notice', async () => {
    const s = await start(
      new MemoryCredentialStore(new KeychainUnavailableError('no-secret-service', 'no Secret Service on the session bus')),
    );
    const a = await s.handlers['connections:save']({ input: input({ password: 'run-only-pw' }) });
    expect(a.hasPassword).toBe(true);
    const notice = await events.wait('app:notice', (n) => /kept for this run only/.test(n.message), 2000, true);
    expect(notice.level).toBe('warning');
    expect(notice.message).toMatch(/GNOME Keyring/);
    const info = await s.handlers['app:info']({});
    expect(info.keychain).toMatchObject({ available: false, reason: 'no-secret-service' });
    await s.dispose();
    for (const f of readAllFiles(tmp.dir)) expect(f.content, f.path).not.toContain('run-only-pw');
    // The next run does not know the password.
    const s2 = await start(new MemoryCredentialStore(new KeychainUnavailableError('no-secret-service', 'x')));
    expect((await s2.handlers['connections:list']({})).connections[1]!.hasPassword).toBe(false);
  });

  it('connecting a connection whose password is in a keychain that went away fails with KEYCHAIN_UNAVAILABLE', async () => {
    const s = await start();
    const a = await s.handlers['connections:save']({ input: input({ password: 'pw' }) });
    await s.dispose();
    const s2 = await start(new MemoryCredentialStore(new KeychainUnavailableError('locked', 'the keyring is locked')));
    const f = await failure(() => s2.handlers['link:connect']({ id: a.id }));
    expect(f.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(f.detail?.['reason']).toBe('locked');
    expect(f.hint).toMatch(/for this run only/);
  });
});

describe('settings and app info', () => {
  it('reads defaults, validates, persists atomically', async () => {
    const s = await start();
    const traceDefaults = { traceScopes: {}, traceBufferMiB: 8 };
    expect(await s.handlers['settings:get']({})).toEqual({ theme: 'system', tableColumns: {}, ...traceDefaults });
    const next = await s.handlers['settings:set']({ theme: 'dark', tableColumns: { '/interface': ['name', 'type'] } });
    expect(next).toEqual({ theme: 'dark', tableColumns: { '/interface': ['name', 'type'] }, ...traceDefaults });
    const f = await callFailure(s, 'settings:set', { theme: 'purple' });
    expect(f).toMatchObject({
      code: 'VALIDATION',
      detail: { field: 'theme' },
      message: 'The theme must be one of system, light, dark.',
    });
    const g = await callFailure(s, 'settings:set', { colour: 'x' });
    expect(g).toMatchObject({ detail: { field: 'colour' }, message: 'There is no setting named "colour".' });
    const h = await callFailure(s, 'settings:set', { tableColumns: { interface: ['name'] } });
    expect(h).toMatchObject({ detail: { field: 'tableColumns.interface' } });
    expect(h.message).toMatch(/is not a menu path/);
    await s.dispose();
    const s2 = await start();
    expect((await s2.handlers['settings:get']({})).theme).toBe('dark');
  });

  // Issue 11 G: JSON.parse makes "__proto__" an own key; copying it into a record set the
  // prototype instead, so the call answered ok and the entry was gone.
  it('settings:set refuses __proto__ as a menu key instead of dropping it', async () => {
    const s = await start();
    const hostile = JSON.parse('{"tableColumns":{"__proto__":["name"],"/ip/address":["address"]}}') as unknown;
    const r = await dispatch(s.handlers, 'settings:set', hostile);
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(!r.ok && r.error.message).toMatch(/__proto__/);
    expect(await s.handlers['settings:get']({})).toEqual({
      theme: 'system',
      tableColumns: {},
      traceScopes: {},
      traceBufferMiB: 8,
    });
  });

  it('keeps the trace settings across runs, and reads older files without them', async () => {
    writeFileSync(join(tmp.dir, 'settings.json'), JSON.stringify({ version: 1, settings: { theme: 'dark', tableColumns: {} } }));
    const s = await start();
    expect(await s.handlers['settings:get']({})).toMatchObject({ theme: 'dark', traceScopes: {}, traceBufferMiB: 8 });
    await s.handlers['settings:set']({ traceScopes: { c1: 'commands' }, traceBufferMiB: 64 });
    await s.dispose();
    const s2 = await start();
    expect(await s2.handlers['settings:get']({})).toMatchObject({ traceScopes: { c1: 'commands' }, traceBufferMiB: 64 });
  });

  it('keeps column widths per menu across runs (issue 14), and reads older files without them', async () => {
    const s = await start();
    expect((await s.handlers['settings:get']({})).tableColumnWidths).toBeUndefined();
    await s.handlers['settings:set']({ tableColumnWidths: { '/interface': { name: 180, comment: 300 } } });
    await s.dispose();
    const s2 = await start();
    expect((await s2.handlers['settings:get']({})).tableColumnWidths).toEqual({ '/interface': { name: 180, comment: 300 } });
  });

  it('a damaged settings file is moved aside and defaults are used', async () => {
    writeFileSync(join(tmp.dir, 'settings.json'), '[]');
    const s = await start();
    expect((await s.handlers['settings:get']({})).theme).toBe('system');
    expect(readdirSync(tmp.dir).some((n) => n.startsWith('settings.json.damaged-'))).toBe(true);
  });

  it('app:info names the host, version, data dir and keychain state', async () => {
    const s = await start();
    expect(await s.handlers['app:info']({})).toEqual({
      name: 'Tikscope',
      version: '1.2.3',
      host: 'browser',
      platform: process.platform,
      dataDir: tmp.dir,
      keychain: { available: true },
    });
  });
});
