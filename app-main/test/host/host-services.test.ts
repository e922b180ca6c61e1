/**
 * The browser host with the real services (createServices), as `npm run web` and the e2e suite
 * run it: a temp data directory, port 0, a real WebSocket from the page's origin.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { HostServerMessage, Result } from '../../src/common/contract';
import { startHost, type RunningHost } from '../../src/host/server';

let dataDir: string;
let host: RunningHost | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tikscope-host-data-'));
});
afterEach(async () => {
  await host?.close();
  host = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

function client(h: RunningHost) {
  const ws = new WebSocket(`ws://127.0.0.1:${h.port}/bridge?token=${h.token}`, { origin: `http://127.0.0.1:${h.port}` });
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const events: HostServerMessage[] = [];
  let nextId = 1;
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as HostServerMessage;
    if (m.type === 'result') pending.get(m.id)?.(m.result);
    else events.push(m);
  });
  return {
    ws,
    events,
    opened: new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    call(channel: string, args?: unknown): Promise<Result<unknown>> {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, channel, args }));
      });
    },
  };
}

describe('browser host with the real services', () => {
  it('answers app:info and connections:list and pushes connection changes', async () => {
    host = await startHost({ port: 0, dataDir, rendererDir: join(dataDir, 'no-renderer'), log: () => undefined });
    const page = client(host);
    await page.opened;
    const info = await page.call('app:info');
    expect(info).toMatchObject({ ok: true, value: { name: 'Tikscope', host: 'browser', dataDir } });
    const list = await page.call('connections:list', {});
    expect(list.ok).toBe(true);
    const invalid = await page.call('connections:save', {
      input: { name: 'r1', host: 'bad host', port: 8728, transport: 'plain', user: 'admin' },
    });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION', detail: { field: 'input.host' } } });
    const saved = await page.call('connections:save', {
      input: { name: 'r1', host: '127.0.0.1', port: 8728, transport: 'plain', user: 'admin' },
    });
    expect(saved).toMatchObject({ ok: true, value: { name: 'r1', host: '127.0.0.1', hasPassword: false } });
    const changed = await new Promise<HostServerMessage>((resolve) => {
      const found = () => page.events.find((e) => e.type === 'event' && e.event === 'connections:changed');
      const hit = found();
      if (hit) return resolve(hit);
      page.ws.on('message', () => {
        const h = found();
        if (h) resolve(h);
      });
    });
    expect(JSON.stringify(changed)).toContain('"name":"r1"');
    page.ws.close();
  });
});
