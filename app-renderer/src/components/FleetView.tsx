import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useState, type MouseEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp, useAppStore, useNow, useRun } from '../hooks';
import {
  filterFleet,
  FLEET_COLUMNS,
  fleetRows,
  formatAgo,
  formatUptime,
  sortFleet,
  type FleetRow,
  type FleetStatusFilter,
} from '../lib/fleet';
import { linkStatusText } from '../lib/format';
import type { AppStoreState } from '../store/types';
import { statusClass } from './Sidebar';

export const FLEET_ROW_HEIGHT = 28;
/** Checkbox, then the columns of FLEET_COLUMNS in order. */
const TEMPLATE = '34px 150px minmax(140px, 1.4fr) 110px 130px 120px 130px 80px 56px 80px 96px';

const STATUS_FILTERS: { value: FleetStatusFilter; label: string }[] = [
  { value: 'all', label: 'All routers' },
  { value: 'online', label: 'Connected' },
  { value: 'offline', label: 'Offline' },
  { value: 'problem', label: 'Failed or reconnecting' },
];

const FleetGridRow = memo(function FleetGridRow(props: {
  row: FleetRow;
  index: number;
  top: number;
  selected: boolean;
  now: number;
  onSelect: (id: string, e: MouseEvent) => void;
  onToggle: (id: string) => void;
}) {
  const { row: r, selected, now } = props;
  const stale = !r.live && r.identity !== undefined;
  const text = linkStatusText(r.link, now);
  return (
    <div
      role="row"
      aria-rowindex={props.index + 2}
      aria-selected={selected}
      className={`grid-row fleet-row${props.index % 2 ? ' odd' : ''}${selected ? ' selected' : ''}${stale ? ' stale' : ''}`}
      style={{ transform: `translateY(${props.top}px)`, gridTemplateColumns: TEMPLATE }}
      onClick={(e) => props.onSelect(r.id, e)}
    >
      <div role="gridcell" className="cell">
        <input
          type="checkbox"
          aria-label={`Select ${r.name}`}
          checked={selected}
          onClick={(e) => e.stopPropagation()}
          onChange={() => props.onToggle(r.id)}
        />
      </div>
      <div role="gridcell" className={`cell st-${r.status}`} title={r.link?.reason}>
        <span className={statusClass(r.link)} aria-hidden="true" /> {text}
      </div>
      <div role="gridcell" className="cell fleet-name" title={`${r.name} — ${r.host}`}>
        {r.name}
      </div>
      <div role="gridcell" className="cell">
        {r.group}
      </div>
      <div role="gridcell" className="cell">
        {r.identity ?? ''}
      </div>
      <div role="gridcell" className="cell">
        {r.version ?? ''}
      </div>
      <div role="gridcell" className="cell">
        {r.board ?? ''}
      </div>
      <div role="gridcell" className="cell num">
        {formatUptime(r.uptimeSeconds)}
      </div>
      <div role="gridcell" className="cell num">
        {r.cpuLoad !== undefined ? `${r.cpuLoad} %` : ''}
      </div>
      <div role="gridcell" className="cell num">
        {r.latencyMs !== undefined ? `${r.latencyMs < 10 ? r.latencyMs.toFixed(1) : Math.round(r.latencyMs)} ms` : ''}
      </div>
      <div role="gridcell" className="cell" title={r.lastSeen ? new Date(r.lastSeen).toLocaleString() : 'never'}>
        {r.live ? 'now' : formatAgo(r.lastSeen, now)}
      </div>
    </div>
  );
});

/**
 * The links, read at most every `ms`: heartbeats of 1,000 links arrive 33 times a second, and
 * re-rendering the grid (re-deriving and re-sorting 2,000 rows) for each would cost the frames
 * scrolling needs. Subscribed outside React, so a heartbeat between two reads renders nothing here.
 */
function useSampledLinks(ms: number): AppStoreState['links'] {
  const store = useAppStore();
  const [links, setLinks] = useState(() => store.getState().links);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const read = (delay: number) => {
      timer = setTimeout(() => {
        timer = undefined;
        last = Date.now();
        setLinks(store.getState().links);
      }, delay);
    };
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.links !== prev.links && !timer) read(Math.max(0, last + ms - Date.now()));
    });
    // Anything that changed between the first render and the subscription.
    read(0);
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store, ms]);
  return links;
}

