/**
 * What a trace keeps (issue 11, item 13 and F): capture scopes, pinned sentences at the start of a
 * session, link events as entries, Tikscope's own traffic marked, the dropped count through export
 * and import, and imported traces that can be closed.
 */
import { describe, expect, it } from 'vitest';
import { encodeUtf8, Reply } from '../../../../protocol/src/index';
import type { LinkState, TraceEntry } from '../../common/contract';
import { CLASS_OWN, CLASS_ROWS, CLASS_SECRET, linkEventWords, TraceBuffer } from './trace';
import { loadImported, parseJsonlTrace, traceToJsonl, traceToPcapng, traceToText } from './trace-export';
import type { Services } from '../index';
import { callFailure, failure, FAST_TIMINGS, servicesRig } from '../test-support/helpers';

const enc = (words: string[]): Uint8Array[] => words.map((w) => encodeUtf8(w));
const reply = (words: string[]): Reply => new Reply(enc(words));
const meta = {
  name: 'Lab',
  host: '10.0.0.1',
  port: 8728,
  transport: 'plain',
  appVersion: '9.9.9',
  exportedAt: '2026-01-01T00:00:00.000Z',
};
const entries = (t: TraceBuffer): TraceEntry[] => [...t.iterate()].map((v) => t.toEntry(v));

/** A session start as the link makes it: login, then the two router-info reads. */
function login(t: TraceBuffer, time = 1000): void {
  t.beginSession();
  t.captureSent(enc(['/login', '=name=admin', '=password=x', '.tag=t1']), time);
  t.captureReply(reply(['!done', '.tag=t1']), time + 1);
  t.classify(CLASS_OWN, () => t.captureSent(enc(['/system/identity/print', '.tag=t2']), time + 2));
  t.captureReply(reply(['!re', '=name=lab', '.tag=t2']), time + 3);
  t.captureReply(reply(['!done', '.tag=t2']), time + 4);
}

/** A live table's stream: its `!re` rows under one tag (`tag`), as many as `rows`. */
function tableRows(t: TraceBuffer, tag: string, rows: number, time = 2000): void {
  t.classify(CLASS_ROWS, () => t.captureSent(enc(['/ip/firewall/connection/listen', `.tag=${tag}`]), time));
  for (let i = 0; i < rows; i++)
    t.captureReply(
      reply(['!re', `=.id=*${i.toString(16)}`, '=src-address=10.0.0.1:1234', '=protocol=tcp', `.tag=${tag}`]),
      time + i,
    );
}

describe('trace buffer: pinned sentences', () => {
  it('keeps the first sentences of a session through a flood that drops everything else', () => {
    const t = new TraceBuffer('c1', 64 * 1024);
    t.pinPerSession = 5;
    login(t);
    tableRows(t, 't3', 20_000);
    expect(t.dropped).toBeGreaterThan(15_000);
    const all = entries(t);
    // The login and the identity read are still the first entries, marked pinned.
    expect(all.slice(0, 5).map((e) => e.words[0])).toEqual(['/login', '!done', '/system/identity/print', '!re', '!done']);
    expect(all.slice(0, 5).every((e) => e.pinned === true)).toBe(true);
    expect(all[5]!.pinned).toBeUndefined();
    // The cap still holds, pins included.
    expect(t.heldBytes).toBeLessThanOrEqual(64 * 1024);
    // A snapshot with a small limit still carries the pinned entries first.
    const snap = t.snapshot(0, 10);
    expect(snap.entries.slice(0, 5).map((e) => e.words[0])).toEqual([
      '/login',
      '!done',
      '/system/identity/print',
      '!re',
      '!done',
    ]);
    expect(snap.entries).toHaveLength(15);
    // Every export has them too.
    expect(traceToText(t).split('\n').slice(0, 4)).toEqual([
      `--- ${t.dropped} older sentences dropped (trace buffer full)`,
      '--- ',
      '<<< /login',
      '<<< =name=admin',
    ]);
  });

  it('pins each new session (a reconnect), and the pinned store stays within a quarter of the cap', () => {
    const t = new TraceBuffer('c1', 64 * 1024);
    t.pinPerSession = 5;
    for (let s = 0; s < 200; s++) {
      login(t, 1000 + s * 10_000);
      tableRows(t, `t${s}x`, 200, s * 10_000 + 100);
    }
    const pinned = entries(t).filter((e) => e.pinned);
    // The first session's pins are never released; the newest session's are there.
    expect(pinned.slice(0, 5).map((e) => e.time)).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(pinned.at(-1)!.time).toBe(1000 + 199 * 10_000 + 4);
    // Those that left the ring take at most a quarter of the cap; the newest session's are still in it.
    const pinnedBytes = pinned.reduce((n, e) => n + e.bytes + 24, 0);
    expect(pinnedBytes).toBeLessThanOrEqual(16 * 1024 + 5 * 100);
    expect(pinned.length).toBeLessThan(1000);
    expect(t.heldBytes).toBeLessThanOrEqual(64 * 1024);
  });

  it('clear forgets the pins too', () => {
    const t = new TraceBuffer('c1', 16 * 1024);
    login(t);
    tableRows(t, 't3', 2000);
    t.clear();
    expect(entries(t)).toEqual([]);
    expect(t.dropped).toBe(0);
  });
});

