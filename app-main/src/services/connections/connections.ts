import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { ENCODINGS, TRANSPORTS } from '../../bridge/schemas';
import type { ConnectionInput, ConnectionsSnapshot, Encoding, SavedConnection } from '../../common/contract';
import { LIMITS } from '../../common/limits';
import { BridgeFailure, notFound, validationError } from '../core/errors';
import type { SecretVault } from '../secrets/secrets';
import { readJsonFile, SerialWriter, type AtomicWriteOptions } from '../core/storage';

export const CONNECTIONS_FILE = 'connections.json';
const FILE_VERSION = 1;
/** Longest connection name, in UTF-16 code units. */
const NAME_MAX = LIMITS.name;

/**
 * Files written before the Encoding setting hold `codePage`, the display fallback it replaced. A
 * router someone had set to windows-1250 or -1251 holds text in that page, so it becomes the
 * Encoding (its text is shown exactly as before); windows-1252 and iso-8859-1 were the default's
 * look, which `utf-8` keeps (it shows non-UTF-8 bytes as windows-1252).
 */
const LEGACY_CODE_PAGES = ['windows-1252', 'windows-1250', 'windows-1251', 'iso-8859-1'] as const;
function encodingFromCodePage(codePage: (typeof LEGACY_CODE_PAGES)[number] | undefined): Encoding {
  return codePage === 'windows-1250' || codePage === 'windows-1251' ? codePage : 'utf-8';
}

