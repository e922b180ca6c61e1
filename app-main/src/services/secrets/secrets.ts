import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AsyncEntry as AsyncEntryType } from '@napi-rs/keyring';

/**
 * Passwords in the OS keychain (engineering-notes §3): macOS Keychain, Windows Credential Manager,
 * Linux Secret Service — through @napi-rs/keyring, behind a small interface so that tests and
 * other hosts can inject their own store. Never a file, never a silent fallback.
 */

export type KeychainReason = 'no-dbus' | 'no-secret-service' | 'locked' | 'prompt-dismissed' | 'access-denied' | 'platform-error';

export interface KeychainStatus {
  available: boolean;
  reason?: KeychainReason;
  /** What went wrong, in words. */
  message?: string;
  /** What to do about it. */
  hint?: string;
}

export class KeychainUnavailableError extends Error {
  readonly code = 'KEYCHAIN_UNAVAILABLE';
  constructor(
    readonly reason: KeychainReason,
    message: string,
    readonly hint: string = KEYCHAIN_HINTS[reason],
  ) {
    super(message);
    this.name = 'KeychainUnavailableError';
  }
}

export const KEYCHAIN_HINTS: Record<KeychainReason, string> = {
  'no-dbus':
    'No D-Bus session bus was found, so the Secret Service cannot be reached. Start Tikscope from a desktop session (or under dbus-run-session with a keyring). Passwords are kept for this run only.',
  'no-secret-service':
    'Install and start a Secret Service provider: GNOME Keyring (gnome-keyring), KWallet (KDE Frameworks 5.97 or later) or KeePassXC with Secret Service integration enabled. Passwords are kept for this run only.',
  locked:
    'The keyring is locked or has no default collection. Unlock it (e.g. the "Login" keyring in Passwords and Keys) or create a default keyring, then try again. Passwords are kept for this run only.',
  'prompt-dismissed': 'The keyring asked to be unlocked and the prompt was dismissed. Try again and unlock it when asked.',
  'access-denied':
    'The keychain refused access to Tikscope. Check its access settings (macOS: Keychain Access; Linux: your Secret Service provider).',
  'platform-error': 'The OS keychain reported an error; the log has details. Passwords are kept for this run only.',
};

/** Where passwords live. `account` is the saved connection's UUID (engineering-notes §3.1). */
export interface CredentialStore {
  status(): Promise<KeychainStatus>;
  /** The stored password, or null when there is none. Throws KeychainUnavailableError. */
  get(account: string): Promise<string | null>;
  /** Throws KeychainUnavailableError. */
  set(account: string, password: string): Promise<void>;
  /** True when something was deleted. Throws KeychainUnavailableError. */
  delete(account: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Linux: probe the session bus before touching the keyring.

export interface SecretServiceProbe {
  ok: boolean;
  /** Someone owns `org.freedesktop.secrets` right now. */
  owned: boolean;
  /** The bus can start a provider on demand. */
  activatable: boolean;
  /** The default collection is locked, or there is none. */
  locked: boolean;
  reason?: KeychainReason;
  message: string;
}

const SECRETS = 'org.freedesktop.secrets';

/**
 * The D-Bus session address the way libdbus finds it: `DBUS_SESSION_BUS_ADDRESS`, else the
 * systemd user bus at `$XDG_RUNTIME_DIR/bus`. We do not use dbus-next's X11/`~/.dbus` fallback:
 * keyring-rs would not find that bus either.
 */
export function sessionBusAddress(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env['DBUS_SESSION_BUS_ADDRESS'];
  if (fromEnv) return fromEnv;
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime && existsSync(join(runtime, 'bus'))) return `unix:path=${join(runtime, 'bus')}`;
  return undefined;
}

/** dbus-next cannot open abstract sockets without an optional native module; Node can. */
function toDbusNextAddress(address: string): string {
  const first = address.split(';')[0] ?? address;
  const m = /^unix:(?:.*,)?abstract=([^,]+)/.exec(first);
  return m ? `unix:socket=\u0000${m[1]}` : first;
}

/**
 * Asks the session bus whether a Secret Service is there (`NameHasOwner`, `ListActivatableNames`)
 * and whether its default collection is unlocked (engineering-notes §3.2). Expected outcomes: no
 * bus → `no-dbus`; a bus without a provider → `no-secret-service`; gnome-keyring → ok.
 */
export async function probeSecretService(
  options: { busAddress?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<SecretServiceProbe> {
  const address = options.busAddress ?? sessionBusAddress(options.env);
  const none = { ok: false, owned: false, activatable: false, locked: false };
  if (!address) return { ...none, reason: 'no-dbus', message: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)' };
  const dbus = await import('dbus-next');
  const timeoutMs = options.timeoutMs ?? 3000;
  let bus: ReturnType<typeof dbus.sessionBus> | undefined;
  let failure: Error | undefined;
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the session bus did not answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      bus = dbus.sessionBus({ busAddress: toDbusNextAddress(address) });
      bus.on('error', (e: Error) => {
        failure ??= e;
        reject(e);
      });
    } catch (e) {
      reject(e as Error);
    }
  });
  failed.catch(() => undefined);
  const call = async (
    destination: string,
    path: string,
    iface: string,
    member: string,
    signature: string,
    body: unknown[],
  ): Promise<unknown> => {
    const message = new dbus.Message({ destination, path, interface: iface, member, signature, body });
    const reply = await Promise.race([bus!.call(message), failed]);
    return reply?.body?.[0];
  };
  try {
    await Promise.race([new Promise<void>((resolve) => bus!.once('connect', () => resolve())), failed]);
    const owned =
      (await call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'NameHasOwner', 's', [SECRETS])) ===
      true;
    const activatable = owned
      ? true
      : (
          (await call(
            'org.freedesktop.DBus',
            '/org/freedesktop/DBus',
            'org.freedesktop.DBus',
            'ListActivatableNames',
            '',
            [],
          )) as string[] | undefined
        )?.includes(SECRETS) === true;
    if (!owned && !activatable) {
      return {
        ...none,
        reason: 'no-secret-service',
        message: `no Secret Service on the session bus (${SECRETS} is neither running nor activatable)`,
      };
    }
    // ReadAlias starts an activatable provider. '/' means there is no default collection, which
    // keyring-rs would have to create through an unlock prompt.
    let locked: boolean;
    try {
      const path = (await call(SECRETS, '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service', 'ReadAlias', 's', [
        'default',
      ])) as string | undefined;
      if (!path || path === '/') locked = true;
      else {
        const v = (await call(SECRETS, path, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [
          'org.freedesktop.Secret.Collection',
          'Locked',
        ])) as { value?: unknown } | undefined;
        locked = v?.value === true;
      }
    } catch (e) {
      return {
        ok: false,
        owned,
        activatable,
        locked: false,
        reason: 'platform-error',
        message: `the Secret Service did not answer: ${(e as Error).message}`,
      };
    }
    return {
      ok: true,
      owned,
      activatable,
      locked,
      ...(locked ? { reason: 'locked' as const } : {}),
      message: locked
        ? 'the Secret Service is running but its default keyring is locked or missing'
        : 'the Secret Service is available',
    };
  } catch (e) {
    return {
      ...none,
      reason: 'no-dbus',
      message: `cannot reach the D-Bus session bus at ${address}: ${(failure ?? (e as Error)).message}`,
    };
  } finally {
    clearTimeout(timer);
    try {
      bus?.disconnect();
    } catch {
      // Already gone.
    }
  }
}

