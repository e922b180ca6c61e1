import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { HistoryEntry } from '../../common/contract';
import { readJsonFile, SerialWriter } from '../core/storage';

const HISTORY_VERSION = 1;

const entrySchema = z.object({
  id: z.string(),
  connectionId: z.string(),
  words: z.array(z.string()),
  sentAt: z.string(),
  outcome: z
    .enum(['done', 'trap', 'cancelled', 'cancel-unconfirmed', 'timeout', 'fatal', 'outcome-unknown', 'failed'])
    .optional(),
  rows: z.number().int().nonnegative().optional(),
  elapsedMs: z.number().nonnegative().optional(),
});
const fileSchema = z.object({ version: z.literal(HISTORY_VERSION), entries: z.array(entrySchema) });

interface RouterHistory {
  entries: HistoryEntry[];
  writer: SerialWriter;
  timer: NodeJS.Timeout | undefined;
}

/** Connection ids become file names: only what our UUIDs (and test ids) look like. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Console history per router, newest last, bounded (`limit` entries, oldest dropped), persisted in
 * `<dataDir>/history/<connectionId>.json` atomically and debounced. Words are stored already
 * redacted (the console redacts before it records).
 */
export class HistoryStore {
  private readonly routers = new Map<string, Promise<RouterHistory>>();
  private nextId = 1;

  constructor(
    private readonly dir: string,
    private readonly limit: number,
    private readonly onNotice: (message: string) => void,
    private readonly debounceMs = 250,
  ) {}

  static isSafeId(id: string): boolean {
    return SAFE_ID.test(id);
  }

  private file(connectionId: string): string {
    return join(this.dir, `${connectionId}.json`);
  }

  private load(connectionId: string): Promise<RouterHistory> {
    let p = this.routers.get(connectionId);
    if (!p) {
      p = (async () => {
        const file = this.file(connectionId);
        const loaded = await readJsonFile(file, fileSchema);
        if (loaded.kind === 'damaged') {
          this.onNotice(
            `The console history of a router was damaged (${loaded.reason}); it was moved to ${loaded.movedTo} and a new history was started.`,
          );
        }
        const entries = loaded.kind === 'ok' ? (loaded.value.entries as HistoryEntry[]) : [];
        return { entries, writer: new SerialWriter(file), timer: undefined };
      })();
      this.routers.set(connectionId, p);
      p.catch(() => this.routers.delete(connectionId));
    }
    return p;
  }

  async add(connectionId: string, words: string[], sentAt: string): Promise<HistoryEntry> {
    const h = await this.load(connectionId);
    const entry: HistoryEntry = { id: `h${Date.now().toString(36)}-${this.nextId++}`, connectionId, words, sentAt };
    h.entries.push(entry);
    if (h.entries.length > this.limit) h.entries.splice(0, h.entries.length - this.limit);
    this.schedule(h);
    return entry;
  }

  /** An entry returned by `add` was updated in place (outcome, rows, time): persist it. */
  async changed(connectionId: string): Promise<void> {
    this.schedule(await this.load(connectionId));
  }

  /** Newest first; `search` matches any part of the words, case-insensitively. */
  async list(connectionId: string, search?: string, limit = 100): Promise<HistoryEntry[]> {
    const h = await this.load(connectionId);
    const needle = search?.trim().toLowerCase();
    const out: HistoryEntry[] = [];
    for (let i = h.entries.length - 1; i >= 0 && out.length < limit; i--) {
      const e = h.entries[i]!;
      if (!needle || e.words.join(' ').toLowerCase().includes(needle)) out.push({ ...e, words: [...e.words] });
    }
    return out;
  }

  private schedule(h: RouterHistory): void {
    if (h.timer) return;
    h.timer = setTimeout(() => {
      h.timer = undefined;
      this.persist(h);
    }, this.debounceMs);
  }

  private persist(h: RouterHistory): void {
    h.writer
      .write(() => JSON.stringify({ version: HISTORY_VERSION, entries: h.entries }))
      .catch((e: unknown) => this.onNotice(`The console history could not be saved: ${(e as Error).message}`));
  }

  async flush(): Promise<void> {
    for (const p of this.routers.values()) {
      const h = await p.catch(() => undefined);
      if (!h) continue;
      if (h.timer) {
        clearTimeout(h.timer);
        h.timer = undefined;
        this.persist(h);
      }
      await h.writer.flush();
    }
  }

  async remove(connectionId: string): Promise<void> {
    const p = this.routers.get(connectionId);
    this.routers.delete(connectionId);
    const h = await p?.catch(() => undefined);
    if (h?.timer) clearTimeout(h.timer);
    await h?.writer.flush();
    await fs.rm(this.file(connectionId), { force: true });
  }
}
