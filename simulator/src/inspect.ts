/**
 * `/console/inspect` over the simulator's own command tree (landscape.md §4.1; shapes as captured
 * by tikoci/lsp-routeros-ts docs/inspect-shapes.md):
 *
 * - `=request=child =path=ip,address` → rows `name`, `node-type` (dir | path | cmd | arg),
 *   `type` (self | child); a path that does not exist gives an empty result, not a trap.
 * - `=request=syntax` → a `collection` row and one `explanation` row per argument of a command
 *   (per child of a menu), or a `definition` row for an argument.
 * - `=request=completion` → candidate rows for the last word of `=input=`.
 *
 * `InspectMode` makes it misbehave for fallback tests: missing, empty, or never answering.
 */
import {
  CommandError,
  type ArgSpec,
  type CommandContext,
  type CommandSpec,
  type Pairs,
  type RouterModel,
  type TreeNode,
} from './model';
import { describeType, T } from './types';

export type InspectMode = 'normal' | 'disabled' | 'empty' | 'stall';
export const INSPECT_MODES: readonly InspectMode[] = ['normal', 'disabled', 'empty', 'stall'];

type Resolved =
  | { kind: 'dir' | 'path'; name: string; node: TreeNode }
  | { kind: 'cmd'; name: string; node: TreeNode; spec: CommandSpec }
  | { kind: 'arg'; name: string; spec: CommandSpec; arg: ArgSpec };

/** Walks `ip,address,add,address` through the tree; undefined when any segment is unknown. */
function resolve(
  root: TreeNode,
  segments: readonly string[],
  hidden: (node: TreeNode, name: string) => boolean,
): Resolved | undefined {
  let cur: Resolved = { kind: 'dir', name: '', node: root };
  for (const seg of segments) {
    if (cur.kind === 'dir' || cur.kind === 'path') {
      const child = cur.node.children.get(seg);
      if (child && !hidden(cur.node, seg)) {
        cur = { kind: child.menu ? 'path' : 'dir', name: seg, node: child };
        continue;
      }
      const spec = cur.node.commands.get(seg);
      if (!spec) return undefined;
      cur = { kind: 'cmd', name: seg, node: cur.node, spec };
    } else if (cur.kind === 'cmd') {
      const arg: ArgSpec | undefined = cur.spec.args.find((a) => a.name === seg);
      if (!arg) return undefined;
      cur = { kind: 'arg', name: seg, spec: cur.spec, arg };
    } else return undefined;
  }
  return cur;
}

