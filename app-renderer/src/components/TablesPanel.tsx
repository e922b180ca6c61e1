import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Row } from '../../../app-main/src/common/contract';
import { useApp, useRun } from '../hooks';
import { COMMON_MENUS, suggest } from '../lib/completion';
import { downloadFile, fileSafe, rowsToCsv, rowsToJson } from '../lib/exporters';
import { formatCount, plural } from '../lib/format';
import { presetChoice, presetOf } from '../lib/presets';
import { emptyTable } from '../store/tables';
import { menuKey } from '../store/forms';
import type { TableView } from '../store/types';
import { CompletionList, completionKey } from './Completion';
import { useRouterCompletion } from './RouterCompletion';
import { CompareVersionsButton } from './CompareVersions';
import { DataGrid } from './DataGrid';
import { FieldError, RequestError, TextField } from './FormParts';
import { TableGraphs } from './Graph';
import { DetailView, isSingleItem, RawSwitch } from './Values';
import { RowActionButtons, RowContextMenu } from './RowActions';

/**
 * The column choice for a path is stored as every known column in display order, hidden ones
 * prefixed with "!" (not a character RouterOS uses in property names). A column that is not in the
 * stored list appeared later and is shown, in its own column, at the end. With no stored choice, a
 * path with a preset (lib/presets.ts) shows the preset's columns only (when it has any of them).
 */
export function visibleColumns(
  known: readonly string[],
  stored: readonly string[] | undefined,
  preset?: readonly string[],
): string[] {
  if (!stored && preset) {
    // None of the preset's columns (another RouterOS, a proplist): every column, as without one.
    const shown = preset.filter((c) => known.includes(c));
    if (shown.length) return shown;
  }
  if (!stored) return [...known];
  const listed = new Set(stored.map((s) => (s.startsWith('!') ? s.slice(1) : s)));
  const shown = stored.filter((s) => !s.startsWith('!') && known.includes(s));
  return [...shown, ...known.filter((k) => !listed.has(k))];
}

export function toggleColumn(
  known: readonly string[],
  stored: readonly string[] | undefined,
  column: string,
  show: boolean,
  preset?: readonly string[],
): string[] {
  const base = stored ? [...stored] : preset ? presetChoice(known, preset) : [...known];
  const names = new Set(base.map((s) => (s.startsWith('!') ? s.slice(1) : s)));
  for (const k of known) if (!names.has(k)) base.push(k);
  return base.map((s) => {
    const name = s.startsWith('!') ? s.slice(1) : s;
    return name === column ? (show ? name : `!${name}`) : s;
  });
}

const NO_IDS: string[] = [];

const STATUS_TEXT: Record<TableView['status'], string> = {
  idle: 'Not started',
  starting: 'Starting…',
  loading: 'Loading…',
  live: 'Live',
  resubscribing: 'Resubscribing…',
  stopped: 'Stopped',
  error: 'Error',
};

function ColumnChooser({
  path,
  known,
  stored,
  preset,
}: {
  path: string;
  known: string[];
  stored: string[] | undefined;
  preset: readonly string[] | undefined;
}) {
  const setChoice = useApp((s) => s.setColumnChoice);
  const run = useRun();
  const [open, setOpen] = useState(false);
  const uid = useId();
  const shown = new Set(visibleColumns(known, stored, preset));
  return (
    <div className="chooser">
      <button
        type="button"
        className="btn btn-small"
        aria-expanded={open}
        aria-controls={`${uid}-cols`}
        onClick={() => setOpen((x) => !x)}
        disabled={!known.length}
      >
        Columns
      </button>
      {open && (
        <fieldset id={`${uid}-cols`} className="chooser-pop" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <legend>Columns of {path}</legend>
          <div className="chooser-list">
            {known.map((c) => (
              <label key={c} className="check">
                <input
                  type="checkbox"
                  checked={shown.has(c)}
                  onChange={(e) => run(setChoice(path, toggleColumn(known, stored, c, e.target.checked, preset)))}
                />{' '}
                {c}
              </label>
            ))}
          </div>
          <div className="chooser-actions">
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => run(setChoice(path, preset ? [...known] : undefined))}
            >
              Show all
            </button>
            {preset && (
              <button type="button" className="btn btn-small btn-ghost" onClick={() => run(setChoice(path, undefined))}>
                Preset
              </button>
            )}
            <button type="button" className="btn btn-small" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </fieldset>
      )}
    </div>
  );
}