/** Maps keyring-rs messages to a reason (their wording: "Couldn't access platform storage: ..."). */
export function classifyKeyringError(e: unknown): KeychainUnavailableError {
  if (e instanceof KeychainUnavailableError) return e;
  const message = e instanceof Error ? e.message : String(e);
  let reason: KeychainReason = 'platform-error';
  if (/dismiss/i.test(message)) reason = 'prompt-dismissed';
  else if (/locked|no result found/i.test(message)) reason = 'locked';
  else if (/access.?denied|not authori[sz]ed|permission|user interaction is not allowed|-25293|-128\b/i.test(message))
    reason = 'access-denied';
  else if (/ServiceUnknown|not provided by any \.service/i.test(message)) reason = 'no-secret-service';
  else if (/dbus|d-bus|failed to connect to socket/i.test(message)) reason = 'no-dbus';
  return new KeychainUnavailableError(reason, `the OS keychain is not usable: ${message}`);
}

export interface KeyringStoreOptions {
  /** Keychain service name (the app id). */
  service: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  probe?: typeof probeSecretService;
  /** How long a probe result is trusted. */
  probeTtlMs?: number;
}

type AsyncEntryCtor = typeof AsyncEntryType;

/**
 * The OS keychain through @napi-rs/keyring's AsyncEntry. On Linux every call is preceded by the
 * D-Bus probe (cached briefly) and entries are pinned to the Secret Service store, because
 * keyring-rs otherwise falls back silently to the in-memory kernel keyring (engineering-notes
 * §3.2: fail closed).
 */
export class KeyringCredentialStore implements CredentialStore {
  private readonly platform: NodeJS.Platform;
  private probed: { at: number; result: SecretServiceProbe } | undefined;
  private entryCtor: AsyncEntryCtor | undefined;

  constructor(private readonly options: KeyringStoreOptions) {
    this.platform = options.platform ?? process.platform;
  }

  private async probe(): Promise<SecretServiceProbe | undefined> {
    if (this.platform !== 'linux') return undefined;
    const ttl = this.options.probeTtlMs ?? 5000;
    if (this.probed && Date.now() - this.probed.at < ttl) return this.probed.result;
    const probe = this.options.probe ?? probeSecretService;
    const result = await probe(this.options.env ? { env: this.options.env } : {});
    this.probed = { at: Date.now(), result };
    return result;
  }

