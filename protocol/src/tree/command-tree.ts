/**
 * The RouterOS command tree of one version, read from the shipped compact form (encoding.ts): the
 * one reader the simulator (its menus and `/console/inspect` answers) and the services (completion
 * without inspect, forms, version comparison) share. Pure: no Node, no DOM.
 */
import {
  applyDiff,
  checkDiff,
  checkIndex,
  checkRoot,
  isArg,
  isNode,
  type EncodedArg,
  type EncodedChild,
  type EncodedIndex,
  type EncodedNode,
  type EncodedValue,
} from './encoding';
import { syntaxKind, type SyntaxKind } from './syntax';
import type { CompletionEntry, TreeNodeType } from './types';

export interface TreeArg {
  name: string;
  /** The syntax line RouterOS shows (`A.B.C.D    (IP address)`); absent when the crawl had none. */
  syntax?: string;
  /** Static values; names of the crawled router's own objects are not among them. */
  completions: readonly CompletionEntry[];
  /** The values are names of the router's interfaces (plus the static ones above). */
  references?: 'interface';
  kind: SyntaxKind;
}

export interface TreeChild {
  name: string;
  type: TreeNodeType;
}

const TYPE_OF: Record<EncodedNode[''], TreeNodeType> = { d: 'dir', p: 'path', c: 'cmd' };

/** `/ip/address`, `ip/address`, `/ip address` and `["ip","address"]` name the same node. */
export function treeSegments(path: string | readonly string[]): string[] {
  if (typeof path !== 'string') return path.filter((s) => s !== '');
  return path.split(/[/\s]+/).filter((s) => s !== '');
}

export function treePath(segments: readonly string[]): string {
  return `/${segments.join('/')}`;
}

/**
 * Real routers list children alphabetically, menus and commands mixed, with `export` and
 * `recursive-print` last (routeros-inspect README, "Known shape facts").
 */