export function TablesPanel({ connectionId }: { connectionId: string }) {
  const view = useApp((s) => s.tables[connectionId]) ?? emptyTable();
  const stored = useApp((s) => (view.runPath ? s.settings.tableColumns[view.runPath] : undefined));
  const widths = useApp((s) => (view.runPath ? s.settings.tableColumnWidths?.[view.runPath] : undefined));
  const actions = useApp(
    useShallow((s) => ({
      setField: s.setTableField,
      start: s.startTable,
      stop: s.stopTable,
      setPaused: s.setPaused,
      setSorting: s.setSorting,
      setFilter: s.setTableFilter,
      setWidths: s.setColumnWidths,
      selectRows: s.selectRows,
      openRowAction: s.openRowAction,
    })),
  );
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | null>(null);
  const canEdit = useApp((s) => {
    const path = s.tables[connectionId]?.runPath;
    const m = path ? s.formMenus[menuKey(connectionId, path)] : undefined;
    return !!m && 'commands' in m && m.commands.includes('set') && m.write.allowed && s.links[connectionId]?.status === 'online';
  });
  const run = useRun();
  const uid = useId();
  const exportRef = useRef<(() => Row[]) | null>(null);
  const [active, setActive] = useState(-1);
  const [pathFocused, setPathFocused] = useState(false);
  const [closedFor, setClosedFor] = useState<string | null>(null);
  // Alt+T with an empty Path box: the Path box gets the focus.
  const pathRef = useRef<HTMLInputElement>(null);
  const focusRequest = useApp((s) => s.focusRequest);
  const focusDone = useApp((s) => s.focusDone);
  useEffect(() => {
    if (focusRequest?.id !== connectionId || focusRequest.target !== 'path' || !pathRef.current) return;
    pathRef.current.focus();
    focusDone(focusRequest.seq);
  }, [focusRequest, connectionId, focusDone]);
  const preset = presetOf(view.runPath);
  const columns = useMemo(() => visibleColumns(view.columns, stored, preset), [view.columns, stored, preset]);
  const [raw, setRaw] = useState(false);
  // The row Graph acts on (the last one clicked) and the rows graphed, for this run of the table.
  const [current, setCurrent] = useState<{ tableId?: string; id?: string }>({});
  const [graphed, setGraphed] = useState<{ tableId?: string; ids: string[] }>({ ids: [] });
  const single = isSingleItem(view.rows);
  // The selected row (issue 14: the last one selected, by click or keyboard), else the last clicked.
  const lastSelected = view.selected[view.selected.length - 1];
  const currentId =
    lastSelected !== undefined
      ? lastSelected
      : current.tableId === view.tableId && current.id !== undefined && view.index.has(current.id)
        ? current.id
        : single
          ? view.rows[0]?.['.id']
          : undefined;
  const graphIds = graphed.tableId === view.tableId ? graphed.ids : NO_IDS;
  const tableId = view.tableId;
  // Stable, so the memoised rows of the grid do not all re-render on every patch.
  const onRowClick = useCallback((id: string) => setCurrent({ ...(tableId ? { tableId } : {}), id }), [tableId]);
  const closeGraph = useCallback(
    (id: string | undefined) => setGraphed((g) => ({ ...g, ids: g.ids.filter((x) => x !== id) })),
    [],
  );
  const running =
    view.status === 'starting' || view.status === 'loading' || view.status === 'live' || view.status === 'resubscribing';
  const filteredCount = useMemo(() => {
    const f = view.filter.toLowerCase();
    return f ? view.rows.filter((r) => columns.some((c) => (r[c] ?? '').toLowerCase().includes(f))).length : view.rows.length;
  }, [view.rows, view.filter, columns]);
  // Menus from the connected router's own /console/inspect (the console's completion, issue 6),
  // asked only while the box has focus; the built-in list when the router cannot answer.
  const typed = pathFocused ? view.path.trim() : '';
  const fromRouter = useRouterCompletion(connectionId, typed, typed.length);
  const routerMenus =
    fromRouter.answered && fromRouter.ctx?.kind === 'path'
      ? fromRouter.items.filter((i) => i.kind === 'dir' || i.kind === 'path')
      : undefined;
  const open = pathFocused && closedFor !== view.path;
  const suggestions = !open ? [] : routerMenus ? routerMenus.map((i) => i.line) : suggest(typed, COMMON_MENUS);
  const details = routerMenus?.map((i) => i.description);
  // A menu accepted from the router ends in "/": keep the list open on its children.
  const acceptPath = (item: string) => {
    actions.setField(connectionId, 'path', item);
    setClosedFor(routerMenus && item.endsWith('/') ? null : item);
    setActive(-1);
  };

  const exportAs = (kind: 'csv' | 'json') => {
    const rows = exportRef.current?.() ?? view.rows;
    const base = `${fileSafe(view.runPath ?? view.path)}`;
    if (kind === 'csv') downloadFile(`${base}.csv`, 'text/csv', rowsToCsv(columns, rows));
    else downloadFile(`${base}.json`, 'application/json', rowsToJson(rows));
  };

  const queued = view.queue ? view.queue.upserts.size + view.queue.removes.size : 0;
  // /log follows new entries by default (like `tail -f`); Follow turns it on or off per path.
  const [followChoice, setFollowChoice] = useState<Record<string, boolean>>({});
  const followPath = view.runPath ?? view.path;
  const follow = followChoice[followPath] ?? followPath === '/log';

  return (
    <div className="tables">
      <form
        className="table-form"
        onSubmit={(e) => {
          e.preventDefault();
          run(actions.start(connectionId));
        }}
      >
        <div className="field path-field">
          <label htmlFor={`${uid}-path`}>Path</label>
          <input
            id={`${uid}-path`}
            ref={pathRef}
            className="input mono"
            value={view.path}
            spellCheck={false}
            autoComplete="off"
            placeholder="/interface, /ip/address, /log …"
            aria-invalid={view.fieldErrors.path ? true : undefined}
            aria-describedby={view.fieldErrors.path ? `${uid}-path-error` : undefined}
            aria-autocomplete="list"
            aria-controls={suggestions.length ? `${uid}-paths` : undefined}
            aria-activedescendant={active >= 0 && suggestions.length ? `${uid}-paths-${active}` : undefined}
            onFocus={() => setPathFocused(true)}
            onBlur={() => setPathFocused(false)}
            onChange={(e) => {
              actions.setField(connectionId, 'path', e.target.value);
              setActive(-1);
              setClosedFor(null);
            }}
            onKeyDown={(e) =>
              completionKey(
                e,
                { open: suggestions.length > 0, count: suggestions.length, active },
                {
                  setActive,
                  accept: (i) => {
                    const item = suggestions[i];
                    if (item) acceptPath(item);
                    else {
                      setClosedFor(null);
                      setActive(-1);
                    }
                  },
                  close: () => setClosedFor(view.path),
                },
              )
            }
          />
          <CompletionList
            id={`${uid}-paths`}
            label={routerMenus ? 'Menus from the router' : 'Menu suggestions'}
            items={suggestions}
            {...(details ? { details } : {})}
            active={active}
            onPick={acceptPath}
          />
          <FieldError id={`${uid}-path-error`} message={view.fieldErrors.path} />
        </div>
        <TextField
          id={`${uid}-query`}
          label="Query"
          value={view.queryText}
          placeholder="?type=ether ?running=true"
          error={view.fieldErrors.query}
          errorId={`${uid}-query-error`}
          onChange={(v) => actions.setField(connectionId, 'queryText', v)}
        />
        <TextField
          id={`${uid}-props`}
          label="Properties"
          value={view.proplistText}
          placeholder="all, or name,type,mtu"
          error={view.fieldErrors.proplist}
          errorId={`${uid}-proplist-error`}
          onChange={(v) => actions.setField(connectionId, 'proplistText', v)}
        />
        <div className="table-buttons">
          <button type="submit" className="btn btn-primary">
            Start
          </button>
          <button type="button" className="btn" disabled={!running} onClick={() => run(actions.stop(connectionId))}>
            Stop
          </button>
        </div>
      </form>
      <RequestError error={view.status === 'error' ? view.error : undefined} />
      <div className="table-bar" role="toolbar" aria-label="Live table">
        <span className={`pill pill-${view.status}`} role="status">
          {view.paused && view.status !== 'idle'
            ? 'Paused'
            : view.status === 'loading' && view.loaded !== undefined
              ? `Loading… ${formatCount(view.loaded)} rows`
              : STATUS_TEXT[view.status]}
          {view.runPath && view.status !== 'idle' ? ` · ${view.runPath}` : ''}
        </span>
        <span className="metric row-count">
          {view.filter ? `${formatCount(filteredCount)} of ${plural(view.rows.length, 'row')}` : plural(view.rows.length, 'row')}
        </span>
        <span className="metric ups">{formatCount(Math.round(view.updatesPerSecond))} updates/s</span>
        <button
          type="button"
          className="btn btn-small"
          aria-pressed={view.paused}
          onClick={() => actions.setPaused(connectionId, !view.paused)}
          // Nothing arrives to hold back before a start or after a failure (issue 14).
          disabled={(view.status === 'idle' || view.status === 'error') && !view.paused}
        >
          {view.paused ? 'Resume' : 'Pause'}
        </button>
        {view.paused && <span className="metric warn-text">Paused · {plural(queued, 'queued change')}</span>}
        <button
          type="button"
          className="btn btn-small"
          aria-pressed={follow}
          title="Keep the newest rows in view as they arrive"
          onClick={() => setFollowChoice((c) => ({ ...c, [followPath]: !follow }))}
          disabled={view.status === 'idle'}
        >
          Follow
        </button>
        <ColumnChooser path={view.runPath ?? view.path} known={view.columns} stored={stored} preset={preset} />
        <CompareVersionsButton connectionId={connectionId} path={view.runPath ?? view.path} />
        <RawSwitch on={raw} onChange={setRaw} />
        <button
          type="button"
          className="btn btn-small"
          disabled={currentId === undefined}
          title={currentId === undefined ? 'Click a row to graph it' : undefined}
          onClick={() => {
            if (currentId === undefined) return;
            setGraphed({ tableId: view.tableId, ids: graphIds.includes(currentId) ? graphIds : [...graphIds, currentId] });
          }}
        >
          Graph
        </button>
        <input
          className="input input-small"
          type="search"
          aria-label="Filter rows"
          placeholder="Filter rows"
          value={view.filter}
          onChange={(e) => actions.setFilter(connectionId, e.target.value)}
        />
        <span className="spacer" />
        <div className="row-actions" role="group" aria-label="Row actions">
          <RowActionButtons connectionId={connectionId} noteId={`${uid}-readonly`} />
        </div>
        <button type="button" className="btn btn-small" onClick={() => exportAs('csv')} disabled={!view.rows.length}>
          Export CSV
        </button>
        <button type="button" className="btn btn-small" onClick={() => exportAs('json')} disabled={!view.rows.length}>
          Export JSON
        </button>
      </div>
      {view.filter && filteredCount < view.rows.length && (
        <div className="filter-note" role="status" aria-label="Row filter">
          <span>
            Filter “{view.filter}” hides {formatCount(view.rows.length - filteredCount)} of {plural(view.rows.length, 'row')}.
          </span>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => actions.setFilter(connectionId, '')}>
            Clear filter
          </button>
        </div>
      )}
      <div className="table-area">
        {view.status === 'idle' ? (
          <div className="console-empty">
            <p>
              Enter a menu path such as <code>/interface</code> or <code>/ip/address</code> and press Start. The table is printed
              once, then kept live with <code>listen</code>: changes flash, removed rows disappear.
            </p>
          </div>
        ) : (
          <div className="tables-body">
            {single && view.rows[0] ? (
              <DetailView
                label={`Details of ${view.runPath ?? view.path}`}
                row={view.rows[0]}
                columns={columns}
                readable={!raw}
                connectionId={connectionId}
                {...(view.runPath ? { path: view.runPath } : {})}
              />
            ) : (
              <DataGrid
                key={view.runPath ?? ''}
                label={`Live table ${view.runPath ?? view.path}`}
                rows={view.rows}
                columns={columns}
                sorting={view.sorting}
                onSortingChange={(s) => actions.setSorting(connectionId, s)}
                filter={view.filter}
                changed={view.changed}
                exportRef={exportRef}
                empty={view.status === 'loading' || view.status === 'starting' ? 'Loading…' : 'No rows.'}
                readable={!raw}
                {...(widths ? { widths } : {})}
                onWidthsChange={(w) => view.runPath && run(actions.setWidths(view.runPath, w))}
                {...(currentId !== undefined ? { currentId } : {})}
                onRowClick={onRowClick}
                stale={view.status === 'resubscribing'}
                follow={follow}
                selection={{
                  selected: view.selected,
                  anchor: view.anchor,
                  onSelect: (ids, anchor) => actions.selectRows(connectionId, ids, anchor),
                  onActivate: (id) => {
                    if (!canEdit) return;
                    actions.selectRows(connectionId, [id], id);
                    actions.openRowAction(connectionId, 'edit');
                  },
                  onContextMenu: (at) => setMenuAt(at),
                }}
              />
            )}
            <TableGraphs
              key={view.tableId ?? ''}
              connectionId={connectionId}
              path={view.runPath ?? view.path}
              ids={graphIds}
              onClose={closeGraph}
            />
          </div>
        )}
        {menuAt && <RowContextMenu connectionId={connectionId} at={menuAt} onClose={() => setMenuAt(null)} />}
      </div>
    </div>
  );
}
