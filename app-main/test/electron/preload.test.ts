/**
 * The preload surface, checked on the built bundle (engineering-notes §2.2 #4): it runs in
 * `node:vm` with a fake `require` that hands out a capturing `contextBridge` and a fake
 * `ipcRenderer`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { buildPreload } from '../../../scripts/build.d/20-main.mjs';
import { CALL_CHANNELS } from '../../src/common/channels';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let outDir: string;
let code: string;

type Fn = (...args: unknown[]) => unknown;

function load(
  invoke: (channel: string, args: unknown) => Promise<unknown> = async (channel, args) => ({
    ok: true,
    value: { channel, args },
  }),
) {
  const required: string[] = [];
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<Fn>>();
  const invoked: [string, unknown][] = [];
  const ipcRenderer = {
    invoke: (channel: string, args: unknown) => {
      invoked.push([channel, args]);
      return invoke(channel, args);
    },
    on: (channel: string, fn: Fn) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(fn);
      return ipcRenderer;
    },
    removeListener: (channel: string, fn: Fn) => {
      listeners.get(channel)?.delete(fn);
      return ipcRenderer;
    },
    send: () => {
      throw new Error('the preload must not use send');
    },
  };
  const contextBridge = { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) };
  const fakeRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return { contextBridge, ipcRenderer };
    throw new Error(`a sandboxed preload cannot require ${name}`);
  };
  const sandbox = { require: fakeRequire, module: { exports: {} }, exports: {}, console };
  vm.runInNewContext(code, sandbox, { filename: 'preload.cjs' });
  /** Emits like Electron: the listener gets (event, payload), and the event holds the sender. */
  const emit = (channel: string, payload: unknown) => {
    for (const fn of listeners.get(channel) ?? []) fn({ sender: ipcRenderer, senderId: 0 }, payload);
  };
  return { required, exposed, listeners, invoked, ipcRenderer, emit };
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'tikscope-preload-'));
  await buildPreload({ root, outDir });
  code = readFileSync(join(outDir, 'preload', 'preload.cjs'), 'utf8');
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('built preload', () => {
  it('requires only electron and exposes one frozen object of functions as window.tikscope', () => {
    const { required, exposed } = load();
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['tikscope']);
    const api = exposed.get('tikscope') as Record<string, unknown>;
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual([...CALL_CHANNELS, 'on'].sort());
    for (const [key, value] of Object.entries(api)) expect(typeof value, key).toBe('function');
  });

  it('has no require of anything but electron in its source', () => {
    const requires = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/\bprocess\.|__dirname|import\(/);
  });

  it('invokes the named channel and never returns ipcRenderer', async () => {
    const { exposed, invoked, ipcRenderer } = load();
    const api = exposed.get('tikscope') as Record<string, Fn>;
    for (const channel of CALL_CHANNELS) {
      const result = await api[channel]!({ probe: channel });
      expect(result).toEqual({ ok: true, value: { channel, args: { probe: channel } } });
      expect(result).not.toBe(ipcRenderer);
    }
    expect(invoked.map(([c]) => c)).toEqual([...CALL_CHANNELS]);
  });

  it('turns a rejected invoke into an error result', async () => {
    const { exposed } = load(async () => {
      throw new Error("No handler registered for 'app:info'");
    });
    const api = exposed.get('tikscope') as Record<string, Fn>;
    expect(await api['app:info']!({})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: "app:info: No handler registered for 'app:info'" },
    });
  });

  it('delivers only the payload to listeners and returns a working unsubscribe', () => {
    const { exposed, emit, listeners } = load();
    const api = exposed.get('tikscope') as { on: (event: string, cb: Fn) => unknown };
    const seen: unknown[][] = [];
    const off = api.on('link:state', (...args: unknown[]) => seen.push(args));
    expect(typeof off).toBe('function');
    emit('link:state', { connectionId: 'c1', status: 'online' });
    expect(seen).toEqual([[{ connectionId: 'c1', status: 'online' }]]);
    (off as () => void)();
    (off as () => void)();
    emit('link:state', { connectionId: 'c1', status: 'offline' });
    expect(seen).toHaveLength(1);
    expect(listeners.get('link:state')?.size).toBe(0);
  });

  it('refuses unknown events and non-function listeners', () => {
    const { exposed, listeners } = load();
    const api = exposed.get('tikscope') as { on: (event: unknown, cb: unknown) => unknown };
    expect(() => api.on('ELECTRON_BROWSER_WINDOW_ALERT', () => undefined)).toThrow(/Unknown bridge event/);
    expect(() => api.on('__proto__', () => undefined)).toThrow(/Unknown bridge event/);
    expect(() => api.on('link:state', 'not a function')).toThrow(/must be a function/);
    expect(listeners.size).toBe(0);
  });
});