  /** Throws unless the keyring may be called. */
  private async gate(): Promise<SecretServiceProbe | undefined> {
    const p = await this.probe();
    if (p && !p.ok)
      throw new KeychainUnavailableError(p.reason ?? 'platform-error', `the OS keychain is not usable: ${p.message}`);
    return p;
  }

  private async entry(account: string): Promise<InstanceType<AsyncEntryCtor>> {
    if (!this.entryCtor) {
      try {
        this.entryCtor = (await import('@napi-rs/keyring')).AsyncEntry;
      } catch (e) {
        throw new KeychainUnavailableError('platform-error', `the keychain module could not be loaded: ${(e as Error).message}`);
      }
    }
    return new this.entryCtor(
      this.options.service,
      account,
      this.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined,
    );
  }

  async status(): Promise<KeychainStatus> {
    try {
      const p = await this.probe();
      if (!p) return { available: true };
      if (!p.ok)
        return {
          available: false,
          reason: p.reason ?? 'platform-error',
          message: p.message,
          hint: KEYCHAIN_HINTS[p.reason ?? 'platform-error'],
        };
      // A locked keyring can still be unlocked by a prompt on a desktop; report it so the UI can say so.
      if (p.locked) return { available: true, reason: 'locked', message: p.message, hint: KEYCHAIN_HINTS.locked };
      return { available: true };
    } catch (e) {
      return {
        available: false,
        reason: 'platform-error',
        message: (e as Error).message,
        hint: KEYCHAIN_HINTS['platform-error'],
      };
    }
  }

  async get(account: string): Promise<string | null> {
    const p = await this.gate();
    let value: string | null | undefined;
    try {
      value = await (await this.entry(account)).getPassword();
    } catch (e) {
      throw classifyKeyringError(e);
    }
    if (value == null && p?.locked) {
      // A locked Secret Service answers "nothing found" rather than an error; do not mistake that
      // for "no password stored".
      this.probed = undefined;
      const again = await this.probe();
      if (again?.locked)
        throw new KeychainUnavailableError('locked', 'the keyring is locked, so the stored password cannot be read');
    }
    return value ?? null;
  }

  async set(account: string, password: string): Promise<void> {
    await this.gate();
    try {
      await (await this.entry(account)).setPassword(password);
    } catch (e) {
      this.probed = undefined;
      throw classifyKeyringError(e);
    }
  }

  async delete(account: string): Promise<boolean> {
    await this.gate();
    try {
      return await (await this.entry(account)).deleteCredential();
    } catch (e) {
      this.probed = undefined;
      throw classifyKeyringError(e);
    }
  }
}

/** A store in memory, for tests and for hosts that must not touch any keychain. */
export class MemoryCredentialStore implements CredentialStore {
  readonly items = new Map<string, string>();
  constructor(private readonly unavailable?: KeychainUnavailableError) {}
  async status(): Promise<KeychainStatus> {
    return this.unavailable
      ? { available: false, reason: this.unavailable.reason, message: this.unavailable.message, hint: this.unavailable.hint }
      : { available: true };
  }
  async get(account: string): Promise<string | null> {
    if (this.unavailable) throw this.unavailable;
    return this.items.get(account) ?? null;
  }
  async set(account: string, password: string): Promise<void> {
    if (this.unavailable) throw this.unavailable;
    this.items.set(account, password);
  }
  async delete(account: string): Promise<boolean> {
    if (this.unavailable) throw this.unavailable;
    return this.items.delete(account);
  }
}

/**
 * The keychain plus passwords held for this run only — what the services actually use. When the
 * keychain cannot be used, a password stays in main-process memory until the app quits
 * (design.md §5), never in a file.
 */
export class SecretVault {
  private readonly runOnly = new Map<string, string>();

  constructor(readonly store: CredentialStore) {}

  hasRunOnly(id: string): boolean {
    return this.runOnly.has(id);
  }

  /** Keeps a password for this run (a password typed at connect time, or no keychain). */
  holdForRun(id: string, password: string): void {
    this.runOnly.set(id, password);
  }

  /** Stores in the keychain; returns where it went. On failure the password is held for the run. */
  async save(
    id: string,
    password: string,
  ): Promise<{ where: 'keychain' } | { where: 'memory'; error: KeychainUnavailableError }> {
    try {
      await this.store.set(id, password);
      this.runOnly.delete(id);
      return { where: 'keychain' };
    } catch (e) {
      this.runOnly.set(id, password);
      return { where: 'memory', error: classifyKeyringError(e) };
    }
  }

  /** The password for a connection: this run's first, then the keychain. */
  async get(id: string, inKeychain: boolean): Promise<string | null> {
    const held = this.runOnly.get(id);
    if (held !== undefined) return held;
    if (!inKeychain) return null;
    return this.store.get(id);
  }

  /** Forgets the password everywhere. Throws KeychainUnavailableError when the keychain refused. */
  async remove(id: string, inKeychain: boolean): Promise<void> {
    this.runOnly.delete(id);
    if (inKeychain) await this.store.delete(id);
  }

  clearRunOnly(): void {
    this.runOnly.clear();
  }
}
