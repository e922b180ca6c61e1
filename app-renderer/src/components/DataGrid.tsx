import { memo, useMemo, useRef } from 'react';
import {
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type FilterFn,
  type SortingFn,
  type SortingState,
  type Updater,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Row } from '../../../app-main/src/common/contract';
import type { ChangeMark } from '../store/types';

export const ROW_HEIGHT = 22;

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Numbers compare as numbers, everything else as plain strings (cheap: no locale collation). */
const compareValues: SortingFn<Row> = (a, b, id) => {
  const x = (a.original[id] ?? '') as string;
  const y = (b.original[id] ?? '') as string;
  if (NUMERIC.test(x) && NUMERIC.test(y)) return Number(x) - Number(y);
  return x < y ? -1 : x > y ? 1 : 0;
};

const containsText: FilterFn<Row> = (row, id, value: string) => (row.original[id] ?? '').toLowerCase().includes(value);

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
    <div role="row" aria-rowindex={index + 2} className={`grid-row${index % 2 ? ' odd' : ''}`} style={{ transform: `translateY(${top}px)`, gridTemplateColumns: template }}>
      {columns.map((c) => {
        const v = row[c] ?? '';
        const flash = mark?.cols.includes(c);
        return (
          <div role="cell" key={flash ? `${c}:${mark?.seq}` : c} className={flash ? 'cell flash' : 'cell'} title={v.length > 30 ? v : undefined}>
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
}

/** A virtualised table: TanStack Table for sorting and filtering, TanStack Virtual for the window. */
export function DataGrid(props: DataGridProps) {
  const { rows, columns, sorting, onSortingChange, filter, changed } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const columnsKey = columns.join('\u0000');
  const defs = useMemo<ColumnDef<Row>[]>(
    () => columns.map((c) => ({ id: c, accessorFn: (r: Row) => r[c] ?? '', header: c, sortingFn: compareValues, filterFn: containsText })),
    // The key, not the array: a new array with the same names must not rebuild the columns.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columnsKey],
  );
  const table = useReactTable<Row>({
    data: rows,
    columns: defs,
    state: { sorting, globalFilter: filter.toLowerCase() },
    onSortingChange: (u: Updater<SortingState>) => onSortingChange(typeof u === 'function' ? u(sorting) : u),
    getRowId: (r, i) => r['.id'] ?? String(i),
    globalFilterFn: containsText,
    getColumnCanGlobalFilter: () => true,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    enableSortingRemoval: true,
  });
  const model = table.getRowModel();
  if (props.exportRef) props.exportRef.current = () => table.getRowModel().rows.map((r) => r.original);
  const virtualizer = useVirtualizer({
    count: model.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: ROW_HEIGHT,
  });
  const hasRows = rows.length > 0;
  // Widths are measured once rows exist, not on every patch: columns must not jump while live.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const widths = useMemo(() => columns.map((c) => widthOf(c, rows)), [columnsKey, hasRows]);
  const template = widths.map((w) => `${w}px`).join(' ');
  const totalWidth = widths.reduce((a, b) => a + b, 0);
  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const items = virtualizer.getVirtualItems();

  return (
    <div ref={scrollRef} className={`grid-scroll ${props.className ?? ''}`}>
      <div role="table" aria-label={props.label} aria-rowcount={model.rows.length + 1} aria-colcount={columns.length} className="grid" style={{ width: totalWidth }}>
        <div role="rowgroup" className="grid-head">
          <div role="row" aria-rowindex={1} className="grid-row head" style={{ gridTemplateColumns: template }}>
            {headers.map((h) => {
              const dir = h.column.getIsSorted();
              return (
                <div role="columnheader" key={h.id} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'} className="cell head-cell">
                  <button type="button" className="sort-btn" onClick={h.column.getToggleSortingHandler()} title={`Sort by ${h.id}`}>
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
          {items.map((v) => {
            const r = model.rows[v.index];
            if (!r) return null;
            return <GridRow key={r.id} row={r.original} columns={columns} top={v.start - ROW_HEIGHT} index={v.index} mark={changed?.get(r.id)} template={template} />;
          })}
        </div>
      </div>
      {model.rows.length === 0 && <p className="empty-note grid-empty">{props.empty ?? 'No rows.'}</p>}
    </div>
  );
}