function childRows(r: Resolved, hidden: (node: TreeNode, name: string) => boolean): Pairs[] {
  const rows: Pairs[] = [
    [
      ['name', r.name],
      ['node-type', r.kind],
      ['type', 'self'],
    ],
  ];
  if (r.kind === 'dir' || r.kind === 'path') {
    for (const [name, child] of r.node.children) {
      if (hidden(r.node, name)) continue;
      rows.push([
        ['name', name],
        ['node-type', child.menu ? 'path' : 'dir'],
        ['type', 'child'],
      ]);
    }
    for (const name of r.node.commands.keys())
      rows.push([
        ['name', name],
        ['node-type', 'cmd'],
        ['type', 'child'],
      ]);
  } else if (r.kind === 'cmd') {
    for (const a of r.spec.args)
      rows.push([
        ['name', a.name],
        ['node-type', 'arg'],
        ['type', 'child'],
      ]);
  }
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

function syntaxRows(r: Resolved, hidden: (node: TreeNode, name: string) => boolean): Pairs[] {
  if (r.kind === 'arg') {
    // Enumerations live in completion, not in syntax (inspect-shapes.md §3).
    const text = r.arg.flag ? '' : r.arg.type && r.arg.type.kind !== 'enum' ? describeType(r.arg.type) : '';
    return [syntaxRow(r.name, 'definition', text, 0)];
  }
  const rows: Pairs[] = [syntaxRow('', 'collection', '', 0)];
  if (r.kind === 'cmd') {
    for (const a of r.spec.args) rows.push(syntaxRow(a.name, 'explanation', a.description, 1));
  } else {
    for (const [name, child] of r.node.children)
      if (!hidden(r.node, name)) rows.push(syntaxRow(name, 'explanation', child.description, 1));
    for (const [name, spec] of r.node.commands) rows.push(syntaxRow(name, 'explanation', spec.description, 1));
  }
  return rows;
}

function completionRow(completion: string, offset: number, style: string, text: string): Pairs {
  return [
    ['completion', completion],
    ['offset', String(offset)],
    ['preference', '96'],
    ['show', 'true'],
    ['style', style],
    ['text', text],
    ['type', 'completion'],
  ];
}

/**
 * Candidates for the last word of a console line such as `/ip/address/add interface=e`: menu
 * and command names, argument names, and values (enumerations, booleans, live item names).
 */
function completionRows(
  model: RouterModel,
  start: Resolved,
  input: string,
  hidden: (node: TreeNode, name: string) => boolean,
): Pairs[] {
  let cur: Resolved | undefined = start;
  if (input.startsWith('/')) cur = { kind: 'dir', name: '', node: model.root };
  // Split into words, remembering where each starts.
  const words: { text: string; at: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(input); m; m = re.exec(input)) words.push({ text: m[0], at: m.index });
  if (words.length === 0 || /\s$/.test(input)) words.push({ text: '', at: input.length });
  const last = words.pop()!;
  for (const w of words) {
    if (!cur) return [];
    if (cur.kind === 'cmd') continue; // earlier arguments do not change the candidates
    for (const seg of w.text.split('/').filter((s) => s !== '')) {
      cur = cur && (cur.kind === 'dir' || cur.kind === 'path') ? resolveStep(cur, seg, hidden) : undefined;
    }
  }
  if (!cur) return [];
  const rows: Pairs[] = [];
  if (cur.kind === 'cmd') {
    const eq = last.text.indexOf('=');
    if (eq < 0) {
      for (const a of cur.spec.args)
        if (a.name.startsWith(last.text)) rows.push(completionRow(a.name, last.at, 'arg', a.description));
      return rows;
    }
    const arg = cur.spec.args.find((a) => a.name === last.text.slice(0, eq));
    if (!arg) return rows;
    const partial = last.text.slice(eq + 1);
    const at = last.at + eq + 1;
    for (const v of valuesOf(model, arg)) if (v.startsWith(partial)) rows.push(completionRow(v, at, 'none', arg.description));
    return rows;
  }
  if (cur.kind !== 'dir' && cur.kind !== 'path') return rows;
  // Path completion: complete the part after the last '/'.
  const slash = last.text.lastIndexOf('/');
  let node: Resolved | undefined = cur;
  for (const seg of last.text
    .slice(0, slash + 1)
    .split('/')
    .filter((s) => s !== '')) {
    node = node && (node.kind === 'dir' || node.kind === 'path') ? resolveStep(node, seg, hidden) : undefined;
  }
  if (!node || (node.kind !== 'dir' && node.kind !== 'path')) return rows;
  const partial = last.text.slice(slash + 1);
  const at = last.at + slash + 1;
  for (const [name, child] of node.node.children) {
    if (!hidden(node.node, name) && name.startsWith(partial)) rows.push(completionRow(name, at, 'dir', child.description));
  }
  for (const [name, spec] of node.node.commands)
    if (name.startsWith(partial)) rows.push(completionRow(name, at, 'cmd', spec.description));
  return rows;
}

function resolveStep(
  cur: Resolved & { node: TreeNode },
  seg: string,
  hidden: (node: TreeNode, name: string) => boolean,
): Resolved | undefined {
  const child = cur.node.children.get(seg);
  if (child && !hidden(cur.node, seg)) return { kind: child.menu ? 'path' : 'dir', name: seg, node: child };
  const spec = cur.node.commands.get(seg);
  return spec ? { kind: 'cmd', name: seg, node: cur.node, spec } : undefined;
}

function valuesOf(model: RouterModel, arg: ArgSpec): string[] {
  if (arg.flag) return ['yes', 'no'];
  const t = arg.type;
  if (!t) return [];
  switch (t.kind) {
    case 'bool':
      return ['yes', 'no'];
    case 'enum':
      return [...t.values];
    case 'ref': {
      const names: string[] = [...(t.extra ?? [])];
      if (model.hasMenu(t.menu)) {
        const menu = model.menu(t.menu);
        const key = menu.spec.nameProp;
        if (key) for (const item of menu.items()) names.push(item.get(key) ?? '');
      }
      return names;
    }
    default:
      return [];
  }
}

/** Registers `/console/inspect`; `mode` is read at every call, so tests can switch it live. */
export function registerInspect(model: RouterModel, mode: () => InspectMode): void {
  model.ensureNode('console', 'console settings and inspection');
  // While disabled, the console directory is invisible, as on a router without inspect.
  const hidden = (node: TreeNode, name: string): boolean => node === model.root && name === 'console' && mode() === 'disabled';
  model.addCommand('console', {
    name: 'inspect',
    description: 'describe the command tree (child, syntax, completion)',
    args: [
      {
        name: 'request',
        description: 'what to describe',
        type: T.enumOf(['child', 'syntax', 'completion', 'self', 'highlight']),
      },
      { name: 'path', description: 'comma-separated path, e.g. ip,address,add', type: T.string },
      { name: 'input', description: 'console input to complete', type: T.string },
      { name: 'as-value', description: 'return values', flag: true },
    ],
    policies: ['read'],
    run: (ctx: CommandContext) => {
      const m = mode();
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
      const path = ctx.args.get('path') ?? '';
      const segments = path.split(',').filter((s) => s !== '');
      const r = resolve(model.root, segments, hidden);
      let rows: Pairs[] = [];
      if (r) {
        if (request === 'child') rows = childRows(r, hidden);
        else if (request === 'syntax') rows = syntaxRows(r, hidden);
        else if (request === 'completion') rows = completionRows(model, r, ctx.args.get('input') ?? '', hidden);
        else if (request === 'self') rows = childRows(r, hidden).slice(0, 1);
      }
      for (const row of rows) ctx.out.re(row);
      if (rows.length === 0) ctx.out.empty();
      ctx.out.done();
    },
  });
}
