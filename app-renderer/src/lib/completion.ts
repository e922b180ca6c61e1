import type { CompletionNode, CompletionNodeKind } from '../../../app-main/src/common/contract';

/**
 * Command and menu suggestions for the Sentence and Path boxes. A static list of common menus is
 * merged with what the user actually sent (history), so the list learns the user's routers.
 */
export const COMMON_MENUS = [
  '/interface',
  '/interface/bridge',
  '/interface/bridge/port',
  '/interface/vlan',
  '/interface/ethernet',
  '/interface/wireless',
  '/interface/wifi',
  '/interface/list',
  '/ip/address',
  '/ip/route',
  '/ip/arp',
  '/ip/neighbor',
  '/ip/pool',
  '/ip/dns',
  '/ip/dhcp-server/lease',
  '/ip/dhcp-client',
  '/ip/firewall/filter',
  '/ip/firewall/nat',
  '/ip/firewall/mangle',
  '/ip/firewall/address-list',
  '/ip/firewall/connection',
  '/ip/service',
  '/ipv6/address',
  '/ipv6/route',
  '/queue/simple',
  '/routing/ospf/neighbor',
  '/routing/bgp/session',
  '/system/resource',
  '/system/identity',
  '/system/clock',
  '/system/package',
  '/system/routerboard',
  '/system/script',
  '/system/scheduler',
  '/user',
  '/user/active',
  '/log',
  '/file',
  '/certificate',
  '/tool/netwatch',
];

const VERBS = ['print', 'listen', 'getall', 'set', 'add', 'remove', 'enable', 'disable'];

export const COMMON_COMMANDS = [
  ...COMMON_MENUS.flatMap((m) => VERBS.map((v) => `${m}/${v}`)),
  '/interface/monitor-traffic',
  '/ping',
  '/system/reboot',
  '/console/inspect',
  '/cancel',
  '/quit',
];

