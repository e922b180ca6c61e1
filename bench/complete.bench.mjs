#!/usr/bin/env node
// Autocomplete benchmark (`npm run bench`, or `node bench/complete.bench.mjs [options]`).
//
// Completion from the router's own /console/inspect, measured through the services exactly as a
// renderer call reaches them (bridge dispatch with schema validation, then the handler), against
// simulated routers in another process over loopback:
//   1. cold cache: a fresh services instance per round, connected to a 7.20 router, walks a typing
//      session of paths (root, /ip, /ip/firewall, … down to command arguments) — each answer costs
//      `request=child` + `request=syntax` on the wire (plus the root probe on the first);
//   2. warm cache, same router: the same paths again (no request leaves the process);
//   3. warm cache, a second router on the same version (the per-version cache; still no request);
//   4. argument values (`request=completion`, two passes for the union) cold, then warm;
//   5. fallback: a router whose inspect stalls — the first answer takes the time-out, the ones after
//      it (during the cool-down) are immediate.
// p50/p95/max per case. Results with the machine and the date go to the "Autocomplete" section of
// docs/benchmarks.md (between its markers).
//
// Options: --rounds N (cold rounds, default 30) --warm N (warm rounds, default 200)
//          --timeout-ms N (inspect time-out for the stall case, default 500) --no-write
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import {
  bundle as bundleIn,
  child,
  machine as machineLine,
  numberOption as opt,
  runMain,
  shouldWrite,
  workDir,
  writeSection,
} from './lib.mjs';

const ROUNDS = opt('rounds', 30);
const WARM = opt('warm', 200);
const TIMEOUT_MS = opt('timeout-ms', 500);
const WRITE = shouldWrite();
const work = workDir('complete');

// ---------------------------------------------------------------------------------------------
// Child programs (bundled with esbuild so that they run without tsx).

const SIMS = `
import { startSimulator } from './simulator/src/index';
const sims = [
  await startSimulator({ password: 'bench', identity: 'a-720', rosVersion: '7.20', activity: false }),
  await startSimulator({ password: 'bench', identity: 'b-720', rosVersion: '7.20', activity: false, seed: 2 }),
  await startSimulator({ password: 'bench', identity: 'stall', rosVersion: '7.16', activity: false, inspect: 'stall' }),
];
process.stdout.write(JSON.stringify(sims.map((s) => s.port)) + '\\n');
process.stdin.resume();
process.stdin.on('end', async () => {
  for (const s of sims) await s.close();
  process.exit(0);
});
`;

const MEASURE = `
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from './app-main/src/bridge/dispatch';
import { createServices, MemoryCredentialStore } from './app-main/src/services/index';

const [portsJson, rounds, warmRounds, timeoutMs] = process.argv.slice(2);
const [portA, portB, portStall] = JSON.parse(portsJson);
// A typing session: each step is what the console asks while the user types one line further.
const PATHS = [
  [], ['ip'], ['ip', 'firewall'], ['ip', 'firewall', 'filter'], ['ip', 'firewall', 'filter', 'add'],
  ['interface'], ['interface', 'vlan'], ['interface', 'vlan', 'add'], ['ip', 'address'], ['ip', 'address', 'add'],
  ['system'], ['user'],
];
const VALUES = [
  [['ip', 'firewall', 'filter', 'add'], 'action'],
  [['ip', 'address', 'add'], 'interface'],
  [['interface', 'vlan', 'add'], 'interface'],
];

async function open(inspect) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tikscope-complete-'));
  const services = await createServices({ dataDir, host: 'electron', appVersion: 'bench', credentialStore: new MemoryCredentialStore(), inspect, traceCapture: false });
  const ids = {};
  for (const [name, port] of [['a', portA], ['b', portB], ['stall', portStall]]) {
    const c = await services.handlers['connections:save']({ input: { name, host: '127.0.0.1', port, transport: 'plain', user: 'admin', password: 'bench' } });
    ids[name] = c.id;
  }
  return { services, ids, close: async () => { await services.dispose(); rmSync(dataDir, { recursive: true, force: true }); } };
}

async function timed(services, channel, args, check) {
  const t0 = performance.now();
  const r = await dispatch(services.handlers, channel, args);
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(channel + ' failed: ' + r.error.message);
  check(r.value);
  return ms;
}
const available = (v) => { if (!v.available) throw new Error('completion unavailable: ' + v.reason); };

const out = { cold: [], warm: [], warmOther: [], valuesCold: [], valuesWarm: [], stallFirst: [], stallAfter: [], requestsPerColdRound: 0 };
for (let round = 0; round < Number(rounds); round++) {
  const { services, ids, close } = await open();
  await services.handlers['link:connect']({ id: ids.a });
  await services.handlers['link:connect']({ id: ids.b });
  for (const path of PATHS) out.cold.push(await timed(services, 'complete:children', { connectionId: ids.a, path }, (v) => { available(v); if (v.cached) throw new Error('cold answer came from the cache'); }));
  out.requestsPerColdRound = services.inspect.stats().requests;
  for (const [path, argument] of VALUES) out.valuesCold.push(await timed(services, 'complete:values', { connectionId: ids.a, path, argument }, available));
  if (round === Number(rounds) - 1) {
    for (let w = 0; w < Number(warmRounds); w++) {
      for (const path of PATHS) out.warm.push(await timed(services, 'complete:children', { connectionId: ids.a, path }, (v) => { if (!v.cached) throw new Error('warm answer was not cached'); }));
      for (const path of PATHS) out.warmOther.push(await timed(services, 'complete:children', { connectionId: ids.b, path }, (v) => { if (!v.cached) throw new Error('second router did not use the version cache'); }));
      for (const [path, argument] of VALUES) out.valuesWarm.push(await timed(services, 'complete:values', { connectionId: ids.a, path, argument }, available));
    }
    if (services.inspect.stats().perRouter[ids.b] !== undefined) throw new Error('the second 7.20 router sent inspect requests');
  }
  await close();
}
// Fallback: a stalled inspect costs one time-out, then answers at once during the cool-down.
for (let round = 0; round < 3; round++) {
  const { services, ids, close } = await open({ timeoutMs: Number(timeoutMs) });
  await services.handlers['link:connect']({ id: ids.stall });
  out.stallFirst.push(await timed(services, 'complete:children', { connectionId: ids.stall, path: ['ip'] }, (v) => { if (v.available) throw new Error('stall answered'); }));
  for (let i = 0; i < 100; i++) out.stallAfter.push(await timed(services, 'complete:children', { connectionId: ids.stall, path: PATHS[i % PATHS.length] }, (v) => { if (v.available) throw new Error('stall answered'); }));
  await close();
}
process.stdout.write(JSON.stringify(out) + '\\n');
process.exit(0);
`;

