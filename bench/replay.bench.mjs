#!/usr/bin/env node
// Trace replay benchmark (`npm run bench -- replay`, or `node bench/replay.bench.mjs [--no-write]`).
// Runs bench/replay-run.ts (services + two simulators in one process, loopback): a trace of
// REPLAY_SENTENCES small read-only sentences plus one REPLAY_ROWS-row print, then replay:plan,
// replay:run of the small ones and of the big print on the other router, and compareReplies alone
// on REPLAY_ROWS rows. Results go to stdout and to the "Trace replay" section of docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const write = !process.argv.includes('--no-write');
const r = spawnSync('node', ['--import', 'tsx', join('bench', 'replay-run.ts')], { cwd: root, encoding: 'utf8', env: { ...process.env } });
if (r.status !== 0) {
  console.error(r.stderr);
  process.exit(1);
}
const m = JSON.parse(r.stdout.trim().split('\n').pop());
const ms = (v) => `${v.toFixed(0)} ms`;
const rows = [
  ['replay:plan over the held trace', `${(m.traceBytes / 1048576).toFixed(1)} MiB, ${m.traceEntries} entries → ${m.planSentences} sentences`, ms(m.planMs)],
  ['replay:run, small read-only sentences, A (7.20) → B (7.16)', `${m.smallSentences} sentences (${m.smallDiffers} differ: identity)`, `${ms(m.smallMs)} (${(m.smallMs / m.smallSentences).toFixed(2)} ms each)`],
  ['replay:run, one big print, A → B', `${m.bigRows} rows, verdict ${m.bigVerdict}`, ms(m.bigMs)],
  ['compareReplies alone (matched by .id, one field changed per row)', `${m.compareRows} rows, ${m.compareDifferences} differences listed`, ms(m.compareMs)],
];
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${process.platform}`;
const date = new Date().toISOString().slice(0, 10);
const table = ['| what | size | time |', '|---|---|---|', ...rows.map((x) => `| ${x.join(' | ')} |`)].join('\n');
console.log(table);
if (write) {
  const file = join(root, 'docs', 'benchmarks.md');
  const start = '<!-- replay-bench:start (written by bench/replay.bench.mjs; edit the script, not this text) -->';
  const end = '<!-- replay-bench:end -->';
  const section = `${start}\n\nMeasured ${date} on ${machine}. The replay's own cost (extracting the trace's sentences and\nrouting the recorded replies, then comparing) next to the loopback round trips it waits for.\n\n${table}\n\n${end}`;
  let text = readFileSync(file, 'utf8');
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  text = i >= 0 && j > i ? text.slice(0, i) + section + text.slice(j + end.length) : `${text.trimEnd()}\n\n## Trace replay\n\n${section}\n`;
  writeFileSync(file, text);
}
