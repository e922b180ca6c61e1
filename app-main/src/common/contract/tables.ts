/** Live tables (`table:*`, the `table:patch` event): a menu's rows kept current by print and listen. */
import type { BridgeError } from './base';

/** How a live table keeps its rows current: `listen`, or `follow` (`print =follow=`). */
export type TableMode = 'listen' | 'follow';

export interface TableStartArgs {
  connectionId: string;
  /** Menu path in API form, e.g. `/interface` or `/ip/address`. */
  path: string;
  /** Query words (`?type=ether`, `?#|`) for the initial print and the listen. */
  query?: string[];
  /** `.proplist` properties; empty for all. */
  proplist?: string[];
  /** `listen` (default) or `follow` (`print =follow=`). */
  mode?: TableMode;
  /** Periodic full re-print, for menus that do not report deletions; 0 = never. */
  resyncSeconds?: number;
}

export type Row = Record<string, string>;

export type TableStatus = 'loading' | 'live' | 'resubscribing' | 'stopped' | 'error';

export interface TablePatch {
  tableId: string;
  connectionId: string;
  /** When true, drop every row first (initial load, re-sync, resubscribe). */
  reset: boolean;
  /**
   * Rows added or changed, complete (merged by `.id`), as the text of one JSON array of objects
   * (`Row[]`). Main serialises a row once, when it changes, and sends that text as it is; the
   * renderer parses the array once per patch. Sending objects cost main a structured clone
   * (Electron) or a JSON.stringify (browser host) of every row of every patch, on top of keeping
   * them: about a fifth of the main process's CPU with 20 routers × 2 live tables
   * (docs/benchmarks.md).
   */
  upsertsJson?: string;
  /**
   * The same rows parsed: what a page of the browser host receives instead of `upsertsJson`, whose
   * text the host splices unescaped into its WebSocket frame (host/frames.ts). The renderer accepts
   * either.
   */
  upserts?: Row[];
  /** How many rows the patch holds. */
  upsertCount: number;
  /** `.id`s removed (`.dead=yes`, or gone at re-sync). */
  removes: string[];
  /** Column names in first-seen order, when new ones appeared. */
  columns?: string[];
  /** Rows in the table after this patch. */
  total: number;
  /** Row updates per second, measured over the last second. */
  updatesPerSecond: number;
  status: TableStatus;
  /** Rows received so far during a long initial print (progress). */
  loaded?: number;
  error?: BridgeError;
}

/** A running live table: its arguments and every row, as one `reset` patch. */
export interface TableSnapshot {
  tableId: string;
  connectionId: string;
  path: string;
  query: string[];
  proplist: string[];
  mode: TableMode;
  patch: TablePatch;
}
