import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonFile, SerialWriter, writeFileAtomic } from './storage';
import { tempDir } from '../test-support/helpers';

const schema = z.object({ version: z.literal(1), n: z.number() });
const root = new URL('../../../../', import.meta.url).pathname;

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function runChild(
  script: string,
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary file behind', async () => {
    const file = join(tmp.dir, 'a.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readdirSync(tmp.dir)).toEqual(['a.json']);
  });

  it('creates missing directories', async () => {
    const file = join(tmp.dir, 'x', 'y', 'a.json');
    await writeFileAtomic(file, 'data');
    expect(readFileSync(file, 'utf8')).toBe('data');
  });

  it('a process killed between write and rename leaves the old file intact', async () => {
    const file = join(tmp.dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ version: 1, n: 1 }));
    const result = await runChild(join(root, 'app-main/src/services/test-support/fixtures/crash-write.ts'), [
      file,
      JSON.stringify({ version: 1, n: 2 }),
    ]);
    expect(result.signal, result.stderr).toBe('SIGKILL');
    // The old content is still there; the new one sits in a flushed temp file that was never renamed.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, n: 1 });
    const temps = readdirSync(tmp.dir).filter((n) => n.startsWith('settings.json.tmp-'));
    expect(temps).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(tmp.dir, temps[0]!), 'utf8'))).toEqual({ version: 1, n: 2 });
    // The next load reads the old file and removes the stray temp file.
    const loaded = await readJsonFile(file, schema);
    expect(loaded).toEqual({ kind: 'ok', value: { version: 1, n: 1 } });
    expect(readdirSync(tmp.dir)).toEqual(['settings.json']);
  });

  it('a failing rename hook removes the temp file and keeps the old file', async () => {
    const file = join(tmp.dir, 'c.json');
    writeFileSync(file, 'old');
    await expect(writeFileAtomic(file, 'new', { beforeRename: () => Promise.reject(new Error('disk gone')) })).rejects.toThrow(
      'disk gone',
    );
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(tmp.dir)).toEqual(['c.json']);
  });
});

describe('readJsonFile', () => {
  it('reports a missing file', async () => {
    expect(await readJsonFile(join(tmp.dir, 'none.json'), schema)).toEqual({ kind: 'missing' });
  });

  it('moves a file that is not JSON aside and says why', async () => {
    const file = join(tmp.dir, 'connections.json');
    writeFileSync(file, '{"version":1, "n": ');
    const r = await readJsonFile(file, schema, () => Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(r.kind).toBe('damaged');
    if (r.kind !== 'damaged') return;
    expect(r.reason).toMatch(/not valid JSON/);
    expect(r.movedTo).toBe(`${file}.damaged-2026-01-02T03-04-05-000Z`);
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(r.movedTo, 'utf8')).toBe('{"version":1, "n": ');
  });

  it('moves a file that fails the schema aside, naming the field', async () => {
    const file = join(tmp.dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ version: 1, n: 'x' }));
    const r = await readJsonFile(file, schema);
    expect(r.kind).toBe('damaged');
    if (r.kind === 'damaged') expect(r.reason).toMatch(/^n: /);
  });

  it('never overwrites an earlier damaged copy', async () => {
    const file = join(tmp.dir, 's.json');
    const at = () => Date.UTC(2026, 0, 1);
    writeFileSync(file, 'bad1');
    const a = await readJsonFile(file, schema, at);
    writeFileSync(file, 'bad2');
    const b = await readJsonFile(file, schema, at);
    expect(a.kind === 'damaged' && b.kind === 'damaged' && a.movedTo !== b.movedTo).toBe(true);
    if (a.kind === 'damaged' && b.kind === 'damaged') {
      expect(readFileSync(a.movedTo, 'utf8')).toBe('bad1');
      expect(readFileSync(b.movedTo, 'utf8')).toBe('bad2');
    }
  });
});

describe('SerialWriter', () => {
  it('serialises writes and ends with the last value', async () => {
    const file = join(tmp.dir, 'w.json');
    const w = new SerialWriter(file);
    const all = Array.from({ length: 20 }, (_, i) => w.write(() => String(i)));
    await Promise.all(all);
    expect(readFileSync(file, 'utf8')).toBe('19');
    expect(readdirSync(tmp.dir)).toEqual(['w.json']);
  });
});
