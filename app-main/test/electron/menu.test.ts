import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { API_MANUAL_URL, buildMenuTemplate } from '../../src/electron/menu';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule);
const { isAllowedExternalUrl } = await import('../../src/electron/external');

function actions() {
  const log: string[] = [];
  return {
    log,
    actions: {
      openLink: (url: string) => log.push(`link ${url}`),
      openDataFolder: () => log.push('data'),
      openLogsFolder: () => log.push('logs'),
    },
  };
}

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

describe('buildMenuTemplate', () => {
  it('uses the platform roles in the usual order', () => {
    const { actions: a } = actions();
    const mac = buildMenuTemplate({ platform: 'darwin', appName: 'Tikscope', isPackaged: true, actions: a });
    expect(mac.map((m) => m.role)).toEqual(['appMenu', 'fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help']);
    for (const platform of ['win32', 'linux'] as const) {
      const t = buildMenuTemplate({ platform, appName: 'Tikscope', isPackaged: true, actions: a });
      expect(t.map((m) => m.role)).toEqual(['fileMenu', 'editMenu', 'viewMenu', 'windowMenu', 'help']);
      expect(flatten(t).some((i) => i.role === 'quit')).toBe(true);
      expect(flatten(t).some((i) => i.role === 'about')).toBe(true);
    }
  });

  it('gives explicit accelerators with CommandOrControl, unique per platform', () => {
    const { actions: a } = actions();
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const items = flatten(buildMenuTemplate({ platform, appName: 'Tikscope', isPackaged: false, actions: a }));
      const accelerators = items.map((i) => i.accelerator).filter((x): x is string => typeof x === 'string');
      expect(new Set(accelerators).size).toBe(accelerators.length);
      expect(accelerators).toContain('CommandOrControl+R');
      expect(accelerators.filter((x) => /^(Ctrl|Cmd|Command)\+/.test(x))).toEqual([]);
      expect(items.find((i) => i.role === 'toggleDevTools')).toBeDefined();
    }
  });

  it('hides the developer tools in packaged builds', () => {
    const { actions: a } = actions();
    expect(
      flatten(buildMenuTemplate({ platform: 'linux', appName: 'Tikscope', isPackaged: true, actions: a })).some(
        (i) => i.role === 'toggleDevTools',
      ),
    ).toBe(false);
  });

  it('wires the custom items to their actions, with allowlisted links only', () => {
    const { log, actions: a } = actions();
    const items = flatten(buildMenuTemplate({ platform: 'linux', appName: 'Tikscope', isPackaged: true, actions: a }));
    for (const item of items) if (item.click) (item.click as () => void)();
    expect(log).toContain('data');
    expect(log).toContain('logs');
    expect(log).toContain(`link ${API_MANUAL_URL}`);
    for (const entry of log.filter((l) => l.startsWith('link '))) expect(isAllowedExternalUrl(entry.slice(5))).toBe(true);
  });
});
