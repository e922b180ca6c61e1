import type { Row } from '../../../app-main/src/common/contract';

/**
 * The cross-router table diff, pure: rows of the same menu from several routers, matched by a key
 * the user chooses, compared property by property. No I/O and no clock — the window recomputes it
 * whenever the key or the ignored columns change, without printing again.
 *
 * Rules (docs/ui.md, "Compare tables"):
 * - `.id` is never a key and never compared: RouterOS numbers items per router (`*1A` on one is
 *   another item on the next).
 * - A row without the key property matches on the empty value: RouterOS leaves empty properties
 *   out of a print (a `comment` that was never set does not appear at all).
 * - Duplicate keys on one router (two addresses with the same comment) are paired in print order —
 *   the first with the first, the second with the second — and every such row is marked
 *   `duplicate`, with the counts in `duplicates`, so nothing is dropped silently.
 * - A property that one router has and another lacks counts as a difference (`absent`): a newer
 *   RouterOS version often adds properties, and the user can ignore those columns.
 */

export interface DiffSource {
  /** Connection id. */
  id: string;
  name: string;
  rows: readonly Row[];
}

export interface DiffOptions {
  /** Properties that together identify a row, e.g. `['name']` or `['address', 'interface']`. */
  key: readonly string[];
  /** Columns not compared (volatile counters, uptime …). */
  ignore?: Iterable<string>;
  /** Compare `yes`/`no` and `true`/`false` as written (default false: the same, see sameValue). */
  strictBooleans?: boolean;
}

/**
 * RouterOS 6 prints booleans `yes`/`no`, RouterOS 7 `true`/`false` (protocol.md §5.4): one value in
 * two spellings, so by default they compare the same (issue 14). Main's replay comparison has the
 * same rule (services/replay/replay-core.ts, sameBoolean).
 */
const BOOLEAN_SPELLINGS = new Map([
  ['yes', true],
  ['true', true],
  ['no', false],
  ['false', false],
]);

export function sameValue(a: string | undefined, b: string | undefined, strictBooleans = false): boolean {
  if (a === b) return true;
  if (strictBooleans || a === undefined || b === undefined) return false;
  const x = BOOLEAN_SPELLINGS.get(a);
  return x !== undefined && x === BOOLEAN_SPELLINGS.get(b);
}

export type DiffStatus = 'same' | 'differs' | 'missing';

export interface DiffRow {
  /** Unique within the result: the key text plus the occurrence. */
  id: string;
  keyValues: string[];
  /** The key values joined with " · " (`(empty)` for an empty value). */
  keyText: string;
  /** 1 for the first row with this key on each router; 2, 3 … for duplicates paired in order. */
  occurrence: number;
  /** The key is not unique on at least one router. */
  duplicate: boolean;
  /** One entry per source, in source order; undefined where the router has no such row. */
  rows: (Row | undefined)[];
  /** Ids of sources that lack the row. */
  missingOn: string[];
  /** Compared columns whose values are not the same on every router that has the row. */
  differing: string[];
  status: DiffStatus;
}

export interface DuplicateKey {
  sourceId: string;
  sourceName: string;
  keyText: string;
  count: number;
}

export interface DiffResult {
  sources: { id: string; name: string }[];
  key: string[];
  /** Compared columns, in first-seen order (`.id` and ignored ones left out). */
  columns: string[];
  /** Columns present in the data but ignored. */
  ignored: string[];
  /** Compared columns that differ in at least one row, in `columns` order. */
  differingColumns: string[];
  rows: DiffRow[];
  duplicates: DuplicateKey[];
  counts: { total: number; same: number; differs: number; missing: number };
}

export const EMPTY_KEY = '(empty)';
const KEY_JOIN = ' · ';

/** The key values of a row; an absent property matches the empty value. */
export function keyOf(row: Row, key: readonly string[]): string[] {
  return key.map((k) => row[k] ?? '');
}

function keyTextOf(values: readonly string[]): string {
  return values.map((v) => (v === '' ? EMPTY_KEY : v)).join(KEY_JOIN);
}

function validateKey(key: readonly string[]): void {
  if (key.length === 0) throw new RangeError('choose a property to match rows by');
  if (key.includes('.id'))
    throw new RangeError(
      '.id cannot be the key: RouterOS numbers items per router, so the same item has different ids on different routers',
    );
}

