/**
 * Against a real Secret Service: scripts/test-all.mjs runs this project under a private
 * `dbus-run-session` with an unlocked gnome-keyring and a temp HOME (TIKSCOPE_SECRET_SERVICE=present).
 * The "missing" and "locked" cases start their own private buses, so they need only the binaries.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, KeyringCredentialStore, probeSecretService, type Services } from '../index';
import { EventLog, readAllFiles, tempDir } from '../test-support/helpers';

const present = process.env['TIKSCOPE_SECRET_SERVICE'] === 'present';
const have = (bin: string): boolean => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const canSpawnBus = process.platform === 'linux' && have('dbus-daemon');
const SERVICE = `com.tikscope.test.${process.pid}`;

/** A private session bus; `services` decides whether the bus can start gnome-keyring on demand. */
async function privateBus(withServices: boolean): Promise<{ address: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tikscope-bus-'));
  const config = join(dir, 'bus.conf');
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <auth>EXTERNAL</auth>
  ${withServices ? '<servicedir>/usr/share/dbus-1/services</servicedir>' : ''}
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>`,
  );
  // A fresh HOME: an activated gnome-keyring finds no keyring and nobody unlocks one.
  const home = join(dir, 'home');
  const child: ChildProcess = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: {
      ...process.env,
      HOME: home,
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_RUNTIME_DIR: dir,
      DBUS_SESSION_BUS_ADDRESS: '',
    },
  });
  const address = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      rl.close();
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
    child.once('error', reject);
  });
  return {
    address,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!present)('real Secret Service (gnome-keyring under dbus-run-session)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let services: Services | undefined;
  const store = new KeyringCredentialStore({ service: SERVICE });

  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(async () => {
    await services?.dispose();
    services = undefined;
    tmp.cleanup();
  });

  it('the probe finds the provider and an unlocked default keyring', async () => {
    const p = await probeSecretService();
    expect(p).toMatchObject({ ok: true, locked: false });
    expect(p.owned || p.activatable).toBe(true);
    expect(await store.status()).toEqual({ available: true });
  });

  it('sets, gets and deletes a password; missing entries are null', async () => {
    expect(await store.get('missing-account')).toBeNull();
    await store.set('acc-1', 'pässwörd with spaces');
    expect(await store.get('acc-1')).toBe('pässwörd with spaces');
    await store.set('acc-1', 'changed');
    expect(await store.get('acc-1')).toBe('changed');
    expect(await store.delete('acc-1')).toBe(true);
    expect(await store.get('acc-1')).toBeNull();
    expect(await store.delete('acc-1')).toBe(false);
  });

  it('services keep passwords in the keychain only, and remove them with the connection', async () => {
    const events = new EventLog();
    services = await createServices({ dataDir: tmp.dir, host: 'browser', appVersion: 'test', keychainService: SERVICE });
    services.subscribe(events.listener);
    const info = await services.handlers['app:info']({});
    expect(info.keychain).toEqual({ available: true });
    const secret = 'K3ychain-Only-Secret';
    const saved = await services.handlers['connections:save']({
      input: { name: 'R1', host: '192.0.2.1', port: 8728, transport: 'plain', user: 'admin', password: secret },
    });
    expect(saved.hasPassword).toBe(true);
    // Read back through an independent store instance (a real D-Bus round trip).
    expect(await new KeyringCredentialStore({ service: SERVICE }).get(saved.id)).toBe(secret);
    if (have('secret-tool')) {
      const r = spawnSync('secret-tool', ['search', '--all', 'service', SERVICE], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toContain(saved.id);
    }
    const dup = await services.handlers['connections:duplicate']({ id: saved.id });
    expect(await store.get(dup.id)).toBe(secret);
    await services.dispose();
    for (const f of readAllFiles(tmp.dir)) expect(f.content, f.path).not.toContain(secret);

    services = await createServices({ dataDir: tmp.dir, host: 'browser', appVersion: 'test', keychainService: SERVICE });
    expect((await services.handlers['connections:list']({})).connections.find((c) => c.id === saved.id)?.hasPassword).toBe(true);
    await services.handlers['connections:delete']({ id: saved.id });
    await services.handlers['connections:delete']({ id: dup.id });
    expect(await store.get(saved.id)).toBeNull();
    expect(await store.get(dup.id)).toBeNull();
    expect(events.of('app:notice')).toEqual([]);
  });
});

describe.skipIf(!canSpawnBus)('keychain unavailable (private buses)', () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const s of stops) await s();
  });

  it('missing: a session bus address that leads nowhere → no-dbus, fail closed', async () => {
    const env = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tikscope/bus' };
    expect(await probeSecretService({ env })).toMatchObject({ ok: false, reason: 'no-dbus' });
    const store = new KeyringCredentialStore({ service: SERVICE, env });
    await expect(store.set('a', 'pw')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', reason: 'no-dbus' });
  });

  it('a bus without any Secret Service provider → no-secret-service, and services explain it', async () => {
    const bus = await privateBus(false);
    stops.push(bus.stop);
    const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
    expect(await probeSecretService({ env })).toMatchObject({
      ok: false,
      owned: false,
      activatable: false,
      reason: 'no-secret-service',
    });
    const store = new KeyringCredentialStore({ service: SERVICE, env });
    await expect(store.get('a')).rejects.toMatchObject({ reason: 'no-secret-service' });

    const tmp = tempDir();
    const services = await createServices({ dataDir: tmp.dir, host: 'browser', appVersion: 't', credentialStore: store });
    try {
      const info = await services.handlers['app:info']({});
      expect(info.keychain.available).toBe(false);
      expect(info.keychain.reason).toBe('no-secret-service');
      expect(info.keychain.hint).toMatch(/gnome-keyring/);
      const saved = await services.handlers['connections:save']({
        input: { name: 'R', host: '192.0.2.1', port: 8728, transport: 'plain', user: 'u', password: 'only-in-memory' },
      });
      expect(saved.hasPassword).toBe(true);
      await services.dispose();
      for (const f of readAllFiles(tmp.dir)) expect(f.content).not.toContain('only-in-memory');
    } finally {
      await services.dispose();
      tmp.cleanup();
    }
  });

  it.skipIf(!have('gnome-keyring-daemon'))(
    'locked: gnome-keyring activated but never unlocked → locked, get does not pretend "no password"',
    async () => {
      const bus = await privateBus(true);
      stops.push(bus.stop);
      // keyring-rs keeps its first D-Bus connection for the process: run the store in a child
      // process whose session bus is the private one.
      const root = new URL('../../../../', import.meta.url).pathname;
      const out = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(root, 'app-main/src/services/test-support/fixtures/keyring-child.ts'), SERVICE],
        {
          cwd: root,
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address },
        },
      );
      expect(out.status, out.stderr).toBe(0);
      const r = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as Record<string, Record<string, unknown>>;
      expect(r['probe']).toMatchObject({ ok: true, activatable: true, locked: true, reason: 'locked' });
      expect(r['status']).toMatchObject({ available: true, reason: 'locked' });
      expect(r['set']).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE', reason: 'locked' });
      // A locked Secret Service answers "nothing found"; the store must not report "no password".
      expect(r['get']).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE', reason: 'locked' });
    },
  );
});