describe('trace buffer: capture scope', () => {
  it('no-rows leaves out the live table rows only, and counts them', () => {
    const t = new TraceBuffer('c1', 1024 * 1024);
    t.pinPerSession = 0;
    t.scope = 'no-rows';
    t.beginSession();
    tableRows(t, 't1', 100);
    t.captureSent(enc(['/interface/print', '.tag=c1']), 5000);
    t.captureReply(reply(['!re', '=name=ether1', '.tag=c1']), 5001);
    t.captureReply(reply(['!done', '.tag=c1']), 5002);
    t.captureReply(reply(['!done', '.tag=t1']), 5003);
    expect(entries(t).map((e) => `${e.words[0]} ${e.tag}`)).toEqual([
      '/ip/firewall/connection/listen t1',
      '/interface/print c1',
      '!re c1',
      '!done c1',
      '!done t1',
    ]);
    expect(t.skipped).toBe(100);
    expect(t.snapshot().skipped).toBe(100);
    expect(t.snapshot().scope).toBe('no-rows');
  });

  it('commands keeps every sent sentence and every reply but !re; all keeps everything', () => {
    const run = (scope: 'commands' | 'all') => {
      const t = new TraceBuffer('c1', 1024 * 1024);
      t.pinPerSession = 0;
      t.scope = scope;
      t.beginSession();
      t.captureSent(enc(['/interface/print', '.tag=c1']), 1);
      t.captureReply(reply(['!re', '=name=ether1', '.tag=c1']), 2);
      t.captureReply(reply(['!trap', '=message=no such item', '.tag=c2']), 3);
      t.captureReply(reply(['!done', '.tag=c1']), 4);
      return entries(t).map((e) => e.words[0]);
    };
    expect(run('commands')).toEqual(['/interface/print', '!trap', '!done']);
    expect(run('all')).toEqual(['/interface/print', '!re', '!trap', '!done']);
  });

  it('pins the first sentences it records: rows the scope leaves out are not among them', () => {
    const t = new TraceBuffer('c1', 1024 * 1024);
    t.pinPerSession = 5;
    t.scope = 'no-rows';
    t.beginSession();
    tableRows(t, 't1', 10);
    t.captureSent(enc(['/interface/print', '.tag=c1']), 5000);
    t.captureReply(reply(['!re', '=name=ether1', '.tag=c1']), 5001);
    t.captureReply(reply(['!done', '.tag=c1']), 5002);
    t.captureReply(reply(['!done', '.tag=t1']), 5003);
    t.captureSent(enc(['/ip/address/print', '.tag=c2']), 5004);
    expect(entries(t).map((e) => `${e.words[0]} ${e.pinned ?? false}`)).toEqual([
      '/ip/firewall/connection/listen true',
      '/interface/print true',
      '!re true',
      '!done true',
      '!done true',
      '/ip/address/print false',
    ]);
  });

  it('refuses an unknown scope by name', () => {
    const t = new TraceBuffer('c1', 1024);
    expect(() => (t.scope = 'rows' as 'all')).toThrow(/unknown trace scope rows/);
  });
});

describe("trace buffer: Tikscope's own traffic", () => {
  it('marks a classified command and its replies until its !done, nothing else', () => {
    const t = new TraceBuffer('c1', 1024 * 1024);
    t.pinPerSession = 0;
    t.beginSession();
    t.classify(CLASS_OWN, () => t.captureSent(enc(['/console/inspect', '=request=child', '.tag=t9']), 1));
    t.captureSent(enc(['/interface/print', '.tag=t10']), 2);
    t.captureReply(reply(['!re', '=name=ip', '.tag=t9']), 3);
    t.captureReply(reply(['!done', '.tag=t9']), 4);
    t.captureReply(reply(['!done', '.tag=t10']), 5);
    expect(entries(t).map((e) => [e.words[0], e.own ?? false])).toEqual([
      ['/console/inspect', true],
      ['/interface/print', false],
      ['!re', true],
      ['!done', true],
      ['!done', false],
    ]);
  });
});