export function computeDiff(sources: readonly DiffSource[], options: DiffOptions): DiffResult {
  validateKey(options.key);
  const key = [...options.key];
  const ignore = new Set(options.ignore ?? []);
  ignore.delete('.id');

  // Every property seen, first-seen order over the sources in order.
  const seen = new Set<string>();
  const all: string[] = [];
  for (const s of sources)
    for (const r of s.rows)
      for (const c of Object.keys(r)) {
        if (c === '.id' || seen.has(c)) continue;
        seen.add(c);
        all.push(c);
      }
  const columns = all.filter((c) => !ignore.has(c));
  const ignored = all.filter((c) => ignore.has(c));

  // Group each router's rows by key, keeping print order inside a group.
  const groups = sources.map(() => new Map<string, { values: string[]; rows: Row[] }>());
  const order: string[] = [];
  const known = new Set<string>();
  sources.forEach((s, i) => {
    const g = groups[i]!;
    for (const r of s.rows) {
      const values = keyOf(r, key);
      // JSON of the values: unambiguous even when a value contains the " · " separator.
      const k = JSON.stringify(values);
      let entry = g.get(k);
      if (!entry) g.set(k, (entry = { values, rows: [] }));
      entry.rows.push(r);
      if (!known.has(k)) {
        known.add(k);
        order.push(k);
      }
    }
  });

  const duplicates: DuplicateKey[] = [];
  sources.forEach((s, i) => {
    for (const { values, rows } of groups[i]!.values())
      if (rows.length > 1)
        duplicates.push({ sourceId: s.id, sourceName: s.name, keyText: keyTextOf(values), count: rows.length });
  });

  const rows: DiffRow[] = [];
  const counts = { total: 0, same: 0, differs: 0, missing: 0 };
  for (const k of order) {
    const entries = groups.map((g) => g.get(k));
    const values = entries.find((e) => e)!.values;
    const keyText = keyTextOf(values);
    const n = Math.max(...entries.map((e) => e?.rows.length ?? 0));
    const duplicate = n > 1;
    for (let occ = 0; occ < n; occ++) {
      const perSource = entries.map((e) => e?.rows[occ]);
      const missingOn = sources.filter((_, i) => perSource[i] === undefined).map((s) => s.id);
      const present = perSource.filter((r): r is Row => r !== undefined);
      const strict = options.strictBooleans ?? false;
      const differing =
        present.length < 2 ? [] : columns.filter((c) => present.some((r) => !sameValue(r[c], present[0]![c], strict)));
      const status: DiffStatus = missingOn.length > 0 ? 'missing' : differing.length > 0 ? 'differs' : 'same';
      counts.total++;
      counts[status]++;
      rows.push({
        id: `${k}#${occ + 1}`,
        keyValues: values,
        keyText,
        occurrence: occ + 1,
        duplicate,
        rows: perSource,
        missingOn,
        differing,
        status,
      });
    }
  }
  const anyDiff = new Set(rows.flatMap((r) => r.differing));
  const differingColumns = columns.filter((c) => anyDiff.has(c));
  return {
    sources: sources.map((s) => ({ id: s.id, name: s.name })),
    key,
    columns,
    ignored,
    differingColumns,
    rows,
    duplicates,
    counts,
  };
}

// ---------------------------------------------------------------------------------------------
// Key choices

export interface KeyCandidate {
  name: string;
  /** Routers whose every row has the property. */
  presentIn: number;
  /** Routers on which its values are unique (a good key is unique everywhere). */
  uniqueIn: number;
}

/** Properties that usually identify an item, best first. */
const PREFERRED_KEYS = ['name', 'address', 'dst-address', 'mac-address', 'comment', 'interface', 'host-name', 'list', 'chain'];

/**
 * The properties offered as the key: every property present in the data except `.id`, the ones
 * that are present everywhere and unique everywhere first (preferred names before others).
 */
export function keyCandidates(sources: readonly DiffSource[]): KeyCandidate[] {
  const names = new Set<string>();
  for (const s of sources) for (const r of s.rows) for (const c of Object.keys(r)) if (c !== '.id') names.add(c);
  const out: KeyCandidate[] = [];
  for (const name of names) {
    let presentIn = 0;
    let uniqueIn = 0;
    for (const s of sources) {
      if (s.rows.every((r) => r[name] !== undefined)) presentIn++;
      const vals = new Set(s.rows.map((r) => r[name] ?? ''));
      if (vals.size === s.rows.length) uniqueIn++;
    }
    out.push({ name, presentIn, uniqueIn });
  }
  const rank = (n: string) => {
    const i = PREFERRED_KEYS.indexOf(n);
    return i < 0 ? PREFERRED_KEYS.length : i;
  };
  return out.sort(
    (a, b) =>
      b.uniqueIn + b.presentIn - (a.uniqueIn + a.presentIn) || rank(a.name) - rank(b.name) || a.name.localeCompare(b.name),
  );
}

