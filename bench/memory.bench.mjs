#!/usr/bin/env node
// Memory per byte received (`npm run bench memory`, or `node bench/memory.bench.mjs`): what one
// reply from a hostile or broken router makes the main process hold (issue 11 E).
//
// Each case runs in its own child process with the main process's receive path: a Session with
// the default limits, the trace recorder on `onReceived` (as the link wires it) and the console
// service running the command, its batches turned into bridge frames as the host does. Peaks of
// RSS, V8 heap and ArrayBuffer memory are sampled while the bytes arrive and while the console
// sends them on; "per byte" is the peak above the child's idle baseline divided by the bytes
// received. Results go to stdout and to the "Memory per byte received" section of
// docs/benchmarks.md; the figures docs/main-process.md quotes come from here.
import { bundle, child, machine as machineLine, runMain, shouldWrite, today, workDir, writeSection } from './lib.mjs';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';

const HEAP_MB = 512;
const work = workDir('memory');

const CHILD = `
import { encodeUtf8, frameSentence, Session, type Transport } from './protocol/src/index';
import { TraceBuffer } from './app-main/src/services/traces/trace';
import { ConsoleService } from './app-main/src/services/console/console';
import type { HistoryStore } from './app-main/src/services/console/history';

const kase = process.argv[2]!;
const MiB = 1024 * 1024;
let deliver: (chunk: Uint8Array) => void = () => undefined;
let wrote: () => void = () => undefined;
const transport: Transport = {
  write: () => (wrote(), Promise.resolve()),
  onData: (l) => ((deliver = l), () => undefined),
  onClose: () => () => undefined,
  close: () => undefined,
};
const trace = new TraceBuffer('c1', 8 * MiB);
const session = new Session(transport, {
  commandTimeoutMs: 0,
  onReceived: (r, t) => trace.recordReply(r, t),
  ...(kase === 'one-byte-words-no-limit' ? { maxSentenceWords: Number.POSITIVE_INFINITY } : {}),
});
let frames = 0;
let ended: () => void = () => undefined;
const done = new Promise<void>((r) => (ended = r));
const history = {
  add: (connectionId: string, words: string[], sentAt: string) => Promise.resolve({ id: 'h', connectionId, words, sentAt }),
  changed: () => Promise.resolve(),
} as unknown as HistoryStore;
const console_ = new ConsoleService({
  session: () => session,
  history,
  // As the host does: one JSON frame per batch (then dropped, as if sent).
  emitReplies: (replies) => {
    frames += JSON.stringify({ type: 'event', event: 'console:replies', payload: replies }).length;
    sample();
  },
  emitEnd: () => ended(),
  now: () => Date.now(),
  batchMs: 100,
  maxBatch: 2000,
});

const peak = { rss: 0, heap: 0, buffers: 0 };
function sample(): void {
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heap = Math.max(peak.heap, m.heapUsed);
  peak.buffers = Math.max(peak.buffers, m.arrayBuffers);
}

const tag = frameSentence([encodeUtf8('.tag=t1')]).subarray(0, 8); // 07 .tag=t1 (no terminator)
// The bytes the router sends, made before the baseline: reads are fresh copies of 16 KiB of them.
const CHUNK = 16 * 1024;
const pattern = new Uint8Array(CHUNK);
for (let i = 0; i < CHUNK; i += 2) (pattern[i] = 1), (pattern[i + 1] = 0x61 + ((i >> 1) % 26));

const written = new Promise<void>((r) => (wrote = r));
await console_.send({ connectionId: 'c1', words: ['/file/print'] });
await written;
globalThis.gc?.();
const base = process.memoryUsage();
Object.assign(peak, { rss: base.rss, heap: base.heapUsed, buffers: base.arrayBuffers });

let received = 0;
const feed = (bytes: Uint8Array) => {
  received += bytes.length;
  deliver(bytes);
};
/** A sentence of !re, about \`bytes\` of one-byte words, the tag and the terminator, in 16 KiB reads. */
function oneByteWords(bytes: number): void {
  feed(Uint8Array.of(3, 0x21, 0x72, 0x65));
  for (let sent = 0; sent < bytes && !session.closed; sent += CHUNK) {
    feed(pattern.slice(0, Math.min(CHUNK, bytes - sent)));
    if ((sent / CHUNK) % 256 === 0) sample();
  }
  if (!session.closed) feed(Uint8Array.of(...tag, 0));
}

if (kase === 'byte-at-a-time-word') {
  // A 16 MiB word (the word limit), one byte per read.
  const N = 16 * MiB;
  for (const b of [3, 0x21, 0x72, 0x65, 0xe1, 0x00, 0x00, 0x00]) feed(Uint8Array.of(b));
  for (let i = 0; i < N; i++) {
    feed(Uint8Array.of(0x41 + (i % 26)));
    if ((i & 0xffff) === 0) sample();
  }
  for (const b of [...tag, 0]) feed(Uint8Array.of(b));
} else if (kase === 'one-byte-words-at-limit') {
  oneByteWords(2 * (65_536 - 2)); // with !re and the tag: 65,536 words
} else if (kase === 'one-byte-words-57-mib') {
  oneByteWords(57 * MiB);
} else if (kase === 'one-byte-words-no-limit') {
  oneByteWords(16 * MiB);
}
sample();
if (!session.closed) {
  feed(frameSentence([encodeUtf8('!done'), encodeUtf8('.tag=t1')]));
  await done;
}
sample();
const mb = (n: number) => n / MiB;
process.stdout.write(
  JSON.stringify({
    kase,
    receivedMb: mb(received),
    closed: session.closed?.message ?? null,
    traced: trace.size,
    framesMb: mb(frames),
    rssMb: mb(peak.rss - base.rss),
    heapMb: mb(peak.heap - base.heapUsed),
    buffersMb: mb(peak.buffers - base.arrayBuffers),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }) + '\\n',
);
process.exit(0);
`;