describe('trace buffer: replies secret by content', () => {
  it('never records the !re of a CLASS_SECRET command (a show-sensitive file read), in any scope; its command and !done are', () => {
    const t = new TraceBuffer('c1', 1024 * 1024);
    t.pinPerSession = 0;
    t.beginSession();
    t.classify(CLASS_OWN | CLASS_SECRET, () => t.captureSent(enc(['/file/read', '=file=s.rsc', '.tag=t3']), 1));
    expect(t.captureReply(reply(['!re', '=data=add name=vpn password=hunter2', '.tag=t3']), 2)).toBe(0);
    t.captureReply(reply(['!done', '.tag=t3']), 3);
    // The class ends with the !done: a later reply with the same tag is recorded.
    t.captureReply(reply(['!re', '=data=plain', '.tag=t3']), 4);
    expect(entries(t).map((e) => [e.words[0], e.own ?? false])).toEqual([
      ['/file/read', true],
      ['!done', true],
      ['!re', false],
    ]);
    expect(JSON.stringify(entries(t))).not.toContain('hunter2');
    expect(t.skipped).toBe(1);
  });
});

describe('link events', () => {
  const state = (status: LinkState['status'], extra: Partial<LinkState> = {}): LinkState => ({
    connectionId: 'c1',
    status,
    transport: 'plain',
    encrypted: false,
    authenticated: false,
    ...extra,
  });

  it('words for each state change', () => {
    expect(linkEventWords('offline', state('connecting', { attempt: 1 }), false)).toEqual(['link connecting', '=attempt=1']);
    expect(
      linkEventWords('connecting', state('online', { attempt: 1, router: { identity: 'lab', version: '7.20' } }), false),
    ).toEqual(['link logged-in', '=identity=lab', '=version=7.20', '=attempt=1']);
    expect(linkEventWords('online', state('backoff', { reason: 'connection lost' }), true)).toEqual([
      'link dropped',
      '=reason=connection lost',
    ]);
    expect(linkEventWords('connecting', state('backoff', { reason: 'refused' }), true)).toEqual([
      'link retry-failed',
      '=reason=refused',
    ]);
    expect(linkEventWords('connecting', state('online', { attempt: 3 }), true)).toEqual(['link reconnected', '=attempt=3']);
    expect(linkEventWords('connecting', state('auth-failed', { reason: 'bad password' }), false)).toEqual([
      'link failed',
      '=status=auth-failed',
      '=reason=bad password',
    ]);
    expect(linkEventWords('online', state('offline'), true)).toEqual(['link disconnected']);
    expect(linkEventWords('offline', state('offline'), false)).toBeUndefined();
  });

  it('are pinned entries of their own, in text, JSON Lines (round trip) and pcapng (section comments)', () => {
    const t = new TraceBuffer('c1', 16 * 1024);
    t.pinPerSession = 0;
    t.recordLink(['link connecting', '=attempt=1'], 1000);
    t.beginSession();
    t.recordLink(['link logged-in', '=identity=lab', '=version=7.20', '=attempt=1'], 1001);
    tableRows(t, 't1', 2000);
    t.recordLink(['link dropped', '=reason=connection lost (ECONNRESET)'], 9000);
    const link = entries(t).filter((e) => e.direction === 'note');
    expect(link.map((e) => e.words[0])).toEqual(['link connecting', 'link logged-in', 'link dropped']);
    expect(link.every((e) => e.pinned && e.bytes === 0 && e.tag === undefined)).toBe(true);
    expect(t.dropped).toBeGreaterThan(0);

    const text = traceToText(t);
    expect(text).toContain('--- link connecting\n--- =attempt=1\n--- \n');
    expect(text).toContain('--- link dropped\n--- =reason=connection lost (ECONNRESET)\n--- \n');

    const jsonl = traceToJsonl(t, meta);
    const parsed = parseJsonlTrace('x.jsonl', jsonl);
    expect(parsed.header?.dropped).toBe(t.dropped);
    const back = new TraceBuffer('import:1', 1024 * 1024);
    loadImported(back, parsed.entries, parsed.header);
    expect(back.dropped).toBe(t.dropped);
    expect(entries(back).map((e) => [e.direction, e.words[0]])).toEqual(entries(t).map((e) => [e.direction, e.words[0]]));

    const pcap = Buffer.from(traceToPcapng(t, meta)).toString('latin1');
    expect(pcap).toContain('link dropped =reason=connection lost (ECONNRESET)');
    expect(pcap).toContain(`${t.dropped} older sentences dropped`);
  });

  it('imports keep own traffic marked', () => {
    const parsed = parseJsonlTrace(
      'x.jsonl',
      [
        JSON.stringify({ seq: 1, time: 1, direction: 'out', words: ['/system/identity/print'], own: true }),
        JSON.stringify({ seq: 2, time: 2, direction: 'out', words: ['/interface/print'] }),
      ].join('\n'),
    );
    const t = new TraceBuffer('import:1', 1024 * 1024);
    loadImported(t, parsed.entries, parsed.header);
    expect(entries(t).map((e) => e.own ?? false)).toEqual([true, false]);
  });
});

