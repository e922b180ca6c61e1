/**
 * Configuration history (`history:*`, issue 16): snapshots of a router's configuration kept in the
 * data directory, and diffs between any two of them.
 */

/** How a snapshot was taken. */
export type SnapshotKind =
  /** `/export file=…` read back with `/file/read` (RouterOS ≥ 7.13). */
  | 'export'
  /** Prints of chosen menus, one JSON row per line (routers without `/file/read`). */
  | 'prints';

/** Why a snapshot was taken. */
export type SnapshotTrigger = 'manual' | 'periodic' | 'before-write';

export interface SnapshotMeta {
  /** Unique, file-name safe. */
  id: string;
  connectionId: string;
  /** The saved connection's name when the snapshot was taken. */
  routerName: string;
  identity?: string;
  /** RouterOS version the router reported. */
  version?: string;
  /** Epoch ms. */
  takenAt: number;
  note: string;
  kind: SnapshotKind;
  trigger: SnapshotTrigger;
  /** True when taken with show-sensitive: the text holds passwords and keys. */
  sensitive: boolean;
  /** Size of the text in characters. */
  size: number;
  /** Lines of the text (continuations joined). */
  lines: number;
}

export interface SnapshotTakeArgs {
  connectionId: string;
  note?: string;
  /** Include passwords and keys (the window warns first). Default false. */
  showSensitive?: boolean;
  /** Default `export`; `prints` for routers without `/file/read`. */
  kind?: SnapshotKind;
  /** For `prints`: menu paths in API form (`/ip/address`); default a standard set. */
  menus?: string[];
}

export interface SnapshotDiffArgs {
  /** The older (left) snapshot. */
  a: string;
  /** The newer (right) snapshot; may belong to another router. */
  b: string;
}

export type DiffLineKind = 'same' | 'added' | 'removed';

export interface DiffLine {
  kind: DiffLineKind;
  /** One logical line (a ` \` continuation joined to its line). */
  text: string;
}

/** The lines of one menu (`/ip firewall filter`); `(header)` for what comes before the first menu. */
export interface DiffGroup {
  menu: string;
  added: number;
  removed: number;
  lines: DiffLine[];
}

export interface SnapshotDiff {
  a: SnapshotMeta;
  b: SnapshotMeta;
  added: number;
  removed: number;
  groups: DiffGroup[];
  /** The whole comparison as a unified diff (`diff -u`), for saving. */
  unified: string;
  /** A file name for `unified` (`<a>_<b>.diff`). */
  fileName: string;
}
