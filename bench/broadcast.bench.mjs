#!/usr/bin/env node
// Broadcast and cross-router diff benchmark (`npm run bench`, or `node bench/broadcast.bench.mjs`).
//
// N simulated routers (default 10) run in a child process, so that the routers do not share the
// services' event loop; the services (this process) connect to all of them and measure, as
// medians over --reps runs:
//   1. broadcast:send of a read-only `/system/identity/print` and of `/interface/print` to every
//      router, concurrently and with "stop on first error" (one after another) — wall time of
//      the whole call, and the slowest router's own time;
//   2. diff:fetch of `/interface` on every router (one print each), and the pure diff
//      (app-renderer/src/lib/diff.ts) of three routers × --rows synthetic rows.
//
// Options: --routers N (10) --reps N (15) --rows N (10000) --latency-ms N (20) --no-write (leave docs/benchmarks.md alone)
// Results go to stdout and to the "Broadcast and diff" section of docs/benchmarks.md.
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  bundle as bundleIn,
  child,
  machine,
  numberOption as opt,
  runMain,
  shouldWrite,
  today,
  workDir,
  writeSection,
} from './lib.mjs';

const ROUTERS = opt('routers', 10);
const REPS = opt('reps', 15);
const ROWS = opt('rows', 10_000);
const LATENCY = opt('latency-ms', 20);
const WRITE = shouldWrite();
const work = workDir('broadcast');

const bundle = (name, source) => bundleIn(work, name, source);

const SIMS = `
import { startSimulator } from './simulator/src/index';
const n = Number(process.argv[2]);
const latencyMs = Number(process.argv[3] ?? 0);
const sims = [];
for (let i = 0; i < n; i++) sims.push(await startSimulator({ host: '127.0.0.1', port: 0, activity: false, password: 'pw', identity: 'r' + i, rosVersion: i % 2 ? '7.16' : '7.20', faults: { latencyMs } }));
console.log(JSON.stringify(sims.map((s) => s.port)));
process.stdin.resume();
process.stdin.on('end', async () => { for (const s of sims) await s.close(); process.exit(0); });
`;

const RUN = `
import { performance } from 'node:perf_hooks';
import { createServices, MemoryCredentialStore } from './app-main/src/services/index';
import { computeDiff } from './app-renderer/src/lib/diff';
const [ports, reps, rows, dataDir, onlyIdentity] = [JSON.parse(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), process.argv[5], process.argv[6] === 'identity-only'];
const s = await createServices({ dataDir, host: 'browser', appVersion: 'bench', credentialStore: new MemoryCredentialStore(), timings: { heartbeatIntervalMs: 0 } });
const ids = [];
for (const [i, port] of ports.entries()) {
  const c = await s.handlers['connections:save']({ input: { name: 'R' + i, host: '127.0.0.1', port, transport: 'plain', user: 'admin', password: 'pw' } });
  await s.handlers['link:connect']({ id: c.id });
  ids.push(c.id);
}
const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };
async function timeBroadcast(words, stopOnFirstError) {
  const wall = [], slowest = [];
  for (let i = 0; i < reps + 2; i++) {
    const t0 = performance.now();
    const a = await s.handlers['broadcast:send']({ connectionIds: ids, words, stopOnFirstError });
    const t = performance.now() - t0;
    if (a.status !== 'sent' || a.result.results.some((r) => r.outcome !== 'done')) throw new Error('broadcast failed: ' + JSON.stringify(a).slice(0, 300));
    if (i >= 2) { wall.push(t); slowest.push(Math.max(...a.result.results.map((r) => r.elapsedMs))); }
  }
  return { wall: median(wall), slowest: median(slowest) };
}
const out = {};
out.identityConcurrent = await timeBroadcast(['/system/identity/print'], false);
out.identitySequential = await timeBroadcast(['/system/identity/print'], true);
if (onlyIdentity) {
  await s.dispose();
  console.log(JSON.stringify(out));
  process.exit(0);
}
out.interfaceConcurrent = await timeBroadcast(['/interface/print'], false);
out.interfaceSequential = await timeBroadcast(['/interface/print'], true);
const fetchTimes = [];
let fetched;
for (let i = 0; i < reps + 2; i++) {
  const t0 = performance.now();
  fetched = await s.handlers['diff:fetch']({ connectionIds: ids.slice(0, Math.min(20, ids.length)), path: '/interface' });
  if (i >= 2) fetchTimes.push(performance.now() - t0);
}
out.diffFetch = median(fetchTimes);
out.diffFetchRows = fetched.routers.reduce((n, r) => n + r.rows.length, 0);
// The pure diff: three routers, rows with 12 properties, a few differences and missing rows.
const mk = (seed) => Array.from({ length: rows }, (_, i) => {
  const r = { '.id': '*' + (i + seed).toString(16), name: 'item' + i, comment: i % 97 === seed ? 'changed' + seed : 'c' + (i % 13) };
  for (let p = 0; p < 10; p++) r['p' + p] = String((i * (p + 3)) % 101);
  return r;
}).filter((_, i) => i % 211 !== seed);
const sources = [0, 1, 2].map((k) => ({ id: 'r' + k, name: 'R' + k, rows: mk(k) }));
const diffTimes = [];
let result;
for (let i = 0; i < reps + 2; i++) {
  const t0 = performance.now();
  result = computeDiff(sources, { key: ['name'] });
  if (i >= 2) diffTimes.push(performance.now() - t0);
}
out.pureDiff = median(diffTimes);
out.pureDiffCounts = result.counts;
await s.dispose();
console.log(JSON.stringify(out));
`;