const rig = servicesRig({ services: { timings: FAST_TIMINGS }, sim: () => ({ password: 'pw', connections: 5000 }) });

async function connect(s: Services, port: number): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name: 'R1', host: '127.0.0.1', port, transport: 'plain', user: 'admin', password: 'pw' },
  });
  await s.handlers['link:connect']({ id: c.id });
  return c.id;
}

describe('trace capture in the services', () => {
  it('a 5,000-row live table with a small buffer: login, link events and first commands survive; no-rows leaves the rows out', async () => {
    const router = await rig.sim();
    const s = await rig.start({ traceCapBytes: 64 * 1024 });
    const id = await connect(s, router.port!);
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/ip/firewall/connection' });
    await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'live');
    let trace = await s.handlers['trace:get']({ connectionId: id });
    expect(trace.dropped).toBeGreaterThan(1000);
    const head = trace.entries.slice(0, 4).map((e) => `${e.direction} ${e.words[0]}`);
    expect(head).toEqual([
      'note link connecting',
      'out /login',
      'in !done',
      expect.stringMatching(/^out \/system\/(identity|resource)\/print$/),
    ]);
    expect(trace.entries.find((e) => e.words[0] === 'link logged-in')?.words).toContain('=identity=MikroTik');
    // The router-info reads are Tikscope's own traffic.
    expect(trace.entries.filter((e) => e.words[0] === '/system/resource/print').every((e) => e.own)).toBe(true);

    // Scope per router: no-rows. A new print of the table is recorded without its rows.
    await s.handlers['settings:set']({ traceScopes: { [id]: 'no-rows' } });
    await s.handlers['trace:clear']({ connectionId: id });
    await s.handlers['table:stop']({ tableId });
    const again = await s.handlers['table:start']({ connectionId: id, path: '/ip/firewall/connection' });
    await rig.events.wait('table:patch', (p) => p.tableId === again.tableId && p.status === 'live');
    trace = await s.handlers['trace:get']({ connectionId: id });
    expect(trace.scope).toBe('no-rows');
    expect(trace.skipped).toBeGreaterThanOrEqual(5000);
    expect(trace.entries.filter((e) => e.words[0] === '!re')).toEqual([]);
    expect(trace.entries.some((e) => e.direction === 'out' && e.words[0] === '/ip/firewall/connection/print')).toBe(true);
    // A console print is no live table: its rows stay.
    const ref = await s.handlers['console:send']({ connectionId: id, words: ['/interface/print'] });
    await rig.events.wait('console:end', (e) => e.commandId === ref.commandId);
    trace = await s.handlers['trace:get']({ connectionId: id });
    expect(trace.entries.filter((e) => e.words[0] === '!re').length).toBeGreaterThan(0);
  });

  it('records link events: connecting, logged in, dropped with its reason, reconnected, disconnected', async () => {
    const router = await rig.sim({ connections: 10 });
    const s = await rig.start();
    const id = await connect(s, router.port!);
    const online = rig.events.wait('link:state', (p) => p.connectionId === id && p.status === 'online');
    router.dropConnections();
    await online;
    await s.handlers['link:disconnect']({ id });
    const link = (await s.handlers['trace:get']({ connectionId: id })).entries.filter((e) => e.words[0]!.startsWith('link '));
    expect(link.every((e) => e.direction === 'note' && e.pinned)).toBe(true);
    expect(link.map((e) => e.words[0])).toEqual([
      'link connecting',
      'link logged-in',
      'link dropped',
      'link connecting',
      'link reconnected',
      'link disconnected',
    ]);
    expect(link[2]!.words[1]).toMatch(/^=reason=connection lost/);
    const text = (await s.handlers['trace:export']({ connectionId: id, format: 'text' })).data;
    expect(text).toMatch(/^--- link dropped\n--- =reason=connection lost/m);
    const jsonl = (await s.handlers['trace:export']({ connectionId: id, format: 'jsonl' })).data;
    expect(jsonl.split('\n').filter((l) => l.includes('"direction":"note"') && l.includes('"link '))).toHaveLength(6);
  });

  it('marks completion as own traffic', async () => {
    const router = await rig.sim({ connections: 10 });
    const s = await rig.start();
    const id = await connect(s, router.port!);
    await s.handlers['complete:children']({ connectionId: id, path: ['ip'] });
    const entries = (await s.handlers['trace:get']({ connectionId: id })).entries;
    const inspect = entries.filter((e) => e.words[0] === '/console/inspect');
    expect(inspect.length).toBeGreaterThan(0);
    expect(inspect.every((e) => e.own)).toBe(true);
    const tags = new Set(inspect.map((e) => e.tag));
    const replies = entries.filter((e) => e.direction === 'in' && tags.has(e.tag));
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((e) => e.own)).toBe(true);
  });

  it('marks the heartbeat as own traffic', async () => {
    const router = await rig.sim({ connections: 10 });
    const s = await rig.start({ timings: { ...FAST_TIMINGS, heartbeatIntervalMs: 20 } });
    const id = await connect(s, router.port!);
    // The login's resource read, then at least one heartbeat (the same menu, issue 15): both Tikscope's.
    const isResource = (e: TraceEntry) => e.direction === 'out' && e.words[0] === '/system/resource/print';
    await rig.events.wait('trace:entries', (b) => b.connectionId === id && b.entries.some((e) => isResource(e) && e.seq > 8));
    const entries = (await s.handlers['trace:get']({ connectionId: id })).entries;
    const beats = entries.filter(isResource);
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.every((e) => e.own)).toBe(true);
    const tags = new Set(beats.map((e) => e.tag));
    expect(entries.filter((e) => e.direction === 'in' && tags.has(e.tag)).every((e) => e.own)).toBe(true);
    // The login itself is not Tikscope's "own traffic" to hide: it is the session.
    expect(entries.find((e) => e.words[0] === '/login')?.own).toBeUndefined();
  });

  it('the buffer size setting applies at once and is checked', async () => {
    const router = await rig.sim();
    const s = await rig.start();
    expect((await s.handlers['settings:get']({})).traceBufferMiB).toBe(8);
    const id = await connect(s, router.port!);
    expect((await s.handlers['trace:get']({ connectionId: id, limit: 1 })).capBytes).toBe(8 * 1024 * 1024);
    await s.handlers['settings:set']({ traceBufferMiB: 1 });
    expect((await s.handlers['trace:get']({ connectionId: id, limit: 1 })).capBytes).toBe(1024 * 1024);
    const bad = await callFailure(s, 'settings:set', { traceBufferMiB: 0 });
    expect(bad).toMatchObject({ code: 'VALIDATION', detail: { field: 'traceBufferMiB' } });
    expect(bad.message).toMatch(/must be between 1 and 512/);
    const scope = await callFailure(s, 'settings:set', { traceScopes: { [id]: 'rows' } });
    expect(scope).toMatchObject({ code: 'VALIDATION', detail: { field: `traceScopes.${id}` } });
    expect(scope.message).toMatch(/must be one of all, no-rows, commands/);
  });
});

describe('imported traces', () => {
  it('keep the dropped count of their file, and close: closing frees them', async () => {
    const s = await rig.start();
    const content = [
      JSON.stringify({ format: 'tikscope-trace', version: 1, connectionId: 'c1', dropped: 179_898 }),
      JSON.stringify({ seq: 179_899, time: 1, direction: 'out', words: ['/interface/print'] }),
    ].join('\n');
    const snap = await s.handlers['trace:import']({ fileName: 'big.jsonl', content });
    expect(snap.dropped).toBe(179_898);
    expect((await s.handlers['trace:get']({ connectionId: snap.connectionId })).entries).toHaveLength(1);
    expect(await s.handlers['trace:close']({ connectionId: snap.connectionId })).toEqual({
      connectionId: snap.connectionId,
      closed: true,
    });
    expect((await failure(() => s.handlers['trace:get']({ connectionId: snap.connectionId }))).code).toBe('NOT_FOUND');
    expect((await s.handlers['trace:close']({ connectionId: snap.connectionId })).closed).toBe(false);
    expect((await callFailure(s, 'trace:close', { connectionId: 'c1' })).message).toMatch(/must name an imported trace/);
  });
});
