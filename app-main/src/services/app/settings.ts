import { join } from 'node:path';
import { z } from 'zod';
import type { Settings } from '../../common/contract';
import { LIMITS } from '../../common/limits';
import { BridgeFailure } from '../core/errors';
import { readJsonFile, SerialWriter, type AtomicWriteOptions } from '../core/storage';

export const SETTINGS_FILE = 'settings.json';
const VERSION = 1;

/** Trace buffer size of a fresh install, MiB (docs/main-process.md, "Trace capture"). */
export const DEFAULT_TRACE_BUFFER_MIB = 8;

const settingsSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  tableColumns: z.record(z.string(), z.array(z.string())),
  tableColumnWidths: z.record(z.string(), z.record(z.string(), z.number())).optional(),
  lastSelectedConnectionId: z.string().optional(),
  tablePrintTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
  // Added later: files written before have neither.
  traceScopes: z.record(z.string(), z.enum(['all', 'no-rows', 'commands'])).optional(),
  traceBufferMiB: z.number().int().min(1).max(LIMITS.traceBufferMiB).optional(),
  mndpListen: z.boolean().optional(),
  mndpPort: z.number().int().min(1).max(65535).optional(),
  snapshotEveryHours: z.number().int().min(0).max(LIMITS.snapshotEveryHours).optional(),
  snapshotBeforeWrite: z.boolean().optional(),
});
const fileSchema = z.object({ version: z.literal(VERSION), settings: settingsSchema });

export function defaultSettings(): Settings {
  return { theme: 'system', tableColumns: {}, traceScopes: {}, traceBufferMiB: DEFAULT_TRACE_BUFFER_MIB };
}

/** `<dataDir>/settings.json`, validated on load, written atomically; damaged files moved aside. */
export class SettingsStore {
  private value: Settings = defaultSettings();
  private readonly writer: SerialWriter;
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly now: () => number,
    private readonly notify: (level: 'info' | 'warning' | 'error', message: string) => void,
    writeOptions?: AtomicWriteOptions,
  ) {
    this.file = join(dataDir, SETTINGS_FILE);
    this.writer = new SerialWriter(this.file, writeOptions);
  }

  async load(): Promise<string | undefined> {
    const r = await readJsonFile(this.file, fileSchema, this.now);
    if (r.kind === 'ok') {
      const s: Settings = {
        theme: r.value.settings.theme,
        tableColumns: r.value.settings.tableColumns,
        traceScopes: r.value.settings.traceScopes ?? {},
        traceBufferMiB: r.value.settings.traceBufferMiB ?? DEFAULT_TRACE_BUFFER_MIB,
      };
      if (r.value.settings.tableColumnWidths) s.tableColumnWidths = r.value.settings.tableColumnWidths;
      if (r.value.settings.lastSelectedConnectionId) s.lastSelectedConnectionId = r.value.settings.lastSelectedConnectionId;
      if (r.value.settings.tablePrintTimeoutSeconds !== undefined)
        s.tablePrintTimeoutSeconds = r.value.settings.tablePrintTimeoutSeconds;
      if (r.value.settings.mndpListen !== undefined) s.mndpListen = r.value.settings.mndpListen;
      if (r.value.settings.mndpPort !== undefined) s.mndpPort = r.value.settings.mndpPort;
      if (r.value.settings.snapshotEveryHours !== undefined) s.snapshotEveryHours = r.value.settings.snapshotEveryHours;
      if (r.value.settings.snapshotBeforeWrite !== undefined) s.snapshotBeforeWrite = r.value.settings.snapshotBeforeWrite;
      this.value = s;
      return undefined;
    }
    if (r.kind === 'damaged') {
      const message = `The settings file could not be read (${r.reason}). It was kept as ${r.movedTo}; defaults are in use.`;
      this.notify('warning', message);
      return message;
    }
    return undefined;
  }

  get(): Settings {
    return structuredClone(this.value);
  }

  /** `patch` as parsed by the bridge schema; a key given as undefined leaves the setting as it is. */
  async set(patch: Partial<Settings>): Promise<Settings> {
    const p: Partial<Settings> = {};
    if (patch.theme !== undefined) p.theme = patch.theme;
    if (patch.tableColumns !== undefined) p.tableColumns = patch.tableColumns;
    if (patch.tableColumnWidths !== undefined) p.tableColumnWidths = patch.tableColumnWidths;
    if (patch.lastSelectedConnectionId !== undefined) p.lastSelectedConnectionId = patch.lastSelectedConnectionId;
    if (patch.tablePrintTimeoutSeconds !== undefined) p.tablePrintTimeoutSeconds = patch.tablePrintTimeoutSeconds;
    if (patch.traceScopes !== undefined) p.traceScopes = patch.traceScopes;
    if (patch.traceBufferMiB !== undefined) p.traceBufferMiB = patch.traceBufferMiB;
    if (patch.mndpListen !== undefined) p.mndpListen = patch.mndpListen;
    if (patch.mndpPort !== undefined) p.mndpPort = patch.mndpPort;
    if (patch.snapshotEveryHours !== undefined) p.snapshotEveryHours = patch.snapshotEveryHours;
    if (patch.snapshotBeforeWrite !== undefined) p.snapshotBeforeWrite = patch.snapshotBeforeWrite;
    this.value = { ...this.value, ...p };
    await this.writer
      .write(() => JSON.stringify({ version: VERSION, settings: this.value }, null, 2) + '\n')
      .catch((e: unknown) => {
        throw new BridgeFailure(
          'STORAGE',
          `saving settings to ${this.file} failed: ${(e as Error).message}`,
          'Check free disk space and the permissions of the data directory.',
        );
      });
    return this.get();
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
