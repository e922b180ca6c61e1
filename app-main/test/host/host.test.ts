/**
 * The browser host over real loopback sockets (127.0.0.1, port 0) with fake services: who may
 * connect, what is served, and calls and events over a real WebSocket.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { HostServerMessage } from '../../src/common/contract';
import { startHost, startupLine, tokenMatches, type RunningHost } from '../../src/host/server';
import { fakeServices, SAMPLE_ARGS, type FakeServices } from '../bridge/fixtures';

let base: string;
let rendererDir: string;
const hosts: RunningHost[] = [];
const sockets: WebSocket[] = [];

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'tikscope-host-'));
  rendererDir = join(base, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>Tikscope</title><script type="module" src="/assets/app.js"></script>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(base, 'secret.txt'), 'do not serve');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

async function start(services: FakeServices = fakeServices(), dir = rendererDir) {
  const logs: string[] = [];
  const host = await startHost({ services, rendererDir: dir, port: 0, log: (m) => logs.push(m) });
  hosts.push(host);
  return { host, services, logs, origin: `http://127.0.0.1:${host.port}` };
}

function get(port: number, path: string, options: { method?: string; host?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          method: options.method ?? 'GET',
          headers: { host: options.host ?? `127.0.0.1:${port}` },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

/** Opens a bridge socket; resolves with the socket once open, or with the HTTP status it was refused with. */
function connect(url: string, origin: string | undefined): Promise<{ ws: WebSocket } | { refused: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    sockets.push(ws);
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (e) => reject(e));
  });
}

async function open(host: RunningHost): Promise<WebSocket> {
  const r = await connect(`ws://127.0.0.1:${host.port}/bridge?token=${host.token}`, `http://127.0.0.1:${host.port}`);
  if (!('ws' in r)) throw new Error(`refused with ${r.refused}`);
  return r.ws;
}

