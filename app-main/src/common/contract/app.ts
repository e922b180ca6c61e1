/**
 * The app itself (`app:*`, `settings:*`, the `app:notice` event): what runs where, the settings,
 * and what a window that (re)loads gets back (issue 11 item 9: main owns consoles and tables; a
 * window that (re)loads asks for what is running and carries on from there).
 */
import type { ConsoleCardSnapshot } from './console';
import type { KeychainInfo } from './keychain';
import type { TableSnapshot } from './tables';
import type { TraceScope } from './traces';

/** Which shell the services run in: the Electron app or the browser host (docs/desktop.md). */
export type AppHost = 'electron' | 'browser';

export interface AppInfo {
  name: string;
  version: string;
  host: AppHost;
  platform: string;
  dataDir: string;
  keychain: KeychainInfo;
}

export type ThemeSetting = 'system' | 'light' | 'dark';

export interface Settings {
  theme: ThemeSetting;
  /** Column choice per menu path, remembered across runs. */
  tableColumns: Record<string, string[]>;
  /**
   * Widths of columns resized by hand, px by column name, per menu path (issue 14). Absent in
   * files written before.
   */
  tableColumnWidths?: Record<string, Record<string, number>>;
  lastSelectedConnectionId?: string;
  /**
   * A live table's print with no reply for this long is cancelled and the table shows "no final
   * reply" (1 to 3600; default 30 when absent; docs/main-process.md, "Live tables").
   */
  tablePrintTimeoutSeconds?: number;
  /** Trace capture scope per connection id; absent: `all`. */
  traceScopes: Record<string, TraceScope>;
  /** Trace ring buffer size per connection, MiB (1–512; default 8). */
  traceBufferMiB: number;
  /** Listen for MNDP neighbour announcements (absent: on; docs/main-process.md, "Neighbour discovery"). */
  mndpListen?: boolean;
  /** UDP port for MNDP (absent: 5678); `npm run web -- --mndp-port N` overrides it for one run. */
  mndpPort?: number;
  /** Configuration snapshot of each connected router every N hours (0 or absent: off; issue 16). */
  snapshotEveryHours?: number;
  /** Snapshot each router before a broadcast write (absent: on). */
  snapshotBeforeWrite?: boolean;
}

export type NoticeLevel = 'info' | 'warning' | 'error';

export interface Notice {
  level: NoticeLevel;
  message: string;
}

export interface AppSnapshot {
  /** Oldest first, per router. */
  consoles: ConsoleCardSnapshot[];
  tables: TableSnapshot[];
}
