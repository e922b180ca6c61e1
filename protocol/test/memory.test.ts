/**
 * Issue 11 E: one reply from a hostile or broken router must not exhaust the process's memory.
 * Each case runs the engine in a child process with a small heap (`--max-old-space-size`) and
 * checks that it survives and does what the limits say. The bytes-per-byte figures are measured by
 * bench/memory.bench.mjs (docs/main-process.md "Memory per byte received").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tikscope-memory-'));
  bundle = join(dir, 'protocol.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, '../src/index.ts')],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'warning',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` (an async function body with `Session` and `deliver` in scope) under a small heap. */
function inChild(body: string, heapMb = 512): { status: number | null; out: Record<string, unknown>; stderr: string } {
  const script = join(dir, `case-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `import { Session } from ${JSON.stringify(pathToFileURL(bundle).href)};
let deliver = () => {};
const transport = {
  write: () => Promise.resolve(),
  onData: (l) => ((deliver = l), () => {}),
  onClose: () => () => {},
  close: () => {},
};
const out = await (async () => { ${body} })();
out.maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(JSON.stringify(out));
`,
  );
  const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  let out: Record<string, unknown> = {};
  try {
    out = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    // The child died (out of memory): no result, the status and stderr say why.
  }
  return { status: r.status, out, stderr: r.stderr.slice(-400) };
}

describe('memory per reply (child process with a small heap)', () => {
  it('a 4 MiB word arriving one byte per read is received whole with a 128 MB heap', () => {
    // One view per one-byte read (the old way) is ~200 bytes per byte: 800 MB here. (A 16 MiB word
    // is the default limit; bench/memory.bench.mjs measures that one, this keeps the test short.)
    const r = inChild(
      `
      const replies = [];
      const session = new Session(transport, { onUntaggedReply: (r) => replies.push(r) });
      const N = 4 * 1024 * 1024;
      // !re, then one word of N bytes (prefix E0 40 00 00), then the terminating zero.
      const head = [0x03, 0x21, 0x72, 0x65, 0xe0, 0x40, 0x00, 0x00];
      for (const b of head) deliver(Uint8Array.of(b));
      for (let i = 0; i < N; i++) deliver(Uint8Array.of(i & 0xff));
      deliver(Uint8Array.of(0));
      const w = replies[0]?.words[1];
      let intact = w?.length === N;
      for (let i = 0; intact && i < N; i += 4099) intact = w[i] === (i & 0xff);
      return { replies: replies.length, intact, closed: session.closed?.message ?? null };
    `,
      128,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.out).toMatchObject({ replies: 1, intact: true, closed: null });
  }, 90_000);

  it('a 57 MiB !re of one-byte words is refused at the word limit, and a 512 MB heap survives', () => {
    const r = inChild(`
      const session = new Session(transport, {});
      // A 57 MiB sentence: !re, then 2-byte words (prefix 01 and one byte), in 16 KiB reads as the
      // inbound scheduler delivers them; no terminating zero is needed to exhaust memory.
      const CHUNK = 16 * 1024;
      const pattern = new Uint8Array(CHUNK);
      for (let i = 0; i < CHUNK; i += 2) (pattern[i] = 1), (pattern[i + 1] = 0x61 + ((i >> 1) % 26));
      deliver(Uint8Array.of(0x03, 0x21, 0x72, 0x65));
      let sent = 0;
      for (; sent < 57 * 1024 * 1024 && !session.closed; sent += CHUNK) deliver(pattern.slice());
      return { sentMb: sent / 1048576, closed: session.closed?.message ?? null };
    `);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(String(r.out.closed)).toMatch(/sentence of more than 65536 words exceeds the limit/);
    expect(r.out.sentMb).toBeLessThan(1);
  }, 90_000);
});
