/**
 * The Electron shell's lifecycle (design.md §1 "src/electron: the thin shell"): sandbox and
 * scheme registration before `ready`, the single-instance lock, then services, protocol handler,
 * IPC, menu, theme and the window; the clean-quit sequence at the end. Every decision lives in a
 * pure module next to this one; this file only wires them to Electron.
 */
import { join } from 'node:path';
import { app, dialog, ipcMain, Menu, nativeTheme, protocol, screen, session, shell } from 'electron';
import type { BrowserWindow } from 'electron';
import type { BridgeError, EventListener } from '../common/contract';
import type { ServicesFactory, ServicesPort } from '../bridge/services-port';
import { createAppProtocolHandler } from './app-protocol';
import { openExternalUrl } from './external';
import { createEventForwarder, registerBridgeIpc } from './ipc';
import { buildMenuTemplate } from './menu';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES } from './policy';
import { installQuitSequence, type QuitSequence } from './quit';
import { themeSourceFor, withThemeFollowing } from './theme';
import { createWindowStateStore, restoreWindowState, type WindowStateStore } from './window-state';
import { createMainWindow, hardenWebContents } from './windows';

export interface ElectronAppOptions {
  createServices: ServicesFactory;
  toBridgeError?: (error: unknown) => BridgeError;
  /** Directory of the main bundle (`out/main`): preload and renderer are found beside it. */
  mainDir: string;
  /** Longest wait for the services on quit. */
  quitDeadlineMs?: number;
  log?: (message: string) => void;
}

export interface ElectronAppHandle {
  /** Resolves once the first window exists (or rejects when start-up failed). */
  readonly ready: Promise<void>;
  readonly windows: ReadonlySet<BrowserWindow>;
  services(): ServicesPort | undefined;
  quitSequence(): QuitSequence | undefined;
}

export const PRODUCT_NAME = 'Tikscope';
/** Same as `appId` in electron-builder.yml. */
export const APP_ID = 'com.tikscope.app';

/** Set by scripts/start.mjs: one line on stdout once the window is on screen. */
export const READY_LINE = 'tikscope: window shown';

/** Returns null when another instance already runs (this one then quits). */
export function runElectronApp(options: ElectronAppOptions): ElectronAppHandle | null {
  const log = options.log ?? ((message: string) => console.log(message));
  const windows = new Set<BrowserWindow>();
  let services: ServicesPort | undefined;
  let quit: QuitSequence | undefined;
  let stateStore: WindowStateStore | undefined;

  // package.json's `name` is lower-case; the profile folder, menus and window title use this one.
  if (app.getName() !== PRODUCT_NAME) app.setName(PRODUCT_NAME);
  // Taskbar grouping and notifications on Windows follow the installer's appId.
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  // Tests point the whole profile elsewhere; must happen before `ready`. Never in the packaged
  // app: whoever can set its environment could swap the saved connections (issue 11).
  const userDataOverride = app.isPackaged ? undefined : process.env.TIKSCOPE_USER_DATA;
  if (userDataOverride) app.setPath('userData', userDataOverride);

  // Every renderer sandboxed, whatever a window asks for (engineering-notes §2.1 #4).
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }

  const preloadPath = join(options.mainDir, '..', 'preload', 'preload.cjs');
  const rendererDir = join(options.mainDir, '..', 'renderer');
  const openLink = (url: string) => {
    void openExternalUrl(url).catch((error: unknown) => log(`shell: ${String(error)}`));
  };

  const isOurWebContents = (sender: unknown) => [...windows].some((w) => !w.isDestroyed() && w.webContents === sender);

  const openWindow = (): BrowserWindow => {
    const store = stateStore!;
    const restored = restoreWindowState(store.load(), [screen.getPrimaryDisplay(), ...screen.getAllDisplays()]);
    const window = createMainWindow({
      preloadPath,
      restored,
      dark: nativeTheme.shouldUseDarkColors,
      title: app.getName(),
      onShown: () => {
        if (process.env.TIKSCOPE_REPORT_READY === '1') console.log(READY_LINE);
      },
    });
    windows.add(window);
    store.track(window);
    // A reload keeps the window (and what it shows runs on in main); closing it detaches, and live
    // tables outlive the last window by a grace period only (issue 11 item 9).
    const detach = services?.attachWindow?.();
    window.webContents.on('render-process-gone', (_event, details) =>
      log(`renderer: process gone (${details.reason}, exit code ${details.exitCode})`),
    );
    window.on('closed', () => {
      windows.delete(window);
      detach?.();
    });
    return window;
  };

  const focusWindow = () => {
    const [window] = windows;
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  app.on('second-instance', focusWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { openLink, log }));
  app.on('window-all-closed', () => {
    // macOS apps stay in the dock without windows.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (services && windows.size === 0) openWindow();
  });

  const start = async () => {
    await app.whenReady();
    const userData = app.getPath('userData');
    const dataDir = join(userData, 'data');

    // Electron grants every permission by default (engineering-notes §2.1 #5); Tikscope needs none.
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));

    try {
      services = await options.createServices({
        host: 'electron',
        dataDir,
        appVersion: app.getVersion(),
        // Neighbour discovery listens from start-up (the mndpListen and mndpPort settings).
        mndp: {},
        log: (level, message) => log(`${level}: ${message}`),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      dialog.showErrorBox('Tikscope could not start', `${message}\n\nData directory: ${dataDir}`);
      app.exit(1);
      throw error;
    }
    const running = services;
    quit = installQuitSequence({
      app,
      dispose: () => running.dispose(),
      ...(options.quitDeadlineMs ? { deadlineMs: options.quitDeadlineMs } : {}),
      log,
    });

    const applyTheme = (theme: 'system' | 'light' | 'dark') => {
      nativeTheme.themeSource = theme;
    };
    const handlers = withThemeFollowing(running.handlers, applyTheme);
    registerBridgeIpc({
      ipcMain,
      handlers,
      isOurWebContents,
      ...(options.toBridgeError ? { toBridgeError: options.toBridgeError } : {}),
      log,
    });
    const forward: EventListener = createEventForwarder(
      () => [...windows].filter((w) => !w.isDestroyed()).map((w) => w.webContents),
      log,
    );
    running.subscribe(forward);

    try {
      applyTheme(themeSourceFor((await running.handlers['settings:get']({})).theme));
    } catch (error) {
      log(`theme: could not read settings (${error instanceof Error ? error.message : String(error)}); following the OS`);
      applyTheme('system');
    }

    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({
          platform: process.platform,
          appName: app.getName(),
          isPackaged: app.isPackaged,
          actions: {
            openLink,
            openDataFolder: () => void shell.openPath(dataDir),
            openLogsFolder: () => void shell.openPath(app.getPath('logs')),
          },
        }),
      ),
    );

    stateStore = createWindowStateStore({
      file: join(userData, 'window-state.json'),
      onError: (error) => log(`window state: ${error instanceof Error ? error.message : String(error)}`),
    });
    openWindow();
  };

  const ready = start();
  ready.catch((error: unknown) =>
    log(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  );

  return {
    ready,
    windows,
    services: () => services,
    quitSequence: () => quit,
  };
}
