import { useMemo, useRef, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { LinkState, SavedConnection } from '../../../app-main/src/common/contract';
import { useApp, useNow, useRun } from '../hooks';
import { capitalise, linkStatusText, TRANSPORT_LABEL } from '../lib/format';
import { Discovered } from './Discovered';
import { RouterList, sortRouters } from './RouterList';

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
  // The list's key handler (RouterList owns the scrolling), for arrows and Enter in the search box.
  const listKeys = useRef<((e: KeyboardEvent) => void) | null>(null);

  // Sorted once per change of the list; each keystroke of the search only filters (issue 15: 2,000 routers).
  const sorted = useMemo(() => sortRouters(connections), [connections]);
  const visible = useMemo(() => sorted.filter((c) => matches(c, search)), [sorted, search]);
  const selected = connections.find((c) => c.id === selectedId);
  const selectedLink = selected ? links[selected.id] : undefined;
  const status = selectedLink?.status ?? 'offline';
  const canConnect = !!selected && (status === 'offline' || status === 'failed' || status === 'auth-failed');
  const canDisconnect = !!selected && !canConnect;

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
          const first = visible[0];
          if (e.key === 'Enter' && !(selected && visible.includes(selected)) && first) {
            e.preventDefault();
            actions.select(first.id);
            run(actions.connect(first.id));
            return;
          }
          if (['ArrowDown', 'ArrowUp', 'Enter'].includes(e.key)) listKeys.current?.(e);
        }}
      />
      <RouterList
        id={ROUTER_LIST_ID}
        keysRef={listKeys}
        visible={visible}
        links={links}
        selectedId={selectedId}
        now={now}
        empty={
          visible.length === 0
            ? connections.length
              ? `No router matches “${search}”.`
              : 'No saved routers yet. Add one.'
            : undefined
        }
        onSelect={actions.select}
        onConnect={(id) => {
          const st = links[id]?.status ?? 'offline';
          if (st === 'offline' || st === 'failed' || st === 'auth-failed') run(actions.connect(id));
        }}
        onEnter={(id) => {
          const st = links[id]?.status ?? 'offline';
          if (st === 'offline' || st === 'failed' || st === 'auth-failed') run(actions.connect(id));
          // Already connected: Enter goes to its Sentence box, as after connecting.
          else if (st === 'online') actions.requestFocus(id, 'sentence');
        }}
      />
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
