/**
 * The cross-router table diff (`diff:fetch`): one print per router; matching and highlighting
 * happen in the window.
 */
import type { BridgeError } from './base';
import type { Row } from './tables';

export interface DiffFetchArgs {
  /** Two to twenty routers. */
  connectionIds: string[];
  /** Menu path in API form, e.g. `/ip/address`. */
  path: string;
  /** Query words for the print (`?disabled=false`). */
  query?: string[];
  /** `.proplist` properties; empty for all. */
  proplist?: string[];
  /** Per router print time limit (default 30). */
  timeoutSeconds?: number;
}

export interface DiffRouterRows {
  connectionId: string;
  name: string;
  identity?: string;
  version?: string;
  outcome: 'done' | 'trap' | 'fatal' | 'outcome-unknown' | 'not-connected' | 'timeout' | 'failed';
  /** The `!re` rows as printed (`.id` included; the window never matches on it). */
  rows: Row[];
  /** More rows than the cap: the print was cancelled and only the first rows are here. */
  truncated: boolean;
  elapsedMs: number;
  error?: BridgeError;
}

export interface DiffFetchResult {
  path: string;
  query: string[];
  proplist: string[];
  /** Epoch ms. */
  fetchedAt: number;
  /** Rows kept per router at most. */
  rowCap: number;
  routers: DiffRouterRows[];
}