export function suggest(prefix: string, candidates: readonly string[], extra: readonly string[] = [], max = 8): string[] {
  if (!prefix.startsWith('/') || prefix.length < 2) return [];
  const p = prefix.toLowerCase();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of [...extra, ...candidates]) {
    if (seen.has(c)) continue;
    seen.add(c);
    if (c.toLowerCase().startsWith(p) && c !== prefix) {
      out.push(c);
      if (out.length >= max) break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Completion from the router's own /console/inspect (complete:children / complete:values).
// The Sentence box holds one API word per line: the command path on the first line, then
// `=name=value` argument words. What is completed depends on the line the caret is on.

export type RouterCompletionContext =
  /** First line, e.g. `/ip/fi`: children of `parent` whose name starts with `partial`. */
  | { kind: 'path'; line: number; parent: string[]; partial: string }
  /** An argument word being named, e.g. `=na` under `/ip/address/add`. */
  | { kind: 'argument'; line: number; command: string[]; partial: string }
  /** An argument value, e.g. `=action=dr`. */
  | { kind: 'value'; line: number; command: string[]; argument: string; partial: string };

export interface RouterCompletionItem {
  /** What the option shows, e.g. `firewall/`, `print`, `=name=`, `drop`. */
  label: string;
  /** The whole line that replaces the current one when accepted. */
  line: string;
  kind: CompletionNodeKind | 'value';
  description?: string;
}

const SEGMENT = /^[^\s,/=]+$/;

/**
 * The command path of a first line in API form (`/ip/firewall/filter/add` → `['ip', 'firewall',
 * 'filter', 'add']`); undefined for CLI syntax, empty segments or anything else inspect cannot be
 * asked about (a `,` would change the `=path=` word, landscape.md §4.1).
 */
export function commandPath(firstLine: string): string[] | undefined {
  const line = firstLine.trim();
  if (!line.startsWith('/') || line.length < 2) return undefined;
  const segments = line.slice(1).split('/');
  return segments.every((s) => SEGMENT.test(s)) ? segments : undefined;
}

/** What to complete at `caret`; only when the caret is at the end of its line (nothing after it). */
export function routerCompletionContext(draft: string, caret: number): RouterCompletionContext | undefined {
  if (caret < 0 || caret > draft.length) return undefined;
  const lineStart = draft.lastIndexOf('\n', caret - 1) + 1;
  const lineEndAt = draft.indexOf('\n', caret);
  const lineEnd = lineEndAt < 0 ? draft.length : lineEndAt;
  if (lineEnd !== caret) return undefined;
  const line = draft.slice(lineStart, lineEnd);
  const index = draft.slice(0, lineStart).split('\n').length - 1;
  if (index === 0) {
    if (!line.startsWith('/') || /\s/.test(line)) return undefined;
    const segments = line.slice(1).split('/');
    const partial = segments.pop() ?? '';
    if (!segments.every((s) => SEGMENT.test(s)) || /[,=]/.test(partial)) return undefined;
    return { kind: 'path', line: 0, parent: segments, partial };
  }
  const command = commandPath(draft.slice(0, draft.indexOf('\n')));
  if (!command || !line.startsWith('=')) return undefined;
  const rest = line.slice(1);
  const eq = rest.indexOf('=');
  if (eq < 0) return /[\s,/]/.test(rest) ? undefined : { kind: 'argument', line: index, command, partial: rest };
  const argument = rest.slice(0, eq);
  if (!SEGMENT.test(argument) || argument.startsWith('.')) return undefined;
  return { kind: 'value', line: index, command, argument, partial: rest.slice(eq + 1) };
}

/** At most this many options are shown; typing narrows the list. */
export const MAX_ROUTER_ITEMS = 50;

function startsWith(name: string, partial: string): boolean {
  return name.toLowerCase().startsWith(partial.toLowerCase());
}

/** Options for a path or argument context from the children of a node. */
export function childItems(ctx: RouterCompletionContext, nodes: readonly CompletionNode[]): RouterCompletionItem[] {
  const out: RouterCompletionItem[] = [];
  for (const n of nodes) {
    if (!startsWith(n.name, ctx.partial)) continue;
    let item: RouterCompletionItem;
    if (ctx.kind === 'path') {
      if (n.kind === 'arg') continue;
      const full = `/${[...ctx.parent, n.name].join('/')}`;
      // Menus end in `/` so the next list (their commands) opens at once.
      item =
        n.kind === 'cmd' ? { label: n.name, line: full, kind: n.kind } : { label: `${n.name}/`, line: `${full}/`, kind: n.kind };
    } else if (ctx.kind === 'argument') {
      if (n.kind !== 'arg') continue;
      item = { label: `=${n.name}=`, line: `=${n.name}=`, kind: 'arg' };
    } else continue;
    if (n.description) item.description = n.description;
    out.push(item);
  }
  return out.slice(0, MAX_ROUTER_ITEMS);
}

/** Options for a value context. */
export function valueItems(
  ctx: Extract<RouterCompletionContext, { kind: 'value' }>,
  values: readonly string[],
): RouterCompletionItem[] {
  return values
    .filter((v) => startsWith(v, ctx.partial) && v !== ctx.partial)
    .slice(0, MAX_ROUTER_ITEMS)
    .map((v) => ({ label: v, line: `=${ctx.argument}=${v}`, kind: 'value' as const }));
}

/** The draft with line `line` replaced, and the caret at the end of that line. */
export function replaceLine(draft: string, line: number, text: string): { draft: string; caret: number } {
  const lines = draft.split('\n');
  lines[line] = text;
  const caret = lines.slice(0, line + 1).join('\n').length;
  return { draft: lines.join('\n'), caret };
}

/**
 * Edit distance with transpositions (optimal string alignment), for "did you mean": `nmae` is one
 * swap from `name`. Argument names are short, so the quadratic cost does not matter.
 */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

export interface UnknownArgument {
  /** 0-based line of the word. */
  line: number;
  /** The argument name as typed. */
  name: string;
  message: string;
}

/**
 * Argument words (`=name=value`) whose name is not an argument of the command according to the
 * router's own syntax. API attributes (`=.id=`, `=.proplist=`) are the protocol's, never flagged.
 */
export function unknownArguments(draft: string, command: readonly string[], argumentNames: readonly string[]): UnknownArgument[] {
  const known = new Set(argumentNames);
  const out: UnknownArgument[] = [];
  const where = `/${command.join('/')}`;
  draft.split('\n').forEach((text, line) => {
    if (line === 0) return;
    const m = /^=([^=]+)=/.exec(text);
    if (!m) return;
    const name = m[1]!;
    if (name.startsWith('.') || known.has(name)) return;
    let best: string | undefined;
    let bestD = Infinity;
    for (const k of known) {
      const d = distance(name, k);
      if (d < bestD) [best, bestD] = [k, d];
    }
    const guess = best !== undefined && bestD <= Math.max(1, Math.floor(name.length / 3)) ? ` Did you mean =${best}=?` : '';
    out.push({
      line,
      name,
      message: `=${name}= is not an argument of ${where}.${guess} You can still send it; the router will answer with its own error.`,
    });
  });
  return out;
}
