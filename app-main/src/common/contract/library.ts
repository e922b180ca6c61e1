/**
 * The command library (`library:*`): saved commands with `{{variables}}`, one JSON file per command
 * in `<dataDir>/library/` (docs/library.md), run on routers through the broadcast machinery.
 */
import type { BroadcastWaves } from './broadcast';

/** A variable a command declares: `{{name}}` in its sentences, with an optional default. */
export interface LibraryVariable {
  /** Letters, digits, `_`, `.` and `-`, starting with a letter or `_`. Not a per-router name (identity, version, name, host). */
  name: string;
  default?: string;
  description?: string;
}

/** What the form (or an imported file) gives; `writes` and the id are worked out by main. */
export interface LibraryCommandInput {
  name: string;
  description?: string;
  /** One or more sentences, each a list of words; run one after another on each router. */
  sentences: string[][];
  variables?: LibraryVariable[];
}

export interface LibraryCommand {
  /** The file name without `.json`: lower-case letters, digits and `-`. */
  id: string;
  name: string;
  description: string;
  sentences: string[][];
  /**
   * Declared variables first (in their order), then every other `{{name}}` the sentences use
   * (without a default), per-router names left out.
   */
  variables: LibraryVariable[];
  /** Derived from the command classes (command-class.ts): true when any sentence is not read-only. */
  writes: boolean;
  /** Why, in words (the first sentence that writes, or "only reads"). */
  writesReason: string;
  /** The file in the data directory (its base name). */
  fileName: string;
  /** File modification time, ISO 8601. */
  updatedAt: string;
}

/** A file of the library directory (or of an import) that could not be used; it is left where it is. */
export interface LibraryProblem {
  fileName: string;
  reason: string;
}

export interface LibrarySnapshot {
  commands: LibraryCommand[];
  problems: LibraryProblem[];
  /** The library directory, for a team that keeps it in git. */
  directory: string;
}

export interface LibraryFile {
  fileName: string;
  content: string;
}

export interface LibraryImportResult {
  /** Ids imported, in file order. */
  imported: string[];
  /** Of those, ids that replaced a command already in the library. */
  replaced: string[];
}

/** Values the run form gives; an empty or absent one falls back to the connection's value, then the default. */
export interface LibraryRunTarget {
  /** The library command's id. */
  id: string;
  connectionIds: string[];
  values?: Record<string, string>;
}

export interface LibraryPreviewRouter {
  connectionId: string;
  name: string;
  /** The sentences exactly as they will be sent to this router; absent when a variable has no value. */
  sentences?: string[][];
  /** Why this router cannot run it (a missing variable, named). */
  error?: string;
}

export interface LibraryPreview {
  id: string;
  routers: LibraryPreviewRouter[];
  /** True when a filled sentence for any router is not read-only (the run needs a confirmation). */
  writes: boolean;
}

export interface LibraryRunArgs extends LibraryRunTarget {
  confirmed?: boolean;
  stopOnFirstError?: boolean;
  timeoutSeconds?: number;
  broadcastId?: string;
  waves?: BroadcastWaves;
}
