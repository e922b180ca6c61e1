/**
 * `/console/inspect`, answered from the real RouterOS command tree of the emulated version
 * (tree.ts; resources/routeros-tree) the way real routers answer it (issue 13; shapes as captured
 * by tikoci/lsp-routeros-ts docs/inspect-shapes.md and the routeros-inspect README):
 *
 * - `=request=child =path=ip,address` → a `self` row, then one row per child: `name`, `node-type`
 *   (`dir` for menus with items, `path` for the few groupings, `cmd`, `arg`), `type=child`; children
 *   alphabetically with `export` and `recursive-print` last. An unknown path is an empty result.
 *   API-only commands (`getall`, `listen`) work but are not listed, as on real routers.
 * - `=request=syntax` → a `collection` row and one `explanation` row per child, or a `definition`
 *   row with the syntax line for an argument (`A.B.C.D    (IP address)`).
 * - `=request=completion` → values of an argument (static values from the tree, the router's own
 *   interface names where the argument takes them; yes/no as `no`, `yes` with style `arg`), for a
 *   `path` that names the argument or for console `input` such as `/ip address add interface=`.
 *
 * `InspectMode` makes it misbehave for fallback tests: missing, empty, or never answering; and
 * `drops` loses completion rows at random, as 7.22.1 does over the native API — never when the
 * request carries a `.proplist` naming `completion`, the workaround real routers honour.
 */
import type { CommandTree, TreeArg } from '../../protocol/src/tree/index';
import { CommandError, type CommandContext, type Pairs, type RouterModel } from './model';
import type { Rng } from './rng';
import { T } from './types';

export type InspectMode = 'normal' | 'disabled' | 'empty' | 'stall';
export const INSPECT_MODES: readonly InspectMode[] = ['normal', 'disabled', 'empty', 'stall'];
export const INSPECT_REQUESTS = ['self', 'child', 'completion', 'highlight', 'syntax', 'error'] as const;

export interface InspectOptions {
  /** Read at every call, so tests can switch it live. */
  mode(): InspectMode;
  /** Probability (0..1) that a completion row is dropped (`--inspect-drops`). */
  drops(): number;
  rng: Rng;
}

function childRow(name: string, nodeType: string, type: 'self' | 'child'): Pairs {
  return [
    ['name', name],
    ['node-type', nodeType],
    ['type', type],
  ];
}

function childRows(tree: CommandTree, segments: readonly string[]): Pairs[] {
  // The root's own type is not in the crawls; `dir`, as the simulator always answered.
  const type = segments.length === 0 ? 'dir' : tree.type(segments);
  if (type === undefined) return [];
  const rows: Pairs[] = [childRow(segments[segments.length - 1] ?? '', type, 'self')];
  for (const c of tree.children(segments)) rows.push(childRow(c.name, c.type, 'child'));
  return rows;
}

function syntaxRow(symbol: string, symbolType: string, text: string, nested: number): Pairs {
  return [
    ['symbol', symbol],
    ['symbol-type', symbolType],
    ['nested', String(nested)],
    ['nonorm', symbolType === 'collection' ? 'true' : 'false'],
    ['text', text],
    ['type', 'syntax'],
  ];
}

function syntaxRows(tree: CommandTree, segments: readonly string[]): Pairs[] {
  const type = segments.length === 0 ? 'path' : tree.type(segments);
  if (type === undefined) return [];
  if (type === 'arg') {
    const arg = tree.arg(segments.slice(0, -1), segments[segments.length - 1]!);
    return [syntaxRow(arg?.name ?? '', 'definition', arg?.syntax ?? '', 0)];
  }
  const rows: Pairs[] = [syntaxRow('', 'collection', '', 0)];
  for (const c of tree.children(segments)) {
    const text = c.type === 'arg' ? (tree.arg(segments, c.name)?.syntax ?? '') : '';
    rows.push(syntaxRow(c.name, 'explanation', text, 1));
  }
  return rows;
}

function completionRow(completion: string, offset: number, style: string, preference: number, text: string): Pairs {
  return [
    ['completion', completion],
    ['offset', String(offset)],
    ['preference', String(preference)],
    ['show', 'true'],
    ['style', style],
    ['text', text],
    ['type', 'completion'],
  ];
}

/** Names of the router's interfaces, for arguments that take them. */
function interfaceNames(model: RouterModel): string[] {
  if (!model.hasMenu('interface')) return [];
  const menu = model.menu('interface');
  const out: string[] = [];
  for (const item of menu.items()) {
    const name = item.get('name');
    if (name !== undefined) out.push(name);
  }
  return out;
}

/** Values of an argument: its static values, then the router's own names where it takes them. */
function valueRows(model: RouterModel, arg: TreeArg, partial: string, offset: number): Pairs[] {
  const rows: Pairs[] = [];
  const seen = new Set<string>();
  const push = (value: string, style: string, preference: number, text: string): void => {
    if (seen.has(value) || !value.startsWith(partial)) return;
    seen.add(value);
    rows.push(completionRow(value, offset, style, preference, text));
  };
  if (arg.references === 'interface') for (const name of interfaceNames(model)) push(name, 'none', 96, '');
  for (const c of arg.completions) push(c.value, c.style, c.preference, c.desc ?? '');
  return rows;
}

