#!/usr/bin/env node
// Main-process services benchmark (`npm run bench`, or `node bench/main.bench.mjs [options]`).
//
// 1. Load: N simulated routers (default 20, in a separate process) with a churning 10,000-row
//    /ip/firewall/connection each; the services (in their own process, like Electron's main) connect
//    to all of them and keep two live tables per router. Every event is serialised as the browser
//    host's bridge does it (host/frames.ts). Measured over --duration seconds after warm-up: event-loop delay p50/p99/max
//    (perf_hooks.monitorEventLoopDelay), table patches and row updates per second, memory every
//    5 s (RSS, heap) with the trace ring buffers capped (8 MiB per router by default).
// 2. Trace capture overhead on a 100,000-row print from a minimal API server (another process):
//    the same print with and without the trace recorder, interleaved, medians — through the
//    services' console and live table, and through the bare engine (Session.command) with and
//    without recording. node-routeros fetches the same print as the peer.
//
// Options: --duration S (default 60) --routers N (20) --rows N (10000) --print-rows N (100000)
//          --reps N (15) --trace-cap-mib N (8) --no-write (leave docs/benchmarks.md alone)
//          --trace-only (only part 2, nothing written) --load-only (only part 1, nothing written)
//          A second, smaller load run (a quarter of the routers, half the time) shows the scaling.
// Results go to stdout and to the "Main process" section of docs/benchmarks.md.
import { readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  bundle as bundleIn,
  child as childProcess,
  hasFlag,
  machine as machineLine,
  numberOption as opt,
  root,
  runMain,
  shouldWrite,
  today,
  workDir,
  writeSection,
} from './lib.mjs';

const DURATION = opt('duration', 60);
const ROUTERS = opt('routers', 20);
const ROWS = opt('rows', 10_000);
const PRINT_ROWS = opt('print-rows', 100_000);
const REPS = opt('reps', 15);
/** Measured prints per path in the profiled processes (after 2 warm-up prints). */
const PROFILE_REPS = 10;
const TRACE_CAP_MIB = opt('trace-cap-mib', 8);
const WRITE = shouldWrite();
const work = workDir('main');

// ---------------------------------------------------------------------------------------------
// Child programs (bundled with esbuild so that they run without tsx).

const SIMS = `
import { startSimulator } from './simulator/src/index';
const [n, rows] = process.argv.slice(2).map(Number);
const sims = [];
for (let i = 0; i < n; i++) {
  sims.push(await startSimulator({ password: 'bench', connections: rows, identity: 'bench-' + (i + 1), seed: i + 1, logEveryTicks: 0 }));
}
process.stdout.write(JSON.stringify(sims.map((s) => s.port)) + '\\n');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
process.stdin.resume();
process.stdin.on('end', async () => {
  const c = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ cpuPercent: ((c.user + c.system) / 1000 / (performance.now() - t0)) * 100 }) + '\\n');
  for (const s of sims) await s.close();
  process.exit(0);
});
`;

