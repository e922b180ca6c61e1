import { describe, expect, it } from 'vitest';
import {
  classifyKeyringError,
  KeychainUnavailableError,
  KeyringCredentialStore,
  MemoryCredentialStore,
  probeSecretService,
  SecretVault,
  sessionBusAddress,
  type SecretServiceProbe,
} from './secrets';

describe('Linux D-Bus probe (fail closed)', () => {
  it('reports no-dbus when the session bus socket does not exist', async () => {
    const p = await probeSecretService({ busAddress: 'unix:path=/nonexistent/tikscope-test-bus', timeoutMs: 2000 });
    expect(p).toMatchObject({ ok: false, owned: false, activatable: false, reason: 'no-dbus' });
    expect(p.message).toMatch(/cannot reach the D-Bus session bus/);
  });

  it('reports no-dbus when no address is known at all', async () => {
    const p = await probeSecretService({ env: {} });
    expect(p).toMatchObject({ ok: false, reason: 'no-dbus' });
    expect(sessionBusAddress({})).toBeUndefined();
    expect(sessionBusAddress({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' })).toBe('unix:path=/x');
  });

  it('never calls the keyring when the probe fails', async () => {
    let probes = 0;
    const store = new KeyringCredentialStore({
      service: 'com.tikscope.test',
      platform: 'linux',
      probe: async (): Promise<SecretServiceProbe> => {
        probes++;
        return {
          ok: false,
          owned: false,
          activatable: false,
          locked: false,
          reason: 'no-secret-service',
          message: 'nothing there',
        };
      },
    });
    const err = await store.set('acc', 'pw').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeychainUnavailableError);
    expect((err as KeychainUnavailableError).reason).toBe('no-secret-service');
    expect((err as KeychainUnavailableError).hint).toMatch(/GNOME Keyring|KWallet|KeePassXC/);
    await expect(store.get('acc')).rejects.toMatchObject({ reason: 'no-secret-service' });
    await expect(store.delete('acc')).rejects.toMatchObject({ reason: 'no-secret-service' });
    expect(await store.status()).toMatchObject({ available: false, reason: 'no-secret-service' });
    expect(probes).toBe(1); // cached for a few seconds
  });

  it('the real probe against a missing bus makes the real store fail closed', async () => {
    const store = new KeyringCredentialStore({
      service: 'com.tikscope.test',
      platform: 'linux',
      env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
    });
    await expect(store.set('acc', 'pw')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', reason: 'no-dbus' });
  });
});

describe('keyring error classification', () => {
  it.each([
    ["Couldn't access platform storage: Secret Service: no result found", 'locked'],
    ['Secret Service: unlock prompt was dismissed', 'prompt-dismissed'],
    ['Platform failure: DBus error: Failed to connect to socket /x: No such file or directory', 'no-dbus'],
    ['org.freedesktop.DBus.Error.AccessDenied: Rejected', 'access-denied'],
    [
      'org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files',
      'no-secret-service',
    ],
    ['something odd', 'platform-error'],
  ])('%s → %s', (message, reason) => {
    const e = classifyKeyringError(new Error(message));
    expect(e.reason).toBe(reason);
    expect(e.hint.length).toBeGreaterThan(20);
  });
});

describe('SecretVault', () => {
  it('stores in the keychain when it works', async () => {
    const store = new MemoryCredentialStore();
    const vault = new SecretVault(store);
    expect(await vault.save('a', 'pw')).toEqual({ where: 'keychain' });
    expect(store.items.get('a')).toBe('pw');
    expect(vault.hasRunOnly('a')).toBe(false);
    expect(await vault.get('a', true)).toBe('pw');
    await vault.remove('a', true);
    expect(store.items.has('a')).toBe(false);
  });

  it('keeps the password for this run only when the keychain is unavailable', async () => {
    const vault = new SecretVault(new MemoryCredentialStore(new KeychainUnavailableError('locked', 'locked')));
    const r = await vault.save('a', 'pw');
    expect(r.where).toBe('memory');
    expect(vault.hasRunOnly('a')).toBe(true);
    expect(await vault.get('a', false)).toBe('pw');
    vault.clearRunOnly();
    expect(await vault.get('a', false)).toBeNull();
    await expect(vault.get('a', true)).rejects.toMatchObject({ reason: 'locked' });
  });
});
