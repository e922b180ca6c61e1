/**
 * The application menu as a plain template (engineering-notes §7, "Menus and shortcuts"): roles
 * give the platform's native items and shortcuts; `editMenu` is what makes copy/paste work on
 * macOS at all. Accelerators use `CommandOrControl` so one template serves every platform.
 */
import type { MenuItemConstructorOptions } from 'electron';

export const API_MANUAL_URL = 'https://help.mikrotik.com/docs/spaces/ROS/pages/47579160/API';
export const HOMEPAGE_URL = 'https://tikscope.invalid/';

export interface MenuActions {
  openLink(url: string): void;
  openDataFolder(): void;
  openLogsFolder?(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Packaged builds hide the developer tools item (still reachable via the shortcut in dev). */
  isPackaged: boolean;
  actions: MenuActions;
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const { actions } = options;
  const template: MenuItemConstructorOptions[] = [];
  if (mac) template.push({ role: 'appMenu' });
  template.push({
    role: 'fileMenu',
    submenu: [
      { label: 'Open Data Folder', click: () => actions.openDataFolder() },
      ...(actions.openLogsFolder ? [{ label: 'Open Logs Folder', click: () => actions.openLogsFolder?.() }] : []),
      { type: 'separator' },
      mac ? { role: 'close', accelerator: 'CommandOrControl+W' } : { role: 'quit', accelerator: 'CommandOrControl+Q' },
    ],
  });
  template.push({ role: 'editMenu' });
  template.push({
    role: 'viewMenu',
    submenu: [
      { role: 'reload', accelerator: 'CommandOrControl+R' },
      { role: 'forceReload', accelerator: 'CommandOrControl+Shift+R' },
      ...(options.isPackaged
        ? []
        : [{ role: 'toggleDevTools' as const, accelerator: mac ? 'Alt+Command+I' : 'CommandOrControl+Shift+I' }]),
      { type: 'separator' },
      { role: 'resetZoom', accelerator: 'CommandOrControl+0' },
      { role: 'zoomIn', accelerator: 'CommandOrControl+=' },
      { role: 'zoomOut', accelerator: 'CommandOrControl+-' },
      { type: 'separator' },
      { role: 'togglefullscreen', accelerator: mac ? 'Control+Command+F' : 'F11' },
    ],
  });
  template.push({ role: 'windowMenu' });
  template.push({
    role: 'help',
    submenu: [
      { label: 'RouterOS API Manual', click: () => actions.openLink(API_MANUAL_URL) },
      { label: `${options.appName} Website`, click: () => actions.openLink(HOMEPAGE_URL) },
      ...(mac ? [] : [{ type: 'separator' as const }, { role: 'about' as const }]),
    ],
  });
  return template;
}