/** Starts the routers (with a reply latency), runs the measurements against them, stops them. */
async function measure(simFile, runFile, latencyMs, mode) {
  const sims = child(simFile, [String(ROUTERS), String(latencyMs)], { keepAlive: true });
  const ports = await sims.first;
  const run = child(runFile, [JSON.stringify(ports), String(REPS), String(ROWS), join(work, `data-${latencyMs}`), mode]);
  // The run's result is its last JSON line.
  const result = (await run.stop()).at(-1);
  await sims.stop();
  return result;
}

async function main() {
  const [simFile, runFile] = await Promise.all([bundle('sims', SIMS), bundle('run', RUN)]);
  const load0 = loadavg()[0];
  const r = await measure(simFile, runFile, 0, 'all');
  // A WAN-like reply latency, where running the routers concurrently pays off.
  const wan = await measure(simFile, runFile, LATENCY, 'identity-only');
  const ms = (x) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;
  const date = today();
  const section = `## Broadcast and diff

<!-- broadcast-bench:start (written by bench/broadcast.bench.mjs; edit the script, not this text) -->
Measured ${date} on ${machine()} (load average ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after), by \`npm run bench\` (\`bench/broadcast.bench.mjs\`).
${ROUTERS} simulated routers (RouterOS 7.20 and 7.16 alternately) in a child process on 127.0.0.1; the services in this process; medians of ${REPS} runs after 2 warm-up runs.

| what | whole call | slowest router |
|---|---|---|
| broadcast \`/system/identity/print\` to ${ROUTERS}, concurrent | ${ms(r.identityConcurrent.wall)} | ${ms(r.identityConcurrent.slowest)} |
| same, stop on first error (one after another) | ${ms(r.identitySequential.wall)} | ${ms(r.identitySequential.slowest)} |
| broadcast \`/system/identity/print\` to ${ROUTERS} with ${LATENCY} ms reply latency, concurrent | ${ms(wan.identityConcurrent.wall)} | ${ms(wan.identityConcurrent.slowest)} |
| same with ${LATENCY} ms latency, stop on first error | ${ms(wan.identitySequential.wall)} | ${ms(wan.identitySequential.slowest)} |
| broadcast \`/interface/print\` to ${ROUTERS}, concurrent | ${ms(r.interfaceConcurrent.wall)} | ${ms(r.interfaceConcurrent.slowest)} |
| same, stop on first error | ${ms(r.interfaceSequential.wall)} | ${ms(r.interfaceSequential.slowest)} |
| diff:fetch \`/interface\` on ${Math.min(20, ROUTERS)} routers (${r.diffFetchRows} rows in all) | ${ms(r.diffFetch)} | — |
| pure diff, 3 routers × ~${ROWS.toLocaleString('en-US')} rows × 12 properties | ${ms(r.pureDiff)} | — |

On loopback the routers answer in well under a millisecond and all ten share one simulator
process, so running them concurrently saves nothing there; with a ${LATENCY} ms reply latency (a WAN
link) a concurrent broadcast costs about one router's round trip while "stop on first error",
which must wait for each router before the next, adds them up. The pure diff found
${r.pureDiffCounts.differs} differing and ${r.pureDiffCounts.missing} missing of ${r.pureDiffCounts.total} rows.
<!-- broadcast-bench:end -->
`;
  console.log(section);
  if (WRITE) writeSection(section, { heading: '## Broadcast and diff', endMarker: '<!-- broadcast-bench:end -->' });
  rmSync(work, { recursive: true, force: true });
}

runMain(main, work);
