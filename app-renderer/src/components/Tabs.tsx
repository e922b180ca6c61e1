import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem<K extends string> {
  key: K;
  label: ReactNode;
  /** Accessible name when the label is not plain text. */
  name?: string;
  panelId?: string;
  id?: string;
}

/**
 * A WAI-ARIA tablist: roving tabindex, ←/→/Home/End move and activate (automatic activation,
 * since switching is cheap here).
 */
export function Tabs<K extends string>(props: {
  label: string;
  items: readonly TabItem<K>[];
  selected: K | undefined;
  onSelect: (key: K) => void;
  className?: string;
  after?: (item: TabItem<K>) => ReactNode;
  /** Scroll the selected tab into view when it changes (a long row of open routers). */
  revealSelected?: boolean;
}) {
  const refs = useRef(new Map<K, HTMLButtonElement>());
  // A tab scrolled out of view (many routers open) is brought into view when it becomes active.
  useEffect(() => {
    if (!props.revealSelected || props.selected === undefined) return;
    const el = refs.current.get(props.selected);
    if (typeof el?.scrollIntoView === 'function') el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [props.selected, props.revealSelected]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const n = props.items.length;
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % n;
    else if (e.key === 'ArrowLeft') j = (i - 1 + n) % n;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = n - 1;
    if (j < 0) return;
    e.preventDefault();
    const item = props.items[j];
    if (!item) return;
    props.onSelect(item.key);
    refs.current.get(item.key)?.focus();
  };
  return (
    <div role="tablist" aria-label={props.label} className={props.className ?? 'tabs'}>
      {props.items.map((item, i) => {
        const selected = item.key === props.selected;
        return (
          <span className={`tab-wrap${selected ? ' selected' : ''}`} key={item.key}>
            <button
              ref={(el) => {
                if (el) refs.current.set(item.key, el);
                else refs.current.delete(item.key);
              }}
              type="button"
              role="tab"
              id={item.id}
              aria-selected={selected}
              aria-controls={item.panelId}
              aria-label={item.name}
              tabIndex={selected || (props.selected === undefined && i === 0) ? 0 : -1}
              className="tab"
              onClick={() => props.onSelect(item.key)}
              onKeyDown={(e) => onKey(e, i)}
            >
              {item.label}
            </button>
            {props.after?.(item)}
          </span>
        );
      })}
    </div>
  );
}