// The file holds what the bridge let through: the same limits (app-main/src/common/limits.ts).
const storedSchema = z
  .object({
    id: z.string().min(1).max(LIMITS.id),
    name: z.string().min(1).max(NAME_MAX),
    host: z.string().min(1).max(LIMITS.host),
    port: z.number().int().min(1).max(65535),
    transport: z.enum(TRANSPORTS),
    fingerprint256: z.string().optional(),
    user: z.string().max(LIMITS.user),
    group: z.string().max(LIMITS.group),
    encoding: z.enum(ENCODINGS).optional(),
    codePage: z.enum(LEGACY_CODE_PAGES).optional(),
    notes: z.string().max(LIMITS.notes),
    /** A password for this connection is in the OS keychain (never the password itself). */
    passwordInKeychain: z.boolean(),
    demo: z.boolean().optional(),
    // Added with the command library (issue 15); files from before it have none.
    vars: z.record(z.string(), z.string().max(LIMITS.libraryValue)).optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .transform(({ codePage, encoding, ...rest }) => ({ ...rest, encoding: encoding ?? encodingFromCodePage(codePage) }));
type Stored = z.infer<typeof storedSchema>;

/** A new saved connection from checked input, without a password yet: saving one and importing many make the same record. */
function newStored(v: ValidConnectionInput, at: string): Stored {
  return {
    id: randomUUID(),
    name: v.name,
    host: v.host,
    port: v.port,
    transport: v.transport,
    ...(v.fingerprint256 ? { fingerprint256: v.fingerprint256 } : {}),
    user: v.user,
    group: v.group,
    encoding: v.encoding,
    notes: v.notes,
    ...(v.vars && Object.keys(v.vars).length > 0 ? { vars: { ...v.vars } } : {}),
    passwordInKeychain: false,
    createdAt: at,
    updatedAt: at,
  };
}

const fileSchema = z.object({
  version: z.literal(FILE_VERSION),
  connections: z.array(storedSchema),
});

interface ValidConnectionInput extends Required<Omit<ConnectionInput, 'fingerprint256' | 'password' | 'vars'>> {
  fingerprint256: string | undefined;
  /** undefined keeps, an object replaces ({} clears). */
  vars: Record<string, string> | undefined;
  /** undefined keeps, null removes, a string replaces. */
  password: string | null | undefined;
}

function withDefaults(input: ConnectionInput): ValidConnectionInput {
  return {
    ...input,
    fingerprint256: input.fingerprint256,
    group: input.group ?? '',
    encoding: input.encoding ?? 'utf-8',
    notes: input.notes ?? '',
    vars: input.vars,
    password: input.password,
  };
}

/**
 * How long a deleted connection can be restored (`connections:restore`): the window shows Undo for
 * 10 s; 5 s more cover a slow round trip of a click made at the last moment.
 */
export const UNDO_DELETE_MS = 15_000;

export interface ConnectionStoreDeps {
  dataDir: string;
  vault: SecretVault;
  now(): number;
  notify(level: 'info' | 'warning' | 'error', message: string): void;
  changed(snapshot: ConnectionsSnapshot): void;
  /** A deleted connection can no longer be restored: what was kept for Undo (its history) goes. */
  forget?(id: string): Promise<void>;
  undoDeleteMs?: number;
  writeOptions?: AtomicWriteOptions;
}

/** What Undo of a delete needs, held in main-process memory only for the undo window. */
interface Deleted {
  stored: Stored;
  index: number;
  /** The password it had (keychain or run-only), or null; never written anywhere, never sent. */
  password: string | null;
  runOnly: boolean;
  at: number;
  timer: NodeJS.Timeout;
}

/**
 * Saved connections in `<dataDir>/connections.json` (schema version 1), validated on load, written
 * atomically. A damaged file is moved aside and reported, never silently replaced. No password is
 * ever written: the file only records whether the keychain holds one.
 */
export class ConnectionStore {
  private items: Stored[] = [];
  private notices: string[] = [];
  private readonly deleted = new Map<string, Deleted>();
  private readonly writer: SerialWriter;
  /** Per connection id: the tail of its queue of changes (see `serial`). */
  private readonly queues = new Map<string, Promise<unknown>>();
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
      encoding: 'utf-8',
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

  /**
   * Runs the changes of one connection one after another. A change reads the entry, awaits (the
   * keychain, the file) and writes it back; two at once both read the same entry, and the later
   * write went nowhere while both were acknowledged (issue 11 B).
   */
  private serial<T>(id: string, change: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(id) ?? Promise.resolve()).then(change);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return run;
  }

  /** Puts `next` where `prev` was; the entry is gone if it was deleted meanwhile. */
  private replace(prev: Stored, next: Stored): void {
    const i = this.items.indexOf(prev);
    if (i < 0) throw notFound('connection', prev.id);
    this.items[i] = next;
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
      encoding: s.encoding,
      notes: s.notes,
      hasPassword: s.passwordInKeychain || this.deps.vault.hasRunOnly(s.id),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
    if (s.fingerprint256) out.fingerprint256 = s.fingerprint256;
    if (s.demo) out.demo = true;
    if (s.vars && Object.keys(s.vars).length > 0) out.vars = { ...s.vars };
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

  /** `input` as parsed by the bridge schema (app-main/src/bridge/schemas.ts): checked and normalised. */
  async save(id: string | undefined, input: ConnectionInput): Promise<SavedConnection> {
    const v = withDefaults(input);
    if (id === undefined) return this.saveNew(v);
    return this.serial(id, () => this.update(id, v));
  }

  private async saveNew(v: ValidConnectionInput): Promise<SavedConnection> {
    const at = this.stamp();
    const s = newStored(v, at);
    await this.applyPassword(s, v.password ?? undefined);
    this.items.push(s);
    await this.persist();
    this.emitChanged();
    return this.toSaved(s);
  }

  private async update(id: string, v: ValidConnectionInput): Promise<SavedConnection> {
    const at = this.stamp();
    const old = this.stored(id);
    // A pin belongs to one router: moving the connection elsewhere (or off tls-pinned) drops it.
    const samePeer = old.host === v.host && old.port === v.port && v.transport === 'tls-pinned';
    const fingerprint256 = v.fingerprint256 ?? (samePeer ? old.fingerprint256 : undefined);
    const s: Stored = {
      ...old,
      name: v.name,
      host: v.host,
      port: v.port,
      transport: v.transport,
      user: v.user,
      group: v.group,
      encoding: v.encoding,
      notes: v.notes,
      updatedAt: at,
    };
    if (fingerprint256) s.fingerprint256 = fingerprint256;
    else delete s.fingerprint256;
    if (v.vars !== undefined) {
      if (Object.keys(v.vars).length > 0) s.vars = { ...v.vars };
      else delete s.vars;
    }
    await this.applyPassword(s, v.password);
    this.replace(old, s);
    await this.persist();
    this.emitChanged();
    return this.toSaved(s);
  }

  /**
   * "name (copy)", then "name (copy 2)", … The name is shortened to make room for the suffix, never
   * the suffix cut off: cutting it made every candidate equal, and this loop never ended (issue 11
   * A). Candidates differ by their suffix, so one of the first `items.length + 1` is free.
   */
  private copyName(name: string): string {
    const names = new Set(this.items.map((s) => s.name));
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? ' (copy)' : ` (copy ${n})`;
      let end = NAME_MAX - suffix.length;
      // Never split a surrogate pair (a lone half is not text).
      if (end < name.length && /[\uD800-\uDBFF]/.test(name.charAt(end - 1))) end--;
      const candidate = name.slice(0, end).trimEnd() + suffix;
      if (!names.has(candidate)) return candidate;
    }
  }

  /**
   * Copies everything, the password included (a copy is usually "the same router, another
   * setting"); if the keychain cannot be read the copy has no password and a notice says so.
   */
  async duplicate(id: string): Promise<SavedConnection> {
    return this.serial(id, () => this.duplicateNow(id));
  }

  private async duplicateNow(id: string): Promise<SavedConnection> {
    const src = this.stored(id);
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

  /**
   * Removes the connection and its password (keychain and this run's memory) at once. For Undo the
   * password is kept in this process's memory for the undo window (never in a file, never sent to
   * the window) rather than deferring the keychain delete: a crash in the window then loses only
   * the Undo, and no orphaned secret stays in the keychain (docs/main-process.md).
   */
  async delete(id: string): Promise<void> {
    return this.serial(id, () => this.deleteNow(id));
  }

  private async deleteNow(id: string): Promise<void> {
    const s = this.stored(id);
    const index = this.items.indexOf(s);
    const runOnly = this.deps.vault.hasRunOnly(s.id);
    let password: string | null = null;
    if (s.passwordInKeychain || runOnly) {
      // A keychain that cannot be read now gives an Undo without the password (restore says so).
      password = await this.deps.vault.get(s.id, s.passwordInKeychain).catch(() => null);
    }
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
    const window = this.deps.undoDeleteMs ?? UNDO_DELETE_MS;
    const timer = setTimeout(() => void this.expire(s.id), window);
    timer.unref?.();
    this.deleted.set(s.id, { stored: s, index, password, runOnly, at: this.deps.now(), timer });
    this.emitChanged();
  }

  /** Undo of a delete within the undo window: the connection comes back with its password. */
  async restore(id: string): Promise<SavedConnection> {
    return this.serial(id, () => this.restoreNow(id));
  }

  private async restoreNow(key: string): Promise<SavedConnection> {
    const d = this.deleted.get(key);
    const window = this.deps.undoDeleteMs ?? UNDO_DELETE_MS;
    if (!d || this.deps.now() - d.at > window) {
      if (d) await this.expire(key);
      throw new BridgeFailure(
        'NOT_FOUND',
        `the deleted connection ${key} can no longer be restored: Undo is possible for ${Math.round(window / 1000)} s after a delete`,
        'Add the connection again (Add connection).',
      );
    }
    clearTimeout(d.timer);
    this.deleted.delete(key);
    const s: Stored = { ...d.stored, passwordInKeychain: false };
    if (d.password !== null) {
      if (d.runOnly) this.deps.vault.holdForRun(s.id, d.password);
      else await this.applyPassword(s, d.password);
    } else if (d.stored.passwordInKeychain) {
      this.deps.notify('warning', `"${s.name}" was restored without its password: the OS keychain could not be read.`);
    }
    this.items.splice(Math.min(d.index, this.items.length), 0, s);
    await this.persist();
    this.emitChanged();
    return this.toSaved(s);
  }

  private async expire(id: string): Promise<void> {
    const d = this.deleted.get(id);
    if (!d) return;
    clearTimeout(d.timer);
    this.deleted.delete(id);
    await this.deps.forget?.(id);
  }

  /** Quitting: nothing can be restored any more; what was kept for Undo goes now. */
  async expireAll(): Promise<void> {
    await Promise.allSettled([...this.deleted.keys()].map((id) => this.expire(id)));
  }

  /** Pins the certificate the user accepted (trust on first use, or after a change). */
  /** `fingerprint` in the contract's form (colon-separated upper-case hex), as the schema leaves it. */
  async trust(id: string, fingerprint: string): Promise<SavedConnection> {
    return this.serial(id, () => this.trustNow(id, fingerprint));
  }

  private async trustNow(id: string, fingerprint: string): Promise<SavedConnection> {
    const s = this.stored(id);
    if (s.transport !== 'tls-pinned')
      throw validationError(
        'id',
        `"${s.name}" does not use the tls-pinned transport`,
        'Only tls-pinned connections pin a certificate.',
      );
    const next: Stored = { ...s, fingerprint256: fingerprint, updatedAt: this.stamp() };
    this.replace(s, next);
    await this.persist();
    this.emitChanged();
    return this.toSaved(next);
  }

  /**
   * Adds checked inputs (a file's connections, issue 15) in one write, without passwords. An entry
   * equal to a saved one (name, host, port, user) is skipped, so importing a file twice does not
   * double the fleet. Nothing else awaits between the check and the write: all or nothing.
   */
  async addMany(inputs: readonly ConnectionInput[]): Promise<{ imported: string[]; skipped: number }> {
    const key = (c: { name: string; host: string; port: number; user: string }) =>
      `${c.name}\u0000${c.host}\u0000${c.port}\u0000${c.user}`;
    const seen = new Set(this.items.map(key));
    const at = this.stamp();
    const added: Stored[] = [];
    let skipped = 0;
    for (const input of inputs) {
      const v = withDefaults(input);
      if (seen.has(key(v))) {
        skipped++;
        continue;
      }
      seen.add(key(v));
      added.push(newStored(v, at));
    }
    if (added.length) {
      this.items = [...this.items, ...added];
      try {
        await this.persist();
      } catch (e) {
        const gone = new Set(added);
        this.items = this.items.filter((x) => !gone.has(x));
        throw e;
      }
      this.emitChanged();
    }
    return { imported: added.map((s) => s.id), skipped };
  }

  /** Moves connections to `group` ('' for none) in one write; NOT_FOUND (nothing moved) for an unknown id. */
  async setGroup(ids: readonly string[], group: string): Promise<void> {
    for (const id of ids) this.stored(id);
    const at = this.stamp();
    // Through each connection's queue: an edit of one of them in flight is not overwritten.
    await Promise.all(
      ids.map((id) =>
        this.serial(id, async () => {
          const old = this.items.find((c) => c.id === id);
          if (old && old.group !== group) this.replace(old, { ...old, group, updatedAt: at });
        }),
      ),
    );
    await this.persist();
    this.emitChanged();
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
