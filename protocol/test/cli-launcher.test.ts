/**
 * `npm run cli` / `npm run sim` run the compiled bundles through scripts/cli.mjs, which
 * rebuilds a bundle only when a source it was built from is newer (issue 11 item 16: running the
 * TypeScript through tsx cost about 0.4 s per call). Checked here: the staleness rule on files with
 * set mtimes, and the launcher end to end on a scratch output directory — it rebuilds when a source
 * is newer and not otherwise.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staleReason } from '../../scripts/cli.mjs';

const root = new URL('../..', import.meta.url).pathname;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tikscope-launcher-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file with the given modification time (seconds since the epoch). */
function file(name: string, mtime: number, content = 'x'): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  utimesSync(path, mtime, mtime);
  return path;
}

describe('staleReason', () => {
  const T = 1_800_000_000;

  function layout(sourceTimes: number[], bundleTime = T) {
    const sources = sourceTimes.map((t, i) => file(`s${i}.ts`, t));
    const inputs = file('cli.inputs.json', bundleTime, JSON.stringify({ entry: 's0.ts', sources }));
    const bundle = file('cli.mjs', bundleTime);
    return { bundle, inputs, sources };
  }

  it('is up to date when every source is older than the bundle, or as old', () => {
    const { bundle, inputs } = layout([T - 100, T - 1, T]);
    expect(staleReason({ bundle, inputs })).toBeUndefined();
  });

  it('is stale when one source is newer than the bundle, naming it', () => {
    const { bundle, inputs, sources } = layout([T - 100, T + 1, T - 5]);
    expect(staleReason({ bundle, inputs })).toBe(`${sources[1]} is newer than ${bundle}`);
  });

  it('is stale when an extra input (the build script) is newer', () => {
    const { bundle, inputs } = layout([T - 100]);
    const script = file('10-cli.mjs', T + 60);
    expect(staleReason({ bundle, inputs, extra: [script] })).toBe(`${script} is newer than ${bundle}`);
  });

  it('is stale when a listed source is gone', () => {
    const { bundle, inputs, sources } = layout([T - 100, T - 100]);
    rmSync(sources[1]!);
    expect(staleReason({ bundle, inputs })).toBe(`${sources[1]} is gone`);
  });

  it('is stale when the bundle or its list of inputs is missing or unreadable', () => {
    const { bundle, inputs } = layout([T - 100]);
    writeFileSync(inputs, '{"entry":"s0.ts"}');
    expect(staleReason({ bundle, inputs })).toBe(`${inputs} cannot be read (no "sources" list)`);
    writeFileSync(inputs, 'not json');
    expect(staleReason({ bundle, inputs })).toMatch(/cannot be read \(.*JSON/);
    rmSync(inputs);
    expect(staleReason({ bundle, inputs })).toMatch(/cannot be read \(ENOENT/);
    rmSync(bundle);
    expect(staleReason({ bundle, inputs })).toBe(`${bundle} does not exist`);
  });
});

/** Runs `node -e` with the launcher on a scratch output directory; resolves with its stdout. */
function launch(outDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const program = `process.argv.splice(1, 0, 'cli'); await (await import(${JSON.stringify(join(root, 'scripts/cli.mjs'))})).runCompiled('cli', ${JSON.stringify(outDir)});`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', program, '--', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the launcher', () => {
  it('builds a missing bundle, runs it in-process with the arguments, and rebuilds only when a source is newer', async () => {
    const outDir = join(dir, 'out');
    const bundle = join(outDir, 'cli.mjs');
    const first = await launch(outDir, ['--bogus']);
    expect(first.stderr.split('\n')[0]).toBe('error: unknown option --bogus');
    expect(first.code).toBe(1);
    const listed = JSON.parse(readFileSync(join(outDir, 'cli.inputs.json'), 'utf8')) as { entry: string; sources: string[] };
    expect(listed.entry).toBe('protocol/node/cli.ts');
    expect(listed.sources).toContain(join(root, 'protocol/node/cli.ts'));
    expect(listed.sources).toContain(join(root, 'protocol/src/decoder.ts'));

    // Up to date: not rebuilt. The bundle's mtime is set to a known time just after the newest
    // source and the build script; a rebuild would replace the file and with it that time.
    const built = [...listed.sources, join(root, 'scripts/build.d/10-cli.mjs')];
    const newest = Math.max(...built.map((s) => statSync(s).mtimeMs));
    // Whole seconds: file systems keep sub-millisecond times that a Date cannot round-trip.
    const past = new Date((Math.floor(newest / 1000) + 2) * 1000);
    utimesSync(bundle, past, past);
    const second = await launch(outDir, ['--help']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^usage: npm run cli -- HOST USER/);
    expect(statSync(bundle).mtimeMs).toBe(past.getTime());

    // A source newer than the bundle: rebuilt before running (the bundle is replaced).
    const older = new Date((Math.floor(newest / 1000) - 1) * 1000);
    utimesSync(bundle, older, older);
    const third = await launch(outDir, ['--help']);
    expect(third.code).toBe(0);
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(newest);
  });
});
