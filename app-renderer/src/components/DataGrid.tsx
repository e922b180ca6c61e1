import { memo, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type ColumnSizingState,
  type SortingState,
  type Updater,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Row } from '../../../app-main/src/common/contract';
import { readableValue } from '../lib/values';
import type { ChangeMark } from '../store/types';

export const ROW_HEIGHT = 22;

const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * Rows in display order: filtered (case-insensitive substring in any shown column) and sorted
 * (numbers as numbers, text as plain strings — no locale collation, it is 10× slower). Sort keys
 * are computed once per row, not per comparison. Without a filter or sort this is the rows array
 * itself, so a patch costs nothing here.
 */
export function displayOrder(
  rows: readonly Row[],
  columns: readonly string[],
  sorting: SortingState,
  filter: string,
): readonly Row[] {
  let list: readonly Row[] = rows;
  const f = filter.trim().toLowerCase();
  if (f) list = list.filter((r) => columns.some((c) => (r[c] ?? '').toLowerCase().includes(f)));
  const sort = sorting[0];
  if (sort) {
    const keyed = list.map((r) => {
      const v = r[sort.id] ?? '';
      return { r, num: NUMERIC.test(v) ? Number(v) : NaN, v };
    });
    const dir = sort.desc ? -1 : 1;
    keyed.sort((a, b) => {
      const an = !Number.isNaN(a.num);
      const bn = !Number.isNaN(b.num);
      if (an && bn) return (a.num - b.num) * dir;
      if (an !== bn) return (an ? -1 : 1) * dir;
      return (a.v < b.v ? -1 : a.v > b.v ? 1 : 0) * dir;
    });
    list = keyed.map((k) => k.r);
  }
  return list;
}

/** Column width from the name and a sample of values, so dense tables stay readable. */
function widthOf(col: string, rows: readonly Row[]): number {
  let chars = col.length + 2;
  for (let i = 0; i < rows.length && i < 50; i++) chars = Math.max(chars, (rows[i]?.[col] ?? '').length);
  return Math.min(360, Math.max(56, chars * 7.4 + 16));
}

/** Bounds of a column resized by hand (px), and the step of the keyboard's arrows. */
export const MIN_COLUMN_WIDTH = 40;
export const MAX_COLUMN_WIDTH = 1200;
const KEY_STEP = 10;

/** One cell: the readable value with the raw one on hover (lib/values.ts), or the raw value. */
function Cell({ col, raw, readable, flash }: { col: string; raw: string; readable: boolean; flash: boolean }) {
  const shown = readable ? readableValue(col, raw) : undefined;
  return (
    <div
      role="cell"
      className={flash ? 'cell flash' : 'cell'}
      title={shown !== undefined ? raw : raw.length > 30 ? raw : undefined}
      aria-description={shown !== undefined ? `raw value ${raw}` : undefined}
    >
      {shown ?? raw}
    </div>
  );
}

interface RowProps {
  row: Row;
  columns: readonly string[];
  top: number;
  index: number;
  mark: ChangeMark | undefined;
  template: string;
  readable: boolean;
  current: boolean;
  onClick: ((id: string) => void) | undefined;
  /** Set only in a selectable grid: whether the row is selected. */
  selected: boolean | undefined;
  /** DOM id (the grid's aria-activedescendant), in a selectable grid. */
  domId: string | undefined;
  cursor: boolean;
}

/**
 * One row. Memoised on the row object's identity: the store keeps unchanged rows identical, so a
 * patch re-renders only the rows it touched (engineering-notes §1.4).
 */
const GridRow = memo(function GridRow({
  row,
  columns,
  top,
  index,
  mark,
  template,
  readable,
  current,
  onClick,
  selected,
  domId,
  cursor,
}: RowProps) {
  const id = row['.id'];
  return (
    <div
      role="row"
      id={domId}
      data-row-id={row['.id']}
      aria-rowindex={index + 2}
      aria-current={current ? 'true' : undefined}
      aria-selected={selected}
      className={`grid-row${index % 2 ? ' odd' : ''}${current ? ' current' : ''}${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}`}
      style={{ transform: `translateY(${top}px)`, gridTemplateColumns: template }}
      onClick={onClick && id !== undefined ? () => onClick(id) : undefined}
    >
      {columns.map((c) => {
        const flash = mark?.cols.includes(c) ?? false;
        return <Cell key={flash ? `${c}:${mark?.seq}` : c} col={c} raw={row[c] ?? ''} readable={readable} flash={flash} />;
      })}
    </div>
  );
});

