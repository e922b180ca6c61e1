/**
 * The compact form of the shipped RouterOS command trees (resources/routeros-tree/, written by
 * scripts/make-command-tree.mjs from real `/console/inspect` crawls). This file is the only place
 * that knows that form; everything else asks a `CommandTree`.
 *
 * - a menu or command: an object whose `""` key is its type (`d` dir, `p` path, `c` cmd) and whose
 *   other keys are its children by name;
 * - an argument: `0`, `[syntax]`, `[syntax | 0, values]` or `[syntax | 0, values, reference]`;
 * - a completion value: its text alone (style `none`, preference 96, no description), else
 *   `[text, style, preference, desc?]`.
 */

export type EncodedValue = string | [string, string, number] | [string, string, number, string];
export type EncodedArg = 0 | [string | 0] | [string | 0, EncodedValue[]] | [string | 0, EncodedValue[], string];
export interface EncodedNode {
  '': 'd' | 'p' | 'c';
  [name: string]: EncodedNode | EncodedArg | string;
}
export type EncodedChild = EncodedNode | EncodedArg;

/** One version's differences from the base (paths are `/ip/address/add/address`). */
export interface EncodedDiff {
  version: string;
  removed: string[];
  added: [parentPath: string, name: string, node: EncodedChild][];
  syntax: [argPath: string, syntax: string | 0][];
}

/** `index.json`: which versions exist and which file holds each. */
export interface EncodedIndex {
  format: 1;
  source: string;
  base: string;
  versions: string[];
  files: Record<string, string>;
}

export function isNode(child: EncodedChild | string | undefined): child is EncodedNode {
  return typeof child === 'object' && child !== null && !Array.isArray(child);
}

export function isArg(child: EncodedChild | string | undefined): child is EncodedArg {
  return child === 0 || Array.isArray(child);
}

/** Throws a message naming what is wrong when `data` is not an index this reader understands. */
export function checkIndex(data: unknown): EncodedIndex {
  const d = data as Partial<EncodedIndex> | null;
  if (!d || typeof d !== 'object') throw new Error('command tree index: not a JSON object');
  if (d.format !== 1) throw new Error(`command tree index: format ${String(d.format)} is not 1`);
  if (typeof d.base !== 'string' || !Array.isArray(d.versions) || typeof d.files !== 'object' || !d.files) {
    throw new Error('command tree index: base, versions and files are required');
  }
  for (const v of d.versions) {
    if (typeof v !== 'string' || typeof d.files[v] !== 'string') {
      throw new Error(`command tree index: no file for version ${String(v)}`);
    }
  }
  return d as EncodedIndex;
}

export function checkRoot(data: unknown, what: string): EncodedNode {
  if (!isNode(data as EncodedChild) || (data as EncodedNode)[''] !== 'p') {
    throw new Error(`${what}: not a command tree root`);
  }
  return data as EncodedNode;
}

export function checkDiff(data: unknown, what: string): EncodedDiff {
  const d = data as Partial<EncodedDiff> | null;
  if (!d || typeof d !== 'object' || !Array.isArray(d.removed) || !Array.isArray(d.added) || !Array.isArray(d.syntax)) {
    throw new Error(`${what}: not a command tree difference (removed, added, syntax)`);
  }
  return d as EncodedDiff;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/**
 * The base with one version's differences applied. Nodes off the changed paths are shared with the
 * base (copy on write), so six versions cost little more than one.
 */
export function applyDiff(base: EncodedNode, diff: EncodedDiff): EncodedNode {
  const root: EncodedNode = { ...base };
  const copied = new Set<EncodedNode>([root]);
  const writable = (path: string[]): EncodedNode | undefined => {
    let node = root;
    for (const name of path) {
      const child = node[name];
      if (!isNode(child as EncodedChild)) return undefined;
      let next = child as EncodedNode;
      if (!copied.has(next)) {
        next = { ...next };
        copied.add(next);
        node[name] = next;
      }
      node = next;
    }
    return node;
  };
  for (const path of diff.removed) {
    const s = segments(path);
    const parent = writable(s.slice(0, -1));
    if (parent) delete parent[s[s.length - 1]!];
  }
  for (const [parentPath, name, child] of diff.added) {
    const parent = writable(segments(parentPath));
    if (parent) parent[name] = child;
  }
  for (const [path, syntax] of diff.syntax) {
    const s = segments(path);
    const parent = writable(s.slice(0, -1));
    const last = s[s.length - 1]!;
    const arg = parent?.[last] as EncodedChild | undefined;
    if (!parent || !isArg(arg)) continue;
    // The other crawls carry no completions: the base's values stay with the argument.
    const rest = Array.isArray(arg) ? arg.slice(1) : [];
    parent[last] = (rest.length > 0 ? [syntax, ...rest] : syntax === 0 ? 0 : [syntax]) as EncodedArg;
  }
  return root;
}
