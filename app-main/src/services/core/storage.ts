import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';

export interface AtomicWriteOptions {
  /**
   * Called after the temporary file is complete and flushed, before the rename. Tests use it to
   * simulate a crash at the worst moment.
   */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/**
 * Replaces `file` atomically: write a temporary file in the same directory, fsync it, rename it
 * over the target, fsync the directory (engineering-notes §7, design.md §5 "Saved data is written
 * atomically"). A crash at any point leaves either the old or the new file, never a torn one; at
 * worst a stray `*.tmp-*` file, which `readJsonFile` removes.
 */
export async function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `${basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await options.beforeRename?.(temp);
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw e;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  // The rename is durable only once the directory entry is flushed. Windows cannot open a
  // directory for fsync; there the rename itself is what we get.
  if (process.platform === 'win32') return;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on directories (EINVAL); the data file itself is synced.
  } finally {
    await handle?.close();
  }
}

export type JsonLoad<T> =
  | { kind: 'missing' }
  | { kind: 'ok'; value: T }
  /** The file could not be used; it was moved to `movedTo` and is kept there. */
  | { kind: 'damaged'; movedTo: string; reason: string };

/**
 * Reads a JSON file and validates it. A file that does not parse or does not match the schema is
 * **moved aside** (`<file>.damaged-<timestamp>`) and reported, never silently replaced
 * (design.md §5). Leftover temporary files of an interrupted write are removed.
 */
export async function readJsonFile<T>(file: string, schema: z.ZodType<T>, now: () => number = Date.now): Promise<JsonLoad<T>> {
  await removeStrayTemps(file);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  let reason: string | undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch (e) {
    reason = `not valid JSON (${(e as Error).message})`;
  }
  if (reason === undefined) {
    const result = schema.safeParse(parsed);
    if (result.success) return { kind: 'ok', value: result.data };
    const issue = result.error.issues[0];
    reason = issue
      ? `${issue.path.length ? issue.path.join('.') : 'file'}: ${issue.message}`
      : 'does not match the expected format';
  }
  const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
  let movedTo = `${file}.damaged-${stamp}`;
  for (let n = 2; await exists(movedTo); n++) movedTo = `${file}.damaged-${stamp}-${n}`;
  await fs.rename(file, movedTo);
  return { kind: 'damaged', movedTo, reason: reason ?? 'unreadable' };
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

async function removeStrayTemps(file: string): Promise<void> {
  const dir = dirname(file);
  const prefix = `${basename(file)}.tmp-`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(
    names.filter((n) => n.startsWith(prefix)).map((n) => fs.rm(join(dir, n), { force: true }).catch(() => undefined)),
  );
}

/**
 * Serialises writes of one file: each `write` waits for the previous one, and a burst of writes
 * collapses into the latest value (what matters is the final state on disk).
 */
export class SerialWriter {
  private chain: Promise<void> = Promise.resolve();
  private pending: { data: () => string; waiters: { resolve(): void; reject(e: unknown): void }[] } | undefined;

  constructor(
    private readonly file: string,
    private readonly options: AtomicWriteOptions = {},
  ) {}

  write(data: () => string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pending) {
        this.pending.data = data;
        this.pending.waiters.push({ resolve, reject });
        return;
      }
      const job = { data, waiters: [{ resolve, reject }] };
      this.pending = job;
      this.chain = this.chain.then(async () => {
        this.pending = undefined;
        try {
          await writeFileAtomic(this.file, job.data(), this.options);
          for (const w of job.waiters) w.resolve();
        } catch (e) {
          for (const w of job.waiters) w.reject(e);
        }
      });
    });
  }

  /** Resolves when every queued write has finished. */
  flush(): Promise<void> {
    return this.chain;
  }
}
