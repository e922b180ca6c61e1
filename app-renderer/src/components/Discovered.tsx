import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DiscoveredRouter } from '../../../app-main/src/common/contract';
import { useApp, useAppStore, useNow, useRun } from '../hooks';
import { bridgeFailure } from '../store/context';

/** While the section is open after a Discover, it is repeated this often (docs/ui.md, "Discovered routers"). */
export const REDISCOVER_MS = 30_000;

/** "just now", "42 s ago", "3 min ago". */
export function lastSeenText(lastSeen: number, now: number): string {
  const s = Math.max(0, Math.round((now - lastSeen) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  return `${Math.floor(s / 60)} min ago`;
}

/**
 * The sidebar's **Discovered** section: routers heard over MNDP (main listens from start-up), a
 * Discover button, and Add on each entry, which opens the connection form filled in from it. A
 * router already saved (a connection with its IPv4 address as host) is marked "saved".
 */
export function Discovered() {
  const { discovery, discovering, connections } = useApp(
    useShallow((s) => ({ discovery: s.discovery, discovering: s.discovering, connections: s.connections })),
  );
  const actions = useApp(
    useShallow((s) => ({ load: s.loadDiscovery, discover: s.discover, openDialog: s.openDialog, setListen: s.setMndpListen })),
  );
  const listen = useApp((s) => s.settings.mndpListen ?? true);
  const run = useRun();
  const [open, setOpen] = useState(false);
  /** Discover was pressed since the section was opened: repeat it while the section stays open. */
  const [repeating, setRepeating] = useState(false);
  const now = useNow(1000, open);
  const uid = useId();

  useEffect(() => {
    run(actions.load());
    // Once: later changes arrive as discovery:changed events.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Depends on open/repeating only: a timer re-created at every render (each announcement renders)
  // would restart its 30 s and never fire while routers keep announcing.
  const store = useAppStore();
  useEffect(() => {
    if (!open || !repeating) return;
    const t = setInterval(() => {
      store
        .getState()
        .discover()
        .catch((e: unknown) => store.getState().reportError(bridgeFailure(e)));
    }, REDISCOVER_MS);
    return () => clearInterval(t);
  }, [open, repeating, store]);

  const routers = discovery?.routers ?? [];
  // The built-in Demo router is not a saved host: it would mark every router on loopback.
  const savedHosts = new Set(connections.filter((c) => !c.demo).map((c) => c.host));
  const listId = `${uid}-list`;

  const status = !discovery
    ? undefined
    : discovery.problem
      ? discovery.problem
      : !discovery.enabled
        ? 'Discovery is off.'
        : discovery.listening
          ? `Listening on UDP ${discovery.port}`
          : undefined;

  const add = (r: DiscoveredRouter) =>
    actions.openDialog({ kind: 'add', prefill: { host: r.ipv4 ?? r.from, name: r.identity || r.ipv4 || r.from } });

  return (
    <section className="discovered" aria-label="Discovered routers">
      <div className="discovered-head">
        <button
          type="button"
          className="discovered-toggle"
          aria-expanded={open}
          aria-controls={listId}
          onClick={() => {
            setOpen(!open);
            if (open) setRepeating(false);
          }}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> Discovered ({routers.length})
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={discovering}
          onClick={() => {
            setOpen(true);
            setRepeating(true);
            run(actions.discover());
          }}
        >
          Discover
        </button>
      </div>
      {open && (
        <div id={listId} className="discovered-body">
          <label className="discovered-listen">
            <input type="checkbox" checked={listen} onChange={(e) => run(actions.setListen(e.target.checked))} /> Listen for
            routers (MNDP)
          </label>
          {status && (
            <p
              className={discovery?.problem ? 'field-error' : 'discovered-status'}
              role={discovery?.problem ? 'alert' : 'status'}
            >
              {status}
            </p>
          )}
          {routers.length === 0 ? (
            <p className="empty-note">No routers heard yet. Press Discover to ask the routers on your networks.</p>
          ) : (
            <ul className="discovered-list" aria-label="Discovered routers list">
              {routers.map((r) => {
                const saved = r.ipv4 !== undefined && savedHosts.has(r.ipv4);
                const name = r.identity || r.ipv4 || r.from;
                return (
                  <li key={r.key} className="discovered-item" aria-label={`${name}${saved ? ' (saved)' : ''}`}>
                    <div className="discovered-line">
                      <span className="conn-name">{name}</span>
                      {saved && <span className="badge">saved</span>}
                      <button type="button" className="btn btn-small" aria-label={`Add ${name}`} onClick={() => add(r)}>
                        Add
                      </button>
                    </div>
                    <dl className="discovered-details">
                      <dt>IP</dt>
                      <dd className="mono">{r.ipv4 ?? r.ipv6 ?? r.from}</dd>
                      <dt>MAC</dt>
                      <dd className="mono">{r.mac ?? '—'}</dd>
                      <dt>Version</dt>
                      <dd>{r.version ?? '—'}</dd>
                      <dt>Board</dt>
                      <dd>{r.board ?? '—'}</dd>
                      <dt>Interface</dt>
                      <dd>{r.interfaceName ?? '—'}</dd>
                      <dt>Last seen</dt>
                      <dd>{lastSeenText(r.lastSeen, now)}</dd>
                    </dl>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
