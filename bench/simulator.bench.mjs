#!/usr/bin/env node
// Simulator benchmark (`npm run bench`, or `node bench/simulator.bench.mjs`).
//
// The simulator runs as its own process (`node scripts/sim.mjs`: out/sim.mjs, rebuilt first if a
// source is newer), exactly as `npm run sim` starts it, so that its CPU and memory are its own:
//   1. a 100,000-row print of /ip/firewall/connection (`--connections 100000`), fetched by a raw
//      drain (frames counted, nothing parsed), by the same with `.proplist` (the per-row encoding
//      path), and by node-routeros (a full client, for scale);
//   2. 50 connections each holding `/interface/listen`, and a 51st changing an interface 100
//      times: the delay from sending each `set` to every listener receiving its `!re`
//      (target: all within 50 ms; p50/p99/max reported);
//   3. memory of the simulator process with 100,000 connection entries vs none, idle and after a
//      full print, and the CPU its background churn costs;
//   4. in-process, the row framing of the print path (cached body + one batch) against framing
//      each row with the protocol codec's encodeSentence — the ratio that justifies the cache.
// Results with the machine and the date go to the "Simulator" section of docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { machine, root, runMain, sentence, shouldWrite, today, writeSection } from './lib.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const LISTENERS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);

// ---------------------------------------------------------------------------------------------
// Minimal wire helpers, independent of the code under test (sentences are encoded by lib.mjs).

/**
 * Splits a byte stream into sentences without building strings for every word: `onSentence`
 * gets the first word as text and a lazy accessor for all words.
 */
class Framer {
  constructor(onSentence) {
    this.onSentence = onSentence;
    this.buf = Buffer.alloc(0);
    this.words = [];
  }
  push(chunk) {
    let b = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let i = 0;
    for (;;) {
      if (i >= b.length) break;
      const c = b[i];
      let len;
      let size;
      if (c < 0x80) [len, size] = [c, 1];
      else if (c < 0xc0) [len, size] = [((c & 0x3f) << 8) | b[i + 1], 2];
      else if (c < 0xe0) [len, size] = [((c & 0x1f) << 16) | (b[i + 1] << 8) | b[i + 2], 3];
      else [len, size] = [((c & 0x0f) << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3], 4];
      if (i + size > b.length || Number.isNaN(len) || i + size + len > b.length) break;
      if (len === 0) {
        const words = this.words;
        this.words = [];
        i += 1;
        if (words.length) this.onSentence(words);
        continue;
      }
      this.words.push(b.subarray(i + size, i + size + len));
      i += size + len;
    }
    // Keep the unfinished tail (and copy the words that point into it).
    this.buf = Buffer.from(b.subarray(i));
    this.words = this.words.map((w) => Buffer.from(w));
  }
}

/**
 * The cheapest possible reader: follows length prefixes across chunks and keeps only the first
 * word of each sentence (the reply word), skipping every other byte.
 */
class ReplyWords {
  constructor(onReply) {
    this.onReply = onReply;
    this.prefix = [];
    this.skip = 0;
    this.capture = false;
    this.first = '';
    this.index = 0;
  }
  push(chunk) {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, n - i);
        if (this.capture) this.first += chunk.toString('latin1', i, i + take);
        this.skip -= take;
        i += take;
        continue;
      }
      const p = this.prefix;
      p.push(chunk[i++]);
      const c = p[0];
      const size = c < 0x80 ? 1 : c < 0xc0 ? 2 : c < 0xe0 ? 3 : 4;
      if (p.length < size) continue;
      const len =
        size === 1
          ? c
          : size === 2
            ? ((c & 0x3f) << 8) | p[1]
            : size === 3
              ? ((c & 0x1f) << 16) | (p[1] << 8) | p[2]
              : ((c & 0x0f) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
      this.prefix = [];
      if (len === 0) {
        this.onReply(this.first);
        this.first = '';
        this.index = 0;
        continue;
      }
      this.capture = this.index === 0;
      this.index++;
      this.skip = len;
    }
  }
}

function open(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
    s.setNoDelay(true);
  });
}

/** Logs in on a raw socket; resolves once the login's !done arrived. */
async function rawLogin(port, onSentence) {
  const socket = await open(port);
  let loggedIn;
  const ready = new Promise((r) => (loggedIn = r));
  let first = true;
  const framer = new Framer((words) => {
    if (first) {
      first = false;
      loggedIn();
      return;
    }
    onSentence(words);
  });
  socket.on('data', (d) => framer.push(d));
  socket.write(sentence(['/login', '=name=admin', '=password=']));
  await ready;
  return socket;
}

// ---------------------------------------------------------------------------------------------
// The simulator process.