const LOAD = `
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, MemoryCredentialStore } from './app-main/src/services/index';
import { eventFrame } from './app-main/src/host/frames';

const [portsJson, durationS, capMiB] = process.argv.slice(2);
const ports = JSON.parse(portsJson);
const dataDir = mkdtempSync(join(tmpdir(), 'tikscope-load-'));
const services = await createServices({ dataDir, host: 'electron', appVersion: 'bench', credentialStore: new MemoryCredentialStore(), traceCapBytes: Number(capMiB) * 1024 * 1024 });
let patches = 0, rowUpdates = 0, eventBytes = 0, liveTables = 0, traceBatches = 0;
const tableStatus = new Map();
services.subscribe((event, payload) => {
  // What the bridge does with every event: serialise it (the browser host's frames; Electron's
  // structured clone of the same payloads costs less).
  eventBytes += eventFrame(event, payload).length;
  if (event === 'table:patch') {
    patches++;
    rowUpdates += payload.upsertCount + payload.removes.length;
    const was = tableStatus.get(payload.tableId);
    if (payload.status === 'live' && was !== 'live') liveTables++;
    tableStatus.set(payload.tableId, payload.status);
  } else if (event === 'trace:entries') traceBatches++;
});
const t0 = performance.now();
const ids = [];
for (const [i, port] of ports.entries()) {
  const c = await services.handlers['connections:save']({ input: { name: 'R' + (i + 1), host: '127.0.0.1', port, transport: 'plain', user: 'admin', password: 'bench' } });
  ids.push(c.id);
}
const states = await Promise.all(ids.map((id) => services.handlers['link:connect']({ id })));
const offline = states.filter((s) => s.status !== 'online');
if (offline.length) throw new Error('not online: ' + JSON.stringify(offline[0]));
for (const id of ids) {
  await services.handlers['table:start']({ connectionId: id, path: '/ip/firewall/connection' });
  await services.handlers['table:start']({ connectionId: id, path: '/ip/firewall/connection', proplist: ['src-address', 'dst-address', 'protocol', 'tcp-state', 'orig-bytes', 'repl-bytes'] });
}
while (liveTables < ids.length * 2) await new Promise((r) => setTimeout(r, 50));
const loadedMs = performance.now() - t0;
// Warm-up: let the initial prints' garbage go.
await new Promise((r) => setTimeout(r, 3000));
global.gc?.();
const liveHeap = () => { global.gc?.(); return process.memoryUsage().heapUsed; };
const heapBefore = liveHeap();
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
patches = 0; rowUpdates = 0; eventBytes = 0; traceBatches = 0;
const samples = [];
const started = performance.now();
const cpuStart = process.cpuUsage();
// No forced collection inside the measured window (it would count as lag): samples show RSS and
// the heap as it is; the live heap is measured before and after.
const sample = async () => {
  const m = process.memoryUsage();
  let traceHeld = 0;
  for (const id of ids) traceHeld += (await services.handlers['trace:get']({ connectionId: id, limit: 1 })).heldBytes;
  samples.push({ t: (performance.now() - started) / 1000, rss: m.rss, heap: m.heapUsed, traceHeld });
};
await sample();
const end = started + Number(durationS) * 1000;
while (performance.now() < end) {
  await new Promise((r) => setTimeout(r, Math.min(5000, end - performance.now())));
  await sample();
}
h.disable();
const elapsed = (performance.now() - started) / 1000;
const cpuUsed = process.cpuUsage(cpuStart);
const cpuPercent = ((cpuUsed.user + cpuUsed.system) / 1000 / (elapsed * 1000)) * 100;
// The machine's 1-minute load average at the end: other work competes for the same cores.
const machineLoad = loadavg()[0];
const heapAfter = liveHeap();
const result = {
  routers: ids.length, tables: ids.length * 2, loadedMs, elapsed,
  lag: { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, mean: h.mean / 1e6 },
  heapBefore, heapAfter, cpuPercent, machineLoad,
  patchesPerS: patches / elapsed, rowUpdatesPerS: rowUpdates / elapsed, eventMBPerS: eventBytes / elapsed / 1e6, traceBatchesPerS: traceBatches / elapsed,
  samples,
};
await services.dispose();
rmSync(dataDir, { recursive: true, force: true });
process.stdout.write(JSON.stringify(result) + '\\n');
process.exit(0);
`;

