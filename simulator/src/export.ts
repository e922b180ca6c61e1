/**
 * `/export`: the router's configuration as a RouterOS script (the `.rsc` text `export file=`
 * writes), rendered from the model. What the text looks like follows RouterOS 7:
 *
 * - a header: `# <date> <time> by RouterOS <version>`, `# software id = …`, model, serial number;
 * - per menu, its path with spaces (`/ip address`), then `add …` lines for items a user made (dynamic
 *   items are left out), `set [ find default-name=ether1 ] …` for ports, `set …` for settings;
 * - only values that differ from the default (compact, the default) or every writable value
 *   (`verbose`); read-only properties never;
 * - values quoted where RouterOS quotes them (spaces, empty, `$`, `"`…) with `\XX` for bytes that
 *   are not printable ASCII, so the text is ASCII whatever the router stores;
 * - lines longer than 80 columns continued with ` \` and four spaces, unless `terse`, which also
 *   puts the menu path on every line;
 * - sensitive values (passwords, secrets, keys) only with `show-sensitive` on 7.x, and on 6.x unless
 *   `hide-sensitive` (6.x showed them by default).
 */
import type { Item, Menu, RouterModel } from './model';
import { parseBool } from './types';

export interface ExportOptions {
  showSensitive: boolean;
  terse: boolean;
  verbose: boolean;
  /** Epoch ms of the header line. */
  now: number;
}

/** Property names RouterOS treats as sensitive in exports (the same families the app redacts). */
export const SENSITIVE_NAME = /password|passphrase|psk|private-key|secret|shared-key/i;

type Style =
  /** `add …` per item (items a user made). */
  | { kind: 'add' }
  /** `set [ find default-name=X ] …` per item (hardware ports: never added or removed). */
  | { kind: 'find'; key: string }
  /** `set NAME …` per item (services). */
  | { kind: 'named' }
  /** `set …` (one item, no id). */
  | { kind: 'single' };

/** Menus in the order RouterOS exports them, and how their items are written. */
const EXPORTED: readonly (readonly [string, Style])[] = [
  ['interface/bridge', { kind: 'add' }],
  ['interface/ethernet', { kind: 'find', key: 'default-name' }],
  ['interface/vlan', { kind: 'add' }],
  ['interface/bridge/port', { kind: 'add' }],
  ['ppp/secret', { kind: 'add' }],
  ['ip/address', { kind: 'add' }],
  ['ip/dhcp-server/lease', { kind: 'add' }],
  ['ip/firewall/filter', { kind: 'add' }],
  ['ip/firewall/nat', { kind: 'add' }],
  ['ip/route', { kind: 'add' }],
  ['ip/service', { kind: 'named' }],
  ['system/identity', { kind: 'single' }],
];

/** Menus `/export` covers (a menu's own `export` command renders only that menu). */
export function exportedMenus(): string[] {
  return EXPORTED.map(([p]) => p);
}

// Characters that never need quotes (RouterOS writes `established,related`, `!LAN`, `10.0.0.1/24`).
const BARE = /^[A-Za-z0-9_.:/@+*,!%&-]+$/;

