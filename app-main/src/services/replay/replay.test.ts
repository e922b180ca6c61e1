/**
 * Trace replay and repro bundles against two simulated routers over loopback (different data and
 * RouterOS versions): capture on A, replay on A and B, bounded streams, refused writes, bundles.
 * Every wait is on a bridge event or a call's own answer.
 */
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../../../simulator/src/index';
import type { ReplayRow, TraceEntry } from '../../common/contract';
import type { LinkTimings, Services } from '../index';
import { failure, servicesRig } from '../test-support/helpers';

const FAST: Partial<LinkTimings> = { connectTimeoutMs: 3000, commandTimeoutMs: 3000, heartbeatIntervalMs: 0, quitTimeoutMs: 500 };
const PASSWORD_A = 'replay-secret-A1';
const PASSWORD_B = 'replay-secret-B2';

const rig = servicesRig({ services: { appVersion: '9.9.9-test', timings: FAST } });
const { sim, start } = rig;

async function connect(s: Services, router: Simulator, name: string, password: string): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name, host: '127.0.0.1', port: router.port!, transport: 'plain', user: 'admin', password },
  });
  await s.handlers['link:connect']({ id: c.id });
  return c.id;
}

/** Sends one console sentence and waits for its end. */
async function run(s: Services, connectionId: string, words: string[]): Promise<void> {
  const ref = await s.handlers['console:send']({ connectionId, words });
  await rig.events.wait('console:end', (e) => e.commandId === ref.commandId);
}

const rowOf = (rows: ReplayRow[], command: string, n = 0) => rows.filter((r) => r.words[0] === command)[n]!;
const addresses = (router: Simulator) => [...router.menu('/ip/address').items()].map((i) => i.get('address'));
const sentOut = (entries: TraceEntry[]) => entries.filter((e) => e.direction === 'out').map((e) => e.words[0]);

