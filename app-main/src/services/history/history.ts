/**
 * Configuration history (issue 16): snapshots of a router's configuration, kept in the data
 * directory per router, and diffs between any two.
 *
 * A snapshot over the API: `/export file=<unique name>` (RouterOS sends no export text over the API,
 * only `!done`), wait until `/file/print` lists the file, read it back in chunks with `/file/read`
 * (RouterOS ≥ 7.13), remove it with `/file/remove`. The export and the removal are console commands
 * (in the console history and the trace like typed ones); the reads go through the session as
 * Tikscope's own traffic (in the trace, classed "own"). Whatever fails on the way, the file is
 * removed from the router (if the link is still up) and nothing is stored: no half snapshot.
 * Routers without `/file/read` get a snapshot made of prints of chosen menus instead.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Session } from '../../../../protocol/src/index';
import type {
  ConsoleCommandRef,
  ConsoleEnd,
  ConsoleReply,
  ConsoleSendArgs,
  LinkState,
  SnapshotDiff,
  SnapshotKind,
  SnapshotMeta,
  SnapshotTakeArgs,
  SnapshotTrigger,
} from '../../common/contract';
import type { ConsoleTap } from '../console/console';
import { BridgeFailure, notFound, toBridgeError } from '../core/errors';
import { writeFileAtomic } from '../core/storage';
import { diffTexts, logicalLines, unifiedDiff } from './snapshot-text';

/** Chunk size of `/file/read` (RouterOS caps it; docs/main-process.md, "Configuration history"). */
export const SNAPSHOT_CHUNK_BYTES = 32768;
/** A snapshot larger than this is refused (an export is kilobytes; this bounds memory). */
export const SNAPSHOT_MAX_BYTES = 16 * 1024 * 1024;
/** How long one command of a snapshot may take before it is cancelled. */
export const SNAPSHOT_COMMAND_TIMEOUT_MS = 60_000;
/** `/file/print` polls until the export's file appears: this many, this far apart. */
export const SNAPSHOT_FILE_POLLS = 50;
export const SNAPSHOT_FILE_POLL_MS = 200;
/** Menus of a prints snapshot when none are chosen. */
export const DEFAULT_PRINT_MENUS = [
  '/system/identity',
  '/interface',
  '/interface/bridge/port',
  '/ip/address',
  '/ip/route',
  '/ip/firewall/filter',
  '/ip/firewall/nat',
  '/ip/dhcp-server/lease',
  '/ip/service',
] as const;

/** Properties of a prints snapshot that change on their own (counters, timers) and are left out. */
const VOLATILE = new Set([
  'bytes',
  'packets',
  'rx-byte',
  'tx-byte',
  'rx-packet',
  'tx-packet',
  'rx-drop',
  'tx-drop',
  'tx-queue-drop',
  'rx-error',
  'tx-error',
  'link-downs',
  'last-link-up-time',
  'last-logged-in',
  'uptime',
  'expires-after',
  'last-seen',
  'active',
  'running',
]);
/** The secret families the trace redacts (traces/redact.ts): left out of prints unless show-sensitive. */
const SENSITIVE = /password|passphrase|psk|private-key|secret|shared-key/i;
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export interface HistoryConsole {
  send(args: ConsoleSendArgs, tap?: ConsoleTap): Promise<ConsoleCommandRef>;
  cancel(commandId: string): Promise<{ commandId: string }>;
}

export interface HistoryDeps {
  /** Where snapshots live: `<dir>/<connectionId>/<snapshotId>.json`. */
  dir: string;
  /** Console commands (writes): recorded in the console history and the trace. */
  console: HistoryConsole;
  /** The link's session for reads, classed as Tikscope's own in the trace; throws NOT_CONNECTED. */
  session(connectionId: string): Session;
  /**
   * The same for reads whose replies hold secrets (a show-sensitive export's `/file/read`): their
   * `!re` are left out of the trace (traces/trace.ts CLASS_SECRET). Absent: `session`.
   */
  secretSession?(connectionId: string): Session;
  routerInfo(connectionId: string): { name: string; identity?: string; version?: string };
  now(): number;
  notify(level: 'info' | 'warning' | 'error', message: string): void;
  /** `snapshotEveryHours` (0: off). */
  everyHours(): number;
  /** Test hooks. */
  pollMs?: number;
  commandTimeoutMs?: number;
  chunkBytes?: number;
}

interface Stored {
  meta: SnapshotMeta;
  text: string;
}

