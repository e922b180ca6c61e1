import type { Row, TablePatch, TableSnapshot } from '../../../app-main/src/common/contract';
import { errorField } from '../lib/errors';
import { RateTracker } from '../lib/rates';
import type { SliceContext } from './context';
import type { AppStoreState, ChangeMark, PatchQueue, TableView } from './types';

type Keys =
  | 'tables'
  | 'setTableField'
  | 'startTable'
  | 'stopTable'
  | 'setPaused'
  | 'setSorting'
  | 'setTableFilter'
  | 'selectRows'
  | 'setColumnChoice'
  | 'setColumnWidths'
  | 'applyTablePatch'
  | 'restoreTables';

/**
 * A table patch with its rows parsed. Main sends the rows as one JSON text (`upsertsJson`, see the
 * contract); they are parsed here, once per patch, as the patch enters the store.
 */
export type RowsPatch = Omit<TablePatch, 'upsertsJson' | 'upsertCount' | 'upserts'> & { upserts: Row[] };

/**
 * The patch with its rows parsed: from `upsertsJson` (Electron), or as the browser host's frame
 * already carried them (`upserts`). Anything that is not an array of objects counts as no rows,
 * never a crash.
 */
export function decodePatch(patch: TablePatch): RowsPatch {
  const { upsertsJson, upsertCount: _n, upserts: inline, ...rest } = patch;
  let parsed: unknown = inline;
  if (parsed === undefined && upsertsJson !== undefined) {
    try {
      parsed = JSON.parse(upsertsJson);
    } catch {
      parsed = undefined;
    }
  }
  const upserts = Array.isArray(parsed) ? parsed.filter((r): r is Row => typeof r === 'object' && r !== null) : [];
  return { ...rest, upserts };
}

/** How long a changed cell stays marked (the CSS flash runs for this long). */
export const FLASH_MS = 1200;

/** What a table shows before its first run, and again when a new run starts: nothing. */
function noRows(): Pick<
  TableView,
  'rows' | 'index' | 'columns' | 'total' | 'updatesPerSecond' | 'changed' | 'paused' | 'rates' | 'selected'
> {
  return {
    rows: [],
    index: new Map(),
    columns: [],
    total: 0,
    updatesPerSecond: 0,
    changed: new Map(),
    paused: false,
    rates: new RateTracker(),
    selected: [],
  };
}

/** The selected rows of a table, in selection order (rows gone meanwhile are left out). */
export function selectedRows(view: TableView): Row[] {
  const out: Row[] = [];
  for (const id of view.selected) {
    const i = view.index.get(id);
    const row = i === undefined ? undefined : view.rows[i];
    if (row) out.push(row);
  }
  return out;
}

/** An empty Path box (its placeholder shows an example): a preset path was mistaken for a running table. */
export function emptyTable(path = ''): TableView {
  return {
    path,
    queryText: '',
    proplistText: '',
    fieldErrors: {},
    status: 'idle',
    ...noRows(),
    sorting: [],
    filter: '',
    filters: {},
  };
}

function sameRow(a: Row, b: Row): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Applies one patch to the view and returns a new view. Unchanged rows keep their object identity
 * and position — TanStack's row model and our memoised rows key on identity (engineering-notes
 * §1.4) — and a reset re-uses the old object for every row whose content did not change.
 */