// A minimal RouterOS API server: any login, identity/resource, a cached N-row /interface/print,
// /cancel and /quit. Independent of protocol/src and the simulator, so that serving costs nothing.
const SERVER = `
import net from 'node:net';
const ROWS = Number(process.argv[2]);
function prefix(n) {
  if (n < 0x80) return [n];
  if (n < 0x4000) return [0x80 | (n >>> 8), n & 0xff];
  if (n < 0x200000) return [0xc0 | (n >>> 16), (n >>> 8) & 0xff, n & 0xff];
  return [0xe0 | (n >>> 24), (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
const word = (w) => { const b = Buffer.from(w); return Buffer.concat([Buffer.from(prefix(b.length)), b]); };
const sentence = (words, tag) => Buffer.concat([...words.map(word), ...(tag ? [word('.tag=' + tag)] : []), Buffer.of(0)]);
const rowBodies = [];
for (let i = 0; i < ROWS; i++) {
  const mac = [0x4c, 0x5e, 0x0c, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':').toUpperCase();
  rowBodies.push(Buffer.concat(['!re', '=.id=*' + (i + 1).toString(16).toUpperCase(), '=name=ether' + (i + 1), '=type=ether', '=mtu=1500', '=mac-address=' + mac,
    '=rx-byte=' + ((i * 7919) % 1e12), '=tx-byte=' + ((i * 104729) % 1e12), '=running=true', '=disabled=false', '=comment=uplink ' + (i % 48) + ' to rack ' + (i % 12)].map(word)));
}
function print(tag) {
  const end = Buffer.concat([...(tag ? [word('.tag=' + tag)] : []), Buffer.of(0)]);
  const parts = [];
  for (const b of rowBodies) parts.push(b, end);
  parts.push(sentence(['!done'], tag));
  return Buffer.concat(parts);
}
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let words = [];
  const running = new Set();
  socket.on('error', () => undefined);
  socket.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let i = 0;
    for (;;) {
      if (i >= buf.length) break;
      const b = buf[i];
      const size = b < 0x80 ? 1 : b < 0xc0 ? 2 : b < 0xe0 ? 3 : 4;
      if (i + size > buf.length) break;
      let n = size === 1 ? b : size === 2 ? ((b & 0x3f) << 8) | buf[i + 1] : size === 3 ? ((b & 0x1f) << 16) | (buf[i + 1] << 8) | buf[i + 2] : ((b & 0x0f) << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | buf[i + 3];
      if (i + size + n > buf.length) break;
      const w = buf.subarray(i + size, i + size + n).toString('latin1');
      i += size + n;
      if (n > 0) { words.push(w); continue; }
      const s = words; words = [];
      const tag = s.find((x) => x.startsWith('.tag='))?.slice(5);
      const cmd = s[0];
      if (cmd === '/login') socket.write(sentence(['!done'], tag));
      else if (cmd === '/system/identity/print') socket.write(Buffer.concat([sentence(['!re', '=name=bench'], tag), sentence(['!done'], tag)]));
      else if (cmd === '/system/resource/print') socket.write(Buffer.concat([sentence(['!re', '=version=7.20 (stable)', '=board-name=bench'], tag), sentence(['!done'], tag)]));
      else if (cmd === '/interface/print') socket.write(print(tag));
      else if (cmd === '/interface/listen') running.add(tag);
      else if (cmd === '/cancel') {
        const victim = s.find((x) => x.startsWith('=tag='))?.slice(5);
        if (running.delete(victim)) socket.write(Buffer.concat([sentence(['!trap', '=category=2', '=message=interrupted'], victim), sentence(['!done'], tag), sentence(['!done'], victim)]));
        else socket.write(sentence(['!done'], tag));
      } else if (cmd === '/quit') { socket.end(sentence(['!fatal', 'session terminated on request'])); }
      else socket.write(Buffer.concat([sentence(['!trap', '=message=no such command'], tag), sentence(['!done'], tag)]));
    }
    buf = buf.subarray(i);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify(server.address().port) + '\\n'));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

const OVERHEAD = `
import { performance } from 'node:perf_hooks';
import inspector from 'node:inspector';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, MemoryCredentialStore } from './app-main/src/services/index';
import { connect } from './protocol/node/connect';
import { TraceBuffer } from './app-main/src/services/traces/trace';
import { eventFrame } from './app-main/src/host/frames';

const [port, reps, rows] = process.argv.slice(2).map(Number);
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
// CPU time of this process (all threads, GC included): what the recorder costs, whatever else the
// shared machine is doing meanwhile.
const cpuMs = (since) => { const d = process.cpuUsage(since); return (d.user + d.system) / 1000; };

// Long-lived instances, as in the app: one services instance and one engine session per mode,
// each connected once and used for every run. (A fresh instance per run measured JIT churn
// instead: when a run's objects die, code specialised on them is thrown away and recompiled.)
async function makeServices(traceCapture) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tikscope-ovh-'));
  const s = await createServices({ dataDir, host: 'electron', appVersion: 'bench', credentialStore: new MemoryCredentialStore(), traceCapture });
  const waiters = [];
  s.subscribe((event, payload) => {
    eventFrame(event, payload);
    for (const w of [...waiters]) if (w.test(event, payload)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(payload); }
  });
  const wait = (test) => new Promise((resolve) => waiters.push({ test, resolve }));
  const c = await s.handlers['connections:save']({ input: { name: 'bench', host: '127.0.0.1', port, transport: 'plain', user: 'admin', password: 'x' } });
  await s.handlers['link:connect']({ id: c.id });
  return { s, c, wait, dataDir };
}

async function consoleRun(x) {
  await settle();
  const t = performance.now();
  const cpu = process.cpuUsage();
  const ended = x.wait((e) => e === 'console:end');
  await x.s.handlers['console:send']({ connectionId: x.c.id, words: ['/interface/print'] });
  const end = await ended;
  const r = { ms: performance.now() - t, cpu: cpuMs(cpu) };
  if (end.rows !== rows) throw new Error('console rows ' + end.rows);
  return r;
}

async function tableRun(x) {
  await settle();
  const t = performance.now();
  const cpu = process.cpuUsage();
  const live = x.wait((e, p) => e === 'table:patch' && p.status === 'live');
  const { tableId } = await x.s.handlers['table:start']({ connectionId: x.c.id, path: '/interface' });
  const p = await live;
  const r = { ms: performance.now() - t, cpu: cpuMs(cpu) };
  if (p.total !== rows) throw new Error('table rows ' + p.total);
  await x.s.handlers['table:stop']({ tableId });
  return r;
}