/** Collects parsed server messages. */
function inbox(ws: WebSocket) {
  const messages: HostServerMessage[] = [];
  const waiters: { test: (m: HostServerMessage) => boolean; resolve: (m: HostServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as HostServerMessage;
    messages.push(m);
    for (const w of [...waiters]) {
      if (w.test(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  return {
    messages,
    next(test: (m: HostServerMessage) => boolean): Promise<HostServerMessage> {
      const found = messages.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('startHost', () => {
  it('binds 127.0.0.1 only and prints the URL with the token', async () => {
    const { host } = await start();
    expect(host.address).toBe('127.0.0.1');
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(startupLine(host.url)).toMatch(/^Tikscope is running at http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+$/);
    const other = await start();
    expect(other.host.token).not.toBe(host.token);
  });

  it('refuses a port that is taken, with a clear message', async () => {
    const { host } = await start();
    await expect(startHost({ services: fakeServices(), rendererDir, port: host.port })).rejects.toThrow(
      `Port ${host.port} on 127.0.0.1 is in use`,
    );
    await expect(startHost({ services: fakeServices(), rendererDir, port: 70_000 })).rejects.toThrow(/port must be an integer/);
    // A taken port fails before the services (and their data directory) are touched.
    let created = 0;
    const factory = async () => {
      created++;
      return fakeServices();
    };
    await expect(startHost({ createServices: factory, rendererDir, port: host.port })).rejects.toThrow(/in use/);
    expect(created).toBe(0);
  });

  it('releases the port when the services cannot start', async () => {
    const probe = await start();
    const port = probe.host.port;
    await probe.host.close();
    const failing = startHost({
      rendererDir,
      port,
      createServices: async () => {
        throw new Error('cannot create the data directory /nope');
      },
    });
    await expect(failing).rejects.toThrow('cannot create the data directory /nope');
    const again = await startHost({ services: fakeServices(), rendererDir, port, log: () => undefined });
    hosts.push(again);
    expect(again.port).toBe(port);
  });
});

describe('static files', () => {
  it('serves the renderer with the CSP and security headers', async () => {
    const { host } = await start();
    const index = await get(host.port, '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>Tikscope</title>');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port};`);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['x-frame-options']).toBe('DENY');
    const js = await get(host.port, '/assets/app.js?v=2');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(host.port, '/', { method: 'HEAD' })).body).toBe('');
  });

  it('refuses traversal, other methods, other Host headers and unknown files', async () => {
    const { host } = await start();
    for (const [path, status] of [
      ['/../secret.txt', 403],
      ['/assets/../../secret.txt', 403],
      ['/%2e%2e/secret.txt', 403],
      ['/..%2fsecret.txt', 400],
      ['/assets/..%5c..%5csecret.txt', 400],
      ['/.env', 403],
      ['/missing.js', 404],
      ['/bridge', 426],
    ] as const) {
      const r = await get(host.port, path);
      expect(r.status, path).toBe(status);
      expect(r.body).not.toContain('do not serve');
      expect(r.headers['content-security-policy']).toBeDefined();
    }
    expect((await get(host.port, '/', { method: 'POST' })).status).toBe(405);
    expect((await get(host.port, '/', { host: 'evil.example' })).status).toBe(421);
    expect((await get(host.port, '/', { host: `localhost:${host.port}` })).status).toBe(421);
  });

  it('says how to build the renderer when it is missing', async () => {
    const { host } = await start(fakeServices(), join(base, 'not-built'));
    const r = await get(host.port, '/');
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/npm run build/);
  });
});

describe('bridge access', () => {
  it('refuses a missing or wrong token', async () => {
    const { host, origin, logs } = await start();
    const bridge = `ws://127.0.0.1:${host.port}/bridge`;
    expect(await connect(bridge, origin)).toEqual({ refused: 401 });
    expect(await connect(`${bridge}?token=`, origin)).toEqual({ refused: 401 });
    expect(await connect(`${bridge}?token=${host.token.slice(0, -1)}`, origin)).toEqual({ refused: 401 });
    expect(await connect(`${bridge}?token=${host.token}x`, origin)).toEqual({ refused: 401 });
    expect(logs.filter((l) => /token refused/.test(l))).toHaveLength(4);
  });

  it('refuses any Origin but its own page, even with the right token', async () => {
    const { host } = await start();
    const bridge = `ws://127.0.0.1:${host.port}/bridge?token=${host.token}`;
    for (const origin of [
      undefined,
      'null',
      'http://evil.example',
      `http://localhost:${host.port}`,
      `https://127.0.0.1:${host.port}`,
      `http://127.0.0.1:${host.port + 1}`,
      `http://127.0.0.1:${host.port}.evil.example`,
      'file://',
    ]) {
      expect(await connect(bridge, origin), String(origin)).toEqual({ refused: 403 });
    }
    expect(await connect(`ws://127.0.0.1:${host.port}/other?token=${host.token}`, `http://127.0.0.1:${host.port}`)).toEqual({
      refused: 404,
    });
  });

  it('compares tokens safely', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(null, 'abc')).toBe(false);
    expect(tokenMatches('abcabc', 'abc')).toBe(false);
  });
});

describe('calls and events over the WebSocket', () => {
  it('round-trips every call as a Result, in any order', async () => {
    const { host, services } = await start();
    services.behave('link:connect', async () => {
      await new Promise((r) => setImmediate(r));
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8728'), { code: 'ECONNREFUSED' });
    });
    const ws = await open(host);
    const box = inbox(ws);
    const channels = Object.keys(SAMPLE_ARGS) as (keyof typeof SAMPLE_ARGS)[];
    channels.forEach((channel, id) => ws.send(JSON.stringify({ type: 'call', id, channel, args: SAMPLE_ARGS[channel] })));
    for (const [id, channel] of channels.entries()) {
      const m = await box.next((x) => x.type === 'result' && x.id === id);
      if (m.type !== 'result') throw new Error('unreachable');
      if (channel === 'link:connect')
        expect(m.result).toMatchObject({ ok: false, error: { message: 'connect ECONNREFUSED 127.0.0.1:8728' } });
      else expect(m.result, channel).toEqual({ ok: true, value: { channel, args: SAMPLE_ARGS[channel] } });
    }
  });

  it('answers bad calls with coded errors', async () => {
    const { host, services } = await start();
    const ws = await open(host);
    const box = inbox(ws);
    ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'nope', args: {} }));
    ws.send(JSON.stringify({ type: 'call', id: 2, channel: 'connections:save', args: { input: { name: 'x' } } }));
    ws.send(JSON.stringify({ type: 'call', id: 3, channel: 'app:info' }));
    ws.send(JSON.stringify({ type: 'event', id: 4 }));
    const byId = async (id: number) => {
      const m = await box.next((x) => x.type === 'result' && x.id === id);
      return m.type === 'result' ? m.result : undefined;
    };
    expect(await byId(1)).toMatchObject({ ok: false, error: { code: 'VALIDATION', detail: { field: 'channel' } } });
    expect(await byId(2)).toMatchObject({ ok: false, error: { code: 'VALIDATION', detail: { field: 'input.host' } } });
    expect(await byId(3)).toEqual({ ok: true, value: { channel: 'app:info', args: {} } });
    expect(await byId(4)).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'message.type must be "call"' } });
    expect(services.calls.map((c) => c.channel)).toEqual(['app:info']);
  });

  it('closes a connection that sends something other than JSON calls', async () => {
    const { host } = await start();
    const ws = await open(host);
    const done = closed(ws);
    ws.send('{not json');
    expect(await done).toEqual({ code: 1007, reason: 'message is not valid JSON' });
    const ws2 = await open(host);
    const done2 = closed(ws2);
    ws2.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await done2).code).toBe(1003);
  });

  it('pushes events to every connected page', async () => {
    const { host, services } = await start();
    const a = inbox(await open(host));
    const b = inbox(await open(host));
    const state = { connectionId: 'c1', status: 'online', transport: 'tls-verify', encrypted: true, authenticated: true };
    services.emit('link:state', state as never);
    const expected = { type: 'event', event: 'link:state', payload: state };
    expect(await a.next((m) => m.type === 'event')).toEqual(expected);
    expect(await b.next((m) => m.type === 'event')).toEqual(expected);
  });

  it('each page is a window for the services: attached while connected, detached when it goes (a reload)', async () => {
    const { host, services } = await start();
    const counts: number[] = [];
    services.onWindows = (n) => counts.push(n);
    const a = await open(host);
    const b = await open(host);
    expect(services.windows).toBe(2);
    const gone = new Promise<void>((resolve) => {
      services.onWindows = (n) => {
        counts.push(n);
        if (n === 0) resolve();
      };
    });
    a.close();
    b.close();
    await gone;
    expect(counts).toEqual([1, 2, 1, 0]);
  });

  it('closes pages and unsubscribes on close; disposes only services it created', async () => {
    const passed = fakeServices();
    const { host } = await start(passed);
    const ws = await open(host);
    const done = closed(ws);
    await host.close();
    expect((await done).code).toBe(1001);
    expect(passed.listeners.size).toBe(0);
    expect(passed.disposed).toBe(0);
    await expect(
      connect(`ws://127.0.0.1:${host.port}/bridge?token=${host.token}`, `http://127.0.0.1:${host.port}`),
    ).rejects.toThrow(/ECONNREFUSED/);

    const created = fakeServices();
    const factoryArgs: unknown[] = [];
    const own = await startHost({
      rendererDir,
      dataDir: join(base, 'data'),
      createServices: async (options) => {
        factoryArgs.push(options);
        return created;
      },
      log: () => undefined,
    });
    expect(factoryArgs[0]).toMatchObject({ host: 'browser', dataDir: join(base, 'data') });
    await own.close();
    await own.close();
    expect(created.disposed).toBe(1);
  });
});
