import { memo, useLayoutEffect, useMemo, useRef } from 'react';
import { getCoreRowModel, useReactTable, type ColumnDef, type SortingState, type Updater } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Row } from '../../../app-main/src/common/contract';
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

interface RowProps {
  row: Row;
  columns: readonly string[];
  top: number;
  index: number;
  mark: ChangeMark | undefined;
  template: string;
}

/**
 * One row. Memoised on the row object's identity: the store keeps unchanged rows identical, so a
 * patch re-renders only the rows it touched (engineering-notes §1.4).
 */
const GridRow = memo(function GridRow({ row, columns, top, index, mark, template }: RowProps) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`grid-row${index % 2 ? ' odd' : ''}`}
      style={{ transform: `translateY(${top}px)`, gridTemplateColumns: template }}
    >
      {columns.map((c) => {
        const v = row[c] ?? '';
        const flash = mark?.cols.includes(c);
        return (
          <div
            role="cell"
            key={flash ? `${c}:${mark?.seq}` : c}
            className={flash ? 'cell flash' : 'cell'}
            title={v.length > 30 ? v : undefined}
          >
            {v}
          </div>
        );
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
  /** The link is reconnecting: the rows may be out of date (dimmed, and said so to screen readers). */
  stale?: boolean;
  /**
   * Keep the newest rows in view as they arrive (`/log`, like `tail -f`), while the user is at the
   * bottom; scrolling up to read stops it until the bottom is reached again.
   */
  follow?: boolean;
}

/** A virtualised table: TanStack Virtual for the window, TanStack Table for columns, headers and sort state. */
export function DataGrid(props: DataGridProps) {
  const { rows, columns, sorting, onSortingChange, filter, changed } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const columnsKey = columns.join('\u0000');
  const defs = useMemo<ColumnDef<Row>[]>(
    () => columns.map((c) => ({ id: c, accessorFn: (r: Row) => r[c] ?? '', header: c, sortDescFirst: false })),
    // The key, not the array: a new array with the same names must not rebuild the columns.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columnsKey],
  );
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
    state: { sorting },
    onSortingChange: (u: Updater<SortingState>) => onSortingChange(typeof u === 'function' ? u(sorting) : u),
    getRowId: (r, i) => r['.id'] ?? `#${i}`,
    manualSorting: true,
    manualFiltering: true,
    getCoreRowModel: getCoreRowModel(),
    enableSortingRemoval: true,
  });
  const modelRows = table.getRowModel().rows;
  const hasRows = rows.length > 0;
  // Widths are measured once rows exist, not on every patch: columns must not jump while live.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const widths = useMemo(() => columns.map((c) => widthOf(c, rows)), [columnsKey, hasRows]);
  const template = widths.map((w) => `${w}px`).join(' ');
  const totalWidth = widths.reduce((a, b) => a + b, 0);
  const headers = table.getHeaderGroups()[0]?.headers ?? [];

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
        role="table"
        aria-label={props.label}
        aria-description={props.stale ? 'rows may be stale: the link is reconnecting' : undefined}
        aria-rowcount={order.length + 1}
        aria-colcount={columns.length}
        className="grid"
        style={{ width: totalWidth }}
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
              />
            );
          })}
        </div>
      </div>
      {order.length === 0 && <p className="empty-note grid-empty">{props.empty ?? 'No rows.'}</p>}
    </div>
  );
}
