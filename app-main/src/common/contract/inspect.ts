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
}
