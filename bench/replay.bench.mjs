#!/usr/bin/env node
// Trace replay benchmark (`npm run bench -- replay`, or `node bench/replay.bench.mjs [--no-write]`).
// Runs bench/replay-run.ts (services + two simulators in one process, loopback): a trace of
// REPLAY_SENTENCES small read-only sentences plus one REPLAY_ROWS-row print, then replay:plan,
// replay:run of the small ones and of the big print on the other router, and compareReplies alone
// on REPLAY_ROWS rows. Results go to stdout and to the "Trace replay" section of docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { machine, root, shouldWrite, today, writeSection } from './lib.mjs';

const r = spawnSync('node', ['--import', 'tsx', join('bench', 'replay-run.ts')], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env },
});
if (r.status !== 0) {
  console.error(r.stderr);
  process.exit(1);
}
const m = JSON.parse(r.stdout.trim().split('\n').pop());
const ms = (v) => `${v.toFixed(0)} ms`;
const rows = [
  [
    'replay:plan over the held trace',
    `${(m.traceBytes / 1048576).toFixed(1)} MiB, ${m.traceEntries} entries → ${m.planSentences} sentences`,
    ms(m.planMs),
  ],
  [
    'replay:run, small read-only sentences, A (7.20) → B (7.16)',
    `${m.smallSentences} sentences (${m.smallDiffers} differ: identity)`,
    `${ms(m.smallMs)} (${(m.smallMs / m.smallSentences).toFixed(2)} ms each)`,
  ],
  ['replay:run, one big print, A → B', `${m.bigRows} rows, verdict ${m.bigVerdict}`, ms(m.bigMs)],
  [
    'compareReplies alone (matched by .id, one field changed per row)',
    `${m.compareRows} rows, ${m.compareDifferences} differences listed`,
    ms(m.compareMs),
  ],
];
const table = ['| what | size | time |', '|---|---|---|', ...rows.map((x) => `| ${x.join(' | ')} |`)].join('\n');
console.log(table);
if (shouldWrite()) {
  const start = '<!-- replay-bench:start (written by bench/replay.bench.mjs; edit the script, not this text) -->';
  const endMarker = '<!-- replay-bench:end -->';
  const section = `## Trace replay\n\n${start}\n\nMeasured ${today()} on ${machine()}. The replay's own cost (extracting the trace's sentences and\nrouting the recorded replies, then comparing) next to the loopback round trips it waits for.\n\n${table}\n\n${endMarker}\n`;
  writeSection(section, { heading: '## Trace replay', endMarker });
}