export function applyPatch(
  view: TableView,
  patch: Pick<
    RowsPatch,
    'reset' | 'upserts' | 'removes' | 'columns' | 'total' | 'updatesPerSecond' | 'status' | 'loaded' | 'error'
  >,
  at: number,
  seqStart: number,
): TableView {
  let rows: Row[];
  let index: Map<string, number>;
  const oldIndex = view.index;
  const oldRows = view.rows;
  if (patch.reset) {
    rows = [];
    index = new Map();
  } else {
    rows = view.rows.slice();
    index = view.index;
  }
  let indexCopied = patch.reset;
  const changed = new Map<string, ChangeMark>();
  for (const [id, m] of view.changed) if (at - m.at < FLASH_MS) changed.set(id, m);
  let seq = seqStart;
  // Rows of a print (loading, or a reset after resubscribing) are rate baselines (lib/rates.ts).
  const printed = patch.reset || patch.status === 'loading';
  let columns = view.columns;
  const seen = new Set(columns);
  for (const sent of patch.upserts) {
    const id = sent['.id'];
    if (id === undefined) continue;
    const pos = index.get(id);
    const prevPos = patch.reset ? oldIndex.get(id) : pos;
    const prev = prevPos === undefined ? undefined : oldRows[prevPos];
    // Counters get their rate columns here, as the sample arrives (lib/rates.ts).
    const row = view.rates ? view.rates.derive(id, sent, at, prev, printed) : sent;
    for (const k in row) {
      if (!seen.has(k)) {
        seen.add(k);
        if (columns === view.columns) columns = columns.slice();
        columns.push(k);
      }
    }
    let next = row;
    if (prev) {
      if (sameRow(prev, row)) next = prev;
      else {
        const cols: string[] = [];
        for (const k in row) if (prev[k] !== row[k]) cols.push(k);
        for (const k in prev) if (!(k in row)) cols.push(k);
        changed.set(id, { seq: seq++, at, cols });
      }
    }
    if (pos === undefined) {
      if (!indexCopied) {
        index = new Map(index);
        indexCopied = true;
      }
      index.set(id, rows.length);
      rows.push(next);
    } else rows[pos] = next;
  }
  if (patch.removes.length) {
    const dead = new Set(patch.removes.filter((id) => index.has(id)));
    if (dead.size) {
      rows = rows.filter((r) => !dead.has(r['.id'] as string));
      index = new Map(rows.map((r, i) => [r['.id'] as string, i]));
      for (const id of dead) {
        changed.delete(id);
        view.rates?.forget(id);
      }
    }
  }
  // A removed row leaves the selection (a reset keeps the rows that came back).
  const selected = view.selected.some((id) => !index.has(id)) ? view.selected.filter((id) => index.has(id)) : view.selected;
  if (patch.columns) {
    for (const c of patch.columns) {
      if (!seen.has(c)) {
        seen.add(c);
        if (columns === view.columns) columns = columns.slice();
        columns.push(c);
      }
    }
  }
  return {
    ...view,
    rows,
    index,
    columns,
    changed,
    selected,
    total: patch.total,
    updatesPerSecond: patch.updatesPerSecond,
    status: patch.status,
    ...(patch.loaded !== undefined ? { loaded: patch.loaded } : {}),
    ...(patch.error ? { error: patch.error } : {}),
  };
}

/** Folds a patch into the queue held while the view is paused; later patches win per row. */
export function queuePatch(q: PatchQueue | undefined, p: RowsPatch): PatchQueue {
  const next: PatchQueue =
    !q || p.reset
      ? {
          reset: p.reset,
          upserts: new Map(),
          removes: new Set(),
          total: p.total,
          updatesPerSecond: p.updatesPerSecond,
          status: p.status,
          patches: q?.patches ?? 0,
        }
      : { ...q };
  if (q?.columns && !p.reset) next.columns = q.columns;
  for (const r of p.upserts) {
    const id = r['.id'];
    if (id === undefined) continue;
    next.removes.delete(id);
    next.upserts.set(id, r);
  }
  for (const id of p.removes) {
    next.upserts.delete(id);
    next.removes.add(id);
  }
  if (p.columns) next.columns = p.columns;
  next.total = p.total;
  next.updatesPerSecond = p.updatesPerSecond;
  next.status = p.status;
  if (p.loaded !== undefined) next.loaded = p.loaded;
  if (p.error) next.error = p.error;
  next.patches++;
  return next;
}

/** Splits the typed query into words; each must be a query word (protocol.md §4.4). */
export function parseQueryWords(text: string): { words: string[]; error?: string } {
  const words = text.split(/\s+/).filter(Boolean);
  const bad = words.find((w) => !w.startsWith('?') || w.length < 2);
  if (bad) return { words, error: `"${bad}" is not a query word: query words start with "?", e.g. ?type=ether or ?#|.` };
  return { words };
}

export function parseProplist(text: string): { names: string[]; error?: string } {
  const names = text.split(/[\s,]+/).filter(Boolean);
  const bad = names.find((n) => n.includes('='));
  if (bad) return { names, error: `"${bad}" is not a property name: list names only, separated by commas, e.g. name,type,mtu.` };
  return { names };
}

