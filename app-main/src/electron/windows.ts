/**
 * Window creation and the per-webContents hardening (engineering-notes §2.1 #11–#15, §7).
 */
import { BrowserWindow, type WebContents } from 'electron';
import { APP_ENTRY_URL, buildWebPreferences, isAllowedNavigation } from './policy';
import { isAllowedExternalUrl } from './external';
import { MIN_SIZE, type RestoredWindowState } from './window-state';

export interface HardenOptions {
  openLink: (url: string) => unknown;
  log?: (message: string) => void;
}

/**
 * Applied to every webContents the app creates (via `web-contents-created`): in-app navigation
 * only, no new windows (allowlisted https links go to the OS browser instead), no `<webview>`.
 */
export function hardenWebContents(contents: WebContents, options: HardenOptions): void {
  const log = options.log ?? (() => undefined);
  const guard = (kind: string) => (event: { preventDefault(): void; url?: string }, legacyUrl?: string) => {
    const url = event.url ?? legacyUrl ?? '';
    if (isAllowedNavigation(url)) return;
    event.preventDefault();
    if (kind === 'will-navigate' && isAllowedExternalUrl(url)) {
      options.openLink(url);
      return;
    }
    log(`security: ${kind} to ${JSON.stringify(url.slice(0, 200))} blocked`);
  };
  contents.on('will-navigate', guard('will-navigate'));
  contents.on('will-frame-navigate', guard('will-frame-navigate'));
  contents.on('will-redirect', guard('will-redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('security: <webview> blocked');
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) options.openLink(url);
    else log(`security: window.open of ${JSON.stringify(url.slice(0, 200))} blocked`);
    return { action: 'deny' };
  });
}

export interface MainWindowOptions {
  preloadPath: string;
  restored: RestoredWindowState;
  dark: boolean;
  title: string;
  onShown?: () => void;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { restored } = options;
  const window = new BrowserWindow({
    ...restored.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: options.title,
    // Shown on ready-to-show: no white flash before the first paint.
    show: false,
    backgroundColor: options.dark ? '#1b1d21' : '#ffffff',
    webPreferences: buildWebPreferences(options.preloadPath),
  });
  window.once('ready-to-show', () => {
    if (restored.fullScreen) window.setFullScreen(true);
    else if (restored.maximized) window.maximize();
    window.show();
    options.onShown?.();
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}