/** Move the selection to a group: a text field offering the existing groups, and Move. */
function MoveToGroup({ ids, groups, onDone }: { ids: string[]; groups: string[]; onDone: () => void }) {
  const move = useApp((s) => s.moveToGroup);
  const run = useRun();
  const [group, setGroup] = useState('');
  return (
    <form
      className="fleet-move"
      aria-label="Move to group"
      onSubmit={(e) => {
        e.preventDefault();
        run(move(ids, group).then((ok) => ok && onDone()));
      }}
    >
      <label className="inline-field">
        <span>Group</span>
        <input
          className="input input-small"
          list="fleet-groups"
          value={group}
          placeholder="(none)"
          onChange={(e) => setGroup(e.target.value)}
          autoFocus
        />
      </label>
      <datalist id="fleet-groups">
        {groups.map((g) => (
          <option key={g} value={g} />
        ))}
      </datalist>
      <button type="submit" className="btn btn-small btn-primary">
        Move {ids.length}
      </button>
      <button type="button" className="btn btn-small btn-ghost" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

/**
 * The grid's rows, virtualised. A component of its own so that a scroll step re-renders the rows
 * in view and nothing of the toolbar, filters and headers above them.
 */
const FleetGridBody = memo(function FleetGridBody(props: {
  shown: readonly FleetRow[];
  /** The scrolling element, once it exists (state, so that its arrival renders the rows). */
  scrollElement: HTMLDivElement | null;
  selectedSet: ReadonlySet<string>;
  now: number;
  onSelect: (id: string, e: MouseEvent) => void;
  onToggle: (id: string) => void;
}) {
  const { shown, scrollElement, selectedSet } = props;
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; TanStack Virtual is used as documented.
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollElement,
    estimateSize: () => FLEET_ROW_HEIGHT,
    overscan: 10,
    scrollMargin: FLEET_ROW_HEIGHT,
  });
  return (
    <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((v) => {
        const r = shown[v.index];
        if (!r) return null;
        return (
          <FleetGridRow
            key={r.id}
            row={r}
            index={v.index}
            top={v.start - FLEET_ROW_HEIGHT}
            selected={selectedSet.has(r.id)}
            now={props.now}
            onSelect={props.onSelect}
            onToggle={props.onToggle}
          />
        );
      })}
    </div>
  );
});

/**
 * Every saved router, one row each (issue 15): status, name, group, identity, version, board,
 * uptime, CPU load, heartbeat latency, last seen — live for connected routers, last known for the
 * rest. Sort by a column header, filter by text and status, select rows (click, Ctrl+click,
 * Shift+click, checkboxes) and act on the selection. Rows are virtualised: 2,000 routers put ~30
 * rows in the DOM.
 */
