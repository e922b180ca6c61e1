/**
 * The shell's lifecycle against the fake `electron` module: what happens before `ready`, the
 * single-instance lock, the window's settings, IPC, events, theme, menus, hardening and the
 * clean quit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '../../src/common/contract';
import { CALL_CHANNELS } from '../../src/common/channels';
import { SAMPLE_ARGS, fakeServices, type FakeServices } from '../bridge/fixtures';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);
const fake = await import('./fake-electron');
const { runElectronApp } = await import('../../src/electron/app');
const { APP_ENTRY_URL } = await import('../../src/electron/policy');

const { app, ipcMain, protocol, session, shell, Menu, nativeTheme, dialog, FakeBrowserWindow } = fake;

let userData: string;
let services: FakeServices;
const logs: string[] = [];

function start(overrides: Partial<Parameters<typeof runElectronApp>[0]> = {}) {
  return runElectronApp({
    createServices: async () => services,
    mainDir: '/opt/tikscope/resources/app.asar/out/main',
    log: (m) => logs.push(m),
    ...overrides,
  });
}

async function started() {
  const handle = start();
  expect(handle).not.toBeNull();
  app.becomeReady();
  await handle!.ready;
  const window = FakeBrowserWindow.all[0]!;
  return { handle: handle!, window };
}

function invoke(channel: string, event: unknown, args: unknown): Promise<Result<unknown>> {
  const handler = ipcMain.handlers.get(channel) as ((e: unknown, a: unknown) => Promise<Result<unknown>>) | undefined;
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler(event, args);
}

beforeEach(() => {
  fake.resetFakeElectron();
  userData = mkdtempSync(join(tmpdir(), 'tikscope-userdata-'));
  app.paths.userData = userData;
  services = fakeServices();
  services.behave('settings:get', async () => ({ theme: 'dark', tableColumns: {}, traceScopes: {}, traceBufferMiB: 8 }));
  services.behave('settings:set', async (args) => ({
    theme: (args as { theme?: string }).theme ?? 'system',
    tableColumns: {},
    traceScopes: {},
    traceBufferMiB: 8,
  }));
  logs.length = 0;
});
afterEach(() => {
  rmSync(userData, { recursive: true, force: true });
  delete process.env.TIKSCOPE_USER_DATA;
});

describe('before ready', () => {
  it('enables the sandbox and registers the app scheme before ready, then takes the lock', () => {
    start();
    expect(app.calls.slice(0, 4)).toEqual([
      'setName:Tikscope',
      'enableSandbox',
      'registerSchemesAsPrivileged',
      'requestSingleInstanceLock',
    ]);
    expect(protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(FakeBrowserWindow.all).toHaveLength(0);
  });

  it('quits when another instance holds the lock', () => {
    app.lock = false;
    expect(start()).toBeNull();
    expect(app.calls).toContain('quit');
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('uses the installer appId as the Windows app user model id', async () => {
    const { APP_ID } = await import('../../src/electron/app');
    const config = readFileSync(new URL('../../../electron-builder.yml', import.meta.url), 'utf8');
    expect(config).toMatch(new RegExp(`^appId: ${APP_ID.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('moves the profile when TIKSCOPE_USER_DATA is set', () => {
    process.env.TIKSCOPE_USER_DATA = join(userData, 'elsewhere');
    start();
    expect(app.paths.userData).toBe(join(userData, 'elsewhere'));
    expect(app.calls.indexOf('setPath:userData')).toBeLessThan(app.calls.indexOf('enableSandbox'));
  });

  // Issue 11 (15): the variable is a test hook; in an installed app anyone who can set the
  // environment could point the profile (and its saved connections) elsewhere.
  it('ignores TIKSCOPE_USER_DATA in the packaged app', () => {
    process.env.TIKSCOPE_USER_DATA = join(userData, 'elsewhere');
    app.isPackaged = true;
    start();
    expect(app.paths.userData).toBe(userData);
    expect(app.calls).not.toContain('setPath:userData');
  });
});

describe('after ready', () => {
  it('opens one hardened, hidden window on the app origin and shows it on ready-to-show', async () => {
    const { window } = await started();
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect(window.options).toMatchObject({
      show: false,
      webPreferences: {
        preload: '/opt/tikscope/resources/app.asar/out/preload/preload.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
      },
    });
    expect(window.loaded).toEqual([APP_ENTRY_URL]);
    expect(window.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.visible).toBe(true);
    expect(protocol.handlers.has('app')).toBe(true);
  });

  it('denies every permission request and check', async () => {
    await started();
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      session.defaultSession.permissionRequestHandler!({}, permission, (granted) => answers.push(granted));
    }
    expect(answers).toEqual([false, false, false, false, false]);
    expect(session.defaultSession.permissionCheckHandler!()).toBe(false);
  });

  it('wires every call: our window gets answers, anything else is refused', async () => {
    const { window } = await started();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...CALL_CHANNELS].sort());
    const ours = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    const foreignWindow = { sender: new fake.FakeWebContents(), senderFrame: window.webContents.mainFrame };
    for (const channel of CALL_CHANNELS) {
      expect((await invoke(channel, ours, SAMPLE_ARGS[channel])).ok, channel).toBe(true);
      const refused = await invoke(channel, foreignWindow, SAMPLE_ARGS[channel]);
      expect(refused.ok === false && refused.error.code, channel).toBe('FORBIDDEN');
    }
    window.close();
    const afterClose = await invoke('app:info', ours, {});
    expect(afterClose.ok === false && afterClose.error.code).toBe('FORBIDDEN');
  });

  it('forwards service events to the window', async () => {
    const { window } = await started();
    services.emit('link:state', {
      connectionId: 'c1',
      status: 'online',
      transport: 'plain',
      encrypted: false,
      authenticated: false,
    });
    expect(window.webContents.sent).toEqual([
      ['link:state', { connectionId: 'c1', status: 'online', transport: 'plain', encrypted: false, authenticated: false }],
    ]);
  });

  it('follows the theme setting at start and when it changes', async () => {
    const { window } = await started();
    expect(nativeTheme.themeSource).toBe('dark');
    const ours = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    await invoke('settings:set', ours, { theme: 'light' });
    expect(nativeTheme.themeSource).toBe('light');
  });

  it('falls back to the OS theme when settings cannot be read', async () => {
    services.behave('settings:get', async () => {
      throw new Error('settings.json is damaged');
    });
    await started();
    expect(nativeTheme.themeSource).toBe('system');
    expect(logs.some((l) => l.includes('settings.json is damaged'))).toBe(true);
  });

  it('sets the application menu from the template', async () => {
    await started();
    expect(Menu.applied).toBeDefined();
    const roles = (Menu.template as { role?: string }[]).map((m) => m.role);
    expect(roles).toEqual(
      process.platform === 'darwin'
        ? ['appMenu', 'fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help']
        : ['fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help'],
    );
  });

  it('hardens every webContents: navigation, new windows and webviews', async () => {
    const { window } = await started();
    const contents = window.webContents;
    const navigate = (event: string, url: string) => {
      let prevented = false;
      contents.emit(event, { url, preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-navigate', 'app://tikscope.evil/')).toBe(true);
    expect(navigate('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-frame-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-navigate', 'app://tikscope/index.html#/console')).toBe(false);
    expect(navigate('will-navigate', 'https://help.mikrotik.com/docs/')).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'https://help.mikrotik.com/x' })).toEqual({ action: 'deny' });
    let webviewPrevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (webviewPrevented = true) }, {}, {});
    expect(webviewPrevented).toBe(true);
    await Promise.resolve();
    expect(shell.opened).toEqual(['https://help.mikrotik.com/docs/', 'https://help.mikrotik.com/x']);
  });

  it('focuses and restores the window when a second instance starts', async () => {
    const { window } = await started();
    window.minimize();
    app.emit('second-instance', {}, [], '/');
    expect(window.isMinimized()).toBe(false);
    expect(window.focused).toBe(true);
  });

  it('remembers the window bounds in the profile', async () => {
    const { window } = await started();
    window.bounds = { x: 40, y: 30, width: 1100, height: 720 };
    window.maximized = true;
    window.close();
    const saved = JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8'));
    expect(saved).toEqual({ version: 1, bounds: { x: 40, y: 30, width: 1100, height: 720 }, maximized: true, fullScreen: false });
    // The next window opens there, maximised once shown.
    app.emit('activate');
    const next = FakeBrowserWindow.all[1]!;
    expect(next.options).toMatchObject({ x: 40, y: 30, width: 1100, height: 720 });
    next.emit('ready-to-show');
    expect(next.isMaximized()).toBe(true);
  });

  it('each window is attached to the services while it exists; a window opened again attaches again', async () => {
    const { window } = await started();
    expect(services.windows).toBe(1);
    window.close();
    expect(services.windows).toBe(0);
    // macOS: the app stays without windows, and the dock icon opens a new one.
    app.emit('activate');
    expect(services.windows).toBe(1);
  });

  it('quits when the last window closes (not on macOS)', async () => {
    const { window } = await started();
    window.close();
    app.emit('window-all-closed');
    expect(app.calls.includes('quit')).toBe(process.platform !== 'darwin');
  });

  it('disposes the services before quitting, once', async () => {
    const { handle } = await started();
    app.quit();
    app.quit();
    await handle.quitSequence()!.finished;
    expect(services.disposed).toBe(1);
    expect(app.calls.filter((c) => c === 'quit:proceeded')).toHaveLength(1);
  });

  it('starts the services with neighbour discovery on (the MNDP listener runs from start-up)', async () => {
    const seen: unknown[] = [];
    const handle = start({
      createServices: async (options) => {
        seen.push(options);
        return services;
      },
    });
    app.becomeReady();
    await handle!.ready;
    expect(seen).toEqual([expect.objectContaining({ host: 'electron', mndp: {} })]);
  });

  it('shows an error and exits when the services cannot start', async () => {
    const handle = start({
      createServices: async () => {
        throw new Error('data directory is read-only');
      },
    });
    app.becomeReady();
    await expect(handle!.ready).rejects.toThrow('read-only');
    expect(dialog.errors[0]![0]).toBe('Tikscope could not start');
    expect(dialog.errors[0]![1]).toContain('data directory is read-only');
    expect(app.exitCode).toBe(1);
    expect(existsSync(join(userData, 'window-state.json'))).toBe(false);
  });
});