async function makeEngine(record) {
  const buffer = new TraceBuffer('bench', 8 * 1024 * 1024);
  buffer.beginSession(); // as the link does: the session's first sentences are pinned
  const { session } = await connect({ host: '127.0.0.1', port, user: 'admin', password: 'x', ...(record ? { onSent: (words, time) => buffer.captureSent(words, time), onReceived: (reply, time) => buffer.captureReply(reply, time) } : {}) });
  return { session, buffer, last: undefined };
}

async function engineRun(x) {
  await settle();
  const t = performance.now();
  const cpu = process.cpuUsage();
  const r = await x.session.command(['/interface/print'], { timeoutMs: 0 });
  const out = { ms: performance.now() - t, cpu: cpuMs(cpu) };
  if (r.replies.length !== rows) throw new Error('engine rows');
  x.last = r.replies.at(-1); // a reply outlives the run, as in the app
  return out;
}

// Let the collector's background threads finish before a measurement, so that one run's garbage
// is not billed to the next (cpuUsage counts every thread).
const settle = async () => { global.gc?.(); await new Promise((r) => setTimeout(r, 200)); };
// OVH_ONLY=on|off runs one mode only (for comparing whole processes, one per mode).
const only = process.env.OVH_ONLY;
const wanted = only ? [only === 'on'] : [true, false];
const inst = {};
for (const on of wanted) inst[on] = { services: await makeServices(on), engine: await makeEngine(on) };
const allPaths = { console: (x) => consoleRun(x.services), table: (x) => tableRun(x.services), engine: (x) => engineRun(x.engine) };
// OVH_PATHS=table,engine measures only those paths (for profiling one of them).
const paths = Object.fromEntries(Object.entries(allPaths).filter(([k]) => !process.env.OVH_PATHS || process.env.OVH_PATHS.split(',').includes(k)));
const res = {};
for (const path of Object.keys(allPaths)) res[path] = { on: [], off: [], onCpu: [], offCpu: [] };
for (const on of wanted) for (const run of Object.values(paths)) { await run(inst[on]); await run(inst[on]); } // warm-up (JIT)
// OVH_PROFILE=FILE: a CPU profile of the measured runs only (not the warm-up), written to FILE.
const profiler = process.env.OVH_PROFILE ? new inspector.Session() : undefined;
const post = (method, params) => new Promise((resolve, reject) => profiler.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
if (profiler) {
  profiler.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 250 });
  await post('Profiler.start');
}
for (let i = 0; i < reps; i++) {
  for (const [path, run] of Object.entries(paths)) {
    // Adjacent runs of the two modes, alternating which goes first: each pair sees the same
    // machine, and its ratio cancels what the shared machine does meanwhile.
    for (const on of only ? wanted : i % 2 === 0 ? [true, false] : [false, true]) {
      const r = await run(inst[on]);
      res[path][on ? 'on' : 'off'].push(r.ms);
      res[path][on ? 'onCpu' : 'offCpu'].push(r.cpu);
    }
  }
}
if (profiler) writeFileSync(process.env.OVH_PROFILE, JSON.stringify((await post('Profiler.stop')).profile));
const quartiles = (a) => { const s = [...a].sort((x, y) => x - y); const q = (f) => s[Math.min(s.length - 1, Math.round(f * (s.length - 1)))]; return [q(0.25), q(0.5), q(0.75)]; };
const ratio = (path) => (only || !res[path].on.length ? undefined : quartiles(res[path].onCpu.map((v, k) => (v / res[path].offCpu[k] - 1) * 100)));
let held = 0, dropped = 0;
if (inst[true]) {
  const trace = await inst[true].services.s.handlers['trace:get']({ connectionId: inst[true].services.c.id, limit: 1 });
  held = trace.heldBytes; dropped = trace.dropped;
}
for (const on of wanted) { await inst[on].services.s.dispose(); rmSync(inst[on].services.dataDir, { recursive: true, force: true }); }
const med = (a) => (a.length ? median(a) : NaN);
process.stdout.write(JSON.stringify({
  consoleOn: med(res.console.on), consoleOff: med(res.console.off),
  tableOn: med(res.table.on), tableOff: med(res.table.off),
  engineOn: med(res.engine.on), engineOff: med(res.engine.off),
  consoleOnCpu: med(res.console.onCpu), consoleOffCpu: med(res.console.offCpu),
  tableOnCpu: med(res.table.onCpu), tableOffCpu: med(res.table.offCpu),
  engineOnCpu: med(res.engine.onCpu), engineOffCpu: med(res.engine.offCpu),
  // Per pair: CPU on / CPU off − 1, in %: [first quartile, median, third quartile].
  pairs: { console: ratio('console'), table: ratio('table'), engine: ratio('engine') },
  held, dropped,
}) + '\\n');
process.exit(0);
`;

const PEER = `
import { performance } from 'node:perf_hooks';
import { RouterOSAPI } from 'node-routeros';
const [port, reps, rows] = process.argv.slice(2).map(Number);
const times = [];
for (let i = 0; i < reps + 1; i++) {
  const api = new RouterOSAPI({ host: '127.0.0.1', port, user: 'admin', password: 'x', timeout: 120 });
  await api.connect();
  const t = performance.now();
  const r = await api.write('/interface/print');
  const ms = performance.now() - t;
  if (r.length !== rows) throw new Error('node-routeros rows ' + r.length);
  if (i > 0) times.push(ms);
  await api.close().catch(() => undefined);
}
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify(times[Math.floor(times.length / 2)]) + '\\n');
process.exit(0);
`;

const bundle = (name, source) => bundleIn(work, name, source);

/** Runs a measured child with gc exposed; see lib.mjs `child`. */
function child(file, args, { keepAlive = false, profile = false } = {}) {
  // BENCH_PROF=DIR writes a CPU profile of the measured process there (for finding hot spots).
  const prof = profile && process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  // BENCH_NODE_FLAGS adds V8/Node flags to the measured processes (e.g. --trace-gc).
  if (profile && process.env.BENCH_NODE_FLAGS) prof.push(...process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean));
  return childProcess(file, args, { keepAlive, nodeFlags: ['--expose-gc', ...prof] });
}

const mb = (b) => (b / 1024 / 1024).toFixed(0);

/**
 * The recorder's share of a path's CPU, from a CPU profile of the measured prints of a process that
 * records (OVH_ONLY=on, OVH_PROFILE):
 * the self time of the trace modules' functions (trace.ts, redact.ts) against the rest of the
 * busy time. Both come from the same run, so what else the shared machine does changes them alike
 * — unlike a difference between two runs, which on this machine moves by ±10 %. The modules'
 * extents in the bundle come from esbuild's `// path` comments. Code the optimiser inlined from
 * these modules into others counts as the others' (an underestimate; in the profiles taken while
 * building this, recordReply, holdsSecret and flushPending showed up as functions of their own).
 */