export function normalisePath(text: string): { path: string; error?: string } {
  let p = text.trim();
  if (!p) return { path: p, error: 'Enter a menu path, e.g. /interface.' };
  if (/\s/.test(p)) {
    // CLI form "ip address" → API form "/ip/address" (protocol.md §4.1).
    p =
      '/' +
      p
        .split(/[\s/]+/)
        .filter(Boolean)
        .join('/');
  }
  if (!p.startsWith('/')) p = '/' + p;
  p = p.replace(/\/+$/, '').replace(/\/(print|listen|getall)$/, '');
  if (!/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(p))
    return { path: p, error: `"${text.trim()}" is not a menu path: use letters, digits and "-" between "/", e.g. /ip/address.` };
  return { path: p };
}

/** A menu, query and proplist as typed in a live table's form or the diff's. */
export interface MenuForm {
  path: string;
  queryText: string;
  proplistText: string;
}

/**
 * Checks the three fields of a MenuForm. `request` is what `table:start` and `diff:fetch` take
 * (query and proplist only when given); `fieldErrors` names each field that is wrong, empty when
 * none is.
 */
export function parseMenuForm(form: MenuForm): {
  request: { path: string; query?: string[]; proplist?: string[] };
  fieldErrors: Partial<Record<'path' | 'query' | 'proplist', string>>;
} {
  const path = normalisePath(form.path);
  const query = parseQueryWords(form.queryText);
  const props = parseProplist(form.proplistText);
  const fieldErrors: Partial<Record<'path' | 'query' | 'proplist', string>> = {};
  if (path.error) fieldErrors.path = path.error;
  if (query.error) fieldErrors.query = query.error;
  if (props.error) fieldErrors.proplist = props.error;
  const request = {
    path: path.path,
    ...(query.words.length ? { query: query.words } : {}),
    ...(props.names.length ? { proplist: props.names } : {}),
  };
  return { request, fieldErrors };
}

const LIVE = new Set(['starting', 'loading', 'live', 'resubscribing']);