describe('trace replay', () => {
  let s: Services;
  let a: string;
  let b: string;
  let simA: Simulator;
  let simB: Simulator;

  /** A on 7.20, B on 7.16 with a different identity and one address changed. */
  async function twoRouters(): Promise<void> {
    simA = await sim({ rosVersion: '7.20', identity: 'core-A', password: PASSWORD_A });
    simB = await sim({ rosVersion: '7.16', identity: 'edge-B', password: PASSWORD_B });
    const lan = simB.menu('/ip/address').items().next().value!;
    simB.menu('/ip/address').update(lan, { comment: 'changed on B' });
    s = await start();
    a = await connect(s, simA, 'router-A', PASSWORD_A);
    b = await connect(s, simB, 'router-B', PASSWORD_B);
  }

  /**
   * A streaming command from A's console that has delivered at least one `!re`, then cancelled
   * there, as a user would. `poke` is sent after it to make a listen report something: the router
   * handles one connection's commands in order, so the poke reaches the running stream.
   */
  async function streamThenCancel(words: string[], poke?: string[]): Promise<void> {
    const stream = await s.handlers['console:send']({ connectionId: a, words });
    if (poke) await run(s, a, poke);
    await rig.events.wait(
      'console:replies',
      (batch) => batch.some((r) => r.commandId === stream.commandId && r.kind === '!re'),
      15_000,
      true,
    );
    await s.handlers['console:cancel']({ commandId: stream.commandId });
    await rig.events.wait('console:end', (e) => e.commandId === stream.commandId, 15_000, true);
  }

  /** Console work on A: prints, a trap, an empty result, a cancelled listen and one write. */
  async function capture(): Promise<void> {
    await run(s, a, ['/interface/print', '=.proplist=name,type,mtu']);
    await run(s, a, ['/ip/address/print']);
    await run(s, a, ['/system/identity/get', '=value-name=name']);
    await run(s, a, ['/ip/route/print', '?dst-address=203.0.113.9/32']);
    await run(s, a, ['/interface/set', '=.id=nosuch', '=mtu=1400']);
    await streamThenCancel(['/interface/listen'], ['/interface/set', '=.id=ether2', '=comment=flap']);
    await run(s, a, ['/ip/address/add', '=address=10.99.0.1/24', '=interface=ether3']);
  }

  it('lists what the client sent, with the read-only rule and the recorded outcomes', async () => {
    await twoRouters();
    await capture();
    const plan = await s.handlers['replay:plan']({ sourceId: a });
    const by = (c: string) => plan.sentences.find((x) => x.words[0] === c)!;
    expect(plan.skipped.login).toBe(1);
    expect(plan.skipped.cancel).toBe(1);
    expect(by('/system/resource/print')).toMatchObject({ background: true, readOnly: true });
    expect(by('/interface/print')).toMatchObject({
      readOnly: true,
      streaming: false,
      recorded: { outcome: 'done', replies: 7 },
      words: ['/interface/print', '=.proplist=name,type,mtu'],
    });
    expect(by('/ip/route/print').recorded).toEqual({ outcome: 'empty', replies: 0 });
    expect(by('/interface/set')).toMatchObject({ readOnly: false, recorded: { outcome: 'trap', message: 'no such item' } });
    expect(by('/interface/listen')).toMatchObject({
      readOnly: true,
      streaming: true,
      recorded: { outcome: 'cancelled', replies: 1 },
    });
    expect(by('/ip/address/add')).toMatchObject({ readOnly: false, recorded: { outcome: 'done', replies: 0 } });
    expect(plan.sentences.some((x) => x.words.some((w) => w.startsWith('.tag=')))).toBe(false);
  });

  it('replays read-only sentences on another router, bounds the listen, and shows what differs', async () => {
    await twoRouters();
    await capture();
    const plan = await s.handlers['replay:plan']({ sourceId: a });
    const reads = plan.sentences.filter((x) => x.readOnly && !x.background).map((x) => x.seq);
    const before = (await s.handlers['trace:get']({ connectionId: b })).entries.length;
    const result = await s.handlers['replay:run']({
      sourceId: a,
      targetId: b,
      seqs: reads,
      confirmedWrites: [],
      options: { maxStreamMs: 400 },
    });
    expect(result.rows.map((r) => r.words[0])).toEqual([
      '/interface/print',
      '/ip/address/print',
      '/system/identity/get',
      '/ip/route/print',
      '/interface/listen',
    ]);

    // Same interfaces on both.
    expect(rowOf(result.rows, '/interface/print')).toMatchObject({ verdict: 'same', replayed: { outcome: 'done', replies: 7 } });
    // B's address carries a comment A's has not.
    const addr = rowOf(result.rows, '/ip/address/print');
    expect(addr.verdict).toBe('differs');
    expect(addr.differences).toContainEqual({
      kind: 'field',
      key: '*1',
      field: 'comment',
      recorded: 'defconf',
      replayed: 'changed on B',
    });
    // get returns the identity in !done =ret=.
    expect(rowOf(result.rows, '/system/identity/get')).toMatchObject({
      verdict: 'differs',
      differences: [{ kind: 'ret', recorded: 'core-A', replayed: 'edge-B' }],
    });
    // 7.20 answered the empty print with !empty, 7.16 with a bare !done: the same result, said in a note.
    const route = rowOf(result.rows, '/ip/route/print');
    expect(route).toMatchObject({ verdict: 'same', recorded: { outcome: 'empty' }, replayed: { outcome: 'done', replies: 0 } });
    expect(route.notes.join()).toMatch(/!empty on one side only/);
    // The listen was stopped at the time bound with /cancel and did not run on.
    const listen = rowOf(result.rows, '/interface/listen');
    expect(listen).toMatchObject({ verdict: 'same', streaming: true, replayed: { outcome: 'cancelled', bounded: true } });
    expect(listen.replayed.elapsedMs).toBeGreaterThanOrEqual(380);
    expect(listen.replayed.elapsedMs).toBeLessThan(3000);
    expect(result.same + result.differs).toBe(5);

    const traceB = (await s.handlers['trace:get']({ connectionId: b, sinceSeq: before })).entries;
    expect(sentOut(traceB)).toEqual([
      '/interface/print',
      '/ip/address/print',
      '/system/identity/get',
      '/ip/route/print',
      '/interface/listen',
      '/cancel',
    ]);
    // …and it ended on the router: its own !done came back after the /cancel.
    const listenTag = traceB.find((e) => e.words[0] === '/interface/listen')!.tag;
    expect(traceB.some((e) => e.direction === 'in' && e.tag === listenTag && e.words[0] === '!done')).toBe(true);
    // Progress: from 0 to the total, for this replay.
    const progress = rig.events.of('replay:progress').filter((p) => p.replayId === result.replayId);
    expect(progress[0]).toMatchObject({ done: 0, total: 5, command: '/interface/print' });
    expect(progress[progress.length - 1]).toMatchObject({ done: 5, total: 5 });
  });

  it('replays on the same router with nothing different', async () => {
    await twoRouters();
    await run(s, a, ['/interface/print']);
    await run(s, a, ['/ip/address/print']);
    const plan = await s.handlers['replay:plan']({ sourceId: a });
    const seqs = plan.sentences.filter((x) => !x.background).map((x) => x.seq);
    const result = await s.handlers['replay:run']({ sourceId: a, targetId: a, seqs, confirmedWrites: [] });
    expect(result.rows.map((r) => [r.words[0], r.verdict])).toEqual([
      ['/interface/print', 'same'],
      ['/ip/address/print', 'same'],
    ]);
    // Volatile counters may move; a strict comparison is still clean with activity off.
    const strict = await s.handlers['replay:run']({
      sourceId: a,
      targetId: a,
      seqs,
      confirmedWrites: [],
      options: { ignoreVolatile: false },
    });
    expect(strict.differs).toBe(0);
  });

  it('refuses unconfirmed writes before sending anything, and sends them once confirmed', async () => {
    await twoRouters();
    await capture();
    const plan = await s.handlers['replay:plan']({ sourceId: a });
    const add = plan.sentences.find((x) => x.words[0] === '/ip/address/add')!;
    const print = plan.sentences.find((x) => x.words[0] === '/ip/address/print')!;
    const before = (await s.handlers['trace:get']({ connectionId: b })).entries.length;

    // A confirmation of another sentence does not count for this one.
    const refused = await failure(() =>
      s.handlers['replay:run']({ sourceId: a, targetId: b, seqs: [print.seq, add.seq], confirmedWrites: [print.seq] }),
    );
    expect(refused.code).toBe('VALIDATION');
    expect(refused.message).toMatch(/\/ip\/address\/add/);
    expect(refused.message).toMatch(/Nothing was sent/);
    expect(refused.detail).toMatchObject({ field: 'confirmedWrites', unconfirmed: String(add.seq) });
    expect(addresses(simB)).not.toContain('10.99.0.1/24');
    // Not even the read-only sentence went out.
    expect((await s.handlers['trace:get']({ connectionId: b, sinceSeq: before })).entries).toEqual([]);

    const result = await s.handlers['replay:run']({
      sourceId: a,
      targetId: b,
      seqs: [print.seq, add.seq],
      confirmedWrites: [add.seq],
    });
    expect(addresses(simB)).toContain('10.99.0.1/24');
    // The new item's id comes back in =ret=; B numbers its items like A here.
    expect(rowOf(result.rows, '/ip/address/add')).toMatchObject({ readOnly: false, replayed: { outcome: 'done' } });
    // Sent in trace order: the print before the add, so the print does not see the new address.
    const printRow = rowOf(result.rows, '/ip/address/print');
    expect(printRow.replayed.replies).toBe(printRow.recorded.replies);
    expect(printRow.differences.some((d) => d.kind === 'row-extra')).toBe(false);
  });

  it('bounds a follow stream by its reply count and cancels it', async () => {
    await twoRouters();
    await streamThenCancel(['/interface/print', '=follow=']);
    const plan = await s.handlers['replay:plan']({ sourceId: a });
    const seq = plan.sentences.find((x) => x.streaming)!.seq;
    const result = await s.handlers['replay:run']({
      sourceId: a,
      targetId: b,
      seqs: [seq],
      confirmedWrites: [],
      options: { maxStreamReplies: 3, maxStreamMs: 60_000 },
    });
    const row = result.rows[0]!;
    expect(row.replayed).toMatchObject({ outcome: 'cancelled', bounded: true });
    expect(row.replayed.replies).toBeGreaterThanOrEqual(3);
    expect(row.replayed.elapsedMs).toBeLessThan(10_000);
    expect(row.verdict).toBe('same');
  });

  it('replay:cancel stops the sentence in flight with /cancel and sends none of the rest', async () => {
    await twoRouters();
    await streamThenCancel(['/interface/listen'], ['/interface/set', '=.id=ether2', '=comment=flap']);
    await run(s, a, ['/system/identity/print']);
    const plan = await s.handlers['replay:plan']({ sourceId: a });
    const seqs = [
      plan.sentences.find((x) => x.words[0] === '/interface/listen')!.seq,
      plan.sentences.filter((x) => x.words[0] === '/system/identity/print').at(-1)!.seq,
    ];
    const identityOnB = async () =>
      sentOut((await s.handlers['trace:get']({ connectionId: b })).entries).filter((w) => w === '/system/identity/print').length;
    const before = await identityOnB();
    const listening = rig.events.wait(
      'trace:entries',
      (e) => e.connectionId === b && e.entries.some((x) => x.direction === 'out' && x.words[0] === '/interface/listen'),
      15_000,
      true,
    );
    // Unbounded for this test: only the cancel can end the listen.
    const pending = s.handlers['replay:run']({
      sourceId: a,
      targetId: b,
      seqs,
      confirmedWrites: [],
      options: { maxStreamReplies: 100_000, maxStreamMs: 600_000 },
    });
    await listening;
    await expect(s.handlers['replay:cancel']({ targetId: b })).resolves.toEqual({ targetId: b, running: true });
    const result = await pending;
    expect(result.rows.map((r) => [r.words[0], r.replayed.outcome, r.replayed.message])).toEqual([
      ['/interface/listen', 'cancelled', 'stopped by the user (/cancel)'],
      ['/system/identity/print', 'failed', 'not sent: the replay was stopped'],
    ]);
    expect(await identityOnB()).toBe(before);
    await expect(s.handlers['replay:cancel']({ targetId: b })).resolves.toEqual({ targetId: b, running: false });
  });

  it('a framing error on the target with a sentence in flight: outcome unknown, and none of the rest is sent', async () => {
    await twoRouters();
    await run(s, a, ['/system/identity/print']);
    await run(s, a, ['/interface/print']);
    const plan = await s.handlers['replay:plan']({ sourceId: a });
    const seqs = ['/system/identity/print', '/interface/print'].map(
      (c) => plan.sentences.filter((x) => x.words[0] === c).at(-1)!.seq,
    );
    // B sent 5 sentences at login; the identity's row is the 6th, then 0xF8 where !done belongs.
    simB.faults.controlByteAfterSentences = 6;
    const result = await s.handlers['replay:run']({ sourceId: a, targetId: b, seqs, confirmedWrites: [] });
    // Issue 11 item D: this was "failed", though B may have run the sentence.
    expect(result.rows.map((r) => [r.words[0], r.replayed.outcome])).toEqual([
      ['/system/identity/print', 'outcome-unknown'],
      ['/interface/print', 'failed'],
    ]);
    expect(result.rows[0]!.replayed.message).toMatch(/cannot be read/);
    expect(result.rows[1]!.replayed.message).toMatch(/^not sent: /);
  });

  it('refuses bad selections with errors that name the problem', async () => {
    await twoRouters();
    await run(s, a, ['/user/set', '=.id=admin', `=password=${PASSWORD_A}`]);
    const plan = await s.handlers['replay:plan']({ sourceId: a });
    const secret = plan.sentences.find((x) => x.words[0] === '/user/set')!;
    expect(secret.blocked).toMatch(/redacted/);
    expect(secret.words).toContain('=password=********');
    const blocked = await failure(() =>
      s.handlers['replay:run']({ sourceId: a, targetId: b, seqs: [secret.seq], confirmedWrites: [secret.seq] }),
    );
    expect(blocked.message).toMatch(/cannot be replayed.*redacted/);
    const gone = await failure(() =>
      s.handlers['replay:run']({ sourceId: a, targetId: b, seqs: [999_999], confirmedWrites: [] }),
    );
    expect(gone.message).toMatch(/999999 is not a sentence the client sent/);
    await s.handlers['link:disconnect']({ id: b });
    const offline = await failure(() =>
      s.handlers['replay:run']({ sourceId: a, targetId: b, seqs: [plan.sentences[0]!.seq], confirmedWrites: [] }),
    );
    expect(offline.code).toBe('NOT_CONNECTED');
    expect((await failure(() => s.handlers['replay:plan']({ sourceId: 'import:77' }))).code).toBe('NOT_FOUND');
  });
});

