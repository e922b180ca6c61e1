import type { LinkState, SavedConnection } from '../../../app-main/src/common/contract';

/**
 * Routers to run something on, as labelled checkboxes in a named group. Only connected routers can
 * be added; one already chosen stays listed (and can be cleared) when it goes offline, so the
 * result can say "not connected" for it instead of it vanishing from the choice.
 */
export function RouterPicker(props: {
  label: string;
  connections: readonly SavedConnection[];
  links: Record<string, LinkState>;
  selected: readonly string[];
  onToggle: (id: string, on: boolean) => void;
  error?: string | undefined;
  errorId: string;
}) {
  const { connections, links, selected } = props;
  const shown = connections.filter((c) => links[c.id]?.status === 'online' || selected.includes(c.id));
  const online = shown.filter((c) => links[c.id]?.status === 'online');
  const allOn = online.length > 0 && online.every((c) => selected.includes(c.id));
  // Groups as a whole (issue 15): a group's box chooses (or clears) its connected routers.
  const groups = new Map<string, SavedConnection[]>();
  for (const c of online) if (c.group) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const groupList = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
  return (
    <fieldset
      className="router-picker"
      aria-invalid={props.error ? true : undefined}
      aria-describedby={props.error ? props.errorId : undefined}
    >
      <legend>{props.label}</legend>
      {shown.length === 0 ? (
        <p className="muted">No router is connected. Connect routers in the list on the left first.</p>
      ) : (
        <>
          {groupList.length > 0 && (
            <div className="picker-groups" role="group" aria-label={`Groups to ${props.label.toLowerCase()}`}>
              {groupList.map(([g, list]) => {
                const on = list.every((c) => selected.includes(c.id));
                return (
                  <label key={g} className="check">
                    <input
                      type="checkbox"
                      checked={on}
                      onChange={() => list.forEach((c) => (on || !selected.includes(c.id)) && props.onToggle(c.id, !on))}
                    />
                    Group {g}
                    <span className="muted"> ({list.length} connected)</span>
                  </label>
                );
              })}
            </div>
          )}
          <div className="router-picker-list">
            {shown.map((c) => {
              const isOnline = links[c.id]?.status === 'online';
              const r = links[c.id]?.router;
              return (
                <label key={c.id} className="check">
                  <input
                    type="checkbox"
                    checked={selected.includes(c.id)}
                    onChange={(e) => props.onToggle(c.id, e.target.checked)}
                  />
                  {c.name}
                  <span className="muted" aria-hidden="true">
                    {isOnline ? (r ? ` ${r.identity} · ${r.version}` : '') : ' (not connected)'}
                  </span>
                </label>
              );
            })}
            {online.length > 1 && (
              <button
                type="button"
                className="btn btn-small btn-ghost"
                onClick={() => online.forEach((c) => props.onToggle(c.id, !allOn))}
              >
                {allOn ? 'Clear all' : 'Select all connected'}
              </button>
            )}
          </div>
        </>
      )}
      {props.error && (
        <p id={props.errorId} className="field-error" role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
