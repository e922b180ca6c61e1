import { useMemo, useRef, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { LinkState, SavedConnection } from '../../../app-main/src/common/contract';
import { useApp, useNow, useRun } from '../hooks';
import { capitalise, linkStatusText, TRANSPORT_LABEL } from '../lib/format';
import { Discovered } from './Discovered';

function matches(c: SavedConnection, q: string): boolean {
  if (!q) return true;
  const s = q.toLowerCase();
  return [c.name, c.host, c.group, c.user, String(c.port), c.notes].some((v) => v.toLowerCase().includes(s));
}

/** The router list's element id: focus goes here after a confirmed delete (issue 11). */
export const ROUTER_LIST_ID = 'router-list';

export function statusClass(link: LinkState | undefined): string {
  return `dot dot-${link?.status ?? 'offline'}`;
}

/** Saved routers: search, groups, a status dot each, and the actions for the selected one. */
export function Sidebar() {
  const { connections, selectedId, search, links } = useApp(
    useShallow((s) => ({ connections: s.connections, selectedId: s.selectedId, search: s.search, links: s.links })),
  );
  const actions = useApp(
    useShallow((s) => ({
      select: s.select,
      setSearch: s.setSearch,
      openDialog: s.openDialog,
      connect: s.connect,
      disconnect: s.disconnect,
      duplicate: s.duplicateConnection,
      requestFocus: s.requestFocus,
    })),
  );
  const keychainOk = useApp((s) => s.info?.keychain.available ?? true);
  const run = useRun();
  const anyBackoff = Object.values(links).some((l) => l.status === 'backoff');
  const now = useNow(500, anyBackoff);
  const listRef = useRef<HTMLDivElement>(null);

  const visible = useMemo(() => connections.filter((c) => matches(c, search)), [connections, search]);
  const groups = useMemo(() => {
    const m = new Map<string, SavedConnection[]>();
    for (const c of [...visible].sort((a, b) => Number(!!b.demo) - Number(!!a.demo) || a.name.localeCompare(b.name))) {
      const g = m.get(c.group) ?? [];
      g.push(c);
      m.set(c.group, g);
    }
    // Ungrouped routers first, then groups alphabetically.
    return [...m.entries()].sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
  }, [visible]);
  const ordered = groups.flatMap(([, list]) => list);
  const selected = connections.find((c) => c.id === selectedId);
  const selectedLink = selected ? links[selected.id] : undefined;
  const status = selectedLink?.status ?? 'offline';
  const canConnect = !!selected && (status === 'offline' || status === 'failed' || status === 'auth-failed');
  const canDisconnect = !!selected && !canConnect;

  const onListKey = (e: KeyboardEvent) => {
    const i = ordered.findIndex((c) => c.id === selectedId);
    let next: SavedConnection | undefined;
    if (e.key === 'ArrowDown') next = ordered[Math.min(ordered.length - 1, i + 1)];
    else if (e.key === 'ArrowUp') next = ordered[Math.max(0, i - 1)];
    else if (e.key === 'Home') next = ordered[0];
    else if (e.key === 'End') next = ordered[ordered.length - 1];
    else if (e.key === 'Enter' && selected && canConnect) {
      e.preventDefault();
      run(actions.connect(selected.id));
      return;
    } else if (e.key === 'Enter' && selected && status === 'online') {
      // Already connected: Enter goes to its Sentence box, as after connecting.
      e.preventDefault();
      actions.requestFocus(selected.id, 'sentence');
      return;
    } else return;
    e.preventDefault();
    if (next) {
      actions.select(next.id);
      document.getElementById(`conn-${next.id}`)?.scrollIntoView({ block: 'nearest' });
    }
  };

  return (
    <aside className="sidebar" aria-label="Saved connections">
      <div className="sidebar-head">
        <h2 className="sidebar-title">Routers</h2>
        <button type="button" className="btn btn-primary btn-small" onClick={() => actions.openDialog({ kind: 'add' })}>
          Add connection
        </button>
      </div>
      <input
        id="connection-search"
        className="input search"
        type="search"
        aria-label="Search connections"
        placeholder="Search routers  (Ctrl+K)"
        value={search}
        onChange={(e) => actions.setSearch(e.target.value)}
        onKeyDown={(e) => {
          // Ctrl+K, then arrows and Enter (issue 14): the list's keys work from the search box.
          const first = ordered[0];
          if (e.key === 'Enter' && !(selected && visible.includes(selected)) && first) {
            e.preventDefault();
            actions.select(first.id);
            run(actions.connect(first.id));
            return;
          }
          if (['ArrowDown', 'ArrowUp', 'Enter'].includes(e.key)) onListKey(e);
        }}
      />
      <div
        ref={listRef}
        id={ROUTER_LIST_ID}
        className="conn-list"
        role="listbox"
        aria-label="Routers"
        tabIndex={0}
        aria-activedescendant={selected && visible.includes(selected) ? `conn-${selected.id}` : undefined}
        onKeyDown={onListKey}
      >
        {groups.map(([group, list]) => (
          <div role="group" aria-label={group || 'Ungrouped'} key={group || '\u0000'} className="conn-group">
            {group && (
              <div className="conn-group-label" aria-hidden="true">
                {group}
              </div>
            )}
            {list.map((c) => {
              const link = links[c.id];
              const text = linkStatusText(link, now);
              return (
                <div
                  key={c.id}
                  id={`conn-${c.id}`}
                  role="option"
                  aria-selected={c.id === selectedId}
                  aria-label={c.name}
                  aria-describedby={`conn-${c.id}-state`}
                  className={`conn${c.id === selectedId ? ' selected' : ''}`}
                  onClick={() => {
                    actions.select(c.id);
                    listRef.current?.focus();
                  }}
                  onDoubleClick={() => {
                    const st = links[c.id]?.status ?? 'offline';
                    if (st === 'offline' || st === 'failed' || st === 'auth-failed') run(actions.connect(c.id));
                  }}
                >
                  <span className={statusClass(link)} aria-hidden="true" />
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
                      {text}
                      {link?.status === 'backoff' && link.reason ? ` — ${link.reason}` : ''}
                    </span>
                  </span>
                </div>
              );
            })}
          </div>
        ))}
        {visible.length === 0 && (
          <p className="empty-note">{connections.length ? `No router matches “${search}”.` : 'No saved routers yet. Add one.'}</p>
        )}
      </div>
      <Discovered />
      <section className="conn-details" aria-label="Selected router">
        {selected ? (
          <>
            <div className="details-name">
              <span className={statusClass(selectedLink)} aria-hidden="true" />
              {selected.name}
            </div>
            <dl className="details">
              <dt>Address</dt>
              <dd className="mono">
                {selected.host}:{selected.port}
              </dd>
              <dt>Transport</dt>
              <dd>{TRANSPORT_LABEL[selected.transport]}</dd>
              <dt>User</dt>
              <dd className="mono">{selected.user || '—'}</dd>
              <dt>Password</dt>
              <dd>
                {selected.demo
                  ? 'built in'
                  : !selected.hasPassword
                    ? 'none stored'
                    : keychainOk
                      ? 'in the keychain'
                      : 'for this run only'}
              </dd>
            </dl>
            {selectedLink?.status === 'backoff' && (
              <div className="details-drop">
                <p className="details-note">
                  {selectedLink.reason ? `${capitalise(selectedLink.reason.replace(/\.$/, ''))}. ` : 'The link dropped. '}
                  {linkStatusText(selectedLink, now)}
                </p>
                <button type="button" className="btn btn-small" onClick={() => run(actions.connect(selected.id))}>
                  Retry now
                </button>
              </div>
            )}
            {selectedLink?.status === 'online' && selectedLink.router && (
              <p className="details-note">
                {selectedLink.router.identity} · RouterOS {selectedLink.router.version}
              </p>
            )}
          </>
        ) : (
          <p className="empty-note">Select a router.</p>
        )}
        <div role="toolbar" aria-label="Router actions" className="toolbar conn-actions">
          <button
            type="button"
            className="btn btn-primary"
            disabled={!canConnect}
            onClick={() => selected && run(actions.connect(selected.id))}
          >
            Connect
          </button>{' '}
          <button
            type="button"
            className="btn"
            disabled={!canDisconnect}
            onClick={() => selected && run(actions.disconnect(selected.id))}
          >
            Disconnect
          </button>{' '}
          <button
            type="button"
            className="btn"
            disabled={!selected}
            onClick={() => selected && actions.openDialog({ kind: 'edit', id: selected.id })}
          >
            Edit
          </button>{' '}
          <button
            type="button"
            className="btn"
            disabled={!selected}
            onClick={() => selected && run(actions.duplicate(selected.id))}
          >
            Duplicate
          </button>{' '}
          <button
            type="button"
            className="btn btn-danger"
            disabled={!selected}
            onClick={() => selected && actions.openDialog({ kind: 'delete', id: selected.id })}
          >
            Delete
          </button>
        </div>
      </section>
    </aside>
  );
}
