import { join } from 'node:path';
import { z } from 'zod';
import type { FleetKnown, LinkState } from '../../common/contract';
import { readJsonFile, SerialWriter, type AtomicWriteOptions } from '../core/storage';

export const FLEET_FILE = 'fleet.json';
const FILE_VERSION = 1;
/**
 * Heartbeats of 1,000 routers arrive ~33 a second: the file is written at most this often (and on
 * quit), not per heartbeat. What a crash loses is at most this much of "last seen".
 */
export const FLEET_WRITE_INTERVAL_MS = 10_000;

const knownSchema = z.object({
  connectionId: z.string().min(1).max(200),
  identity: z.string().max(1000).optional(),
  version: z.string().max(200).optional(),
  board: z.string().max(200).optional(),
  uptimeSeconds: z.number().nonnegative().optional(),
  uptimeAt: z.number().optional(),
  cpuLoad: z.number().min(0).max(100).optional(),
  latencyMs: z.number().nonnegative().optional(),
  lastSeen: z.number().optional(),
});
const fileSchema = z.object({ version: z.literal(FILE_VERSION), routers: z.array(knownSchema) });

export interface FleetStoreDeps {
  dataDir: string;
  now(): number;
  notify(level: 'info' | 'warning' | 'error', message: string): void;
  log(level: 'warn', message: string): void;
  writeIntervalMs?: number;
  writeOptions?: AtomicWriteOptions;
}

/**
 * What was last seen of each saved router (issue 15, fleet view), kept in `<dataDir>/fleet.json`
 * — apart from connections.json, so that nothing the user saved is rewritten by a heartbeat.
 * Updated from link states (login, heartbeats); written at most every `writeIntervalMs`.
 */
export class FleetStore {
  private readonly known = new Map<string, FleetKnown>();
  private readonly writer: SerialWriter;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  readonly file: string;

  constructor(private readonly deps: FleetStoreDeps) {
    this.file = join(deps.dataDir, FLEET_FILE);
    this.writer = new SerialWriter(this.file, deps.writeOptions);
  }

  async load(): Promise<void> {
    const loaded = await readJsonFile(this.file, fileSchema, this.deps.now);
    if (loaded.kind === 'ok') {
      for (const k of loaded.value.routers) this.known.set(k.connectionId, stripUndefined(k));
    } else if (loaded.kind === 'damaged') {
      // Only remembered values: the app works without them, the next heartbeats refill it.
      this.deps.notify(
        'warning',
        `The fleet's last known values could not be read (${loaded.reason}); the file was kept as ${loaded.movedTo}.`,
      );
    }
  }

  /** A link's state: an online one refreshes what is known of its router. */
  note(state: LinkState): void {
    if (state.status !== 'online') return;
    const prev = this.known.get(state.connectionId) ?? { connectionId: state.connectionId };
    const next: FleetKnown = { ...prev, lastSeen: state.health?.at ?? this.deps.now() };
    const r = state.router;
    if (r) {
      if (r.identity) next.identity = r.identity;
      if (r.version) next.version = r.version;
      if (r.board) next.board = r.board;
    }
    const h = state.health;
    if (h) {
      next.latencyMs = h.latencyMs;
      if (h.cpuLoad !== undefined) next.cpuLoad = h.cpuLoad;
      if (h.uptimeSeconds !== undefined) {
        next.uptimeSeconds = h.uptimeSeconds;
        next.uptimeAt = h.at;
      }
    }
    this.known.set(state.connectionId, next);
    this.schedule();
  }

  get(id: string): FleetKnown | undefined {
    return this.known.get(id);
  }

  /** Last known values of these connections (those never seen are left out). */
  list(ids: readonly string[]): FleetKnown[] {
    const out: FleetKnown[] = [];
    for (const id of ids) {
      const k = this.known.get(id);
      if (k) out.push({ ...k });
    }
    return out;
  }

  /** A deleted connection (past Undo): its values go. */
  forget(id: string): void {
    if (this.known.delete(id)) this.schedule();
  }

  private schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.deps.writeIntervalMs ?? FLEET_WRITE_INTERVAL_MS);
    this.timer.unref?.();
  }

  private write(): Promise<void> {
    if (!this.dirty) return this.writer.flush();
    this.dirty = false;
    const data = () => JSON.stringify({ version: FILE_VERSION, routers: [...this.known.values()] }) + '\n';
    return this.writer.write(data).catch((e: unknown) => {
      this.deps.log('warn', `saving ${this.file} failed: ${(e as Error).message}`);
    });
  }

  /** Quitting: what is pending is written now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