/** `7.20 (stable)` → true when ≥ 7.13 (the first with `/file/read`); undefined when unknown. */
export function hasFileRead(version: string | undefined): boolean | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return undefined;
  const major = Number(m[1]);
  return major > 7 || (major === 7 && Number(m[2]) >= 13);
}

export class HistoryService {
  private metas: Map<string, SnapshotMeta> | undefined;
  private loading: Promise<Map<string, SnapshotMeta>> | undefined;
  /** One snapshot per router at a time: the next waits for the one running. */
  private readonly queue = new Map<string, Promise<unknown>>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; hours: number }>();
  private readonly online = new Set<string>();
  /** Snapshot files a dropped link left on a router: removed when it is online again. */
  private readonly leftBehind = new Map<string, Set<string>>();
  private seq = 0;

  constructor(private readonly deps: HistoryDeps) {}

  // ---------------------------------------------------------------- store

  private async index(): Promise<Map<string, SnapshotMeta>> {
    if (this.metas) return this.metas;
    this.loading ??= (async () => {
      const metas = new Map<string, SnapshotMeta>();
      let routers: string[] = [];
      try {
        routers = await fs.readdir(this.deps.dir);
      } catch {
        // no snapshots yet
      }
      for (const r of routers) {
        if (!SAFE_ID.test(r)) continue;
        const files = await fs.readdir(join(this.deps.dir, r)).catch(() => [] as string[]);
        for (const f of files) {
          if (!f.endsWith('.json')) continue;
          try {
            const s = JSON.parse(await fs.readFile(join(this.deps.dir, r, f), 'utf8')) as Stored;
            if (s?.meta && typeof s.text === 'string' && SAFE_ID.test(s.meta.id)) metas.set(s.meta.id, s.meta);
          } catch {
            this.deps.notify('warning', `The snapshot file ${join(this.deps.dir, r, f)} could not be read; it is left out.`);
          }
        }
      }
      this.metas = metas;
      return metas;
    })();
    return this.loading;
  }

  private file(meta: Pick<SnapshotMeta, 'connectionId' | 'id'>): string {
    return join(this.deps.dir, meta.connectionId, `${meta.id}.json`);
  }

  async list(connectionId?: string): Promise<SnapshotMeta[]> {
    const all = [...(await this.index()).values()];
    return all.filter((m) => connectionId === undefined || m.connectionId === connectionId).sort((x, y) => y.takenAt - x.takenAt);
  }

  async get(id: string): Promise<Stored> {
    const meta = (await this.index()).get(id);
    if (!meta) throw notFound('snapshot', id);
    const s = JSON.parse(await fs.readFile(this.file(meta), 'utf8')) as Stored;
    return { meta, text: s.text };
  }

  async delete(id: string): Promise<{ id: string }> {
    const metas = await this.index();
    const meta = metas.get(id);
    if (!meta) throw notFound('snapshot', id);
    await fs.rm(this.file(meta), { force: true });
    metas.delete(id);
    return { id };
  }

  /** Forgets every snapshot of a deleted connection. */
  async forget(connectionId: string): Promise<void> {
    if (!SAFE_ID.test(connectionId)) return;
    const metas = await this.index();
    for (const [id, m] of metas) if (m.connectionId === connectionId) metas.delete(id);
    await fs.rm(join(this.deps.dir, connectionId), { recursive: true, force: true });
  }

  async diff(aId: string, bId: string): Promise<SnapshotDiff> {
    const a = await this.get(aId);
    const b = await this.get(bId);
    const label = (m: SnapshotMeta): string => `${m.routerName} ${new Date(m.takenAt).toISOString()}`;
    const d = diffTexts(a.text, b.text);
    const stamp = (m: SnapshotMeta): string => new Date(m.takenAt).toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const safe = (s: string): string => s.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
    return {
      a: a.meta,
      b: b.meta,
      ...d,
      unified: unifiedDiff(
        label(a.meta),
        label(b.meta),
        a.text,
        b.text,
        `RouterOS ${a.meta.version ?? '?'}`,
        `RouterOS ${b.meta.version ?? '?'}`,
      ),
      fileName: `${safe(a.meta.routerName)}-${stamp(a.meta)}_${safe(b.meta.routerName)}-${stamp(b.meta)}.diff`,
    };
  }

  // ---------------------------------------------------------------- taking snapshots

  /** `args` as parsed by the bridge schema. Waits for a snapshot of the same router still running. */
  take(args: SnapshotTakeArgs, trigger: SnapshotTrigger = 'manual'): Promise<SnapshotMeta> {
    return this.enqueue(args.connectionId, () => this.takeNow(args, trigger));
  }

  /** Runs `job` after whatever runs for this router now (snapshots and removals, one at a time). */
  private enqueue<T>(connectionId: string, job: () => Promise<T>): Promise<T> {
    const before = this.queue.get(connectionId) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(job);
    const tail = run.catch(() => undefined);
    this.queue.set(connectionId, tail);
    void tail.then(() => {
      if (this.queue.get(connectionId) === tail) this.queue.delete(connectionId);
    });
    return run;
  }

  private async takeNow(args: SnapshotTakeArgs, trigger: SnapshotTrigger): Promise<SnapshotMeta> {
    const { connectionId } = args;
    this.deps.session(connectionId); // NOT_CONNECTED before anything is sent
    const info = this.deps.routerInfo(connectionId);
    const kind: SnapshotKind = args.kind ?? 'export';
    const sensitive = args.showSensitive ?? false;
    if (kind === 'export' && hasFileRead(info.version) === false)
      throw new BridgeFailure(
        'TRAP',
        `RouterOS ${info.version ?? ''} cannot read files over the API (/file/read came with RouterOS 7.13), so an export cannot be read back`,
        'Take a snapshot made of prints of chosen menus instead, or upgrade the router to RouterOS 7.13 or later.',
        { unsupported: 'file-read' },
      );
    const takenAt = this.deps.now();
    const text =
      kind === 'export' ? await this.exportText(connectionId, sensitive) : await this.printsText(args, takenAt, info.version);
    if (text.length > SNAPSHOT_MAX_BYTES)
      throw new BridgeFailure('TRAP', `the snapshot is larger than ${SNAPSHOT_MAX_BYTES / 1024 / 1024} MiB; nothing was stored`);
    const id = `${new Date(takenAt).toISOString().replace(/[-:.]/g, '').replace('T', '-')}-${(++this.seq).toString(36)}${randomBytes(3).toString('hex')}`;
    const meta: SnapshotMeta = {
      id,
      connectionId,
      routerName: info.name,
      takenAt,
      note: args.note ?? '',
      kind,
      trigger,
      sensitive,
      size: text.length,
      lines: logicalLines(text).length,
    };
    if (info.identity !== undefined) meta.identity = info.identity;
    if (info.version !== undefined) meta.version = info.version;
    if (!SAFE_ID.test(connectionId))
      throw new BridgeFailure('STORAGE', `connection id ${JSON.stringify(connectionId)} cannot name a folder`);
    try {
      await writeFileAtomic(this.file(meta), `${JSON.stringify({ meta, text } satisfies Stored)}\n`);
    } catch (e) {
      throw new BridgeFailure(
        'STORAGE',
        `saving the snapshot to ${this.file(meta)} failed: ${(e as Error).message}`,
        'Check free disk space and the permissions of the data directory.',
      );
    }
    (await this.index()).set(id, meta);
    return meta;
  }

  /** Export to a file on the router, read it back, remove it. The file never stays behind. */
  private async exportText(connectionId: string, showSensitive: boolean): Promise<string> {
    const base = `tikscope-snapshot-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const file = `${base}.rsc`;
    let exported = false;
    try {
      exported = true; // from here on the file may exist, even if the export's answer is lost
      await this.consoleCommand(connectionId, [
        '/export',
        `=file=${base}`,
        showSensitive ? '=show-sensitive=' : '=hide-sensitive=',
      ]);
      const size = await this.waitForFile(connectionId, file);
      let text = '';
      const chunk = this.deps.chunkBytes ?? SNAPSHOT_CHUNK_BYTES;
      while (text.length < size) {
        const data = await this.readChunk(connectionId, file, text.length, chunk, showSensitive);
        if (data === '') break;
        text += data;
        if (text.length > SNAPSHOT_MAX_BYTES) break;
      }
      if (text.length < size)
        throw new BridgeFailure('TRAP', `the router returned ${text.length} of the file's ${size} bytes; nothing was stored`);
      return text;
    } finally {
      if (exported) await this.removeFile(connectionId, file);
    }
  }

  /**
   * Removes a snapshot's file from the router. If that cannot be done now (the link dropped
   * half-way), the file is remembered and removed when the router is online again.
   */
  private async removeFile(connectionId: string, file: string): Promise<void> {
    try {
      // Is it there at all? (an export refused before it wrote anything left none)
      const rows = await this.read(connectionId, ['/file/print', `?name=${file}`, '=.proplist=name']);
      if (rows.length > 0) await this.consoleCommand(connectionId, ['/file/remove', `=numbers=${file}`]);
      this.leftBehind.get(connectionId)?.delete(file);
    } catch (e) {
      const err = toBridgeError(e);
      const down = err.code === 'NOT_CONNECTED' || err.code === 'OUTCOME_UNKNOWN' || err.code === 'NETWORK';
      if (down) {
        let files = this.leftBehind.get(connectionId);
        if (!files) this.leftBehind.set(connectionId, (files = new Set()));
        if (files.has(file)) return;
        files.add(file);
      }
      this.deps.notify(
        'warning',
        down
          ? `The snapshot file ${file} is still on the router (${err.message}); it is removed when the router is connected again.`
          : `The snapshot file ${file} could not be removed from the router: ${err.message}. Remove it with /file/remove.`,
      );
    }
  }

  /** Files of failed snapshots still on a router that is online again. */
  private removeLeftBehind(connectionId: string): void {
    const files = this.leftBehind.get(connectionId);
    if (!files || files.size === 0) return;
    for (const file of [...files]) {
      void this.enqueue(connectionId, () => this.removeFile(connectionId, file));
    }
  }

  private async waitForFile(connectionId: string, file: string): Promise<number> {
    const pollMs = this.deps.pollMs ?? SNAPSHOT_FILE_POLL_MS;
    for (let i = 0; i < SNAPSHOT_FILE_POLLS; i++) {
      const rows = await this.read(connectionId, ['/file/print', `?name=${file}`, '=.proplist=name,size']);
      const size = rows[0]?.['size'];
      if (size !== undefined) return Number(size.replace(/\s/g, '')) || 0;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    throw new BridgeFailure(
      'TIMEOUT',
      `the export's file ${file} did not appear on the router within ${(SNAPSHOT_FILE_POLLS * pollMs) / 1000} s`,
      'Check free space on the router (/system/resource).',
    );
  }

  private async readChunk(connectionId: string, file: string, offset: number, chunk: number, secret: boolean): Promise<string> {
    try {
      const words = ['/file/read', `=file=${file}`, `=offset=${offset}`, `=chunk-size=${chunk}`];
      const rows = await this.read(connectionId, words, secret);
      return rows.map((r) => r['data'] ?? '').join('');
    } catch (e) {
      const err = toBridgeError(e);
      if (err.code === 'TRAP' && /no such command/.test(err.message))
        throw new BridgeFailure(
          'TRAP',
          'this router has no /file/read (RouterOS 7.13 or later has it), so the export cannot be read back',
          'Take a snapshot made of prints of chosen menus instead.',
          { unsupported: 'file-read' },
        );
      throw e;
    }
  }

  /** A read through the session (Tikscope's own traffic in the trace; `secret`: its rows left out). */
  private async read(connectionId: string, words: string[], secret = false): Promise<Record<string, string>[]> {
    const session = secret && this.deps.secretSession ? this.deps.secretSession(connectionId) : this.deps.session(connectionId);
    const r = await session.command(words, { timeoutMs: this.deps.commandTimeoutMs ?? SNAPSHOT_COMMAND_TIMEOUT_MS });
    return r.rows as Record<string, string>[];
  }

  /** A console command (history, trace); resolves on `!done`, throws on anything else. */
  private consoleCommand(connectionId: string, words: string[]): Promise<ConsoleReply[]> {
    const replies: ConsoleReply[] = [];
    const timeoutMs = this.deps.commandTimeoutMs ?? SNAPSHOT_COMMAND_TIMEOUT_MS;
    return new Promise<ConsoleReply[]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const tap: ConsoleTap = {
        onReply: (r) => replies.push(r),
        onEnd: (end: ConsoleEnd) => {
          clearTimeout(timer);
          if (end.outcome === 'done') return resolve(replies);
          const trap = replies.find((r) => r.kind === '!trap');
          const message = trap?.words.find((w) => w.startsWith('=message='))?.slice(9);
          if (end.outcome === 'trap')
            reject(new BridgeFailure('TRAP', `the router refused ${words[0]}: ${message ?? 'no message'}`));
          else
            reject(
              end.error
                ? new BridgeFailure(end.error.code, end.error.message, end.error.hint)
                : new BridgeFailure('INTERNAL', `${words[0]} ended ${end.outcome}`),
            );
        },
      };
      this.deps.console.send({ connectionId, words }, tap).then((ref) => {
        timer = setTimeout(() => {
          this.deps.console.cancel(ref.commandId).catch(() => undefined);
          reject(new BridgeFailure('TIMEOUT', `${words[0]} had no final reply within ${timeoutMs / 1000} s; it was cancelled`));
        }, timeoutMs);
      }, reject);
    });
  }

  /** Prints of chosen menus, one JSON row per line under each menu's path. */
  private async printsText(args: SnapshotTakeArgs, takenAt: number, version: string | undefined): Promise<string> {
    const menus = args.menus ?? [...DEFAULT_PRINT_MENUS];
    const lines = [
      `# ${new Date(takenAt).toISOString().slice(0, 19).replace('T', ' ')} by Tikscope (prints) from RouterOS ${version ?? '?'}`,
    ];
    for (const path of menus) {
      const rows = await this.read(args.connectionId, [`${path}/print`]);
      lines.push(`/${path.slice(1).split('/').join(' ')}`);
      for (const row of rows) {
        const kept: Record<string, string> = {};
        for (const [k, v] of Object.entries(row)) {
          if (k === '.id' || VOLATILE.has(k)) continue;
          if (SENSITIVE.test(k) && !args.showSensitive) continue;
          kept[k] = v;
        }
        lines.push(JSON.stringify(kept));
      }
    }
    return `${lines.join('\n')}\n`;
  }

  // ---------------------------------------------------------------- before a write, periodic

  /**
   * A snapshot of each router before a write (a broadcast, a library command): the one undo that
   * works on every RouterOS version. Export where `/file/read` exists, prints elsewhere. Resolves
   * per router; never throws.
   */
  async snapshotBeforeWrite(
    connectionIds: readonly string[],
    reason: string,
  ): Promise<Map<string, { ok: true; snapshot: SnapshotMeta } | { ok: false; error: ReturnType<typeof toBridgeError> }>> {
    const out = new Map<string, { ok: true; snapshot: SnapshotMeta } | { ok: false; error: ReturnType<typeof toBridgeError> }>();
    await Promise.all(
      connectionIds.map(async (id) => {
        try {
          out.set(id, { ok: true, snapshot: await this.takeBeforeWrite(id, reason) });
        } catch (e) {
          out.set(id, { ok: false, error: toBridgeError(e) });
        }
      }),
    );
    return out;
  }

  /** One router's snapshot before a write; throws what failed. */
  takeBeforeWrite(connectionId: string, reason: string): Promise<SnapshotMeta> {
    const version = this.deps.routerInfo(connectionId).version;
    const kind: SnapshotKind = hasFileRead(version) === false ? 'prints' : 'export';
    return this.take({ connectionId, note: `before: ${reason}`.slice(0, 500), kind }, 'before-write');
  }

  /**
   * The broadcast's `beforeWrite` hook (broadcast and library writes): the snapshot, or an error
   * that keeps the write from this router and says why.
   */
  async beforeWrite(connectionId: string, what: string): Promise<void> {
    try {
      await this.takeBeforeWrite(connectionId, what);
    } catch (e) {
      const err = toBridgeError(e);
      throw new BridgeFailure(
        err.code,
        `not sent: the snapshot before the write failed: ${err.message}`,
        'Fix the problem, or untick "Snapshot before write" to send without one.',
      );
    }
  }

  /** Link states: periodic snapshots run while a router is online. */
  linkState(state: LinkState): void {
    if (state.status === 'online') {
      this.online.add(state.connectionId);
      this.removeLeftBehind(state.connectionId);
    } else this.online.delete(state.connectionId);
    this.schedule(state.connectionId);
  }

  /** The setting changed: every online router's timer follows it. */
  applySettings(): void {
    for (const id of new Set([...this.online, ...this.timers.keys()])) this.schedule(id);
  }

  private schedule(connectionId: string): void {
    const hours = this.deps.everyHours();
    const old = this.timers.get(connectionId);
    const want = this.online.has(connectionId) && hours > 0;
    if (old && (!want || old.hours !== hours)) {
      clearInterval(old.timer);
      this.timers.delete(connectionId);
    }
    if (!want || this.timers.has(connectionId)) return;
    const timer = setInterval(() => {
      const info = this.deps.routerInfo(connectionId);
      const kind: SnapshotKind = hasFileRead(info.version) === false ? 'prints' : 'export';
      this.take({ connectionId, note: `every ${hours} h`, kind }, 'periodic').catch((e: unknown) =>
        this.deps.notify('warning', `The periodic snapshot of ${info.name} failed: ${toBridgeError(e).message}`),
      );
    }, hours * 3_600_000);
    timer.unref?.();
    this.timers.set(connectionId, { timer, hours });
  }

  dispose(): void {
    for (const t of this.timers.values()) clearInterval(t.timer);
    this.timers.clear();
    this.online.clear();
  }
}