function startSim(args) {
  const argv = [join(root, 'scripts', 'sim.mjs'), ...args];
  const started = performance.now();
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^api listening on 127\.0\.0\.1:(\d+)$/m.exec(out);
      if (m) resolve({ child, port: Number(m[1]), startMs: performance.now() - started });
    });
    child.on('exit', (code) => reject(new Error(`simulator exited (${code}): ${err}`)));
  });
}

async function stopSim(sim) {
  sim.child.removeAllListeners('exit');
  const exited = new Promise((r) => sim.child.once('exit', r));
  sim.child.kill('SIGTERM');
  await exited;
}

/** Resident and peak memory of a process, from /proc (Linux), in bytes. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** CPU seconds used by a process so far (/proc/PID/stat utime + stime). */
function cpuOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

// ---------------------------------------------------------------------------------------------
// 1. The 100,000-row print.

/** Raw drain: sends the print, counts !re until !done; returns { ms, rows, bytes }. */
async function drain(port, extraWords = []) {
  let rows = 0;
  let bytes = 0;
  let finish;
  const done = new Promise((r) => (finish = r));
  let t0 = 0;
  const socket = await open(port);
  let replies = 0;
  const reader = new ReplyWords((first) => {
    if (replies++ === 0) return; // the login's !done
    if (first === '!re') rows++;
    else if (first === '!done') finish(performance.now() - t0);
  });
  socket.on('data', (d) => {
    bytes += d.length;
    reader.push(d);
  });
  // Login and print in one write: the print is timed from here, the login adds one round trip.
  t0 = performance.now();
  socket.write(
    Buffer.concat([
      sentence(['/login', '=name=admin', '=password=']),
      sentence(['/ip/firewall/connection/print', ...extraWords]),
    ]),
  );
  const ms = await done;
  socket.destroy();
  return { ms, rows, bytes };
}

async function nodeRouteros(port) {
  const { RouterOSAPI } = await import('node-routeros');
  const api = new RouterOSAPI({ host: '127.0.0.1', port, user: 'admin', password: '', timeout: 60 });
  await api.connect();
  const t0 = performance.now();
  const rows = await api.write('/ip/firewall/connection/print');
  const ms = performance.now() - t0;
  await api.close();
  return { ms, rows: rows.length, bytes: NaN };
}

async function printBench() {
  const sim = await startSim(['--port', '0', '--connections', String(ROWS), '--no-activity']);
  const idle = memoryOf(sim.child.pid);
  const kinds = {
    'raw drain, full rows (cached bodies)': () => drain(sim.port),
    'raw drain, .proplist of 4 (per-row encoding)': () => drain(sim.port, ['=.proplist=.id,protocol,src-address,dst-address']),
    'node-routeros write()': () => nodeRouteros(sim.port),
  };
  const results = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let rep = 0; rep < REPS; rep++) {
    for (const [k, f] of Object.entries(kinds)) {
      const r = await f();
      if (r.rows !== ROWS) throw new Error(`${k}: got ${r.rows} rows, expected ${ROWS}`);
      results[k].push(r);
    }
  }
  const afterPrint = memoryOf(sim.child.pid);
  await stopSim(sim);
  return { results, idle, afterPrint, startMs: sim.startMs };
}

// ---------------------------------------------------------------------------------------------
// 2. Fan-out of one change to 50 listeners.

async function fanoutBench() {
  const sim = await startSim(['--port', '0', '--connections', '0', '--no-activity', '--max-sessions', '200']);
  const received = new Map(); // round → [times]
  const listeners = [];
  for (let i = 0; i < LISTENERS; i++) {
    let listening;
    const ready = new Promise((r) => (listening = r));
    const socket = await rawLogin(sim.port, (words) => {
      const text = words.map((w) => w.toString('latin1'));
      if (text[0] === '!done' && text.includes('.tag=ready')) listening();
      if (text[0] !== '!re') return;
      const c = text.find((w) => w.startsWith('=comment=r'));
      if (!c) return;
      const round = Number(c.slice('=comment=r'.length));
      const list = received.get(round) ?? [];
      list.push(performance.now());
      received.set(round, list);
    });
    socket.write(sentence(['/interface/listen', '.tag=l']));
    // Sentences on one connection are handled in order: once this print is answered, the
    // listen is running.
    socket.write(sentence(['/system/identity/print', '.tag=ready']));
    await ready;
    listeners.push(socket);
  }
  let ack;
  const writer = await rawLogin(sim.port, (words) => {
    if (words[0].toString() === '!done') ack?.();
  });
  const sent = new Map();
  for (let round = 1; round <= ROUNDS; round++) {
    const acked = new Promise((r) => (ack = r));
    sent.set(round, performance.now());
    writer.write(sentence(['/interface/set', '=.id=ether1', `=comment=r${round}`]));
    await acked;
    await sleep(10);
  }
  const deadline = Date.now() + 5000;
  while ([...received.values()].reduce((n, l) => n + l.length, 0) < ROUNDS * LISTENERS && Date.now() < deadline) await sleep(10);
  const delays = [];
  let missing = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const times = received.get(round) ?? [];
    missing += LISTENERS - times.length;
    for (const t of times) delays.push(t - sent.get(round));
  }
  for (const s of [...listeners, writer]) s.destroy();
  await stopSim(sim);
  return { delays, missing };
}

