import { join } from 'node:path';
import { z } from 'zod';
import type { Settings, ThemeSetting } from '../common/contract';
import { BridgeFailure, validationError } from './errors';
import { readJsonFile, SerialWriter, type AtomicWriteOptions } from './storage';
import { requireObject, requireString } from './validation';

export const SETTINGS_FILE = 'settings.json';
const VERSION = 1;
const THEMES: readonly ThemeSetting[] = ['system', 'light', 'dark'];

const settingsSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  tableColumns: z.record(z.string(), z.array(z.string())),
  lastSelectedConnectionId: z.string().optional(),
});
const fileSchema = z.object({ version: z.literal(VERSION), settings: settingsSchema });

export function defaultSettings(): Settings {
  return { theme: 'system', tableColumns: {} };
}

/** Checks a `settings:set` argument; unknown keys are refused by name. */
export function validateSettingsPatch(value: unknown): Partial<Settings> {
  const o = requireObject(value, 'settings');
  const out: Partial<Settings> = {};
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (v === undefined) continue;
    switch (key) {
      case 'theme':
        if (typeof v !== 'string' || !(THEMES as readonly string[]).includes(v))
          throw validationError('theme', `theme must be one of ${THEMES.join(', ')}`);
        out.theme = v as ThemeSetting;
        break;
      case 'tableColumns': {
        const t = requireObject(v, 'tableColumns');
        const entries = Object.entries(t);
        if (entries.length > 1000) throw validationError('tableColumns', 'tableColumns holds too many menus (at most 1000)');
        const cols: Record<string, string[]> = {};
        for (const [path, list] of entries) {
          const field = `tableColumns.${path}`;
          if (!path.startsWith('/') || path.length > 300)
            throw validationError(field, `"${path}" is not a menu path (like /interface)`);
          if (!Array.isArray(list) || list.length > 1000)
            throw validationError(field, `${field} must be a list of at most 1000 column names`);
          cols[path] = list.map((c, i) => requireString(c, `${field}[${i}]`, { min: 1, max: 200 }));
        }
        out.tableColumns = cols;
        break;
      }
      case 'lastSelectedConnectionId':
        out.lastSelectedConnectionId = requireString(v, 'lastSelectedConnectionId', { min: 1, max: 200 });
        break;
      default:
        throw validationError(key, `unknown setting "${key}"`);
    }
  }
  return out;
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
      const s: Settings = { theme: r.value.settings.theme, tableColumns: r.value.settings.tableColumns };
      if (r.value.settings.lastSelectedConnectionId) s.lastSelectedConnectionId = r.value.settings.lastSelectedConnectionId;
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

  async set(patch: unknown): Promise<Settings> {
    const p = validateSettingsPatch(patch);
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
