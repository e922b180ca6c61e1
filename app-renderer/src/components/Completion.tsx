/**
 * The suggestion list under a text box: role listbox with options, driven by aria-activedescendant.
 * `details` (same order as `items`) adds the router's explanation next to an option.
 */
export function CompletionList(props: {
  id: string;
  label: string;
  items: string[];
  details?: (string | undefined)[];
  active: number;
  onPick: (item: string) => void;
}) {
  if (!props.items.length) return null;
  return (
    <ul role="listbox" id={props.id} aria-label={props.label} className="completion">
      {props.items.map((item, i) => (
        <li
          key={item}
          id={`${props.id}-${i}`}
          role="option"
          aria-selected={i === props.active}
          className={i === props.active ? 'active' : undefined}
          // mousedown, not click: keep focus in the text box.
          onMouseDown={(e) => {
            e.preventDefault();
            props.onPick(item);
          }}
        >
          {props.details?.[i] ? (
            <>
              <span className="completion-name">{item}</span>
              <span className="completion-detail"> {props.details[i]}</span>
            </>
          ) : (
            item
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * Keyboard handling shared by the Sentence and Path boxes: ↑/↓ move through the open list, Tab (or
 * Enter once an option is highlighted) accepts, Esc closes. Returns true when it used the key.
 */
export function completionKey(
  e: React.KeyboardEvent,
  state: { open: boolean; count: number; active: number },
  actions: { setActive: (i: number) => void; accept: (i: number) => void; close: () => void },
): boolean {
  if (!state.open || state.count === 0) return false;
  if (e.key === 'ArrowDown') {
    actions.setActive((state.active + 1) % state.count);
  } else if (e.key === 'ArrowUp') {
    actions.setActive(state.active <= 0 ? state.count - 1 : state.active - 1);
  } else if (e.key === 'Tab' && !e.shiftKey) {
    actions.accept(Math.max(0, state.active));
  } else if (e.key === 'Enter' && state.active >= 0 && !e.ctrlKey && !e.metaKey) {
    actions.accept(state.active);
  } else if (e.key === 'Escape') {
    actions.close();
  } else return false;
  e.preventDefault();
  return true;
}