export interface DataGridProps {
  label: string;
  rows: Row[];
  columns: string[];
  sorting: SortingState;
  onSortingChange: (s: SortingState) => void;
  filter: string;
  changed?: Map<string, ChangeMark>;
  /** Called with the rows as displayed (filtered and sorted), for export. */
  exportRef?: { current: (() => Row[]) | null };
  className?: string;
  empty?: string;
  /** Values for people (lib/values.ts); false shows them as sent (the **Raw values** switch). */
  readable?: boolean;
  /** Widths set by hand, px by column (remembered per path by the caller). */
  widths?: Readonly<Record<string, number>>;
  /** Called when a resize ends (pointer released, or an arrow key on a column's edge). */
  onWidthsChange?: (widths: Record<string, number>) => void;
  /** The row **Graph** acts on (by `.id`): marked `aria-current`. */
  currentId?: string;
  onRowClick?: (id: string) => void;
  /** The link is reconnecting: the rows may be out of date (dimmed, and said so to screen readers). */
  stale?: boolean;
  /**
   * Keep the newest rows in view as they arrive (`/log`, like `tail -f`), while the user is at the
   * bottom; scrolling up to read stops it until the bottom is reached again.
   */
  follow?: boolean;
  /** Makes the rows selectable (role="grid", aria-selected on each row; issue 14). */
  selection?: GridSelection;
}

/**
 * A selectable grid's selection, kept by the owner (the store): click selects one row,
 * Ctrl/Cmd+click toggles one, Shift+click selects the range from the anchor (in display order);
 * the arrow keys move (Shift extends), Space toggles, Ctrl+A selects all shown, Escape clears;
 * double-click or Enter activates a row, and the context menu (right click, Shift+F10 or the
 * Menu key) is asked for at the pointer or the row.
 */
export interface GridSelection {
  selected: readonly string[];
  anchor: string | undefined;
  onSelect(ids: string[], anchor: string | undefined): void;
  onActivate?(id: string): void;
  onContextMenu?(at: { x: number; y: number }): void;
}

