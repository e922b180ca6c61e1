/**
 * A fake `electron` module for the shell's tests (engineering-notes §5.1): the real package would
 * try to download its binary on import. Tests install it with
 * `vi.mock('electron', async () => (await import('./fake-electron')).electronModule)` and reset it
 * with `resetFakeElectron()`.
 */
import { EventEmitter } from 'node:events';

type Listener = (...args: never[]) => unknown;

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

export class FakeWebContents extends EventEmitter {
  readonly sent: [string, unknown][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  destroyed = false;
  readonly mainFrame: FakeFrame;
  constructor(url = 'app://tikscope/index.html') {
    super();
    this.mainFrame = { url, parent: null };
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  visible = false;
  maximized = false;
  minimized = false;
  fullScreen = false;
  focused = false;
  destroyed = false;
  bounds: Rect;
  constructor(readonly options: Record<string, unknown>) {
    super();
    this.bounds = {
      x: (options.x as number | undefined) ?? 0,
      y: (options.y as number | undefined) ?? 0,
      width: (options.width as number | undefined) ?? 800,
      height: (options.height as number | undefined) ?? 600,
    };
    FakeBrowserWindow.all.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
  }
  show(): void {
    this.visible = true;
    this.minimized = false;
  }
  focus(): void {
    this.focused = true;
  }
  maximize(): void {
    this.maximized = true;
    this.visible = true;
  }
  minimize(): void {
    this.minimized = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isFullScreen(): boolean {
    return this.fullScreen;
  }
  setFullScreen(on: boolean): void {
    this.fullScreen = on;
    this.visible = true;
  }
  getNormalBounds(): Rect {
    return { ...this.bounds };
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    this.emit('close');
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

class FakeApp extends EventEmitter {
  readonly calls: string[] = [];
  paths: Record<string, string> = { userData: '/tmp/tikscope-fake-user-data', logs: '/tmp/tikscope-fake-logs' };
  lock = true;
  isPackaged = false;
  exitCode: number | undefined;
  private readyResolve: () => void = () => undefined;
  private readyPromise = new Promise<void>((r) => (this.readyResolve = r));
  enableSandbox(): void {
    this.calls.push('enableSandbox');
  }
  requestSingleInstanceLock(): boolean {
    this.calls.push('requestSingleInstanceLock');
    return this.lock;
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  /** Test helper: fire `ready`. */
  becomeReady(): void {
    this.calls.push('ready');
    this.readyResolve();
  }
  /** Electron's quit: emits before-quit; the quit goes on unless a listener prevented it. */
  quit(): void {
    this.calls.push('quit');
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.calls.push('quit:proceeded');
  }
  exit(code: number): void {
    this.calls.push(`exit:${code}`);
    this.exitCode = code;
  }
  getPath(name: string): string {
    const p = this.paths[name];
    if (!p) throw new Error(`fake app.getPath: no ${name}`);
    return p;
  }
  setPath(name: string, value: string): void {
    this.calls.push(`setPath:${name}`);
    this.paths[name] = value;
  }
  name = 'tikscope';
  getName(): string {
    return this.name;
  }
  setAppUserModelId(id: string): void {
    this.calls.push(`setAppUserModelId:${id}`);
  }
  setName(name: string): void {
    this.calls.push(`setName:${name}`);
    this.name = name;
  }
  getVersion(): string {
    return '0.1.0';
  }
  reset(): void {
    this.removeAllListeners();
    this.calls.length = 0;
    this.lock = true;
    this.isPackaged = false;
    this.exitCode = undefined;
    this.name = 'tikscope';
    this.paths = { userData: '/tmp/tikscope-fake-user-data', logs: '/tmp/tikscope-fake-logs' };
    this.readyPromise = new Promise<void>((r) => (this.readyResolve = r));
  }
}

export const app = new FakeApp();

export const ipcMain = {
  handlers: new Map<string, Listener>(),
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  },
};

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    app.calls.push('registerSchemesAsPrivileged');
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    this.handlers.set(scheme, handler);
  },
};

export const session = {
  defaultSession: {
    permissionRequestHandler: undefined as
      undefined | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void),
    permissionCheckHandler: undefined as undefined | ((...args: unknown[]) => boolean),
    setPermissionRequestHandler(h: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void) {
      this.permissionRequestHandler = h;
    },
    setPermissionCheckHandler(h: (...args: unknown[]) => boolean) {
      this.permissionCheckHandler = h;
    },
  },
};

export const shell = {
  opened: [] as string[],
  paths: [] as string[],
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  },
  async openPath(path: string): Promise<string> {
    this.paths.push(path);
    return '';
  },
};

export const Menu = {
  template: undefined as unknown,
  applied: undefined as unknown,
  buildFromTemplate(template: unknown) {
    this.template = template;
    return { template };
  },
  setApplicationMenu(menu: unknown) {
    this.applied = menu;
  },
};

export const nativeTheme = { themeSource: 'system' as string, shouldUseDarkColors: false };

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
  getAllDisplays() {
    return this.displays;
  },
  getPrimaryDisplay() {
    return this.displays[0]!;
  },
};

export const dialog = {
  errors: [] as [string, string][],
  showErrorBox(title: string, content: string) {
    this.errors.push([title, content]);
  },
};

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown) {
    this.exposed.set(key, api);
  },
};

export function resetFakeElectron(): void {
  app.reset();
  ipcMain.handlers.clear();
  protocol.privileged.length = 0;
  protocol.handlers.clear();
  session.defaultSession.permissionRequestHandler = undefined;
  session.defaultSession.permissionCheckHandler = undefined;
  shell.opened.length = 0;
  shell.paths.length = 0;
  Menu.template = undefined;
  Menu.applied = undefined;
  nativeTheme.themeSource = 'system';
  screen.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }];
  dialog.errors.length = 0;
  FakeBrowserWindow.all = [];
}

export const electronModule = {
  app,
  ipcMain,
  protocol,
  session,
  shell,
  Menu,
  nativeTheme,
  screen,
  dialog,
  contextBridge,
  BrowserWindow: FakeBrowserWindow,
};