const LAST = ['export', 'recursive-print'];
function inspectOrder(a: string, b: string): number {
  const la = LAST.indexOf(a);
  const lb = LAST.indexOf(b);
  if (la !== lb) return la === -1 ? -1 : lb === -1 ? 1 : la - lb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function decodeValue(v: EncodedValue): CompletionEntry {
  if (typeof v === 'string') return { value: v, style: 'none', preference: 96 };
  const entry: CompletionEntry = { value: v[0], style: v[1], preference: v[2] };
  if (v.length === 4) entry.desc = v[3];
  return entry;
}

function decodeArg(name: string, a: EncodedArg): TreeArg {
  const syntax = Array.isArray(a) && typeof a[0] === 'string' ? a[0] : undefined;
  const completions = Array.isArray(a) && a.length > 1 ? (a[1] as EncodedValue[]).map(decodeValue) : [];
  const references = Array.isArray(a) && a.length > 2 && a[2] === 'interface' ? ('interface' as const) : undefined;
  return {
    name,
    ...(syntax !== undefined ? { syntax } : {}),
    completions,
    ...(references ? { references } : {}),
    kind: syntaxKind(syntax, completions),
  };
}

export class CommandTree {
  /** Decoded arguments by path: a form or a validation asks for the same few again and again. */
  private readonly args = new Map<string, TreeArg>();

  constructor(
    readonly version: string,
    private readonly root: EncodedNode,
    /** The version whose crawl the completions come from (only one crawl asked for them). */
    readonly completionsFrom: string,
  ) {}

  private find(path: string | readonly string[]): EncodedChild | undefined {
    let node: EncodedChild = this.root;
    for (const name of treeSegments(path)) {
      if (!isNode(node) || name === '') return undefined;
      const child: EncodedChild | string | undefined = node[name];
      if (child === undefined || typeof child === 'string') return undefined;
      node = child;
    }
    return node;
  }

  has(path: string | readonly string[]): boolean {
    return this.find(path) !== undefined;
  }

  type(path: string | readonly string[]): TreeNodeType | undefined {
    const n = this.find(path);
    if (n === undefined) return undefined;
    return isNode(n) ? TYPE_OF[n['']] : 'arg';
  }

  /** Children in the order real routers list them; empty for an argument or an unknown path. */
  children(path: string | readonly string[]): TreeChild[] {
    const n = this.find(path);
    if (!isNode(n)) return [];
    const out: TreeChild[] = [];
    for (const name of Object.keys(n).sort(inspectOrder)) {
      if (name === '') continue;
      const c = n[name] as EncodedChild;
      out.push({ name, type: isNode(c) ? TYPE_OF[c['']] : 'arg' });
    }
    return out;
  }

  /** Every menu (`dir` and `path` nodes), depth first in inspect order, e.g. `/ip/address`. */
  menus(): string[] {
    const out: string[] = [];
    const walk = (segments: string[]): void => {
      for (const c of this.children(segments)) {
        if (c.type === 'dir' || c.type === 'path') {
          const s = [...segments, c.name];
          out.push(treePath(s));
          walk(s);
        }
      }
    };
    walk([]);
    return out;
  }

  /** The commands of a menu, in inspect order. */
  commands(menuPath: string | readonly string[]): string[] {
    return this.children(menuPath)
      .filter((c) => c.type === 'cmd')
      .map((c) => c.name);
  }

  /** The arguments of a command (`/ip/address/add`), in inspect order. */
  argsOf(commandPath: string | readonly string[]): TreeArg[] {
    const segments = treeSegments(commandPath);
    const n = this.find(segments);
    if (!isNode(n) || n[''] !== 'c') return [];
    return this.children(segments).map((c) => this.arg(segments, c.name)!);
  }

  arg(commandPath: string | readonly string[], name: string): TreeArg | undefined {
    const segments = treeSegments(commandPath);
    const key = `${treePath(segments)}/${name}`;
    const cached = this.args.get(key);
    if (cached) return cached;
    const cmd = this.find(segments);
    if (!isNode(cmd) || cmd[''] !== 'c') return undefined;
    const a = cmd[name] as EncodedChild | string | undefined;
    if (!isArg(a)) return undefined;
    const decoded = decodeArg(name, a);
    this.args.set(key, decoded);
    return decoded;
  }
}

/** Numeric version parts; `6.49.13` → [6, 49, 13]. Throws on anything else, naming it. */
export function parseVersion(version: string): [number, number, number] {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m) throw new Error(`not a RouterOS version: ${JSON.stringify(version)} (expected e.g. 7.16 or 7.22.3)`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/**
 * The shipped version closest to `wanted`: the nearest minor release (a tie goes to the older, whose
 * menus the wanted version surely has); below the oldest (RouterOS 6, 7.0–7.11), the oldest.
 */
export function nearestTreeVersion(shipped: readonly string[], wanted: string): string {
  if (shipped.length === 0) throw new Error('no command trees shipped');
  const sorted = [...shipped].sort(compareVersions);
  const w = parseVersion(wanted);
  const oldest = sorted[0]!;
  if (compareVersions(wanted, oldest) <= 0) return oldest;
  const exact = sorted.find((v) => compareVersions(v, wanted) === 0);
  if (exact) return exact;
  // Distance in minor releases; the patch level only decides between trees of the same minor.
  const score = (v: string): [number, number] => {
    const p = parseVersion(v);
    return [Math.abs((p[0] - w[0]) * 1000 + (p[1] - w[1])), Math.abs(p[2] - w[2])];
  };
  let best = oldest;
  for (const v of sorted) {
    const [a, b] = score(v);
    const [x, y] = score(best);
    // Ascending order with a strict comparison: on a tie the older tree stays.
    if (a < x || (a === 0 && x === 0 && b < y)) best = v;
  }
  return best;
}

/** A change between two versions, for upgrade planning ("Compare versions"). */
export interface TreeChange {
  change: 'added' | 'removed' | 'changed';
  path: string;
  type: TreeNodeType;
  /** For `changed`: the syntax line before and after. */
  before?: string;
  after?: string;
}

/**
 * What `to` has that `from` lacks (added), the other way round (removed), and arguments whose
 * syntax changed, under `under` (default the whole tree). An added or removed menu is one change,
 * not one per node beneath it.
 */
export function compareTrees(from: CommandTree, to: CommandTree, under = '/'): TreeChange[] {
  const out: TreeChange[] = [];
  const start = treeSegments(under);
  const walk = (segments: string[]): void => {
    const a = new Map(from.children(segments).map((c) => [c.name, c.type]));
    const b = new Map(to.children(segments).map((c) => [c.name, c.type]));
    const names = [...new Set([...a.keys(), ...b.keys()])].sort(inspectOrder);
    for (const name of names) {
      const s = [...segments, name];
      const ta = a.get(name);
      const tb = b.get(name);
      if (ta === undefined) out.push({ change: 'added', path: treePath(s), type: tb! });
      else if (tb === undefined) out.push({ change: 'removed', path: treePath(s), type: ta });
      else if (ta !== tb && (ta === 'arg' || tb === 'arg' || ta === 'cmd' || tb === 'cmd')) {
        out.push({ change: 'removed', path: treePath(s), type: ta }, { change: 'added', path: treePath(s), type: tb });
      } else if (ta === 'arg') {
        const x = from.arg(segments, name)?.syntax;
        const y = to.arg(segments, name)?.syntax;
        if (x !== y) {
          out.push({
            change: 'changed',
            path: treePath(s),
            type: 'arg',
            ...(x !== undefined ? { before: x } : {}),
            ...(y !== undefined ? { after: y } : {}),
          });
        }
      } else walk(s);
    }
  };
  if (from.has(start) || to.has(start)) {
    if (!from.has(start)) out.push({ change: 'added', path: treePath(start), type: to.type(start)! });
    else if (!to.has(start)) out.push({ change: 'removed', path: treePath(start), type: from.type(start)! });
    else walk(start);
  }
  return out;
}

/** The shipped versions, each built on first use from the base and its differences. */
export class CommandTreeSet {
  readonly versions: readonly string[];
  readonly base: string;
  readonly source: string;
  private readonly trees = new Map<string, CommandTree>();
  private baseRoot: EncodedNode | undefined;

  /** `read(file)` returns the parsed JSON of a file named in the index (the caller does I/O). */
  constructor(
    index: unknown,
    private readonly read: (file: string) => unknown,
  ) {
    const i: EncodedIndex = checkIndex(index);
    this.index = i;
    this.versions = [...i.versions].sort(compareVersions);
    this.base = i.base;
    this.source = i.source;
  }
  private readonly index: EncodedIndex;

  private root(): EncodedNode {
    this.baseRoot ??= checkRoot(this.read(this.index.files[this.base]!), this.index.files[this.base]!);
    return this.baseRoot;
  }

  /** Exactly this shipped version; throws naming the shipped ones otherwise. */
  get(version: string): CommandTree {
    const known =
      this.versions.find((v) => compareVersions(v, version) === 0 && v.split('.').length === version.split('.').length) ??
      this.versions.find((v) => v === version);
    if (!known) throw new Error(`no shipped command tree for RouterOS ${version} (shipped: ${this.versions.join(', ')})`);
    let tree = this.trees.get(known);
    if (!tree) {
      const file = this.index.files[known]!;
      const root = known === this.base ? this.root() : applyDiff(this.root(), checkDiff(this.read(file), file));
      tree = new CommandTree(known, root, this.base);
      this.trees.set(known, tree);
    }
    return tree;
  }

  /** The shipped tree nearest `version` (nearestTreeVersion). */
  nearest(version: string): CommandTree {
    return this.get(nearestTreeVersion(this.versions, version));
  }
}
