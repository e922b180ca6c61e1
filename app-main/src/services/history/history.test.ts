/**
 * Configuration history (issue 16) against simulated routers: a snapshot is an export read back
 * with /file/read and the file removed; a failure half-way leaves no file and no snapshot; a router
 * without /file/read is told so and can take a prints snapshot; diffs of one router over time and
 * of two routers; periodic snapshots (fake interval timer) and snapshots before a broadcast write;
 * secrets stay out of the snapshot store unless show-sensitive.
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Simulator } from '../../../../simulator/src/index';
import type { Services } from '../index';
import { argsFailure, FAST_TIMINGS, failure, readAllFiles, servicesRig, until } from '../test-support/helpers';
import { diffTexts, logicalLines, menuOf, unifiedDiff } from './snapshot-text';

const rig = servicesRig({ services: { timings: FAST_TIMINGS, random: () => 0.5 } });
const { sim, start } = rig;

afterEach(() => {
  vi.useRealTimers();
});

async function connect(s: Services, router: Simulator, name: string): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: { name, host: '127.0.0.1', port: router.port!, transport: 'plain', user: 'admin', password: '' },
  });
  await s.handlers['link:connect']({ id: c.id });
  return c.id;
}

async function historyWords(s: Services, id: string): Promise<string[]> {
  return (await s.handlers['console:history']({ connectionId: id })).map((h) => h.words[0]!);
}

const files = (router: Simulator) => [...router.menu('file').items()].map((i) => i.get('name'));
const snapshotFiles = (dir: string): string[] =>
  existsSync(join(dir, 'snapshots')) ? readAllFiles(join(dir, 'snapshots')).map((f) => f.path) : [];

describe('snapshot text and diff (pure)', () => {
  const A = [
    '# 2026-12-03 11:00:00 by RouterOS 7.20',
    '# software id = X',
    '/ip address',
    'add address=192.168.88.1/24 interface=bridge1',
    '/ip firewall filter',
    'add chain=input connection-state=established \\',
    '    comment="defconf: accept"',
    '',
  ].join('\n');

  it('joins continuation lines and leaves the date line out', () => {
    expect(logicalLines(A)).toEqual([
      '# software id = X',
      '/ip address',
      'add address=192.168.88.1/24 interface=bridge1',
      '/ip firewall filter',
      'add chain=input connection-state=established comment="defconf: accept"',
    ]);
  });

  it('names the menu of a line, terse or not', () => {
    expect(menuOf('/ip firewall filter')).toBe('/ip firewall filter');
    expect(menuOf('/ip firewall filter add chain=input')).toBe('/ip firewall filter');
    expect(menuOf('/interface ethernet set [ find default-name=ether1 ] comment=x')).toBe('/interface ethernet');
    expect(menuOf('add address=1.2.3.4/24')).toBeUndefined();
  });

  it('groups added and removed lines by menu; a rewrap is no change; the date is no change', () => {
    const B = A.replace('11:00:00', '12:00:00')
      .replace('192.168.88.1/24', '192.168.88.2/24')
      .replace('connection-state=established \\\n    comment', 'connection-state=established comment');
    const d = diffTexts(A, B);
    expect(d.added).toBe(1);
    expect(d.removed).toBe(1);
    const changed = d.groups.filter((g) => g.added + g.removed > 0);
    expect(changed.map((g) => g.menu)).toEqual(['/ip address']);
    expect(changed[0]!.lines).toEqual([
      { kind: 'same', text: '/ip address' },
      { kind: 'removed', text: 'add address=192.168.88.1/24 interface=bridge1' },
      { kind: 'added', text: 'add address=192.168.88.2/24 interface=bridge1' },
    ]);
    expect(d.groups.map((g) => g.menu)).toEqual(['(header)', '/ip address', '/ip firewall filter']);
    const u = unifiedDiff('a', 'b', A, B, 'old', 'new');
    expect(u).toMatch(/^={67}\n--- a\told\n\+\+\+ b\tnew\n@@ /);
    expect(u).toContain('\n-add address=192.168.88.1/24 interface=bridge1\n+add address=192.168.88.2/24 interface=bridge1\n');
  });

  it('terse exports group each line by its own path', () => {
    const d = diffTexts(
      '/ip address add address=1.1.1.1/24\n',
      '/ip address add address=1.1.1.1/24\n/ip route add gateway=1.1.1.2\n',
    );
    expect(d.groups.map((g) => [g.menu, g.added, g.removed])).toEqual([
      ['/ip address', 0, 0],
      ['/ip route', 1, 0],
    ]);
  });
});

describe('history:* arguments (the bridge schema)', () => {
  it('names what is wrong', () => {
    expect(argsFailure('history:snapshot', { connectionId: 'a', note: 'x'.repeat(501) }).message).toBe(
      'The note is longer than 500 characters.',
    );
    expect(argsFailure('history:snapshot', { connectionId: 'a', kind: 'backup' }).message).toBe(
      'The kind of snapshot must be one of export, prints.',
    );
    expect(argsFailure('history:snapshot', { connectionId: 'a', menus: ['ip address'] }).detail).toMatchObject({
      field: 'menus[0]',
    });
    expect(argsFailure('history:diff', { a: 's1' }).message).toMatch(/^The second snapshot/);
    expect(argsFailure('settings:set', { snapshotEveryHours: 721 }).message).toBe(
      'The snapshot interval must be between 0 and 720.',
    );
  });
});

describe('snapshots of simulated routers', () => {
  it('exports to a file, reads it back in chunks, removes it, stores the text with time, version and note', async () => {
    const router = await sim({ identity: 'core' });
    const s = await start({ snapshotChunkBytes: 700 });
    const id = await connect(s, router, 'Core');
    const meta = await s.handlers['history:snapshot']({ connectionId: id, note: 'first' });
    expect(meta).toMatchObject({ connectionId: id, routerName: 'Core', identity: 'core', note: 'first', kind: 'export' });
    expect(meta.version).toMatch(/^7\.20/);
    expect(meta.sensitive).toBe(false);
    expect(meta.trigger).toBe('manual');
    expect(files(router)).toEqual([]);
    // The export and the removal are console commands (history); the reads are in the trace.
    const words = await historyWords(s, id);
    expect(words).toContain('/export');
    expect(words).toContain('/file/remove');
    const trace = (await s.handlers['trace:get']({ connectionId: id })).entries.map((e) => e.words[0]);
    expect(trace.filter((w) => w === '/file/read').length).toBeGreaterThan(2); // 700-byte chunks
    const list = await s.handlers['history:list']({ connectionId: id });
    expect(list).toEqual([meta]);
    const stored = readAllFiles(join(rig.dir, 'snapshots'));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.content).toContain('add address=192.168.88.1/24 interface=bridge1 comment=defconf');
    // A new run of the services finds it.
    const again = await s.handlers['history:diff']({ a: meta.id, b: meta.id });
    expect(again.added + again.removed).toBe(0);
  });

  it('a snapshot that fails half-way leaves no file on the router and no snapshot', async () => {
    const router = await sim({ faults: { fileReadFailAfterChunks: 2 } });
    const s = await start({ snapshotChunkBytes: 500 });
    const id = await connect(s, router, 'R');
    const e = await failure(() => s.handlers['history:snapshot']({ connectionId: id }));
    expect(e.code).toBe('TRAP');
    expect(e.message).toMatch(/could not read file/);
    expect(files(router)).toEqual([]);
    expect(await s.handlers['history:list']({})).toEqual([]);
    expect(snapshotFiles(rig.dir)).toEqual([]);
    expect(await historyWords(s, id)).toContain('/file/remove');
  });

  it('a link that drops half-way leaves no snapshot, and the file goes once the router is back', async () => {
    const router = await sim();
    const s = await start();
    const id = await connect(s, router, 'R');
    // The router loses every connection the moment the export's file exists.
    const stop = router.menu('file').subscribe((c) => {
      if (c.kind === 'add') router.dropConnections();
    });
    const e = await failure(() => s.handlers['history:snapshot']({ connectionId: id }));
    stop();
    expect(['NOT_CONNECTED', 'OUTCOME_UNKNOWN', 'NETWORK']).toContain(e.code);
    expect(await s.handlers['history:list']({})).toEqual([]);
    expect(snapshotFiles(rig.dir)).toEqual([]);
    await rig.events.wait('app:notice', (n) => /is removed when the router is connected again/.test(n.message), 5000, true);
    // The link reconnects by itself (backoff); then the file is removed.
    await until(() => files(router).length === 0, 10_000, 'the left-behind file to be removed');
    expect(await historyWords(s, id)).toContain('/file/remove');
  });

  it('a router without /file/read is told so, and a prints snapshot works there', async () => {
    const router = await sim({ rosVersion: '7.12' });
    const s = await start();
    const id = await connect(s, router, 'Old');
    const e = await failure(() => s.handlers['history:snapshot']({ connectionId: id }));
    expect(e.message).toMatch(/cannot read files over the API \(\/file\/read came with RouterOS 7\.13\)/);
    expect(e.hint).toMatch(/prints of chosen menus/);
    expect(files(router)).toEqual([]);
    const meta = await s.handlers['history:snapshot']({
      connectionId: id,
      kind: 'prints',
      menus: ['/ip/address', '/ppp/secret'],
    });
    expect(meta.kind).toBe('prints');
    const text = readAllFiles(join(rig.dir, 'snapshots'))[0]!.content;
    const lines = logicalLines(JSON.parse(text).text as string);
    expect(lines[0]).toBe('/ip address');
    expect(JSON.parse(lines[1]!)).toMatchObject({ address: '192.168.88.1/24', interface: 'bridge1' });
    expect(lines[1]).not.toContain('.id');
    expect(lines).toContain('/ppp secret');
    expect(text).not.toContain('Ppp-Secret-42');
  });

  it('keeps passwords and keys out of the snapshot store unless show-sensitive (secret-leak check)', async () => {
    const router = await sim();
    const s = await start();
    const id = await connect(s, router, 'R');
    const hidden = await s.handlers['history:snapshot']({ connectionId: id });
    for (const f of readAllFiles(rig.dir)) expect(f.content, f.path).not.toContain('Ppp-Secret-42');
    const trace = JSON.stringify(await s.handlers['trace:get']({ connectionId: id }));
    expect(trace).not.toContain('Ppp-Secret-42');
    const shown = await s.handlers['history:snapshot']({ connectionId: id, showSensitive: true, note: 'with secrets' });
    expect(shown.sensitive).toBe(true);
    // The trace redacts by property name, and `=data=` is none: the reads of a show-sensitive
    // export are left out of the trace instead (counted as not recorded).
    const after = await s.handlers['trace:get']({ connectionId: id });
    expect(JSON.stringify(after)).not.toContain('Ppp-Secret-42');
    expect(after.entries.some((e) => e.words[0] === '/file/read')).toBe(true);
    expect(after.skipped).toBeGreaterThan(0);
    const d = await s.handlers['history:diff']({ a: hidden.id, b: shown.id });
    expect(d.groups.find((g) => g.menu === '/ppp secret')!.lines.filter((l) => l.kind === 'added')[0]!.text).toContain(
      'password=Ppp-Secret-42',
    );
  });

  it('diffs one router over time (exactly the change) and two routers', async () => {
    const [a, b] = [await sim({ identity: 'alpha' }), await sim({ identity: 'beta' })];
    const s = await start();
    const ida = await connect(s, a, 'A');
    const idb = await connect(s, b, 'B');
    const first = await s.handlers['history:snapshot']({ connectionId: ida });
    const end = rig.events.wait('console:end', () => true, 5000);
    await s.handlers['console:send']({ connectionId: ida, words: ['/ip/address/set', '=.id=*1', '=address=192.168.88.5/24'] });
    expect((await end).outcome).toBe('done');
    const second = await s.handlers['history:snapshot']({ connectionId: ida });
    const d = await s.handlers['history:diff']({ a: first.id, b: second.id });
    expect([d.added, d.removed]).toEqual([1, 1]);
    const changed = d.groups.filter((g) => g.added + g.removed > 0);
    expect(changed.map((g) => g.menu)).toEqual(['/ip address']);
    expect(changed[0]!.lines.filter((l) => l.kind !== 'same')).toEqual([
      { kind: 'removed', text: 'add address=192.168.88.1/24 interface=bridge1 comment=defconf' },
      { kind: 'added', text: 'add address=192.168.88.5/24 interface=bridge1 comment=defconf' },
    ]);
    expect(d.unified).toContain('+add address=192.168.88.5/24 interface=bridge1 comment=defconf');
    expect(d.fileName).toMatch(/^A-\d{4}-.*_A-\d{4}-.*\.diff$/);

    const other = await s.handlers['history:snapshot']({ connectionId: idb });
    const cross = await s.handlers['history:diff']({ a: first.id, b: other.id });
    const menus = cross.groups.filter((g) => g.added + g.removed > 0).map((g) => g.menu);
    expect(menus).toContain('/system identity');
    expect(cross.groups.find((g) => g.menu === '/system identity')!.lines.filter((l) => l.kind !== 'same')).toEqual([
      { kind: 'removed', text: 'set name=alpha' },
      { kind: 'added', text: 'set name=beta' },
    ]);
    expect((await s.handlers['history:list']({})).map((m) => m.id)).toEqual([other.id, second.id, first.id]);
    await s.handlers['history:delete']({ id: first.id });
    expect((await s.handlers['history:list']({ connectionId: ida })).map((m) => m.id)).toEqual([second.id]);
    expect((await failure(() => s.handlers['history:diff']({ a: first.id, b: second.id }))).code).toBe('NOT_FOUND');
  });

  it('takes periodic snapshots while connected when the setting is on (fake interval timer)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const router = await sim();
    const s = await start();
    const id = await connect(s, router, 'R');
    vi.advanceTimersByTime(10 * 3_600_000);
    expect(await s.handlers['history:list']({})).toEqual([]); // off by default
    await s.handlers['settings:set']({ snapshotEveryHours: 2 });
    vi.advanceTimersByTime(3_600_000);
    expect(await s.handlers['history:list']({})).toEqual([]);
    vi.advanceTimersByTime(3_600_000);
    await until(async () => (await s.handlers['history:list']({})).length === 1, 10_000, 'the periodic snapshot');
    const [m] = await s.handlers['history:list']({ connectionId: id });
    expect(m).toMatchObject({ trigger: 'periodic', note: 'every 2 h', kind: 'export' });
    await s.handlers['link:disconnect']({ id });
    vi.advanceTimersByTime(4 * 3_600_000);
    await s.handlers['settings:set']({ snapshotEveryHours: 0 });
    expect(await s.handlers['history:list']({})).toHaveLength(1);
  });

  it('before a write, a router without /file/read gets a prints snapshot (the library calls the same function)', async () => {
    const router = await sim({ rosVersion: '7.12' });
    const s = await start();
    const id = await connect(s, router, 'Old');
    const answer = await s.handlers['broadcast:send']({
      connectionIds: [id],
      words: ['/interface/set', '=.id=ether3', '=comment=x'],
      confirmed: true,
    });
    expect(answer.status === 'sent' && answer.result.results[0]!.outcome).toBe('done');
    const [m] = await s.handlers['history:list']({ connectionId: id });
    expect(m).toMatchObject({ kind: 'prints', trigger: 'before-write', note: 'before: broadcast /interface/set' });
    expect(files(router)).toEqual([]);
  });

  it('snapshots each router before a broadcast write (on by default); a failed snapshot keeps the write from that router', async () => {
    const [a, b] = [await sim(), await sim({ faults: { fileReadFailAfterChunks: 0 } })];
    const s = await start();
    const ida = await connect(s, a, 'A');
    const idb = await connect(s, b, 'B');
    const words = ['/ip/address/add', '=address=10.7.7.1/24', '=interface=ether3'];
    const answer = await s.handlers['broadcast:send']({ connectionIds: [ida, idb], words, confirmed: true });
    if (answer.status !== 'sent') throw new Error('not sent');
    expect(answer.result.results.map((r) => r.outcome)).toEqual(['done', 'failed']);
    expect(answer.result.results[1]!.error!.message).toMatch(
      /^not sent: the snapshot before the write failed: .*could not read file/,
    );
    const [before] = await s.handlers['history:list']({ connectionId: ida });
    expect(before).toMatchObject({ trigger: 'before-write', note: 'before: broadcast /ip/address/add' });
    const text = readAllFiles(join(rig.dir, 'snapshots'))[0]!.content;
    expect(text).not.toContain('10.7.7.1'); // taken before the write
    expect([...a.menu('ip/address').items()].map((i) => i.get('address'))).toContain('10.7.7.1/24');
    expect([...b.menu('ip/address').items()].map((i) => i.get('address'))).not.toContain('10.7.7.1/24');
    expect(files(b)).toEqual([]);

    // Unticked: no snapshot. Read-only commands never take one.
    await s.handlers['broadcast:send']({
      connectionIds: [ida],
      words: ['/ip/address/remove', '=.id=*3'],
      confirmed: true,
      snapshotBefore: false,
    });
    await s.handlers['broadcast:send']({ connectionIds: [ida], words: ['/ip/address/print'] });
    expect(await s.handlers['history:list']({ connectionId: ida })).toHaveLength(1);
    expect(readdirSync(join(rig.dir, 'snapshots', ida))).toHaveLength(1);
  });
});
