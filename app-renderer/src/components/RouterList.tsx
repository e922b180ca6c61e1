import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, type KeyboardEvent, type MutableRefObject } from 'react';
import type { LinkState, SavedConnection } from '../../../app-main/src/common/contract';
import { linkStatusText } from '../lib/format';

/** Fixed heights (app.css keeps them): measuring 2,000 rows while scrolling would cost frames. */
export const ROUTER_ROW_HEIGHT = 60;
export const GROUP_ROW_HEIGHT = 26;

type Item = { kind: 'group'; group: string } | { kind: 'router'; c: SavedConnection; pos: number };

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/**
 * Routers in display order: the Demo router first, then by name; ungrouped first, then groups
 * alphabetically. Sorted once per change of the list, not per keystroke of the search.
 */
export function sortRouters(connections: readonly SavedConnection[]): SavedConnection[] {
  return [...connections].sort(
    (a, b) =>
      (a.group === '' ? 0 : 1) - (b.group === '' ? 0 : 1) ||
      collator.compare(a.group, b.group) ||
      Number(!!b.demo) - Number(!!a.demo) ||
      collator.compare(a.name, b.name),
  );
}

function flatten(visible: readonly SavedConnection[]): Item[] {
  const out: Item[] = [];
  let group: string | undefined;
  let pos = 0;
  for (const c of visible) {
    if (c.group !== group) {
      group = c.group;
      if (group) out.push({ kind: 'group', group });
    }
    out.push({ kind: 'router', c, pos: ++pos });
  }
  return out;
}

const RouterRow = memo(function RouterRow(props: {
  c: SavedConnection;
  link: LinkState | undefined;
  selected: boolean;
  now: number;
  top: number;
  pos: number;
  size: number;
  onClick: (id: string) => void;
  onDoubleClick: (id: string) => void;
}) {
  const { c, link } = props;
  return (
    <div
      id={`conn-${c.id}`}
      role="option"
      aria-selected={props.selected}
      aria-label={c.name}
      aria-describedby={`conn-${c.id}-state`}
      aria-posinset={props.pos}
      aria-setsize={props.size}
      className={`conn${props.selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${props.top}px)` }}
      onClick={() => props.onClick(c.id)}
      onDoubleClick={() => props.onDoubleClick(c.id)}
    >
      <span className={`dot dot-${link?.status ?? 'offline'}`} aria-hidden="true" />
      <span className="conn-main">
        <span className="conn-name">
          {c.name}
          {c.demo && <span className="badge">demo</span>}
        </span>
        <span className="conn-addr">
          {c.user ? `${c.user}@` : ''}
          {c.host}:{c.port}
        </span>
        <span
          id={`conn-${c.id}-state`}
          className={`conn-state st-${link?.status ?? 'offline'}`}
          aria-live="polite"
          title={link?.reason}
        >
          {linkStatusText(link, props.now)}
          {link?.status === 'backoff' && link.reason ? ` — ${link.reason}` : ''}
          {c.group && <span className="visually-hidden">, group {c.group}</span>}
        </span>
      </span>
    </div>
  );
});

/**
 * The sidebar's router list (issue 15, Scale): a listbox virtualised with TanStack Virtual, so
 * that 2,000 saved routers put only the rows in view (and a few more) in the DOM. Group names are
 * rows of their own between the options.
 */
export function RouterList(props: {
  id: string;
  visible: readonly SavedConnection[];
  links: Readonly<Record<string, LinkState>>;
  selectedId: string | undefined;
  now: number;
  empty: string | undefined;
  onSelect: (id: string) => void;
  /** A double click on a router (connects one that can connect). */
  onConnect: (id: string) => void;
  /** Enter on the selected router (default: as a double click). */
  onEnter?: (id: string) => void;
  /** Receives the list's key handler, so that another control (the search box) can use it. */
  keysRef?: MutableRefObject<((e: KeyboardEvent) => void) | null>;
}) {
  const { visible, links, selectedId, onSelect, onConnect } = props;
  const listRef = useRef<HTMLDivElement>(null);
  const items = useMemo(() => flatten(visible), [visible]);
  const indexOf = useMemo(() => {
    const m = new Map<string, number>();
    items.forEach((it, i) => it.kind === 'router' && m.set(it.c.id, i));
    return m;
  }, [items]);
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; TanStack Virtual is used as documented.
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => listRef.current,
    estimateSize: (i) => (items[i]?.kind === 'group' ? GROUP_ROW_HEIGHT : ROUTER_ROW_HEIGHT),
    overscan: 6,
  });
  const selectedShown = selectedId !== undefined && indexOf.has(selectedId);

  const move = (id: string | undefined) => {
    if (id === undefined) return;
    onSelect(id);
    const i = indexOf.get(id);
    if (i !== undefined) virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent) => {
    const ordered = visible;
    const i = ordered.findIndex((c) => c.id === selectedId);
    if (e.key === 'ArrowDown') move(ordered[Math.min(ordered.length - 1, i + 1)]?.id);
    else if (e.key === 'ArrowUp') move(ordered[Math.max(0, i - 1)]?.id);
    else if (e.key === 'Home') move(ordered[0]?.id);
    else if (e.key === 'End') move(ordered[ordered.length - 1]?.id);
    else if (e.key === 'Enter' && selectedShown && selectedId) (props.onEnter ?? onConnect)(selectedId);
    else return;
    e.preventDefault();
  };

  // The latest onConnect, behind a stable function: the parent makes a new one whenever a link
  // changes (heartbeats: 33 a second with 1,000 links), which would re-render every row in view.
  const connectRef = useRef(onConnect);
  useEffect(() => {
    connectRef.current = onConnect;
  });
  const onDoubleClick = useCallback((id: string) => connectRef.current(id), []);
  // Stable across scroll steps: a new function would re-render every row in view on each frame.
  useEffect(() => {
    if (props.keysRef) props.keysRef.current = onKey;
  });
  const onClick = useCallback(
    (id: string) => {
      onSelect(id);
      listRef.current?.focus();
    },
    [onSelect],
  );

  return (
    <div
      ref={listRef}
      id={props.id}
      className="conn-list"
      role="listbox"
      aria-label="Routers"
      tabIndex={0}
      aria-activedescendant={selectedShown ? `conn-${selectedId}` : undefined}
      onKeyDown={onKey}
    >
      <div className="conn-list-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => {
          const it = items[v.index];
          if (!it) return null;
          if (it.kind === 'group')
            return (
              <div
                key={`g:${it.group}`}
                role="presentation"
                aria-hidden="true"
                className="conn-group-label"
                style={{ transform: `translateY(${v.start}px)` }}
              >
                {it.group}
              </div>
            );
          return (
            <RouterRow
              key={it.c.id}
              c={it.c}
              link={links[it.c.id]}
              selected={it.c.id === selectedId}
              now={props.now}
              top={v.start}
              pos={it.pos}
              size={visible.length}
              onClick={onClick}
              onDoubleClick={onDoubleClick}
            />
          );
        })}
      </div>
      {props.empty && <p className="empty-note">{props.empty}</p>}
    </div>
  );
}