const CASES = [
  ['byte-at-a-time-word', 'a 16 MiB word, one byte per read'],
  ['one-byte-words-at-limit', 'a !re of 65,536 one-byte words (the word limit), 16 KiB reads'],
  ['one-byte-words-57-mib', 'a 57 MiB !re of one-byte words, 16 KiB reads (refused at the word limit)'],
  ['one-byte-words-no-limit', 'word limit lifted: a 16 MiB !re of one-byte words (8 Mi words), 16 KiB reads'],
];

async function main() {
  const file = await bundle(work, 'memory-child', CHILD);
  const load = loadavg()[0].toFixed(1);
  const rows = [];
  const results = {};
  for (const [kase, what] of CASES) {
    const c = child(file, [kase], { nodeFlags: ['--expose-gc', `--max-old-space-size=${HEAP_MB}`] });
    const r = await c.first;
    await c.stop();
    // Below 1 MB received the constant cost of running at all (compiled code) dominates.
    const per = (mb) => (r.receivedMb >= 1 ? mb / r.receivedMb : undefined);
    rows.push({ what, ...r, perByte: per(Math.max(r.rssMb, r.heapMb + r.buffersMb)) });
    results[kase] = rows.at(-1);
    console.log(JSON.stringify(r));
  }
  const f = (n, d = 1) => n.toFixed(d);
  const section = `## Memory per byte received

<!-- memory-bench:start (written by bench/memory.bench.mjs; edit the script, not this text) -->
Measured ${today()} on ${machineLine()} (load average ${load} at the start), by \`npm run bench\` (\`bench/memory.bench.mjs\`).

One reply from a router, through the main process's receive path — a \`Session\` with the default limits,
the trace recorder, the console running the command and its batches made into bridge frames — in a
child process with a ${HEAP_MB} MB heap. Peaks above the idle child, sampled while the bytes arrive and
while the console sends them on; "per byte" is the larger of the RSS peak and heap + ArrayBuffer peak,
divided by the bytes received (shown from 1 MB received: below that the fixed cost of running at all,
compiled code and the like, dominates).

| reply | received MB | outcome | peak RSS MB | peak heap MB | peak ArrayBuffers MB | bytes per byte received |
|---|---:|---|---:|---:|---:|---:|
${rows
  .map(
    (r) =>
      `| ${r.what} | ${f(r.receivedMb)} | ${r.closed ? `refused: ${r.closed.replace(/^.*: /, '')}` : `received, ${r.traced} traced`} | ${f(r.rssMb)} | ${f(r.heapMb)} | ${f(r.buffersMb)} | ${r.perByte === undefined ? '—' : f(r.perByte)} |`,
  )
  .join('\n')}

Before issue 11 E the first case held about 3 GiB (one view per one-byte read) and the 57 MiB
sentence peaked at 4.3 GB (one view per word, then one string per word, then one frame);
\`protocol/test/memory.test.ts\` checks that both now survive a small heap.
<!-- memory-bench:end -->
`;
  console.log(section);
  if (shouldWrite()) writeSection(section, { heading: '## Memory per byte received', endMarker: '<!-- memory-bench:end -->' });
  rmSync(work, { recursive: true, force: true });
}

runMain(main, work);
