/**
 * Measurements for trace replay (run by bench/replay.bench.mjs through tsx): the services and two
 * simulators in this process, over loopback. Prints one JSON line with the numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startSimulator } from '../simulator/src/index';
import { createServices, MemoryCredentialStore } from '../app-main/src/services/index';
import { compareReplies, type ReplyRecord } from '../app-main/src/services/replay/replay-core';

const sentences = Number(process.env['REPLAY_SENTENCES'] ?? 500);
const bigRows = Number(process.env['REPLAY_ROWS'] ?? 10_000);

const dir = mkdtempSync(join(tmpdir(), 'tikscope-replay-bench-'));
const a = await startSimulator({ activity: false, identity: 'A', rosVersion: '7.20', connections: bigRows });
const b = await startSimulator({ activity: false, identity: 'B', rosVersion: '7.16', connections: bigRows });
const s = await createServices({
  dataDir: dir,
  host: 'browser',
  appVersion: 'bench',
  credentialStore: new MemoryCredentialStore(),
  timings: { heartbeatIntervalMs: 0 },
});
const ends = new Map<string, () => void>();
s.subscribe((event, payload) => {
  if (event === 'console:end') ends.get((payload as { commandId: string }).commandId)?.();
});
const save = async (port: number, name: string) =>
  (
    await s.handlers['connections:save']({
      input: { name, host: '127.0.0.1', port, transport: 'plain', user: 'admin', password: '' },
    })
  ).id;
const idA = await save(a.port!, 'A');
const idB = await save(b.port!, 'B');
await s.handlers['link:connect']({ id: idA });
await s.handlers['link:connect']({ id: idB });
const run = async (words: string[]) => {
  const ref = await s.handlers['console:send']({ connectionId: idA, words });
  await new Promise<void>((resolve) => ends.set(ref.commandId, resolve));
};

// A trace of many small read-only sentences and one big print.
const menus = [
  '/interface/print',
  '/ip/address/print',
  '/ip/route/print',
  '/system/identity/print =.proplist=name',
  '/ip/firewall/filter/print',
];
for (let i = 0; i < sentences; i++) await run(menus[i % menus.length]!.split(' '));
await run(['/ip/firewall/connection/print']);

let t = performance.now();
const plan = await s.handlers['replay:plan']({ sourceId: idA });
const planMs = performance.now() - t;
const held = await s.handlers['trace:get']({ connectionId: idA, limit: 1 });
const small = plan.sentences.filter((x) => !x.background && !x.words[0]!.startsWith('/ip/firewall/connection')).map((x) => x.seq);
const big = plan.sentences.filter((x) => x.words[0] === '/ip/firewall/connection/print').map((x) => x.seq);

t = performance.now();
const r1 = await s.handlers['replay:run']({ sourceId: idA, targetId: idB, seqs: small, confirmedWrites: [] });
const smallMs = performance.now() - t;
t = performance.now();
const r2 = await s.handlers['replay:run']({ sourceId: idA, targetId: idB, seqs: big, confirmedWrites: [] });
const bigMs = performance.now() - t;

// The comparison alone, on 10,000 rows matched by .id with one field changed in each.
const rows: ReplyRecord[] = Array.from({ length: bigRows }, (_, i) => ({
  kind: '!re',
  words: [
    '!re',
    `=.id=*${i.toString(16)}`,
    '=protocol=tcp',
    `=src-address=10.0.${i >> 8}.${i & 255}:443`,
    `=orig-bytes=${i}`,
    '=tcp-state=established',
  ],
}));
const other = rows.map((r) => ({
  kind: r.kind,
  words: r.words.map((w) => (w === '=tcp-state=established' ? '=tcp-state=time-wait' : w)),
}));
t = performance.now();
const c = compareReplies(
  { outcome: 'done', replies: rows },
  { outcome: 'done', replies: other },
  { streaming: false, bounded: false, ignoreVolatile: true },
);
const compareMs = performance.now() - t;

console.log(
  JSON.stringify({
    traceBytes: held.heldBytes,
    traceEntries: held.entries[0]?.seq,
    planSentences: plan.sentences.length,
    planMs,
    smallSentences: small.length,
    smallMs,
    smallDiffers: r1.differs,
    bigRows: r2.rows[0]?.replayed.replies,
    bigMs,
    bigVerdict: r2.rows[0]?.verdict,
    compareRows: bigRows,
    compareMs,
    compareDifferences: c.differences.length,
  }),
);
await s.dispose();
await a.close();
await b.close();
rmSync(dir, { recursive: true, force: true });
