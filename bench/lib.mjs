// Helpers shared by the bench/*.bench.mjs programs: options, the machine and date line, esbuild
// bundling of the child programs, child processes that answer in JSON lines, the wire encoding the
// benchmarks' own servers and clients use, and writing one benchmark's section of docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';

export const root = new URL('..', import.meta.url).pathname;
const argv = process.argv.slice(2);

/** `--name N`: a positive number, or `fallback` when absent; anything else ends the run (exit 2). */
export function numberOption(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`--${name} needs a positive number, got ${JSON.stringify(argv[i + 1])}`);
    process.exit(2);
  }
  return v;
}

export const hasFlag = (name) => argv.includes(`--${name}`);

/** Whether to rewrite docs/benchmarks.md: not with `--no-write`, nor with BENCH_NO_WRITE=1. */
export const shouldWrite = () => !hasFlag('no-write') && process.env.BENCH_NO_WRITE !== '1';

/** A fresh scratch directory for bundles and data, removed by `runMain` (also on failure). */
export function workDir(name) {
  return mkdtempSync(join(tmpdir(), `tikscope-${name}-bench-`));
}

/** Runs the benchmark's main; on an error prints it, removes the scratch directory and exits 1. */
export function runMain(main, work) {
  main().catch((e) => {
    console.error(e);
    if (work) rmSync(work, { recursive: true, force: true });
    process.exit(1);
  });
}

/**
 * The machine as the results name it: cores, CPU model, memory, Node, platform — plus `extra`
 * (e.g. the browser) at the end. Load averages differ per benchmark (before, after, at the start)
 * and are added by each one.
 */
export function machine(extra = []) {
  const model = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return [
    `${cpus().length} × ${model}`,
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    ...extra,
    `Node ${process.version}`,
    `${process.platform}/${process.arch}`,
  ].join(', ');
}

/** Today's date (UTC), as the results are dated. */
export const today = () => new Date().toISOString().slice(0, 10);

/**
 * Bundles a child program given as TypeScript source (resolved from the repository root) into
 * `work`, so that it runs under plain node without tsx. Native and optional modules stay external.
 */
export async function bundle(work, name, source) {
  const outfile = join(work, `${name}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: `${name}.ts` },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    external: ['@napi-rs/keyring', 'dbus-next', 'node-routeros'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}

/**
 * Runs a bundled child program that answers in JSON lines on stdout. `first` resolves with its
 * first JSON line; lines that are not JSON are diagnostics (e.g. --trace-gc) and go to stderr.
 * Its stdin stays open while `keepAlive` (children exit when their stdin ends); `stop()` ends it,
 * waits for the exit and returns every JSON line printed. `nodeFlags` go before the file.
 */
export function child(file, args, { keepAlive = false, nodeFlags = [] } = {}) {
  const p = spawn(process.execPath, [...nodeFlags, file, ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
  });
  const lines = [];
  const first = new Promise((resolve, reject) => {
    const rl = createInterface({ input: p.stdout });
    rl.on('line', (line) => {
      let value;
      try {
        value = JSON.parse(line);
      } catch {
        process.stderr.write(`${line}\n`); // diagnostics, not a result
        return;
      }
      lines.push(value);
      if (lines.length === 1) resolve(lines[0]);
    });
    // 'close' comes after stdout has ended, so every line has been read by then.
    p.once('close', (code) => reject(new Error(`${file} exited with ${code} before answering`)));
    p.once('error', reject);
  });
  // A caller that reads only `stop()` (the last line) need not await `first`.
  first.catch(() => {});
  const exited = new Promise((resolve) => p.once('exit', resolve));
  if (!keepAlive) p.stdin.end();
  return {
    first,
    stop: async () => {
      p.stdin.end();
      await exited;
      return lines;
    },
  };
}

/**
 * The API's length prefix (protocol.md: 1 to 5 bytes), written here independently of protocol/src
 * so that the benchmarks' servers and clients do not share the code under test.
 */
export function prefix(n) {
  if (n < 0x80) return [n];
  if (n < 0x4000) return [0x80 | (n >>> 8), n & 0xff];
  if (n < 0x200000) return [0xc0 | (n >>> 16), (n >>> 8) & 0xff, n & 0xff];
  if (n < 0x10000000) return [0xe0 | (n >>> 24), (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return [0xf0, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** One sentence on the wire: each word with its length prefix, then the empty word. */
export function sentence(words) {
  const parts = [];
  for (const w of words) {
    const b = Buffer.from(w);
    parts.push(Buffer.from(prefix(b.length)), b);
  }
  parts.push(Buffer.of(0));
  return Buffer.concat(parts);
}

/**
 * Replaces one benchmark's section of docs/benchmarks.md — from its `heading` line to its
 * `endMarker` (or, without the marker, to the next `## ` heading) — keeping every other section;
 * appends it at the end the first time. `section` starts with the heading and ends with the marker.
 */
export function writeSection(section, { heading, endMarker }) {
  const file = join(root, 'docs', 'benchmarks.md');
  let doc = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nResults of `npm run bench`. Each benchmark rewrites only its own section.\n';
  // The heading as a whole line, so that one heading that begins another cannot match it.
  const start = doc.indexOf(`${heading}\n`);
  if (start >= 0) {
    const end = doc.indexOf(endMarker, start);
    const next = doc.indexOf('\n## ', start + heading.length);
    const stop = end >= 0 ? end + endMarker.length + 1 : next >= 0 ? next + 1 : doc.length;
    doc = doc.slice(0, start) + section + doc.slice(stop).replace(/^\n*/, '\n');
  } else {
    doc = `${doc.replace(/\n*$/, '\n')}\n${section}`;
  }
  writeFileSync(file, doc.replace(/\n+$/, '\n'));
  console.log(`wrote ${file}`);
}
