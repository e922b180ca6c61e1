#!/usr/bin/env node
// Reliability figures (`npm run bench reliability`, or `node bench/reliability.bench.mjs`): runs the
// reliability suite of `npm test` (app-main/src/services/reliability.test.ts: the services against
// simulated routers with every fault flag and a router killed mid-print) with
// TIKSCOPE_RELIABILITY_REPORT set, and writes what it measured — commands sent, settled, time to
// settle — to the "Reliability" section of docs/benchmarks.md, with the machine and the date.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machine as machineLine, root, runMain, shouldWrite, today, workDir, writeSection } from './lib.mjs';

const work = workDir('reliability');
const SUITE = 'app-main/src/services/reliability.test.ts';

async function main() {
  const report = join(work, 'reliability.json');
  const loadBefore = loadavg()[0];
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'unit', SUITE],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, TIKSCOPE_RELIABILITY_REPORT: report } },
  );
  const wallS = (Date.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`the reliability suite failed (exit ${run.status}); no figures written`);
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const ms = (x) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
  const outcomes = (o) =>
    Object.entries(o)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const table = [
    '| case | commands sent | settled | outcomes | p50 / p99 / max ms to settle | calls settled |',
    '|---|---:|---:|---|---:|---:|',
    ...r.cases.map(
      (c) =>
        `| ${c.name} | ${c.sent} | ${c.settled} | ${outcomes(c.outcomes)} | ${ms(c.p50Ms)} / ${ms(c.p99Ms)} / ${ms(c.maxMs)} | ${c.callsSettled} of ${c.calls} |`,
    ),
    `| **all** | **${r.sent}** | **${r.settled}** | | **${ms(r.p50Ms)} / ${ms(r.p99Ms)} / ${ms(r.maxMs)}** | **${r.callsSettled} of ${r.calls}** |`,
  ].join('\n');
  const machine = `${machineLine()} (load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after)`;
  const section = `## Reliability

<!-- reliability-bench:start (written by bench/reliability.bench.mjs; edit the script, not this text) -->
Measured ${today()} on ${machine}, by \`node bench/reliability.bench.mjs\` (also run by \`npm run bench\`), which runs
the reliability suite of \`npm test\` (\`${SUITE}\`, ${wallS.toFixed(0)} s with vitest's start-up) and reports what it measured.

Each case runs the real services against a simulated router with one fault of \`npm run sim\` (docs/simulator.md):
a live table on \`/interface\` and a listen held open, then the fault, then three rounds of six console commands
(prints, a trap, a listen cancelled at once), a one-router broadcast, and a second table started and stopped at once
(with \`--inspect\`, also a completion lookup per round). The mid-session
faults are switched on once the link is up and take it down; the suite heals them and checks that the link comes
back online and the table is live again with the router's rows. \`--refuse-login\` ends at auth-failed (never
retried) with the table stopped. The last case stops the simulator during a 20,000-row print and starts it again on
the same port. Link timings are the app's policies scaled down (heartbeat every 100 ms, 1 s to answer;
connect time-out 2 s; back-off 20–200 ms) so that a silent router is noticed within the test. "Settled" counts commands that ended
(\`console:end\`) or were refused at once (NOT_CONNECTED, outcome "refused"); "calls" are the \`console:cancel\`,
\`broadcast:send\`, \`table:start\`, \`table:stop\` and \`complete:children\` calls, each of which must resolve or reject. Time to settle runs from \`console:send\` to \`console:end\`.

${table}

- ${r.settled === r.sent && r.callsSettled === r.calls ? `Every command and call settled: ${r.settled} of ${r.sent} commands, ${r.callsSettled} of ${r.calls} calls.` : `NOT all settled: ${r.settled} of ${r.sent} commands, ${r.callsSettled} of ${r.calls} calls.`}
- Two further cases are asserted without figures: a framing error (\`--control-byte-after\`) ends a listen in
  flight \`outcome-unknown\`, and on a router that stops answering with no heartbeat to drop the link, a
  cancelled listen ends \`cancel-unconfirmed\` after the 5 s cancel deadline.
- The slowest case is \`--chunk-bytes 3\`: the router writes every reply three bytes at a time, so the
  120-row \`/ip/firewall/connection/print\` takes seconds to arrive; it ends \`done\`. Where the link goes down,
  commands in flight end within the heartbeat's 1.1 s (stall) or at once (close, control byte).
<!-- reliability-bench:end -->
`;
  console.log(`\n${table}\n`);
  if (shouldWrite()) writeSection(section, { heading: '## Reliability', endMarker: '<!-- reliability-bench:end -->' });
  rmSync(work, { recursive: true, force: true });
}

runMain(main, work);