/** A virtualised table: TanStack Virtual for the window, TanStack Table for columns, headers and sort state. */
export function DataGrid(props: DataGridProps) {
  const { rows, columns, sorting, onSortingChange, filter, changed, onWidthsChange } = props;
  const readable = props.readable ?? false;
  const scrollRef = useRef<HTMLDivElement>(null);
  const columnsKey = columns.join('\u0000');
  const hasRows = rows.length > 0;
  // Widths are measured once rows exist, not on every patch: columns must not jump while live.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const autoWidths = useMemo(() => columns.map((c) => widthOf(c, rows)), [columnsKey, hasRows]);
  const defs = useMemo<ColumnDef<Row>[]>(
    () =>
      columns.map((c, i) => ({
        id: c,
        accessorFn: (r: Row) => r[c] ?? '',
        header: c,
        sortDescFirst: false,
        size: autoWidths[i] ?? 100,
        minSize: MIN_COLUMN_WIDTH,
        maxSize: MAX_COLUMN_WIDTH,
      })),
    // The key, not the array: a new array with the same names must not rebuild the columns.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columnsKey, autoWidths],
  );
  // Column sizing (TanStack's), started from the widths remembered for the path.
  const [sizing, setSizing] = useState<ColumnSizingState>(() => ({ ...props.widths }));
  const sizingRef = useRef(sizing);
  sizingRef.current = sizing;
  const resized = useRef(false);
  const order = useMemo(() => displayOrder(rows, columns, sorting, filter), [rows, columns, sorting, filter]);
  if (props.exportRef) props.exportRef.current = () => [...order];
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; TanStack Virtual is used as documented.
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: ROW_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  // TanStack Table is the headless model of columns, headers, sort state and row ids. It is given
  // only the rows in the virtual window: sorting and filtering of the whole set happen above
  // (manual mode), so a patch to 10,000 rows rebuilds ~50 TanStack rows, not 10,000
  // (engineering-notes §1.4: the core row model is rebuilt whenever `data` changes identity).
  const windowRows = useMemo(() => items.map((v) => order[v.index] as Row), [items, order]);
  const table = useReactTable<Row>({
    data: windowRows,
    columns: defs,
    state: { sorting, columnSizing: sizing },
    onSortingChange: (u: Updater<SortingState>) => onSortingChange(typeof u === 'function' ? u(sorting) : u),
    onColumnSizingChange: (u: Updater<ColumnSizingState>) => {
      resized.current = true;
      setSizing((s) => (typeof u === 'function' ? u(s) : u));
    },
    columnResizeMode: 'onChange',
    enableColumnResizing: true,
    getRowId: (r, i) => r['.id'] ?? `#${i}`,
    manualSorting: true,
    manualFiltering: true,
    getCoreRowModel: getCoreRowModel(),
    enableSortingRemoval: true,
  });
  const modelRows = table.getRowModel().rows;
  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const widths = headers.map((h) => h.getSize());
  const template = widths.map((w) => `${w}px`).join(' ');
  const totalWidth = widths.reduce((a, b) => a + b, 0);
  // A drag ends when TanStack clears its resizing state: only then is the width remembered, not
  // on every pointer move.
  const resizing = table.getState().columnSizingInfo.isResizingColumn;
  useEffect(() => {
    if (resizing === false && resized.current) {
      resized.current = false;
      onWidthsChange?.({ ...sizingRef.current });
    }
  }, [resizing, sizing, onWidthsChange]);
  const resizeByKey = (e: KeyboardEvent, col: string, width: number) => {
    const step = (e.shiftKey ? 5 : 1) * KEY_STEP;
    const next = e.key === 'ArrowLeft' ? width - step : e.key === 'ArrowRight' ? width + step : undefined;
    if (next === undefined) return;
    e.preventDefault();
    const w = Math.max(MIN_COLUMN_WIDTH, Math.min(MAX_COLUMN_WIDTH, next));
    const all = { ...sizingRef.current, [col]: w };
    setSizing(all);
    onWidthsChange?.(all);
  };
  const sel = props.selection;
  const uid = useId();
  const selectedSet = useMemo(() => new Set(sel?.selected ?? []), [sel?.selected]);
  // The keyboard's row (aria-activedescendant); follows clicks.
  const [cursorId, setCursorId] = useState<string | undefined>(undefined);
  const ids = useMemo(() => order.map((r) => r['.id'] ?? ''), [order]);
  const cursorIndex = cursorId === undefined ? -1 : ids.indexOf(cursorId);
  const domId = (index: number) => `${uid}-r${index}`;

  const range = (from: string | undefined, to: string): string[] => {
    const a = from === undefined ? -1 : ids.indexOf(from);
    const b = ids.indexOf(to);
    if (a < 0 || b < 0) return [to];
    return ids.slice(Math.min(a, b), Math.max(a, b) + 1);
  };
  const pick = (id: string, how: { shift: boolean; toggle: boolean }) => {
    if (!sel || !id) return;
    setCursorId(id);
    if (how.shift) sel.onSelect(range(sel.anchor ?? cursorId, id), sel.anchor ?? cursorId ?? id);
    else if (how.toggle) sel.onSelect(selectedSet.has(id) ? sel.selected.filter((x) => x !== id) : [...sel.selected, id], id);
    else sel.onSelect([id], id);
  };
  const rowIdOf = (target: EventTarget): string | undefined =>
    (target as HTMLElement).closest?.('[data-row-id]')?.getAttribute('data-row-id') ?? undefined;
  const onGridKey = (e: React.KeyboardEvent) => {
    // Keys on the header's sort buttons and column resizers are theirs (Enter sorts, arrows resize).
    if (!sel || !ids.length || e.target !== e.currentTarget) return;
    const move = (to: number) => {
      e.preventDefault();
      const i = Math.max(0, Math.min(ids.length - 1, to));
      const id = ids[i]!;
      virtualizer.scrollToIndex(i);
      pick(id, { shift: e.shiftKey, toggle: false });
    };
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    switch (e.key) {
      case 'ArrowDown':
        return move(cursorIndex + 1);
      case 'ArrowUp':
        return move(cursorIndex < 0 ? 0 : cursorIndex - 1);
      case 'PageDown':
        return move(cursorIndex + page);
      case 'PageUp':
        return move(cursorIndex - page);
      case 'Home':
        return move(0);
      case 'End':
        return move(ids.length - 1);
      case ' ':
        if (cursorId) {
          e.preventDefault();
          pick(cursorId, { shift: false, toggle: true });
        }
        return;
      case 'Enter':
        if (cursorId && sel.onActivate) {
          e.preventDefault();
          sel.onActivate(cursorId);
        }
        return;
      case 'Escape':
        if (sel.selected.length) {
          e.preventDefault();
          e.stopPropagation();
          sel.onSelect([], undefined);
        }
        return;
      case 'ContextMenu':
      case 'F10':
        if (e.key === 'F10' && !e.shiftKey) return;
        if (sel.onContextMenu) {
          e.preventDefault();
          const row = cursorIndex >= 0 ? document.getElementById(domId(cursorIndex)) : null;
          const box = (row ?? scrollRef.current)?.getBoundingClientRect();
          sel.onContextMenu({ x: (box?.left ?? 0) + 24, y: box?.bottom ?? 0 });
        }
        return;
      default:
        if ((e.key === 'a' || e.key === 'A') && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          sel.onSelect(ids.filter(Boolean), ids[0]);
        }
    }
  };

  const atBottom = useRef(true);
  const follow = props.follow ?? false;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!follow || !atBottom.current || !el || order.length === 0) return;
    el.scrollTop = el.scrollHeight;
  }, [follow, order.length]);

  return (
    <div
      ref={scrollRef}
      className={`grid-scroll ${props.className ?? ''}${props.stale ? ' stale' : ''}`}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT * 2;
      }}
    >
      <div
        role={sel ? 'grid' : 'table'}
        aria-label={props.label}
        aria-description={props.stale ? 'rows may be stale: the link is reconnecting' : undefined}
        aria-rowcount={order.length + 1}
        aria-colcount={columns.length}
        aria-multiselectable={sel ? true : undefined}
        aria-readonly={sel ? true : undefined}
        tabIndex={sel ? 0 : undefined}
        aria-activedescendant={
          sel && cursorIndex >= 0 && items.some((v) => v.index === cursorIndex) ? domId(cursorIndex) : undefined
        }
        className={sel ? 'grid grid-selectable' : 'grid'}
        style={{ width: totalWidth }}
        onKeyDown={sel ? onGridKey : undefined}
        onMouseDown={
          sel
            ? (e) => {
                // Shift+click selects a range, not the text between.
                if (e.shiftKey && rowIdOf(e.target)) e.preventDefault();
              }
            : undefined
        }
        onClick={
          sel
            ? (e) => {
                const id = rowIdOf(e.target);
                if (id) pick(id, { shift: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
              }
            : undefined
        }
        onDoubleClick={
          sel
            ? (e) => {
                const id = rowIdOf(e.target);
                if (id && sel.onActivate) {
                  window.getSelection?.()?.removeAllRanges();
                  sel.onActivate(id);
                }
              }
            : undefined
        }
        onContextMenu={
          sel?.onContextMenu
            ? (e) => {
                const id = rowIdOf(e.target);
                if (!id) return;
                e.preventDefault();
                if (!selectedSet.has(id)) pick(id, { shift: false, toggle: false });
                sel.onContextMenu?.({ x: e.clientX, y: e.clientY });
              }
            : undefined
        }
      >
        <div role="rowgroup" className="grid-head">
          <div role="row" aria-rowindex={1} className="grid-row head" style={{ gridTemplateColumns: template }}>
            {headers.map((h) => {
              const dir = h.column.getIsSorted();
              return (
                <div
                  role="columnheader"
                  key={h.id}
                  aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                  className="cell head-cell"
                >
                  <button
                    type="button"
                    className="sort-btn"
                    onClick={h.column.getToggleSortingHandler()}
                    title={`Sort by ${h.id}`}
                  >
                    <span className="col-name">{h.id}</span>
                    <span className="sort-mark" aria-hidden="true">
                      {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}
                    </span>
                  </button>
                  <div
                    role="separator"
                    aria-orientation="vertical"
                    aria-label={`Resize column ${h.id}`}
                    aria-valuenow={Math.round(h.getSize())}
                    aria-valuemin={MIN_COLUMN_WIDTH}
                    aria-valuemax={MAX_COLUMN_WIDTH}
                    tabIndex={0}
                    className={`col-resizer${h.column.getIsResizing() ? ' resizing' : ''}`}
                    onMouseDown={h.getResizeHandler()}
                    onTouchStart={h.getResizeHandler()}
                    onDoubleClick={() => {
                      const { [h.id]: _gone, ...rest } = sizingRef.current;
                      setSizing(rest);
                      onWidthsChange?.(rest);
                    }}
                    onKeyDown={(e) => resizeByKey(e, h.id, h.getSize())}
                  />
                </div>
              );
            })}
          </div>
        </div>
        <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((v, i) => {
            const r = modelRows[i];
            if (!r) return null;
            return (
              <GridRow
                key={r.id}
                row={r.original}
                columns={columns}
                top={v.start - ROW_HEIGHT}
                index={v.index}
                mark={changed?.get(r.id)}
                template={template}
                readable={readable}
                current={props.currentId !== undefined && props.currentId === r.id}
                onClick={props.onRowClick}
                selected={sel ? selectedSet.has(r.id) : undefined}
                domId={sel ? domId(v.index) : undefined}
                cursor={sel !== undefined && v.index === cursorIndex}
              />
            );
          })}
        </div>
      </div>
      {order.length === 0 && <p className="empty-note grid-empty">{props.empty ?? 'No rows.'}</p>}
    </div>
  );
}