export function FleetView() {
  const { connections, fleet } = useApp(useShallow((s) => ({ connections: s.connections, fleet: s.fleet })));
  const links = useSampledLinks(1000);
  const a = useApp(
    useShallow((s) => ({
      loadFleet: s.loadFleet,
      setFilter: s.setFleetFilter,
      sortBy: s.sortFleetBy,
      select: s.selectFleetRow,
      setSelection: s.setFleetSelection,
      connectMany: s.connectMany,
      disconnectMany: s.disconnectMany,
      fleetTo: s.fleetTo,
      exportConnections: s.exportConnections,
      importConnections: s.importConnections,
    })),
  );
  const store = useAppStore();
  const run = useRun();
  const now = useNow(5000, true);
  const [moving, setMoving] = useState(false);
  const [scrollElement, setScrollElement] = useState<HTMLDivElement | null>(null);

  // What was last seen of routers that are not connected: asked when the view opens, and again
  // when links go down (what they last showed is then the last known value).
  useEffect(() => {
    run(a.loadFleet());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.links === prev.links || timer) return;
      let wentDown = false;
      for (const id in s.links)
        if (s.links[id] !== prev.links[id] && prev.links[id]?.status === 'online' && s.links[id]?.status !== 'online') {
          wentDown = true;
          break;
        }
      // One read a second after a burst of disconnects, not one per router.
      if (wentDown)
        timer = setTimeout(() => {
          timer = undefined;
          // loadFleet reports its own failures (a Result, never a throw).
          void store.getState().loadFleet();
        }, 1000);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store]);

  // Typing stays responsive with 2,000 routers: the list follows the deferred text.
  const filterText = useDeferredValue(fleet.filter);
  const all = useMemo(() => fleetRows(connections, links, fleet.known, now), [connections, links, fleet.known, now]);
  const shown = useMemo(
    () => sortFleet(filterFleet(all, filterText, fleet.status), fleet.sort.column, fleet.sort.dir),
    [all, filterText, fleet.status, fleet.sort],
  );
  const order = useMemo(() => shown.map((r) => r.id), [shown]);
  const selectedSet = useMemo(() => new Set(fleet.selected), [fleet.selected]);
  const known = useMemo(() => new Set(connections.map((c) => c.id)), [connections]);
  const selected = fleet.selected.filter((id) => known.has(id));
  const allShownSelected = shown.length > 0 && shown.every((r) => selectedSet.has(r.id));
  const groups = useMemo(() => [...new Set(connections.map((c) => c.group).filter(Boolean))].sort(), [connections]);
  const versions = useMemo(() => {
    const m = new Map<string, number>();
    for (const r of all) if (r.version) m.set(r.version, (m.get(r.version) ?? 0) + 1);
    return [...m.entries()].sort((x, y) => y[1] - x[1]);
  }, [all]);
  const counts = useMemo(() => {
    let up = 0;
    let down = 0;
    for (const r of all) {
      if (r.status === 'online') up++;
      else if (r.status === 'failed' || r.status === 'auth-failed' || r.status === 'backoff') down++;
    }
    return { up, down };
  }, [all]);

  const { select } = a;
  const onSelect = useCallback(
    (id: string, e: MouseEvent) => select(id, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only', order),
    [select, order],
  );
  const onToggle = useCallback((id: string) => select(id, 'toggle', order), [select, order]);
  const busy = !!fleet.progress;

  return (
    <div className="fleet">
      <h2 className="tool-title">Fleet</h2>
      <p className="fleet-summary" aria-live="polite">
        {connections.length} router{connections.length === 1 ? '' : 's'} · {counts.up} connected
        {counts.down ? ` · ${counts.down} failed or reconnecting` : ''}
        {versions.length > 0 && (
          <span className="muted">
            {' '}
            · RouterOS{' '}
            {versions
              .slice(0, 4)
              .map(([v, n]) => `${v} ×${n}`)
              .join(', ')}
            {versions.length > 4 ? ', …' : ''}
          </span>
        )}
      </p>
      <div className="fleet-filters">
        <input
          className="input input-small fleet-filter"
          type="search"
          aria-label="Filter routers"
          placeholder="Filter: name, host, group, identity, version, board"
          value={fleet.filter}
          onChange={(e) => a.setFilter({ filter: e.target.value })}
        />
        <label className="inline-field">
          <span>Show</span>
          <select
            className="input input-small"
            value={fleet.status}
            onChange={(e) => a.setFilter({ status: e.target.value as FleetStatusFilter })}
          >
            {STATUS_FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" role="status">
          {shown.length} shown · {selected.length} selected
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-small"
          onClick={() => run(a.exportConnections('csv', selected.length ? selected : undefined))}
          title="The selected routers, or all when none is selected; never passwords"
        >
          Export CSV
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => run(a.exportConnections('json', selected.length ? selected : undefined))}
          title="The selected routers, or all when none is selected; never passwords"
        >
          Export JSON
        </button>
        <label className="btn btn-small file-btn">
          Import…
          <input
            type="file"
            className="visually-hidden"
            accept=".csv,.json,text/csv,application/json"
            aria-label="Import connections from a CSV or JSON file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) run(file.text().then((text) => a.importConnections(file.name, text)));
            }}
          />
        </label>
      </div>
      <div role="toolbar" aria-label="Fleet actions" className="toolbar fleet-actions">
        <button
          type="button"
          className="btn btn-small btn-primary"
          disabled={!selected.length || busy}
          onClick={() => run(a.connectMany(selected))}
        >
          Connect selected
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={!selected.length || busy}
          onClick={() => run(a.disconnectMany(selected))}
        >
          Disconnect selected
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={!selected.length}
          onClick={() => a.fleetTo('broadcast', selected)}
        >
          Broadcast to selected
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={selected.length < 2}
          onClick={() => a.fleetTo('diff', selected)}
        >
          Compare selected
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={!selected.length}
          aria-expanded={moving}
          onClick={() => setMoving(!moving)}
        >
          Move to group…
        </button>
        {fleet.progress && (
          <span role="status" className="muted">
            {fleet.progress.verb} {fleet.progress.done} of {fleet.progress.total}…
          </span>
        )}
      </div>
      {moving && selected.length > 0 && <MoveToGroup ids={selected} groups={groups} onDone={() => setMoving(false)} />}
      <div ref={setScrollElement} className="grid-scroll fleet-scroll">
        <div
          role="grid"
          aria-label="Routers of the fleet"
          aria-rowcount={shown.length + 1}
          aria-colcount={FLEET_COLUMNS.length + 1}
          aria-multiselectable="true"
          className="grid fleet-grid"
        >
          <div role="rowgroup" className="grid-head">
            <div role="row" aria-rowindex={1} className="grid-row head" style={{ gridTemplateColumns: TEMPLATE }}>
              <div role="columnheader" className="cell head-cell">
                <input
                  type="checkbox"
                  aria-label="Select all shown"
                  checked={allShownSelected}
                  onChange={() => a.setSelection(allShownSelected ? [] : order)}
                />
              </div>
              {FLEET_COLUMNS.map((c) => {
                const dir = fleet.sort.column === c.id ? fleet.sort.dir : undefined;
                return (
                  <div
                    key={c.id}
                    role="columnheader"
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                    className="cell head-cell"
                  >
                    <button
                      type="button"
                      className="sort-btn"
                      onClick={() => a.sortBy(c.id)}
                      title={`Sort by ${c.label.toLowerCase()}`}
                    >
                      <span className="col-name">{c.label}</span>
                      <span className="sort-mark" aria-hidden="true">
                        {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  </div>
                );
              })}
            </div>
          </div>
          <FleetGridBody
            shown={shown}
            scrollElement={scrollElement}
            selectedSet={selectedSet}
            now={now}
            onSelect={onSelect}
            onToggle={onToggle}
          />
        </div>
        {shown.length === 0 && (
          <p className="empty-note grid-empty">
            {connections.length
              ? 'No router matches the filter.'
              : 'No saved routers yet. Add one, or import a CSV or JSON file.'}
          </p>
        )}
      </div>
    </div>
  );
}
