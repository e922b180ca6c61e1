/** Completion from the router's own /console/inspect (`complete:*`, landscape.md §4.1). */

/** What an inspect node is: a directory, a menu (has items), a command, or a command's argument. */
export type CompletionNodeKind = 'dir' | 'path' | 'cmd' | 'arg';

export interface CompletionNode {
  name: string;
  kind: CompletionNodeKind;
  /** The router's one-line explanation (`request=syntax`), when it gave one. */
  description?: string;
}

export interface CompleteChildrenArgs {
  connectionId: string;
  /** Path segments, e.g. `['ip', 'firewall', 'filter', 'add']`; `[]` is the root. */
  path: string[];
}

export interface CompletionChildren {
  /**
   * False when the router cannot be asked (no /console/inspect, empty answers, or a time-out not
   * long ago): the console then works without router completion. Never an error.
   */
  available: boolean;
  /** Why it is unavailable, in words (a quiet hint, not an alert). */
  reason?: string;
  /** What `path` itself is; undefined when the router does not know the path. */
  kind?: CompletionNodeKind;
  nodes: CompletionNode[];
  /** RouterOS version the answer belongs to (the cache key). */
  version: string;
  /** Answered from the per-version cache without asking the router. */
  cached: boolean;
  /**
   * Set when the router could not be inspected (`reason` says why) and the answer comes from the
   * shipped RouterOS command tree of this version instead (the one nearest the router's version).
   * The window says so: "from the RouterOS 7.12 command tree, not from this router".
   */
  fromTree?: string;
}

export interface CompleteValuesArgs {
  connectionId: string;
  /** Path of the command, e.g. `['ip', 'firewall', 'filter', 'add']`. */
  path: string[];
  /** The argument whose values are wanted, e.g. `action`. */
  argument: string;
}

export interface CompletionValues {
  available: boolean;
  reason?: string;
  values: string[];
  /**
   * Always true when the values came from `request=completion`: over the native API it silently
   * drops entries (landscape.md §4.1 caveat 1), so the list is never presented as complete.
   */
  mayBeIncomplete: boolean;
  /** As for CompletionChildren: static values of the shipped tree, the router being unavailable. */
  fromTree?: string;
}

/** `tree:compare`: what changed between two shipped RouterOS command trees (upgrade planning). */
export interface TreeCompareArgs {
  /** Defaults come from this router: its version's nearest tree against the newest. */
  connectionId?: string;
  /** A shipped version (`7.12.2`); default the tree nearest the router's version, else the oldest. */
  from?: string;
  /** A shipped version; default the newest. */
  to?: string;
  /** Only under this menu, e.g. `['ip', 'firewall']`; default the whole tree. */
  path?: string[];
}

export interface TreeChangeEntry {
  change: 'added' | 'removed' | 'changed';
  /** `/ip/firewall/filter/add/src-address-type` */
  path: string;
  kind: CompletionNodeKind;
  /** For `changed` (an argument's syntax line): before and after. */
  before?: string;
  after?: string;
}

export interface TreeComparison {
  /** Every shipped version, oldest first. */
  versions: string[];
  from: string;
  to: string;
  /** The router's own version, when a router was named (the "from" default is nearest it). */
  routerVersion?: string;
  path: string[];
  changes: TreeChangeEntry[];
  /** More changes than the window is sent (LIMITS.treeChanges); narrow the path. */
  truncated: boolean;
}
