/**
 * The built main bundle (`out/main/main.cjs`) with the real services, in a child Node process whose
 * `require('electron')` returns a small fake: the bundle loads, registers every channel, opens the
 * window on the app origin, answers `app:info` from the real services for our frame, serves the
 * renderer with the CSP, and quits cleanly through the services' dispose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMain } from '../../../scripts/build.d/20-main.mjs';
import { CALL_CHANNELS } from '../../src/common/channels';
import { APP_CSP } from '../../src/bridge/security';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let work: string;

const HARNESS = String.raw`
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const report = { calls: [] };
const handlers = new Map();
let protocolHandler;
const paths = { userData: process.env.HARNESS_USER_DATA, logs: process.env.HARNESS_USER_DATA };
const app = new EventEmitter();
let name = 'tikscope';
function finish() {
  report.channels = [...handlers.keys()];
  process.stdout.write('REPORT ' + JSON.stringify(report) + '\n');
}
Object.assign(app, {
  isPackaged: false,
  getName: () => name,
  setName: (n) => { name = n; },
  getVersion: () => '9.8.7',
  getPath: (k) => paths[k],
  setPath: (k, v) => { paths[k] = v; },
  enableSandbox: () => report.calls.push('enableSandbox'),
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  exit: (code) => { report.exit = code; finish(); process.exit(code); },
  quit() {
    let prevented = false;
    app.emit('before-quit', { preventDefault: () => { prevented = true; } });
    report.calls.push(prevented ? 'quit:held' : 'quit:proceeded');
    if (!prevented) finish();
  },
});
class WebContents extends EventEmitter {
  constructor() { super(); this.mainFrame = { url: 'app://tikscope/index.html', parent: null }; }
  send() {}
  setWindowOpenHandler(h) { this.openHandler = h; }
  isDestroyed() { return false; }
}
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    app.emit('web-contents-created', {}, this.webContents);
    queueMicrotask(() => onWindow(this));
  }
  loadURL(url) { this.url = url; return Promise.resolve(); }
  show() {} maximize() {} setFullScreen() {} restore() {} focus() {}
  isDestroyed() { return false; } isMaximized() { return false; } isFullScreen() { return false; } isMinimized() { return false; }
  getNormalBounds() { return { x: 0, y: 0, width: 800, height: 600 }; }
}
const display = { workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
const electron = {
  app, BrowserWindow,
  ipcMain: { handle: (c, f) => handlers.set(c, f), removeHandler: (c) => handlers.delete(c) },
  protocol: { registerSchemesAsPrivileged: (s) => { report.schemes = s; }, handle: (_s, h) => { protocolHandler = h; } },
  session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {} } },
  shell: { openExternal: async () => {}, openPath: async () => '' },
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu: (m) => { report.menu = m.map((i) => i.role); } },
  nativeTheme: { themeSource: 'system', shouldUseDarkColors: false },
  screen: { getAllDisplays: () => [display], getPrimaryDisplay: () => display },
  dialog: { showErrorBox: (t, c) => { report.error = t + ': ' + c; } },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'electron' ? electron : load.call(this, request, ...rest);
};
async function onWindow(win) {
  report.url = win.url;
  report.webPreferences = win.options.webPreferences;
  const ours = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
  report.info = await handlers.get('app:info')(ours, {});
  report.foreign = await handlers.get('app:info')({ sender: new WebContents(), senderFrame: win.webContents.mainFrame }, {});
  const res = await protocolHandler(new Request('app://tikscope/index.html'));
  report.page = { status: res.status, csp: res.headers.get('content-security-policy'), body: await res.text() };
  report.theme = electron.nativeTheme.themeSource;
  app.quit();
}
require(process.env.HARNESS_MAIN);
`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tikscope-bundle-'));
  await buildMain({ root, outDir: join(work, 'out') });
  mkdirSync(join(work, 'out', 'renderer'), { recursive: true });
  writeFileSync(join(work, 'out', 'renderer', 'index.html'), '<!doctype html><title>Tikscope</title>');
  writeFileSync(join(work, 'harness.cjs'), HARNESS);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('built main bundle with the real services', () => {
  it('starts, answers over IPC for our frame only, serves the renderer and quits through dispose', async () => {
    const userData = join(work, 'user-data');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(work, 'harness.cjs')], {
        cwd: root,
        env: { ...process.env, HARNESS_MAIN: join(work, 'out', 'main', 'main.cjs'), HARNESS_USER_DATA: userData },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const line = stdout.split('\n').find((l) => l.startsWith('REPORT '));
    expect(line, `no report; stdout:\n${stdout}\nstderr:\n${stderr}`).toBeDefined();
    const report = JSON.parse(line!.slice('REPORT '.length));
    expect(code).toBe(0);
    expect(report.calls).toEqual(['enableSandbox', 'quit:held', 'quit:proceeded']);
    expect(report.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect([...report.channels].sort()).toEqual([...CALL_CHANNELS].sort());
    expect(report.url).toBe('app://tikscope/index.html');
    expect(report.webPreferences).toMatchObject({
      preload: join(work, 'out', 'preload', 'preload.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(report.info).toMatchObject({
      ok: true,
      value: { host: 'electron', version: '9.8.7', dataDir: join(userData, 'data') },
    });
    expect(report.foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(report.page).toEqual({ status: 200, csp: APP_CSP, body: '<!doctype html><title>Tikscope</title>' });
    expect(report.theme).toBe('system');
    expect(report.error).toBeUndefined();
  });
});