const bundle = (name, source) => bundleIn(work, name, source);

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, p50: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}
const ms = (v) => (v < 0.1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(0));

async function main() {
  const simsFile = await bundle('sims', SIMS);
  const measureFile = await bundle('measure', MEASURE);
  const sims = child(simsFile, [], { keepAlive: true });
  const ports = await sims.first;
  const m = child(measureFile, [JSON.stringify(ports), String(ROUNDS), String(WARM), String(TIMEOUT_MS)], { keepAlive: true });
  const r = await m.first;
  await m.stop();
  await sims.stop();

  const rows = [
    ['paths, cold cache (child + syntax on the wire)', stats(r.cold)],
    ['paths, warm cache, same router', stats(r.warm)],
    ['paths, warm cache, second router on the same version', stats(r.warmOther)],
    ['argument values, cold (2 completion passes)', stats(r.valuesCold)],
    ['argument values, warm (per-router cache)', stats(r.valuesWarm)],
    [`stalled inspect: first answer (time-out ${TIMEOUT_MS} ms)`, stats(r.stallFirst)],
    ['stalled inspect: answers during the cool-down', stats(r.stallAfter)],
  ];
  const machine = machineLine();
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const load = loadavg()[0];
  console.log(`machine: ${machine}; load average ${load.toFixed(1)}`);
  for (const [name, s] of rows)
    console.log(
      `${name.padEnd(58)} n=${String(s.n).padStart(5)}  p50 ${ms(s.p50).padStart(7)} ms  p95 ${ms(s.p95).padStart(7)} ms  max ${ms(s.max).padStart(7)} ms`,
    );
  const coldP50 = stats(r.cold).p50;
  const warmP50 = stats(r.warm).p50;
  console.log(
    `warm cache is ${(coldP50 / warmP50).toFixed(0)}x faster at p50; ${r.requestsPerColdRound} inspect requests per cold walk of ${12} paths`,
  );

  const section = `## Autocomplete

<!-- complete-bench:start (written by bench/complete.bench.mjs; edit the script, not this text) -->
Measured by \`bench/complete.bench.mjs\` on ${date}; machine: ${machine}; 1-minute load average
${load.toFixed(1)} at the end (the machine was shared with other work). Each sample is one
\`complete:children\` or \`complete:values\` call through the bridge dispatch (schema validation
included) into the services, against simulated routers in another process over loopback. A cold
walk covers 12 paths of a typing session (root → \`/ip/firewall/filter/add\`, \`/interface/vlan/add\`,
…) on a fresh services instance, ${ROUNDS} rounds; it sent ${r.requestsPerColdRound} inspect requests per walk (child + syntax per
path, one at a time). Warm cases repeat the walk ${WARM} times.

| case | samples | p50 ms | p95 ms | max ms |
|---|---:|---:|---:|---:|
${rows.map(([name, s]) => `| ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |`).join('\n')}

The warm cache answers ${(coldP50 / warmP50).toFixed(0)}× faster than a cold fetch at p50, and a second router on
the same RouterOS version never asks its own router (checked by the benchmark: zero inspect requests
from it). A router whose inspect stalls costs one time-out, after which completion answers
"unavailable" at once for the cool-down instead of queueing more requests behind the stalled one.
<!-- complete-bench:end -->
`;
  if (WRITE) writeSection(section, { heading: '## Autocomplete', endMarker: '<!-- complete-bench:end -->' });
  rmSync(work, { recursive: true, force: true });
}

runMain(main, work);
