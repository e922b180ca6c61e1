import './setup';
import { describe, expect, it, vi } from 'vitest';
import type { Api, HostClientMessage } from '../../app-main/src/common/contract';
import { CALL_CHANNELS } from '../../app-main/src/common/channels';
import { callSchemas } from '../../app-main/src/bridge/schemas';
import { createHostClient } from '../src/bridge/host-client';
import { resolveBridge, takeToken, tokenFromHash } from '../src/bridge/resolve';

/** A WebSocket double: records what the client sends and lets the test open, answer and drop. */
class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static all: FakeSocket[] = [];
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readyState = 0;
  sent: HostClientMessage[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as HostClientMessage);
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.();
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

const make = () => {
  FakeSocket.all = [];
  return createHostClient({
    url: 'ws://127.0.0.1:1/bridge?token=t',
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    minBackoffMs: 1,
    maxBackoffMs: 2,
    callWaitMs: 50,
  });
};

describe('browser-host bridge client', () => {
  it('has one function per call of the contract', () => {
    const c = make();
    for (const name of CALL_CHANNELS) expect(typeof (c.api as unknown as Record<string, unknown>)[name]).toBe('function');
    // Every call main validates, and no other: the schema map is the independent list.
    expect([...CALL_CHANNELS].sort()).toEqual(Object.keys(callSchemas).sort());
    c.close();
  });

  it('queues calls until the socket opens, then matches results by id', async () => {
    const c = make();
    const sock = FakeSocket.all[0] as FakeSocket;
    const p = c.api['connections:list']({});
    expect(sock.sent).toEqual([]);
    sock.open();
    expect(sock.sent).toEqual([{ type: 'call', id: 1, channel: 'connections:list', args: {} }]);
    sock.receive({ type: 'result', id: 99, result: { ok: true, value: 'not ours' } });
    sock.receive({ type: 'result', id: 1, result: { ok: true, value: { connections: [], notices: [] } } });
    await expect(p).resolves.toEqual({ ok: true, value: { connections: [], notices: [] } });
    c.close();
  });

  it('delivers events to subscribers until they unsubscribe; ignores frames that are not JSON', () => {
    const c = make();
    const sock = FakeSocket.all[0] as FakeSocket;
    sock.open();
    const seen: unknown[] = [];
    const off = c.api.on('app:notice', (n) => seen.push(n));
    sock.onmessage?.({ data: 'garbage{' });
    sock.receive({ type: 'event', event: 'app:notice', payload: { level: 'info', message: 'a' } });
    off();
    sock.receive({ type: 'event', event: 'app:notice', payload: { level: 'info', message: 'b' } });
    expect(seen).toEqual([{ level: 'info', message: 'a' }]);
    c.close();
  });

  it('settles in-flight calls when the socket drops, then reconnects and says so', async () => {
    const c = make();
    const statuses: [string, boolean][] = [];
    c.onStatus((s, r) => statuses.push([s, r]));
    const first = FakeSocket.all[0] as FakeSocket;
    first.open();
    const p = c.api['link:connect']({ id: 'demo' });
    first.drop();
    const r = await p;
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('OUTCOME_UNKNOWN');
      expect(r.error.message).toMatch(/link:connect/);
    }
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    (FakeSocket.all[1] as FakeSocket).open();
    expect(statuses).toEqual([
      ['open', false],
      ['reconnecting', false],
      ['open', true],
    ]);
    c.close();
  });

  it('fails a call that waits too long for the socket, naming what to do', async () => {
    const c = make();
    const r = await c.api['app:info']({});
    expect(r).toMatchObject({ ok: false, error: { code: 'NETWORK', hint: expect.stringMatching(/npm run web/) } });
    c.close();
  });

  it('resolves the bridge: preload first, then the token, else explain', () => {
    // Only the presence of the preload's object matters here.
    const api = {} as Api;
    const withPreload = { tikscope: api, location: { hash: '', host: 'x', protocol: 'http:' } } as unknown as Window & {
      tikscope?: Api;
    };
    expect(resolveBridge(withPreload).kind).toBe('preload');
    const none = { location: { hash: '', host: '127.0.0.1:1', protocol: 'http:' } } as unknown as Window;
    expect(resolveBridge(none)).toEqual({ kind: 'none', reason: 'no-token' });
    expect(tokenFromHash('#token=abc%2Bdef')).toBe('abc+def');
    expect(tokenFromHash('#other=1')).toBeUndefined();
  });

  // Issue 11 (15): the token stayed in the address bar, the history and any copied link.
  it('takes the token out of the address once read; a reload of the tab still finds it', () => {
    window.sessionStorage.clear();
    window.history.replaceState(null, '', '/index.html?x=1#token=s3cr%2Bt&view=console');
    expect(takeToken(window)).toBe('s3cr+t');
    expect(window.location.hash).toBe('#view=console');
    expect(window.location.search).toBe('?x=1');
    expect(window.location.href).not.toMatch(/s3cr/);
    // A reload: the address has no token any more, this tab's session storage has it.
    expect(takeToken(window)).toBe('s3cr+t');
    window.history.replaceState(null, '', '/#token=other');
    expect(takeToken(window)).toBe('other');
    expect(window.location.hash).toBe('');
    window.sessionStorage.clear();
    expect(takeToken(window)).toBeUndefined();
  });
});