/** A value as the export writes it: bare when it can be, else quoted with RouterOS escapes. */
export function quoteValue(value: string): string {
  if (value !== '' && BARE.test(value)) return value;
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ch = value[i]!;
    if (ch === '"' || ch === '\\' || ch === '$' || ch === '?') out += `\\${ch}`;
    else if (c < 0x20 || c >= 0x7f) out += `\\${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function exportBool(value: string): string {
  const b = parseBool(value);
  return b === undefined ? value : b ? 'yes' : 'no';
}

function isDefault(menu: Menu, name: string, value: string): boolean {
  const p = menu.props.get(name);
  if (!p || p.default === undefined) return false;
  if (p.type.kind === 'bool') return parseBool(p.default) === parseBool(value);
  return p.default === value;
}

/** `name=value` words of one item, in schema order. */
function attributes(model: RouterModel, menu: Menu, item: Item, o: RenderOptions, skip: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const sensitiveShown = model.version.major >= 7 ? o.showSensitive : !o.hideSensitive6;
  for (const p of menu.spec.props) {
    if (p.readOnly || skip.has(p.name)) continue;
    if (SENSITIVE_NAME.test(p.name) && !sensitiveShown) continue;
    const v = item.get(p.name);
    if (v === undefined) continue;
    if (!o.verbose && (v === '' || isDefault(menu, p.name, v))) continue;
    out.push(`${p.name}=${quoteValue(p.type.kind === 'bool' ? exportBool(v) : v)}`);
  }
  return out;
}

function isDynamic(item: Item): boolean {
  const d = item.get('dynamic');
  return d !== undefined && parseBool(d) === true;
}

/** Joins words into lines of at most 80 columns, continued with ` \` (RouterOS export style). */
function wrap(words: readonly string[]): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line === '') line = w;
    else if (line.length + 1 + w.length + 2 > 80) {
      lines.push(`${line} \\`);
      line = `    ${w}`;
    } else line += ` ${w}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Internal: the 6.x default (`hide-sensitive` given) rides along the public options. */
interface RenderOptions extends ExportOptions {
  hideSensitive6: boolean;
}

function renderMenu(model: RouterModel, path: string, style: Style, o: RenderOptions): string[] {
  if (!model.hasMenu(path)) return [];
  const menu = model.menu(path);
  const header = `/${path.split('/').join(' ')}`;
  const commands: string[][] = [];
  for (const item of menu.items()) {
    if (isDynamic(item)) continue;
    if (style.kind === 'add') {
      commands.push(['add', ...attributes(model, menu, item, o, new Set())]);
    } else if (style.kind === 'find') {
      const key = item.get(style.key) ?? '';
      const attrs = attributes(model, menu, item, o, new Set());
      // A port still called by its factory name has nothing to say unless verbose.
      const named = attrs.filter((a) => a !== `name=${quoteValue(key)}` || o.verbose);
      if (named.length === 0) continue;
      commands.push(['set', '[', 'find', `${style.key}=${quoteValue(key)}`, ']', ...named]);
    } else if (style.kind === 'named') {
      const name = item.get(menu.spec.nameProp ?? 'name') ?? '';
      const attrs = attributes(model, menu, item, o, new Set([menu.spec.nameProp ?? 'name']));
      if (attrs.length === 0) continue;
      commands.push(['set', quoteValue(name), ...attrs]);
    } else {
      const attrs = attributes(model, menu, item, o, new Set());
      if (attrs.length === 0) continue;
      commands.push(['set', ...attrs]);
    }
  }
  if (commands.length === 0) return [];
  if (o.terse) return commands.map((c) => `${header} ${c.join(' ')}`);
  return [header, ...commands.flatMap(wrap)];
}

/** `2026-12-03 11:25:43` (RouterOS ≥ 7.10 writes the date this way; UTC here, for stable tests). */
function headerTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The export text of the whole router, or of the given menus only (`/ip/address/export`).
 * Ends with a newline, like the file RouterOS writes.
 */
export function renderExport(
  model: RouterModel,
  options: ExportOptions & { hideSensitive?: boolean },
  only?: readonly string[],
): string {
  const o: RenderOptions = { ...options, hideSensitive6: options.hideSensitive ?? false };
  const lines: string[] = [`# ${headerTime(o.now)} by RouterOS ${model.version.text}`, '# software id = 8YR2-K3LQ', '#'];
  if (model.hasMenu('system/routerboard')) {
    const rb = model.menu('system/routerboard').first();
    if (rb) lines.push(`# model = ${rb.get('model') ?? ''}`, `# serial number = ${rb.get('serial-number') ?? ''}`);
  }
  for (const [path, style] of EXPORTED) {
    if (only && !only.includes(path)) continue;
    lines.push(...renderMenu(model, path, style, o));
  }
  return `${lines.join('\n')}\n`;
}