function recorderShare(profileFile, bundleFile) {
  const lines = readFileSync(bundleFile, 'utf8').split('\n');
  const extents = [];
  let current;
  lines.forEach((line, i) => {
    const m = /^\/\/ (\S+\.ts)$/.exec(line);
    if (!m) return;
    if (current) current.end = i;
    current = { file: m[1], start: i, end: lines.length };
    extents.push(current);
  });
  const ours = extents.filter((x) => /app-main\/src\/services\/traces\/(trace|redact)\.ts$/.test(x.file));
  // A moved module would otherwise match nothing and report a 0 % share as if the recorder were free.
  if (ours.length < 2) throw new Error('recorderShare: trace.ts and redact.ts not found in the bundle (moved?)');
  const p = JSON.parse(readFileSync(profileFile, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  let recorder = 0;
  let busy = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const n = byId.get(id);
    const name = n.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') return;
    busy += dt;
    const line = n.callFrame.lineNumber;
    if (n.callFrame.url.endsWith('overhead.mjs') && ours.some((x) => line >= x.start && line < x.end)) recorder += dt;
  });
  return { recorderMs: recorder / 1000, busyMs: busy / 1000, pct: (recorder / (busy - recorder)) * 100 };
}

async function main() {
  const machine = machineLine();
  const date = today();
  console.log(`machine: ${machine}`);
  const [simsFile, loadFile, serverFile, overheadFile, peerFile] = await Promise.all([
    bundle('sims', SIMS),
    bundle('load', LOAD),
    bundle('server', SERVER),
    bundle('overhead', OVERHEAD),
    bundle('peer', PEER.replace("from 'node-routeros'", `from '${join(root, 'node_modules/node-routeros/dist/index.js')}'`)),
  ]);

  // --- 2. trace overhead (first: it is short) --------------------------------------------------
  // --load-only: only the load runs, for comparing changes to the live path (writes nothing).
  if (hasFlag('load-only')) {
    const sims = child(simsFile, [String(ROUTERS), String(ROWS)], { keepAlive: true });
    const ports = await sims.first;
    const r = await child(loadFile, [JSON.stringify(ports), String(DURATION), String(TRACE_CAP_MIB)], { profile: true }).first;
    r.simsCpu = (await sims.stop()).at(-1)?.cpuPercent ?? NaN;
    const cpuUsPerUpdate = ((r.cpuPercent / 100) * 1e6) / r.rowUpdatesPerS;
    console.log({
      ...r,
      samples: r.samples.map(
        (x) =>
          `${x.t.toFixed(0)}s rss ${(x.rss / 1048576).toFixed(0)} heap ${(x.heap / 1048576).toFixed(0)} trace ${(x.traceHeld / 1048576).toFixed(0)}`,
      ),
      cpuUsPerUpdate,
    });
    return;
  }
  console.log(`\ntrace overhead: ${PRINT_ROWS} rows, ${REPS} interleaved reps`);
  const server = child(serverFile, [String(PRINT_ROWS)], { keepAlive: true });
  const port = await server.first;
  const ovh = await child(overheadFile, [String(port), String(REPS), String(PRINT_ROWS)], { profile: true }).first;
  // The same, with each mode in processes of its own (alternating, 4 per mode, 3 reps each): no
  // JIT or collector state is shared between the two modes, as in the app, which never toggles.
  const split = { on: [], off: [] };
  for (let k = 0; k < 4; k++) {
    for (const mode of k % 2 ? ['off', 'on'] : ['on', 'off']) {
      process.env.OVH_ONLY = mode;
      split[mode].push(await child(overheadFile, [String(port), '3', String(PRINT_ROWS)]).first);
      delete process.env.OVH_ONLY;
    }
  }
  const splitMedian = (mode, key) => {
    const xs = split[mode].map((r) => r[key]).sort((x, y) => x - y);
    return xs.length % 2 ? xs[xs.length >> 1] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
  };
  const sep = {
    tableOn: splitMedian('on', 'tableOnCpu'),
    tableOff: splitMedian('off', 'tableOffCpu'),
    consoleOn: splitMedian('on', 'consoleOnCpu'),
    consoleOff: splitMedian('off', 'consoleOffCpu'),
    engineOn: splitMedian('on', 'engineOnCpu'),
    engineOff: splitMedian('off', 'engineOffCpu'),
  };
  // The recorder's share from CPU profiles of recording processes, one per path (see recorderShare).
  const share = {};
  for (const path of ['table', 'console', 'engine']) {
    const file = join(work, `profile-${path}.json`);
    process.env.OVH_ONLY = 'on';
    process.env.OVH_PATHS = path;
    process.env.OVH_PROFILE = file;
    await child(overheadFile, [String(port), String(PROFILE_REPS), String(PRINT_ROWS)]).first;
    delete process.env.OVH_ONLY;
    delete process.env.OVH_PATHS;
    delete process.env.OVH_PROFILE;
    share[path] = recorderShare(file, overheadFile);
  }
  console.log({ recorderShare: share });
  const peerMs = await child(peerFile, [String(port), String(Math.min(REPS, 3)), String(PRINT_ROWS)]).first;
  await server.stop();
  const pct = (on, off) => (on / off - 1) * 100;
  const fmtPairs = ([q1, m, q3]) => `${m.toFixed(1)} % (${q1.toFixed(1)} … ${q3.toFixed(1)})`;
  console.log(ovh, { peerMs }, { separateProcesses: sep });
  // --trace-only: stop after the overhead measurement (for profiling the recorder; writes nothing).
  if (hasFlag('trace-only')) return;

  // --- 1. load ----------------------------------------------------------------------------------
  const runLoad = async (routers, duration) => {
    console.log(`\nload: ${routers} routers x 2 live tables on ${ROWS} churning rows, ${duration} s`);
    const sims = child(simsFile, [String(routers), String(ROWS)], { keepAlive: true });
    const ports = await sims.first;
    const result = await child(loadFile, [JSON.stringify(ports), String(duration), String(TRACE_CAP_MIB)], {
      profile: routers === ROUTERS,
    }).first;
    result.simsCpu = (await sims.stop()).at(-1)?.cpuPercent ?? NaN;
    console.log({ ...result, samples: result.samples.length });
    return result;
  };
  const smallRouters = Math.max(1, Math.round(ROUTERS / 4));
  const small = await runLoad(smallRouters, Math.max(10, Math.round(DURATION / 2)));
  const load = await runLoad(ROUTERS, DURATION);
  const simsCpu = load.simsCpu;
  const s0 = load.samples[0];
  const sN = load.samples.at(-1);
  const peakRss = Math.max(...load.samples.map((s) => s.rss));
  const slope = load.samples.length > 2 ? (sN.rss - load.samples[1].rss) / 1024 / 1024 / ((sN.t - load.samples[1].t) / 60) : 0;

  // At most ~13 rows: every k-th sample, and the last.
  const every = Math.max(1, Math.ceil(load.samples.length / 12));
  const memRows = load.samples
    .filter(
      (s, i, all) =>
        i % every === 0 || (i === all.length - 1 && s.t.toFixed(0) !== all[every * Math.floor(i / every)]?.t.toFixed(0)),
    )
    .map((s) => `| ${s.t.toFixed(0)} | ${mb(s.rss)} | ${mb(s.heap)} | ${mb(s.traceHeld)} |`)
    .join('\n');
  const lagOk = load.lag.p99 < 25;
  const ovhTable = pct(ovh.tableOnCpu, ovh.tableOffCpu);
  const ovhConsole = pct(ovh.consoleOnCpu, ovh.consoleOffCpu);
  const ovhEngine = pct(ovh.engineOnCpu, ovh.engineOffCpu);
  const section = `## Main process

Measured by \`bench/main.bench.mjs\` on ${date}; machine: ${machine}. The machine was shared with
other work, so absolute times are indicative; ratios come from interleaved runs in the same process.

**Load** — ${load.routers} simulated routers (one separate process) with a churning ${ROWS}-row
\`/ip/firewall/connection\` each; the services (own process) hold ${load.tables} live tables (two per
router, one with a \`.proplist\`), record traces (cap ${TRACE_CAP_MIB} MiB per router) and every event
is serialised as the browser host's bridge does (\`host/frames.ts\`). All tables loaded in ${(load.loadedMs / 1000).toFixed(1)} s;
then ${load.elapsed.toFixed(0)} s measured (\`--duration ${DURATION}\`; the issue asks for 5 minutes:
\`node bench/main.bench.mjs --duration 300\`).

| metric | value | target |
|---|---|---|
| event-loop delay p50 / p99 / max | ${load.lag.p50.toFixed(1)} / ${load.lag.p99.toFixed(1)} / ${load.lag.max.toFixed(1)} ms | p99 < 25 ms ${lagOk ? '(met)' : '(**missed**)'} |
| same with ${small.routers} routers (${small.elapsed.toFixed(0)} s) | ${small.lag.p50.toFixed(1)} / ${small.lag.p99.toFixed(1)} / ${small.lag.max.toFixed(1)} ms, ${small.rowUpdatesPerS.toFixed(0)} row updates/s, CPU ${small.cpuPercent.toFixed(0)} % | |
| table patches per second (all tables) | ${load.patchesPerS.toFixed(0)} (${(load.patchesPerS / load.tables).toFixed(1)} per table) | ≤ 10 per table |
| row updates per second delivered | ${load.rowUpdatesPerS.toFixed(0)} | |
| event payload serialised | ${load.eventMBPerS.toFixed(1)} MB/s | |
| services CPU per row update | ${(((load.cpuPercent / 100) * 1e6) / load.rowUpdatesPerS).toFixed(1)} µs | |
| CPU: services process / simulators process | ${load.cpuPercent.toFixed(0)} % / ${simsCpu.toFixed(0)} % of one core | |
| machine load average (1 min) at the end, ${cpus().length} cores | ${load.machineLoad.toFixed(1)} | |
| RSS first sample → last / peak | ${mb(s0.rss)} → ${mb(sN.rss)} / ${mb(peakRss)} MiB (${slope >= 0 ? '+' : ''}${slope.toFixed(1)} MiB/min after the first 5 s) | flat |
| live heap (after a full GC) before → after | ${mb(load.heapBefore)} → ${mb(load.heapAfter)} MiB | flat |

Event-loop delay includes the time the process waits for a core: read it together with the
services' CPU share and the machine's load average (the simulators run on the same machine).

Memory over time (s, RSS MiB, heap MiB, trace bytes held MiB):

| t | RSS | heap | traces |
|---|---|---|---|
${memRows}

**Trace capture overhead** on a ${PRINT_ROWS.toLocaleString('en-US')}-row print (~${((PRINT_ROWS * 200) / 1e6).toFixed(0)} MB) from a minimal
local API server. One services instance and one engine session per mode live through the whole
measurement (as in the app, where capture is a setting and a connection stays up); ${REPS} rounds,
each running the two modes back to back, alternating which goes first (target < 10 %):

| path | CPU trace off | CPU trace on | overhead: per-round ratio, median (quartiles) | overhead of the medians | wall off / on |
|---|---|---|---|---|---|
| services: live table \`/interface\` until \`live\` | ${ovh.tableOffCpu.toFixed(0)} ms | ${ovh.tableOnCpu.toFixed(0)} ms | **${fmtPairs(ovh.pairs.table)}** | ${ovhTable.toFixed(1)} % | ${ovh.tableOff.toFixed(0)} / ${ovh.tableOn.toFixed(0)} ms |
| services: console \`/interface/print\` until \`console:end\` | ${ovh.consoleOffCpu.toFixed(0)} ms | ${ovh.consoleOnCpu.toFixed(0)} ms | **${fmtPairs(ovh.pairs.console)}** | ${ovhConsole.toFixed(1)} % | ${ovh.consoleOff.toFixed(0)} / ${ovh.consoleOn.toFixed(0)} ms |
| engine only: \`Session.command\` | ${ovh.engineOffCpu.toFixed(0)} ms | ${ovh.engineOnCpu.toFixed(0)} ms | **${fmtPairs(ovh.pairs.engine)}** | ${ovhEngine.toFixed(1)} % | ${ovh.engineOff.toFixed(0)} / ${ovh.engineOn.toFixed(0)} ms |

The same with each mode in whole processes of its own (4 processes per mode, alternating, 3 runs
each; medians of the processes' medians, CPU): nothing of one mode's JIT or collector state is
carried into the other's runs, as in the app, which never toggles capture.

| path | CPU trace off | CPU trace on | overhead (CPU) |
|---|---|---|---|
| services: live table | ${sep.tableOff.toFixed(0)} ms | ${sep.tableOn.toFixed(0)} ms | ${pct(sep.tableOn, sep.tableOff).toFixed(1)} % |
| services: console | ${sep.consoleOff.toFixed(0)} ms | ${sep.consoleOn.toFixed(0)} ms | ${pct(sep.consoleOn, sep.consoleOff).toFixed(1)} % |
| engine only | ${sep.engineOff.toFixed(0)} ms | ${sep.engineOn.toFixed(0)} ms | ${pct(sep.engineOn, sep.engineOff).toFixed(1)} % |

CPU time is the process's own (all threads, GC included), so it is not inflated by the other
work on the machine; wall times are given for reference. Still, two runs of the same print on this
shared machine differ by ±10 % or more, so a difference of a few percent between two runs is mostly
noise: hence the quartiles of the per-round ratios above.

The measure that does not depend on two runs: the recorder's **share of one recording process's
CPU profile** (V8's sampling profiler through \`node:inspector\`, 250 µs; one process per path,
profiling only its ${PROFILE_REPS} measured prints after 2 warm-up prints): the self time of the
functions of \`trace.ts\` and \`redact.ts\` against the rest of the process's busy time (idle
excluded, garbage collection included). The machine's noise slows both parts alike.

| path | recorder self time | rest of the busy time | overhead |
|---|---|---|---|
| services: live table | ${share.table.recorderMs.toFixed(0)} ms | ${(share.table.busyMs - share.table.recorderMs).toFixed(0)} ms | **${share.table.pct.toFixed(1)} %** |
| services: console | ${share.console.recorderMs.toFixed(0)} ms | ${(share.console.busyMs - share.console.recorderMs).toFixed(0)} ms | **${share.console.pct.toFixed(1)} %** |
| engine only | ${share.engine.recorderMs.toFixed(0)} ms | ${(share.engine.busyMs - share.engine.recorderMs).toFixed(0)} ms | **${share.engine.pct.toFixed(1)} %** |

The recorder does the same work per sentence on every path — the secret scan of the received words
where they lie in the chunk (\`SecretScanner\`: a whole-row template, then a per-name table, the
full scan only for names not seen before), the entry's columns, a share of one batched copy into
the ring, and with the services the \`trace:entries\` events — so the lighter the path, the larger
the percentage: the bare engine does the least work per row, and it is not a path the app takes.
The trace held ${mb(ovh.held)} MiB after the print (cap 8 MiB) and had dropped ${ovh.dropped.toLocaleString('en-US')} older
entries. Peer: node-routeros fetches the same print in ${peerMs.toFixed(0)} ms — the services'
live table (with tracing) takes ${(ovh.tableOn / peerMs).toFixed(2)}x that time, the bare engine with tracing
${(ovh.engineOn / peerMs).toFixed(2)}x.
<!-- main-bench:end -->
`;
  console.log(`\n${section}`);
  if (WRITE) writeSection(section, { heading: '## Main process', endMarker: '<!-- main-bench:end -->' });
  rmSync(work, { recursive: true, force: true });
  // The overhead verdict uses the profile share of the app's paths (services: table and console):
  // differences between runs are noise-bound here (see the section's text).
  if (!lagOk || share.table.pct >= 10 || share.console.pct >= 10) {
    console.log('target missed');
    process.exitCode = 1;
  }
}

runMain(main, work);