// ---------------------------------------------------------------------------------------------
// 3. Memory and background CPU.

async function memoryBench() {
  const empty = await startSim(['--port', '0', '--connections', '0', '--no-activity']);
  await sleep(500);
  const base = memoryOf(empty.child.pid);
  await stopSim(empty);
  const busy = await startSim(['--port', '0', '--connections', String(ROWS)]);
  await sleep(1000);
  const cpu0 = cpuOf(busy.child.pid);
  const t0 = performance.now();
  await sleep(5000);
  const cpu = (cpuOf(busy.child.pid) - cpu0) / ((performance.now() - t0) / 1000);
  const churning = memoryOf(busy.child.pid);
  await stopSim(busy);
  return { base, cpu, churning };
}

// ---------------------------------------------------------------------------------------------
// 4. Row framing, in process.

async function framingBench() {
  const { tsImport } = await import('tsx/esm/api');
  const here = pathToFileURL(join(root, 'bench', 'simulator.bench.mjs')).href;
  const sim = await tsImport('../simulator/src/index.ts', here);
  const commands = await tsImport('../simulator/src/commands.ts', here);
  const encode = await tsImport('../simulator/src/encode.ts', here);
  const protocol = await tsImport('../protocol/src/index.ts', here);
  const s = await sim.startSimulator({ port: null, connections: ROWS, activity: false });
  const menu = s.menu('/ip/firewall/connection');
  const items = [...menu.items()];
  const tail = encode.sentenceTail('t1');
  const time = (f) => {
    const ms = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      f();
      ms.push(performance.now() - t);
    }
    return median(ms);
  };
  let bytes = 0;
  const batched = (clearCache) => () => {
    if (clearCache) for (const it of items) it.body = undefined;
    const batch = new encode.SentenceBatch();
    bytes = 0;
    for (const it of items) {
      batch.addRow(commands.rowBody(menu, it), tail);
      if (batch.size >= 65536) bytes += batch.take().length;
    }
    bytes += batch.take()?.length ?? 0;
  };
  const perRow = () => {
    for (const it of items) {
      const words = ['!re', ...commands.rowPairs(menu, it).map(([k, v]) => `=${k}=${v}`), '.tag=t1'];
      protocol.encodeSentence(words);
    }
  };
  const cold = time(batched(true));
  const warm = time(batched(false));
  const naive = time(perRow);
  await s.close();
  return { cold, warm, naive, bytes };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  console.log(`simulator bench: ${ROWS} rows, ${REPS} reps, ${LISTENERS} listeners × ${ROUNDS} changes`);
  // Fan-out first, on a fresh heap: its worst case is what the target is about.
  globalThis.gc?.();
  const fanout = await fanoutBench();
  if (process.env.BENCH_ONLY === 'fanout') {
    const d = fanout.delays;
    console.log(
      `fan-out: p50 ${pct(d, 50).toFixed(1)} ms, p99 ${pct(d, 99).toFixed(1)} ms, max ${Math.max(...d).toFixed(1)} ms, missing ${fanout.missing}`,
    );
    return;
  }
  const print = await printBench();
  const memory = await memoryBench();
  const framing = await framingBench();

  const mb = (b) => b / 1e6;
  const printRows = Object.entries(print.results).map(([k, rs]) => {
    const ms = median(rs.map((r) => r.ms));
    const bytes = rs[0].bytes;
    return {
      k,
      ms,
      min: Math.min(...rs.map((r) => r.ms)),
      max: Math.max(...rs.map((r) => r.ms)),
      rowsPerS: ROWS / (ms / 1000),
      mbps: Number.isNaN(bytes) ? NaN : mb(bytes) / (ms / 1000),
      mb: mb(bytes),
    };
  });
  const full = printRows[0];
  const nr = printRows[2];
  const d = fanout.delays;
  const p50 = pct(d, 50);
  const p99 = pct(d, 99);
  const max = Math.max(...d);
  const perEntry = (print.idle.rss - memory.base.rss) / ROWS;

  const date = today();
  const table = [
    '| client of the simulator | median ms | min–max ms | rows/s | MB/s |',
    '|---|---:|---:|---:|---:|',
    ...printRows.map(
      (r) =>
        `| ${r.k} | ${r.ms.toFixed(0)} | ${r.min.toFixed(0)}–${r.max.toFixed(0)} | ${Math.round(r.rowsPerS).toLocaleString('en')} | ${Number.isNaN(r.mbps) ? '—' : r.mbps.toFixed(0)} |`,
    ),
  ].join('\n');
  const section = `## Simulator

<!-- simulator-bench:start (written by bench/simulator.bench.mjs; edit the script, not this text) -->
Measured ${date} on ${machine()}, by \`npm run bench\` (\`bench/simulator.bench.mjs\`). The simulator runs as its own
process (\`node scripts/sim.mjs\`, what \`npm run sim\` runs: the compiled \`out/sim.mjs\`); the clients run in the benchmark process. The machine is shared
with other work, so single numbers wobble; medians of ${REPS} interleaved runs.

**${ROWS.toLocaleString('en')}-row print** of \`/ip/firewall/connection\` (\`--connections ${ROWS}\`, ${full.mb.toFixed(1)} MB on the wire), from sending the
command to its \`!done\`:

${table}

- The simulator serves the full print at **${Math.round(full.rowsPerS).toLocaleString('en')} rows/s** (${full.mbps.toFixed(0)} MB/s); node-routeros needs
  ${(nr.ms / full.ms).toFixed(1)}× as long to take the same print in, so the server is not what a client waits for.
- Row framing in process (median of 5, ${mb(framing.bytes).toFixed(1)} MB): cached row bodies batched into 64 KiB writes
  ${framing.warm.toFixed(0)} ms warm / ${framing.cold.toFixed(0)} ms with an empty cache, against ${framing.naive.toFixed(0)} ms for framing each row with
  the codec's \`encodeSentence\` — **${(framing.naive / framing.warm).toFixed(1)}× faster warm, ${(framing.naive / framing.cold).toFixed(1)}× cold**.

**Fan-out**: ${LISTENERS} connections each holding \`/interface/listen\`; a 51st sends \`/interface/set\` ${ROUNDS} times. Delay from sending
each \`set\` to each listener receiving its \`!re\` (${d.length.toLocaleString('en')} deliveries${fanout.missing ? `, ${fanout.missing} missing` : ', none missing'}):
**p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms** (target: all within 50 ms — ${max <= 50 && !fanout.missing ? 'met' : 'missed'}).

**Memory** (resident set of the simulator process):

| simulator | RSS MB | peak RSS MB |
|---|---:|---:|
| \`--connections 0 --no-activity\` | ${mb(memory.base.rss).toFixed(0)} | ${mb(memory.base.peak).toFixed(0)} |
| \`--connections ${ROWS} --no-activity\`, idle after start (${(print.startMs / 1000).toFixed(1)} s to listening) | ${mb(print.idle.rss).toFixed(0)} | ${mb(print.idle.peak).toFixed(0)} |
| the same after ${REPS * 3} full prints (row bodies cached) | ${mb(print.afterPrint.rss).toFixed(0)} | ${mb(print.afterPrint.peak).toFixed(0)} |
| \`--connections ${ROWS}\` with background churn, after 6 s | ${mb(memory.churning.rss).toFixed(0)} | ${mb(memory.churning.peak).toFixed(0)} |

About ${Math.round(perEntry).toLocaleString('en')} bytes per connection-tracking entry. The default churn at this size
(${Math.floor(ROWS / 40).toLocaleString('en')} entries replaced and ${Math.min(2 * Math.floor(ROWS / 40), 10000).toLocaleString('en')} updated per second) costs **${(memory.cpu * 100).toFixed(0)} % of one core**.
<!-- simulator-bench:end -->
`;
  console.log(`\n${table}\n`);
  console.log(`fan-out: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms, missing ${fanout.missing}`);
  console.log(
    `memory: base ${mb(memory.base.rss).toFixed(0)} MB, ${ROWS} entries ${mb(print.idle.rss).toFixed(0)} MB idle, ${mb(print.afterPrint.rss).toFixed(0)} MB after prints, churn ${(memory.cpu * 100).toFixed(0)}% CPU`,
  );
  console.log(
    `framing: warm ${framing.warm.toFixed(0)} ms, cold ${framing.cold.toFixed(0)} ms, per-row encodeSentence ${framing.naive.toFixed(0)} ms`,
  );
  if (shouldWrite()) writeSection(section, { heading: '## Simulator', endMarker: '<!-- simulator-bench:end -->' });
  if (max > 50 || fanout.missing > 0) {
    console.log('target missed: fan-out above 50 ms');
    process.exitCode = 1;
  }
}

runMain(main);
