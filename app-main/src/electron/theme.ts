/**
 * The window theme follows the OS unless the user picked one (engineering-notes §7, "Theme").
 * `nativeTheme.themeSource` drives `prefers-color-scheme` in the renderer and the native chrome.
 */
import type { BridgeHandlers, Settings, ThemeSetting } from '../common/contract';

export function themeSourceFor(setting: unknown): ThemeSetting {
  return setting === 'light' || setting === 'dark' ? setting : 'system';
}

/**
 * Wraps the settings handlers so every settings read or write also applies the theme — the one
 * place the shell reacts to settings, without the services knowing about Electron.
 */
export function withThemeFollowing(handlers: BridgeHandlers, apply: (theme: ThemeSetting) => void): BridgeHandlers {
  const follow = (settings: Settings) => {
    apply(themeSourceFor(settings.theme));
    return settings;
  };
  return {
    ...handlers,
    'settings:get': async (args) => follow(await handlers['settings:get'](args)),
    'settings:set': async (args) => follow(await handlers['settings:set'](args)),
  };
}
