/**
 * Fleet (issue 15) against the real services and simulated routers: import and export of saved
 * connections (never a password; a file with an error refused whole, its line and field named),
 * the last known values kept across a restart apart from connections.json, moving to a group, and
 * the limit of links connecting at once.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LinkState } from '../../common/contract';
import type { LinkTimings, Services } from '../index';
import { callFailure, failure, FAST_TIMINGS, servicesRig } from '../test-support/helpers';
import { CONNECTIONS_FILE } from '../connections/connections';
import { FLEET_FILE } from './fleet';

const rig = servicesRig({
  services: { timings: FAST_TIMINGS, random: () => 0.5 },
  sim: (n) => ({ password: 'pw', identity: `edge-${n}` }),
});

async function save(s: Services, name: string, port: number, extra: { group?: string; password?: string } = {}) {
  return s.handlers['connections:save']({
    input: { name, host: '127.0.0.1', port, transport: 'plain', user: 'admin', password: 'pw', ...extra },
  });
}

const realConnections = async (s: Services) => (await s.handlers['connections:list']({})).connections.filter((c) => !c.demo);

describe('export of saved connections', () => {
  it('writes CSV and JSON with every field but never a password, and leaves the Demo router out', async () => {
    const s = await rig.start();
    await s.handlers['connections:save']({
      input: {
        name: 'Core, "north"',
        host: '192.0.2.1',
        port: 8729,
        transport: 'tls-anonymous',
        user: 'ops',
        group: 'site-a',
        notes: 'two\nlines',
        password: 'hunter2-secret',
      },
    });
    const csv = await s.handlers['connections:export']({ format: 'csv' });
    expect(csv.fileName).toMatch(/^tikscope-connections-\d{4}-\d\d-\d\d\.csv$/);
    expect(csv.count).toBe(1);
    expect(csv.content).toBe(
      'name,host,port,transport,user,group,encoding,fingerprint256,notes\r\n' +
        '"Core, ""north""",192.0.2.1,8729,tls-anonymous,ops,site-a,utf-8,,"two\nlines"\r\n',
    );
    const json = await s.handlers['connections:export']({ format: 'json' });
    const doc = JSON.parse(json.content) as { format: string; version: number; connections: Record<string, unknown>[] };
    expect(doc).toMatchObject({ format: 'tikscope-connections', version: 1 });
    expect(doc.connections).toEqual([
      {
        name: 'Core, "north"',
        host: '192.0.2.1',
        port: 8729,
        transport: 'tls-anonymous',
        user: 'ops',
        group: 'site-a',
        encoding: 'utf-8',
        notes: 'two\nlines',
      },
    ]);
    for (const f of [csv, json]) {
      expect(f.content).not.toContain('hunter2');
      expect(f.content.toLowerCase()).not.toContain('password');
      expect(f.content).not.toContain('Demo router');
    }
  });

  it('exports only the chosen connections, and names an unknown one', async () => {
    const s = await rig.start();
    const a = await save(s, 'A', 8728);
    await save(s, 'B', 8728);
    const one = await s.handlers['connections:export']({ format: 'csv', ids: [a.id] });
    expect(one.content.trim().split('\r\n')).toHaveLength(2);
    expect(one.content).toContain('\r\nA,');
    const e = await failure(() => s.handlers['connections:export']({ format: 'csv', ids: ['nope'] }));
    expect(e.code).toBe('NOT_FOUND');
  });
});

describe('import of saved connections', () => {
  it('round-trips an export through CSV and JSON into a fresh data directory', async () => {
    const s = await rig.start();
    await save(s, 'Core', 8728, { group: 'site-a' });
    await s.handlers['connections:save']({
      input: { name: 'Edge', host: 'edge.example.net', port: 8729, transport: 'tls-verify', user: 'u', notes: 'a, "b"\nc' },
    });
    const before = (await realConnections(s)).map(({ name, host, port, transport, user, group, encoding, notes }) => ({
      name,
      host,
      port,
      transport,
      user,
      group,
      encoding,
      notes,
    }));
    for (const format of ['csv', 'json'] as const) {
      const file = await s.handlers['connections:export']({ format });
      const other = rig.dir + `-${format}`;
      const { createServices, MemoryCredentialStore } = await import('../index');
      const t = await createServices({ dataDir: other, host: 'browser', credentialStore: new MemoryCredentialStore() });
      try {
        const r = await t.handlers['connections:import']({ fileName: file.fileName, content: file.content });
        expect(r.imported).toHaveLength(2);
        expect(r.skipped).toBe(0);
        const after = await realConnections(t);
        expect(
          after.map(({ name, host, port, transport, user, group, encoding, notes }) => ({
            name,
            host,
            port,
            transport,
            user,
            group,
            encoding,
            notes,
          })),
        ).toEqual(before);
        expect(after.every((c) => !c.hasPassword)).toBe(true);
        // The same file again adds nothing.
        expect(await t.handlers['connections:import']({ fileName: file.fileName, content: file.content })).toEqual({
          imported: [],
          skipped: 2,
        });
      } finally {
        await t.dispose();
        const { rmSync } = await import('node:fs');
        rmSync(other, { recursive: true, force: true });
      }
    }
  });

  it('fills in what a spreadsheet leaves out: transport plain, the API port, no group', async () => {
    const s = await rig.start();
    const csv = 'Name,Host,User,Transport\nr1,192.0.2.10,admin,\nr2,192.0.2.11,admin,tls-anonymous\n';
    const r = await s.handlers['connections:import']({ fileName: 'routers.csv', content: '\uFEFF' + csv });
    expect(r.imported).toHaveLength(2);
    const list = await realConnections(s);
    expect(list.map((c) => [c.name, c.transport, c.port, c.group])).toEqual([
      ['r1', 'plain', 8728, ''],
      ['r2', 'tls-anonymous', 8729, ''],
    ]);
  });

  const refused = async (fileName: string, content: string) => {
    const s = await rig.start();
    const before = readFileSync(join(rig.dir, CONNECTIONS_FILE), 'utf8');
    const e = await callFailure(s, 'connections:import', { fileName, content });
    // Nothing half-imported: the list and the file are as before.
    expect(await realConnections(s)).toEqual([]);
    expect(readFileSync(join(rig.dir, CONNECTIONS_FILE), 'utf8')).toBe(before);
    expect(rig.events.of('connections:changed')).toEqual([]);
    return e;
  };

  it('refuses a CSV file whose third router has a bad host, naming line and field, and imports none', async () => {
    const e = await refused(
      'fleet.csv',
      'name,host,port,user,notes\nr1,192.0.2.1,8728,admin,\nr2,192.0.2.2,8728,admin,"two\nlines"\nr3,not a host!,8728,admin,\nr4,192.0.2.4,99999,admin,\n',
    );
    expect(e.code).toBe('VALIDATION');
    // r2's quoted notes span lines 3 and 4: r3 starts on line 5.
    expect(e.message).toMatch(
      /^fleet\.csv: line 5, field "host": is not a valid host name.*\(and 1 more problem\)\. Nothing was imported\.$/,
    );
    expect(e.detail).toMatchObject({ line: 5, field: 'host', problems: 2 });
  });

  it('refuses a password column, an unknown column and a row with the wrong number of fields', async () => {
    expect((await refused('a.csv', 'name,host,user,password\nr1,192.0.2.1,admin,secret\n')).message).toMatch(
      /line 1, field "password": passwords are never imported/,
    );
    expect((await refused('b.csv', 'name,host,colour\nr1,192.0.2.1,red\n')).message).toMatch(
      /line 1, field "colour": is not a column Tikscope knows/,
    );
    expect((await refused('c.csv', 'name,host,user\nr1,192.0.2.1\n')).message).toMatch(
      /line 2: has 2 fields, the header names 3/,
    );
    expect((await refused('d.csv', 'name,host,user\n"r1,192.0.2.1,admin\n')).message).toMatch(
      /line 2: a quoted field is not closed/,
    );
    expect((await refused('e.csv', '')).message).toMatch(/line 1: the file is empty/);
  });

  it('refuses a JSON file naming the line its bad entry starts on, and the field', async () => {
    const doc = {
      format: 'tikscope-connections',
      version: 1,
      connections: [
        { name: 'r1', host: '192.0.2.1', port: 8728, transport: 'plain', user: 'admin' },
        { name: 'r2', host: '192.0.2.2', port: 8728, transport: 'carrier-pigeon', user: 'admin' },
      ],
    };
    const text = JSON.stringify(doc, null, 2);
    const line = text.split('\n').findIndex((l) => l.includes('"r2"')); // 0-based line of the name = the brace's 1-based line
    const e = await refused('fleet.json', text);
    expect(e.message).toMatch(new RegExp(`^fleet\\.json: line ${line}, field "transport": must be one of plain`));
    expect(e.detail).toMatchObject({ line, field: 'transport' });
    expect(
      (await refused('p.json', JSON.stringify([{ name: 'r', host: '192.0.2.1', user: 'a', password: 'x' }]))).message,
    ).toMatch(/line 1, field "password": passwords are never imported/);
    expect((await refused('broken.json', '{\n  "connections": [\n    { "name": "r1", }\n  ]\n}')).message).toMatch(
      /^broken\.json: line 3: is not valid JSON/,
    );
    expect(
      (await refused('v.json', JSON.stringify({ format: 'tikscope-connections', version: 9, connections: [] }))).message,
    ).toMatch(/field "version": version 9 is not one this Tikscope reads/);
  });
});

describe('moving connections to a group', () => {
  it('moves all named connections in one write, and refuses an unknown id without moving any', async () => {
    const s = await rig.start();
    const a = await save(s, 'A', 8728);
    const b = await save(s, 'B', 8728);
    const changes = rig.events.of('connections:changed').length;
    expect(await s.handlers['connections:group']({ ids: [a.id, b.id], group: 'site-b' })).toEqual({
      ids: [a.id, b.id],
      group: 'site-b',
    });
    expect((await realConnections(s)).map((c) => c.group)).toEqual(['site-b', 'site-b']);
    expect(rig.events.of('connections:changed')).toHaveLength(changes + 1);
    const e = await failure(() => s.handlers['connections:group']({ ids: [a.id, 'missing'], group: 'x' }));
    expect(e.code).toBe('NOT_FOUND');
    expect((await realConnections(s)).map((c) => c.group)).toEqual(['site-b', 'site-b']);
    const file = JSON.parse(readFileSync(join(rig.dir, CONNECTIONS_FILE), 'utf8')) as { connections: { group: string }[] };
    expect(file.connections.filter((c) => c.group === 'site-b')).toHaveLength(2);
  });
});

describe('last known values', () => {
  it('keeps identity, version, board, uptime, CPU load and latency across a restart, without touching connections.json', async () => {
    const router = await rig.sim({ rosVersion: '7.19' });
    let s = await rig.start({ timings: { ...FAST_TIMINGS, heartbeatIntervalMs: 30 } });
    const c = await save(s, 'Edge', router.port!);
    const savedFile = readFileSync(join(rig.dir, CONNECTIONS_FILE), 'utf8');
    const online = await s.handlers['link:connect']({ id: c.id });
    expect(online.health).toMatchObject({
      latencyMs: expect.any(Number),
      cpuLoad: expect.any(Number),
      uptimeSeconds: expect.any(Number),
    });
    // A heartbeat brings fresh health (a later `at`) in a link:state of its own.
    const beat = await rig.events.wait(
      'link:state',
      (p: LinkState) => p.connectionId === c.id && (p.health?.at ?? 0) > online.health!.at,
    );
    expect(beat.status).toBe('online');
    expect(beat.health!.uptimeSeconds).toBeGreaterThan(0);
    const live = await s.handlers['fleet:list']({});
    expect(live).toEqual([
      expect.objectContaining({
        connectionId: c.id,
        identity: 'edge-1',
        version: expect.stringMatching(/^7\.19/),
        board: 'RB5009UG+S+',
      }),
    ]);
    await s.handlers['link:disconnect']({ id: c.id });
    await s.dispose();
    rig.disposed();
    expect(readFileSync(join(rig.dir, CONNECTIONS_FILE), 'utf8')).toBe(savedFile);
    const stored = JSON.parse(readFileSync(join(rig.dir, FLEET_FILE), 'utf8')) as { routers: unknown[] };
    expect(stored.routers).toHaveLength(1);

    s = await rig.start();
    const [known] = await s.handlers['fleet:list']({});
    expect(known).toMatchObject({
      connectionId: c.id,
      identity: 'edge-1',
      board: 'RB5009UG+S+',
      cpuLoad: expect.any(Number),
      latencyMs: expect.any(Number),
      uptimeSeconds: expect.any(Number),
      lastSeen: expect.any(Number),
    });
    expect(known!.version).toMatch(/^7\.19/);
  });

  it('a damaged fleet file is moved aside and reported; the app starts without it', async () => {
    const { writeFileSync, readdirSync } = await import('node:fs');
    writeFileSync(join(rig.dir, FLEET_FILE), '{"version":1,"routers":[{"oops":1}]}');
    const logged: string[] = [];
    const s = await rig.start({ log: (_level, message) => logged.push(message) });
    expect(await s.handlers['fleet:list']({})).toEqual([]);
    expect(logged.some((m) => /fleet's last known values could not be read \(routers\.0\.connectionId/.test(m))).toBe(true);
    expect(readdirSync(rig.dir).some((f) => f.startsWith(`${FLEET_FILE}.damaged-`))).toBe(true);
  });
});

describe('the connect concurrency limit', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('opens at most N sockets at once; the others wait their turn, and a disconnect while waiting leaves the queue', async () => {
    // A router that accepts TCP and never answers the login: attempts hold their turn until their
    // connect time-out, so the sockets open at any moment are exactly the attempts running.
    const sockets: Socket[] = [];
    const opened: (() => void)[] = [];
    server = createServer((sock) => {
      sockets.push(sock);
      for (const w of opened.splice(0)) w();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const timings: Partial<LinkTimings> = { ...FAST_TIMINGS, connectTimeoutMs: 60_000 };
    const s = await rig.start({ connectConcurrency: 2, timings });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await save(s, `R${i}`, port)).id);
    const socketsAt = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (sockets.length >= n ? resolve() : opened.push(check));
        check();
      });
    const attempts = ids.map((id) => s.handlers['link:connect']({ id }));
    await socketsAt(2);
    // Every link says "connecting" (it is, from the user's view), but only two have a socket.
    const states = await s.handlers['link:states']({});
    expect(states.filter((l) => l.status === 'connecting')).toHaveLength(5);
    await new Promise((r) => setImmediate(r));
    expect(sockets).toHaveLength(2);
    // A waiting link that is disconnected gives up its place: the next turn goes to R3, not R2.
    await s.handlers['link:disconnect']({ id: ids[2]! });
    expect((await attempts[2]!).status).toBe('offline');
    // A running attempt that ends hands its turn on.
    await s.handlers['link:disconnect']({ id: ids[0]! });
    await socketsAt(3);
    await s.handlers['link:disconnect']({ id: ids[1]! });
    await socketsAt(4);
    expect(sockets).toHaveLength(4);
    for (const id of ids) await s.handlers['link:disconnect']({ id });
    await Promise.all(attempts);
    for (const sock of sockets) sock.destroy();
  });
});