// ---------------------------------------------------------------------------------------------
// Volatile columns

/**
 * Read-only properties that change on their own (traffic counters, uptimes, link timestamps):
 * comparing them across routers says nothing about configuration. Offered as "Ignore counters".
 */
const VOLATILE = [
  /^(fp-)?(rx|tx)-(byte|packet|drop|error|queue-drop)s?$/,
  /^(rx|tx)-(bytes|packets)$/,
  /^(bytes|packets)$/,
  /(^|-)uptime$/,
  /^last-(link-up|link-down|seen|logged-in)(-time)?$/,
  /^link-downs$/,
  /^(expires-after|last-seen|age|timeout)$/,
  /^(orig|repl)-(bytes|packets|rate)$/,
  /^(cpu-load|free-memory|free-hdd-space|write-sect-since-reboot|write-sect-total)$/,
];

export function isVolatileColumn(name: string): boolean {
  return VOLATILE.some((re) => re.test(name));
}

// ---------------------------------------------------------------------------------------------
// Export

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * One CSV line per row and router: key, occurrence, status, what is missing or differs, the router,
 * then the compared columns. An absent property is an empty field; `present` says whether the router
 * has the row at all.
 */
export function diffToCsv(d: DiffResult, rows: readonly DiffRow[] = d.rows): string {
  const header = ['key', 'occurrence', 'status', 'missing on', 'differing columns', 'router', 'present', ...d.columns];
  const nameOf = new Map(d.sources.map((s) => [s.id, s.name]));
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) {
    d.sources.forEach((s, i) => {
      const row = r.rows[i];
      const fields = [
        r.keyText,
        String(r.occurrence),
        r.status,
        r.missingOn.map((id) => nameOf.get(id) ?? id).join(' '),
        r.differing.join(' '),
        s.name,
        row ? 'yes' : 'no',
        ...d.columns.map((c) => row?.[c] ?? ''),
      ];
      lines.push(fields.map(csvField).join(','));
    });
  }
  return lines.join('\r\n') + '\r\n';
}

export interface DiffExportMeta {
  path: string;
  query: readonly string[];
  proplist: readonly string[];
  fetchedAt: number;
  versions?: Record<string, string | undefined>;
}

/**
 * Columns in the order the grid shows them: those that differ somewhere first (what the user is
 * looking for should not sit off-screen to the right), then the rest; key columns that never
 * differ are left out (the key is already the first column).
 */
export function displayColumns(d: DiffResult): string[] {
  const differing = new Set(d.differingColumns);
  const key = new Set(d.key);
  return [...d.differingColumns, ...d.columns.filter((c) => !differing.has(c) && !key.has(c))];
}

/** The diff as a JSON document: what was compared, how, and each row's values per router. */
export function diffToJson(d: DiffResult, meta: DiffExportMeta, rows: readonly DiffRow[] = d.rows): string {
  const nameOf = new Map(d.sources.map((s) => [s.id, s.name]));
  const doc = {
    format: 'tikscope-diff',
    version: 1,
    path: meta.path,
    query: meta.query,
    proplist: meta.proplist,
    fetchedAt: new Date(meta.fetchedAt).toISOString(),
    key: d.key,
    routers: d.sources.map((s) => ({
      id: s.id,
      name: s.name,
      ...(meta.versions?.[s.id] ? { version: meta.versions[s.id] } : {}),
    })),
    columns: d.columns,
    ignoredColumns: d.ignored,
    counts: d.counts,
    duplicates: d.duplicates.map((x) => ({ router: x.sourceName, key: x.keyText, count: x.count })),
    rows: rows.map((r) => ({
      key: r.keyValues,
      occurrence: r.occurrence,
      duplicate: r.duplicate,
      status: r.status,
      missingOn: r.missingOn.map((id) => nameOf.get(id) ?? id),
      differing: r.differing,
      // A list, not an object keyed by name: two saved connections may share a name.
      values: d.sources.map((s, i) => ({ router: s.name, row: r.rows[i] ?? null })),
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
