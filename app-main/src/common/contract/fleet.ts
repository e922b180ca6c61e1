/** The fleet view (`fleet:*`) and moving saved connections in and out of files (issue 15). */

/**
 * What was last seen of a saved router, kept in the data directory (`fleet.json`, never in the
 * connections file) so that it survives a restart. Fields the router did not tell are absent.
 */
export interface FleetKnown {
  connectionId: string;
  identity?: string;
  version?: string;
  board?: string;
  /** Seconds since boot, as the router reported it at `uptimeAt`. */
  uptimeSeconds?: number;
  /** Epoch ms when `uptimeSeconds` was read. */
  uptimeAt?: number;
  /** CPU load in percent at the last heartbeat. */
  cpuLoad?: number;
  /** Round trip of the last heartbeat (or of the first read after login), ms. */
  latencyMs?: number;
  /** Epoch ms of the last answer from the router. */
  lastSeen?: number;
}

/** `csv` (a header line, one router per line) or `json` (`{ format, version, connections }`). */
export type ConnectionsFileFormat = 'csv' | 'json';

export interface ConnectionsExportArgs {
  format: ConnectionsFileFormat;
  /** Only these connections (in the saved order); all when absent. */
  ids?: string[];
}

export interface ConnectionsFile {
  fileName: string;
  mime: string;
  content: string;
  /** Connections written. */
  count: number;
}

export interface ConnectionsImportArgs {
  fileName: string;
  content: string;
  /** From the file name's extension (`.csv`, `.json`) when absent. */
  format?: ConnectionsFileFormat;
}

export interface ConnectionsImportResult {
  /** The new connections, in the file's order. */
  imported: string[];
  /** Entries equal to a saved connection (same name, host, port and user): not added twice. */
  skipped: number;
}
