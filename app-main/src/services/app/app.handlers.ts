import type { AppInfo, BridgeHandlers } from '../../common/contract';
import type { ConsoleCards } from '../console/console-cards';
import type { CredentialStore } from '../secrets/secrets';
import type { LiveTables } from '../tables/live-tables';
import type { SettingsStore } from './settings';

export type AppCalls = 'app:info' | 'app:snapshot' | 'settings:get' | 'settings:set';

const APP_NAME = 'Tikscope';

export function appHandlers(deps: {
  info: Omit<AppInfo, 'name' | 'keychain'>;
  credentialStore: CredentialStore;
  settings: SettingsStore;
  /** Settings that apply at once (the trace scopes and buffer size, the MNDP listener). */
  applySettings: () => void | Promise<void>;
  consoleCards: ConsoleCards;
  tables: LiveTables;
  checkAlive: () => void;
}): Pick<BridgeHandlers, AppCalls> {
  const { settings, checkAlive } = deps;
  return {
    'app:info': async () => {
      const status = await deps.credentialStore.status();
      const keychain: AppInfo['keychain'] = { available: status.available };
      if (status.reason) keychain.reason = status.reason;
      if (status.hint) keychain.hint = status.hint;
      const { version, host, platform, dataDir } = deps.info;
      return { name: APP_NAME, version, host, platform, dataDir, keychain };
    },
    'app:snapshot': async () => ({
      consoles: deps.consoleCards.snapshot(),
      tables: deps.tables.snapshots(),
    }),
    'settings:get': async () => settings.get(),
    'settings:set': async (args) => {
      checkAlive();
      const next = await settings.set(args);
      await deps.applySettings();
      return next;
    },
  };
}