export function tablesSlice({ set, get, api, now }: SliceContext): Pick<AppStoreState, Keys> {
  /** tableId → the workspace (connection) showing it. */
  const owner = new Map<string, string>();
  /** Patches that arrived before `table:start` returned their table id. */
  const early = new Map<string, TablePatch[]>();
  let flashSeq = 1;

  const update = (connectionId: string, fn: (t: TableView) => TableView) =>
    set((s) => ({ tables: { ...s.tables, [connectionId]: fn(s.tables[connectionId] ?? emptyTable()) } }));

  return {
    tables: {},

    setTableField(connectionId, field, value) {
      const key = field === 'queryText' ? 'query' : field === 'proplistText' ? 'proplist' : 'path';
      update(connectionId, (t) => {
        const fieldErrors = { ...t.fieldErrors };
        delete fieldErrors[key];
        return { ...t, [field]: value, fieldErrors };
      });
    },

    async startTable(connectionId) {
      const t = get().tables[connectionId] ?? emptyTable();
      const { request, fieldErrors } = parseMenuForm(t);
      if (Object.keys(fieldErrors).length) {
        update(connectionId, (x) => ({ ...x, fieldErrors }));
        return;
      }
      if (t.tableId && LIVE.has(t.status)) await get().stopTable(connectionId);
      update(connectionId, (x) => {
        const { error: _e, tableId: _t, loaded: _l, queue: _q, ...rest } = x;
        return {
          ...rest,
          path: request.path,
          runPath: request.path,
          fieldErrors: {},
          status: 'starting',
          // The row filter belongs to its path: one typed for /interface must not hide /log.
          filter: x.filters[request.path] ?? '',
          ...noRows(),
        };
      });
      const r = await api['table:start']({ connectionId, ...request });
      if (!r.ok) {
        const error = r.error;
        const raw = errorField(error);
        const field = raw === 'proplist' || raw === 'query' || raw === 'path' ? raw : undefined;
        update(connectionId, (x) => ({
          ...x,
          status: 'error',
          error,
          fieldErrors: field ? { [field]: error.message } : x.fieldErrors,
        }));
        return;
      }
      const { tableId } = r.value;
      owner.set(tableId, connectionId);
      update(connectionId, (x) => ({ ...x, tableId, status: x.status === 'starting' ? 'loading' : x.status }));
      const waiting = early.get(tableId);
      early.delete(tableId);
      if (waiting) for (const p of waiting) get().applyTablePatch(p);
    },

    async stopTable(connectionId) {
      const t = get().tables[connectionId];
      if (!t?.tableId) return;
      const tableId = t.tableId;
      const r = await api['table:stop']({ tableId });
      if (!r.ok && r.error.code !== 'NOT_FOUND') return get().reportError(r.error, 'Stopping the live table');
      update(connectionId, (x) => (x.tableId === tableId ? { ...x, status: 'stopped', updatesPerSecond: 0 } : x));
    },

    setPaused(connectionId, paused) {
      update(connectionId, (t) => {
        if (paused) return { ...t, paused: true };
        // Resume: apply everything that arrived while frozen as one patch.
        const q = t.queue;
        const { queue: _q, ...rest } = t;
        const resumed: TableView = { ...rest, paused: false };
        if (!q) return resumed;
        return applyPatch(
          resumed,
          {
            reset: q.reset,
            upserts: [...q.upserts.values()],
            removes: [...q.removes],
            ...(q.columns ? { columns: q.columns } : {}),
            total: q.total,
            updatesPerSecond: q.updatesPerSecond,
            status: q.status,
            ...(q.loaded !== undefined ? { loaded: q.loaded } : {}),
            ...(q.error ? { error: q.error } : {}),
          },
          now(),
          flashSeq++ * 1_000_000,
        );
      });
    },

    setSorting(connectionId, sorting) {
      update(connectionId, (t) => ({ ...t, sorting }));
    },

    setTableFilter(connectionId, filter) {
      update(connectionId, (t) => {
        const path = t.runPath ?? t.path;
        const filters = { ...t.filters };
        if (filter) filters[path] = filter;
        else delete filters[path];
        return { ...t, filter, filters };
      });
    },

    selectRows(connectionId, ids, anchor) {
      update(connectionId, (t) => {
        const { anchor: _a, ...rest } = t;
        const selected = [...new Set(ids)].filter((id) => t.index.has(id));
        return anchor !== undefined && t.index.has(anchor) ? { ...rest, selected, anchor } : { ...rest, selected };
      });
    },

    async setColumnChoice(path, list) {
      const tableColumns = { ...get().settings.tableColumns };
      if (list) tableColumns[path] = list;
      else delete tableColumns[path];
      set((s) => ({ settings: { ...s.settings, tableColumns } }));
      const r = await api['settings:set']({ tableColumns });
      if (!r.ok) get().reportError(r.error, 'Saving the column choice');
    },

    async setColumnWidths(path, widths) {
      const tableColumnWidths = { ...get().settings.tableColumnWidths };
      const rounded: Record<string, number> = {};
      for (const [c, w] of Object.entries(widths)) rounded[c] = Math.round(w);
      if (Object.keys(rounded).length) tableColumnWidths[path] = rounded;
      else delete tableColumnWidths[path];
      set((s) => ({ settings: { ...s.settings, tableColumnWidths } }));
      const r = await api['settings:set']({ tableColumnWidths });
      if (!r.ok) get().reportError(r.error, 'Saving the column widths');
    },

    restoreTables(list: TableSnapshot[]) {
      for (const t of list) {
        // Patches that came before the snapshot are in it already.
        early.delete(t.tableId);
        const current = get().tables[t.connectionId];
        if (current?.tableId === t.tableId) continue;
        owner.set(t.tableId, t.connectionId);
        const base: TableView = {
          ...emptyTable(t.path),
          queryText: t.query.join(' '),
          proplistText: t.proplist.join(', '),
          runPath: t.path,
          tableId: t.tableId,
        };
        update(t.connectionId, () => applyPatch(base, decodePatch(t.patch), now(), flashSeq++ * 1_000_000));
      }
    },

    applyTablePatch(wire) {
      const connectionId = owner.get(wire.tableId);
      if (!connectionId) {
        const list = early.get(wire.tableId) ?? [];
        if (list.length < 100) list.push(wire);
        early.set(wire.tableId, list);
        // Bound the waiting room: a table that never gets claimed must not grow forever.
        if (early.size > 20) early.delete(early.keys().next().value as string);
        return;
      }
      const t = get().tables[connectionId];
      if (!t || t.tableId !== wire.tableId) return;
      const patch = decodePatch(wire);
      if (t.paused) {
        update(connectionId, (x) => ({ ...x, queue: queuePatch(x.queue, patch) }));
        return;
      }
      update(connectionId, (x) => applyPatch(x, patch, now(), flashSeq++ * 1_000_000));
      if (patch.status === 'stopped' || patch.status === 'error') {
        if (patch.error && patch.status === 'error') get().reportError(patch.error, `Live table ${t.runPath ?? ''}`);
      }
    },
  };
}