describe('repro bundles', () => {
  it('exports trace, settings without secrets and versions; never a password; imports back for replay', async () => {
    const simA = await sim({ rosVersion: '7.20', identity: 'core-A', password: PASSWORD_A });
    const simB = await sim({ rosVersion: '7.16', identity: 'edge-B', password: PASSWORD_B });
    const s = await start();
    const a = await connect(s, simA, 'router-A', PASSWORD_A);
    const b = await connect(s, simB, 'router-B', PASSWORD_B);
    await run(s, a, ['/interface/print']);
    await run(s, a, ['/user/set', '=.id=admin', `=password=${PASSWORD_A}`]);

    const file = await s.handlers['repro:export']({ connectionId: a, description: 'print shows\nthe wrong MTU' });
    expect(file.fileName).toMatch(/^router-A-.*\.tikscope-repro\.json$/);
    expect(file.mime).toBe('application/json');
    // The bytes hold no password of any router, in any form.
    const bytes = Buffer.from(file.data, 'utf8');
    for (const pw of [PASSWORD_A, PASSWORD_B]) {
      expect(bytes.includes(Buffer.from(pw))).toBe(false);
      expect(bytes.includes(Buffer.from(Buffer.from(pw).toString('base64')))).toBe(false);
    }
    const doc = JSON.parse(file.data);
    expect(doc).toMatchObject({
      format: 'tikscope-repro',
      version: 1,
      description: 'print shows\nthe wrong MTU',
      application: { name: 'Tikscope', version: '9.9.9-test', host: 'browser' },
      system: { platform: process.platform, node: process.versions.node },
      connection: {
        name: 'router-A',
        host: '127.0.0.1',
        port: simA.port,
        transport: 'plain',
        user: 'admin',
        encoding: 'utf-8',
      },
      router: { known: true, identity: 'core-A', version: expect.stringMatching(/^7\.20/), board: expect.any(String) },
      redactedAtExport: 0,
    });
    expect(Object.keys(doc.connection).sort()).toEqual(['encoding', 'host', 'name', 'port', 'transport', 'user']);
    expect(doc.trace[0]).toMatchObject({ format: 'tikscope-trace', version: 1 });
    expect(doc.trace.slice(1).map((e: TraceEntry) => e.words[0])).toContain('/interface/print');
    expect(doc.trace.slice(1).find((e: TraceEntry) => e.words[0] === '/login').words).toContain('=password=********');

    // The router's version stays known after a disconnect.
    await s.handlers['link:disconnect']({ id: a });
    const later = JSON.parse((await s.handlers['repro:export']({ connectionId: a, description: '' })).data);
    expect(later.router).toMatchObject({ known: true, version: expect.stringMatching(/^7\.20/) });
    // Never connected since start: said so.
    const c = await s.handlers['connections:save']({
      input: { name: 'never', host: '127.0.0.1', port: 9, transport: 'plain', user: 'admin', password: 'never-used-pw' },
    });
    const unknown = JSON.parse((await s.handlers['repro:export']({ connectionId: c.id, description: '' })).data);
    expect(unknown.router).toEqual({ known: false, reason: expect.stringMatching(/not connected since Tikscope started/) });

    // trace:import reads the bundle: the trace, and what the bundle says.
    const snap = await s.handlers['trace:import']({ fileName: file.fileName, content: file.data });
    expect(snap.connectionId).toMatch(/^import:/);
    expect(snap.repro).toMatchObject({
      description: 'print shows\nthe wrong MTU',
      appVersion: '9.9.9-test',
      router: { known: true, identity: 'core-A' },
      connection: { name: 'router-A' },
    });
    expect(snap.entries.map((e) => e.words[0])).toContain('/interface/print');
    // …and its sentences replay on B.
    const plan = await s.handlers['replay:plan']({ sourceId: snap.connectionId });
    const print = plan.sentences.find((x) => x.words[0] === '/interface/print')!;
    const result = await s.handlers['replay:run']({
      sourceId: snap.connectionId,
      targetId: b,
      seqs: [print.seq],
      confirmedWrites: [],
    });
    expect(result.rows[0]).toMatchObject({ verdict: 'same', replayed: { outcome: 'done', replies: 7 } });
    // A bundle of the imported bundle keeps the router it named.
    const again = JSON.parse((await s.handlers['repro:export']({ connectionId: snap.connectionId, description: 'again' })).data);
    expect(again.router).toMatchObject({ known: true, identity: 'core-A' });
    expect(again.connection).toEqual(doc.connection);
  });

  it('redacts again at export: a known password left in a word is replaced and counted', async () => {
    const simA = await sim({ rosVersion: '7.20', password: PASSWORD_A });
    const s = await start();
    const a = await connect(s, simA, 'router-A', PASSWORD_A);
    // A comment is not a secret property, so capture keeps it; the bundle must not.
    await run(s, a, ['/interface/set', '=.id=ether1', `=comment=pw is ${PASSWORD_A}`]);
    const file = await s.handlers['repro:export']({ connectionId: a, description: `I typed ${PASSWORD_A} by mistake` });
    expect(file.data.includes(PASSWORD_A)).toBe(false);
    const doc = JSON.parse(file.data);
    expect(doc.redactedAtExport).toBe(2); // the /interface/set word and the description
    expect(doc.description).toBe('I typed ******** by mistake');
  });

  it('rejects damaged bundles with the reason', async () => {
    const s = await start();
    const bad = await failure(() =>
      s.handlers['trace:import']({
        fileName: 'x.json',
        content: JSON.stringify({ format: 'tikscope-repro', version: 99, trace: [] }),
      }),
    );
    expect(bad.message).toMatch(/version 99 is not supported/);
    const noTrace = await failure(() =>
      s.handlers['trace:import']({ fileName: 'x.json', content: JSON.stringify({ format: 'tikscope-repro', version: 1 }) }),
    );
    expect(noTrace.message).toMatch(/"trace" must be a list/);
  });
});
