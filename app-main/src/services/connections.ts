import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import type { ConnectionsSnapshot, SavedConnection } from '../common/contract';
import { BridgeFailure, notFound, validationError } from './errors';
import type { SecretVault } from './secrets';
import { readJsonFile, SerialWriter, type AtomicWriteOptions } from './storage';
import { CODE_PAGES, normalizeFingerprint256, requireId, TRANSPORTS, validateConnectionInput } from './validation';

export const CONNECTIONS_FILE = 'connections.json';
const FILE_VERSION = 1;

const storedSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(100),
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  transport: z.enum(TRANSPORTS as [SavedConnection['transport'], ...SavedConnection['transport'][]]),
  fingerprint256: z.string().optional(),
  user: z.string().max(100),
  group: z.string().max(100),
  codePage: z.enum(CODE_PAGES as [SavedConnection['codePage'], ...SavedConnection['codePage'][]]),
  notes: z.string().max(10_000),
  /** A password for this connection is in the OS keychain (never the password itself). */
  passwordInKeychain: z.boolean(),
  demo: z.boolean().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
type Stored = z.infer<typeof storedSchema>;

const fileSchema = z.object({
  version: z.literal(FILE_VERSION),
  connections: z.array(storedSchema),
});

export interface ConnectionStoreDeps {
  dataDir: string;
  vault: SecretVault;
  now(): number;
  notify(level: 'info' | 'warning' | 'error', message: string): void;
  changed(snapshot: ConnectionsSnapshot): void;
  writeOptions?: AtomicWriteOptions;
}

/**
 * Saved connections in `<dataDir>/connections.json` (schema version 1), validated on load, written
 * atomically. A damaged file is moved aside and reported, never silently replaced. No password is
 * ever written: the file only records whether the keychain holds one.
 */
export class ConnectionStore {
  private items: Stored[] = [];
  private notices: string[] = [];
  private readonly writer: SerialWriter;
  readonly file: string;

  constructor(private readonly deps: ConnectionStoreDeps) {
    this.file = join(deps.dataDir, CONNECTIONS_FILE);
    this.writer = new SerialWriter(this.file, deps.writeOptions);
  }

  private stamp(): string {
    return new Date(this.deps.now()).toISOString();
  }

  private demo(): Stored {
    const at = this.stamp();
    return {
      id: randomUUID(),
      name: 'Demo router',
      host: '127.0.0.1',
      port: 8728,
      transport: 'plain',
      user: 'admin',
      group: '',
      codePage: 'windows-1252',
      notes:
        'A simulated RouterOS router that runs inside Tikscope on a free loopback port. Connect to try the console, live tables and traces.',
      passwordInKeychain: false,
      demo: true,
      createdAt: at,
      updatedAt: at,
    };
  }

  async load(): Promise<void> {
    const loaded = await readJsonFile(this.file, fileSchema, this.deps.now);
    if (loaded.kind === 'ok') {
      this.items = loaded.value.connections;
      return;
    }
    if (loaded.kind === 'damaged') {
      const message = `The saved connections file could not be read (${loaded.reason}). It was kept as ${loaded.movedTo}; Tikscope started with an empty list.`;
      this.notices.push(message);
      this.deps.notify('error', message);
    }
    // First run (or a fresh start after a damaged file): the Demo router.
    this.items = [this.demo()];
    await this.persist();
  }

  private persist(): Promise<void> {
    const data = (): string => JSON.stringify({ version: FILE_VERSION, connections: this.items }, null, 2) + '\n';
    return this.writer.write(data).catch((e: unknown) => {
      throw new BridgeFailure(
        'STORAGE',
        `saving connections to ${this.file} failed: ${(e as Error).message}`,
        'Check free disk space and the permissions of the data directory.',
      );
    });
  }