/**
 * Candidates for the last word of a console line (`/ip address add interface=e`, `/ip/fire`):
 * menu and command names, argument names, and values. `start` is the `path` the line is relative to.
 */
function inputRows(model: RouterModel, tree: CommandTree, start: readonly string[], input: string): Pairs[] {
  let at: string[] = input.startsWith('/') ? [] : [...start];
  const words: { text: string; at: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(input); m; m = re.exec(input)) words.push({ text: m[0], at: m.index });
  if (words.length === 0 || /\s$/.test(input)) words.push({ text: '', at: input.length });
  const last = words.pop()!;
  const typeOf = (segments: readonly string[]): string | undefined => (segments.length === 0 ? 'path' : tree.type(segments));
  for (const w of words) {
    if (typeOf(at) === 'cmd') continue; // earlier arguments do not change the candidates
    for (const seg of w.text.split('/').filter((s) => s !== '')) {
      const next = [...at, seg];
      const t = typeOf(next);
      if (t === undefined || t === 'arg') return [];
      at = next;
    }
  }
  const here = typeOf(at);
  if (here === 'cmd') {
    const eq = last.text.indexOf('=');
    if (eq < 0) {
      return tree
        .argsOf(at)
        .filter((a) => a.name.startsWith(last.text))
        .map((a) => completionRow(a.name, last.at, 'arg', 96, a.syntax ?? ''));
    }
    const arg = tree.arg(at, last.text.slice(0, eq));
    return arg ? valueRows(model, arg, last.text.slice(eq + 1), last.at + eq + 1) : [];
  }
  if (here !== 'dir' && here !== 'path') return [];
  // Path completion: complete the part after the last '/'.
  const slash = last.text.lastIndexOf('/');
  let node = at;
  for (const seg of last.text
    .slice(0, slash + 1)
    .split('/')
    .filter((s) => s !== '')) {
    node = [...node, seg];
    const t = typeOf(node);
    if (t !== 'dir' && t !== 'path') return [];
  }
  const partial = last.text.slice(slash + 1);
  const offset = last.at + slash + 1;
  return tree
    .children(node)
    .filter((c) => c.name.startsWith(partial))
    .map((c) => completionRow(c.name, offset, c.type === 'cmd' ? 'cmd' : 'dir', 96, ''));
}

function completionRows(model: RouterModel, tree: CommandTree, segments: readonly string[], input: string | undefined): Pairs[] {
  if ((input === undefined || input === '') && segments.length > 0 && tree.type(segments) === 'arg') {
    const arg = tree.arg(segments.slice(0, -1), segments[segments.length - 1]!);
    return arg ? valueRows(model, arg, '', 0) : [];
  }
  return inputRows(model, tree, segments, input ?? '');
}

/** Registers `/console/inspect` over `tree`. */
export function registerInspect(model: RouterModel, tree: CommandTree, options: InspectOptions): void {
  model.ensureNode('console', 'console settings and inspection');
  model.addCommand('console', {
    name: 'inspect',
    description: 'describe the command tree (child, syntax, completion)',
    // The arguments real routers list (routeros-inspect README), plus the API's `.proplist`.
    args: [
      { name: 'as-value', description: 'return values', flag: true },
      { name: 'input', description: 'console input to complete', type: T.string },
      { name: 'path', description: 'comma-separated path, e.g. ip,address,add', type: T.string },
      { name: 'proplist', description: 'properties to return', type: T.string },
      { name: 'request', description: 'what to describe', type: T.enumOf([...INSPECT_REQUESTS]) },
      { name: 'without-paging', description: 'no paging', flag: true },
      { name: '.proplist', description: 'properties to return', type: T.string },
    ],
    policies: ['read'],
    run: (ctx: CommandContext) => {
      const m = options.mode();
      if (m === 'disabled') {
        throw new CommandError('no such command or directory (console)', 0, [{ message: 'no such command prefix' }]);
      }
      if (m === 'stall') {
        // Never answers; only /cancel (or closing) ends it.
        ctx.out.stream(() => undefined);
        return;
      }
      if (m === 'empty') {
        ctx.out.empty();
        ctx.out.done();
        return;
      }
      const request = ctx.args.get('request') ?? 'child';
      const segments = (ctx.args.get('path') ?? '').split(',').filter((s) => s !== '');
      let rows: Pairs[] = [];
      if (request === 'child') rows = childRows(tree, segments);
      else if (request === 'self') rows = childRows(tree, segments).slice(0, 1);
      else if (request === 'syntax') rows = syntaxRows(tree, segments);
      else if (request === 'completion') {
        rows = completionRows(model, tree, segments, ctx.args.get('input'));
        const proplist = `${ctx.args.get('.proplist') ?? ''},${ctx.args.get('proplist') ?? ''}`.split(',');
        const p = options.drops();
        if (p > 0 && !proplist.includes('completion')) rows = rows.filter(() => options.rng.next() >= p);
      }
      // `highlight` and `error` (console syntax colouring and error position) are accepted and
      // answer nothing: the simulator has no console parser to report on.
      const proplist = ctx.args.get('.proplist');
      for (const row of rows) {
        if (proplist === undefined) ctx.out.re(row);
        else {
          const keep = new Set(proplist.split(','));
          ctx.out.re(row.filter(([k]) => keep.has(k)));
        }
      }
      if (rows.length === 0) ctx.out.empty();
      ctx.out.done();
    },
  });
}