  private toSaved(s: Stored): SavedConnection {
    const out: SavedConnection = {
      id: s.id,
      name: s.name,
      host: s.host,
      port: s.port,
      transport: s.transport,
      user: s.user,
      group: s.group,
      codePage: s.codePage,
      notes: s.notes,
      hasPassword: s.passwordInKeychain || this.deps.vault.hasRunOnly(s.id),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
    if (s.fingerprint256) out.fingerprint256 = s.fingerprint256;
    if (s.demo) out.demo = true;
    return out;
  }

  snapshot(): ConnectionsSnapshot {
    return { connections: this.items.map((s) => this.toSaved(s)), notices: [...this.notices] };
  }

  private emitChanged(): void {
    this.deps.changed(this.snapshot());
  }

  has(id: string): boolean {
    return this.items.some((s) => s.id === id);
  }

  get(id: string): SavedConnection {
    return this.toSaved(this.stored(id));
  }

  inKeychain(id: string): boolean {
    return this.stored(id).passwordInKeychain;
  }

  private stored(id: string): Stored {
    const s = this.items.find((c) => c.id === id);
    if (!s) throw notFound('connection', id);
    return s;
  }

  private async applyPassword(s: Stored, password: string | null | undefined): Promise<void> {
    if (password === undefined) return;
    if (password === null) {
      try {
        await this.deps.vault.remove(s.id, s.passwordInKeychain);
        s.passwordInKeychain = false;
      } catch (e) {
        this.deps.notify(
          'warning',
          `The password of "${s.name}" could not be removed from the OS keychain: ${(e as Error).message}`,
        );
      }
      return;
    }
    const result = await this.deps.vault.save(s.id, password);
    if (result.where === 'keychain') s.passwordInKeychain = true;
    else {
      s.passwordInKeychain = false;
      this.deps.notify(
        'warning',
        `The password of "${s.name}" is kept for this run only: ${result.error.message}. ${result.error.hint}`,
      );
    }
  }

  async save(id: string | undefined, input: unknown): Promise<SavedConnection> {
    const v = validateConnectionInput(input);
    const at = this.stamp();
    let s: Stored;
    if (id === undefined) {
      s = {
        id: randomUUID(),
        name: v.name,
        host: v.host,
        port: v.port,
        transport: v.transport,
        ...(v.fingerprint256 ? { fingerprint256: v.fingerprint256 } : {}),
        user: v.user,
        group: v.group,
        codePage: v.codePage,
        notes: v.notes,
        passwordInKeychain: false,
        createdAt: at,
        updatedAt: at,
      };
      await this.applyPassword(s, v.password ?? undefined);
      this.items.push(s);
    } else {
      const old = this.stored(requireId(id));
      // A pin belongs to one router: moving the connection elsewhere (or off tls-pinned) drops it.
      const samePeer = old.host === v.host && old.port === v.port && v.transport === 'tls-pinned';
      const fingerprint256 = v.fingerprint256 ?? (samePeer ? old.fingerprint256 : undefined);
      s = {
        ...old,
        name: v.name,
        host: v.host,
        port: v.port,
        transport: v.transport,
        user: v.user,
        group: v.group,
        codePage: v.codePage,
        notes: v.notes,
        updatedAt: at,
      };
      if (fingerprint256) s.fingerprint256 = fingerprint256;
      else delete s.fingerprint256;
      await this.applyPassword(s, v.password);
      this.items[this.items.indexOf(old)] = s;
    }
    await this.persist();
    this.emitChanged();
    return this.toSaved(s);
  }

  private copyName(name: string): string {
    const names = new Set(this.items.map((s) => s.name));
    const stem = `${name} (copy)`.slice(0, 100);
    if (!names.has(stem)) return stem;
    for (let n = 2; ; n++) {
      const candidate = `${name} (copy ${n})`.slice(0, 100);
      if (!names.has(candidate)) return candidate;
    }
  }

  /**
   * Copies everything, the password included (a copy is usually "the same router, another
   * setting"); if the keychain cannot be read the copy has no password and a notice says so.
   */
  async duplicate(id: string): Promise<SavedConnection> {
    const src = this.stored(requireId(id));
    const at = this.stamp();
    const copy: Stored = {
      ...src,
      id: randomUUID(),
      name: this.copyName(src.name),
      passwordInKeychain: false,
      createdAt: at,
      updatedAt: at,
    };
    if (src.passwordInKeychain || this.deps.vault.hasRunOnly(src.id)) {
      try {
        const pw = await this.deps.vault.get(src.id, src.passwordInKeychain);
        if (pw !== null) await this.applyPassword(copy, pw);
      } catch (e) {
        this.deps.notify('warning', `"${copy.name}" was created without a password: ${(e as Error).message}`);
      }
    }
    this.items.splice(this.items.indexOf(src) + 1, 0, copy);
    await this.persist();
    this.emitChanged();
    return this.toSaved(copy);
  }

  /** Removes the connection and its password (keychain and this run's memory). */
  async delete(id: string): Promise<void> {
    const s = this.stored(requireId(id));
    this.items = this.items.filter((c) => c !== s);
    await this.persist();
    try {
      await this.deps.vault.remove(s.id, s.passwordInKeychain);
    } catch (e) {
      this.deps.notify(
        'warning',
        `"${s.name}" was deleted, but its password could not be removed from the OS keychain: ${(e as Error).message}`,
      );
    }
    this.emitChanged();
  }

  /** Pins the certificate the user accepted (trust on first use, or after a change). */
  async trust(id: string, fingerprint: unknown): Promise<SavedConnection> {
    const s = this.stored(requireId(id));
    if (s.transport !== 'tls-pinned')
      throw validationError(
        'id',
        `"${s.name}" does not use the tls-pinned transport`,
        'Only tls-pinned connections pin a certificate.',
      );
    const fp = normalizeFingerprint256(fingerprint);
    const next: Stored = { ...s, fingerprint256: fp, updatedAt: this.stamp() };
    this.items[this.items.indexOf(s)] = next;
    await this.persist();
    this.emitChanged();
    return this.toSaved(next);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
