import { useEffect } from 'react';
import { useApp } from '../hooks';
import type { UiNotice } from '../store/types';
import { ROUTER_LIST_ID } from './Sidebar';

function NoticeItem({ n }: { n: UiNotice }) {
  const dismiss = useApp((s) => s.dismissNotice);
  const router = useApp((s) => (n.connectionId ? s.connections.find((c) => c.id === n.connectionId)?.name : undefined));
  const { id, seq, ttlMs } = n;
  useEffect(() => {
    // Information and warnings step aside after their time (a repeat starts it again); errors stay
    // until dismissed or until their condition clears (store: applyLinkState).
    if (ttlMs === undefined) return;
    const t = setTimeout(() => dismiss(id), ttlMs);
    return () => clearTimeout(t);
  }, [id, seq, ttlMs, dismiss]);
  return (
    <div className={`notice notice-${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
      <div className="notice-text">
        {router && <span className="notice-router">{router}</span>}
        <span className="notice-message">
          {n.message}
          {n.count > 1 && (
            <>
              {' '}
              <span className="notice-count" aria-hidden="true">
                ×{n.count}
              </span>
              <span className="visually-hidden">({n.count} times)</span>
            </>
          )}
        </span>
        {n.hint && <span className="notice-hint">{n.hint}</span>}
      </div>
      {n.action && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            const action = n.action;
            dismiss(n.id);
            action?.run();
            // The button is gone with its notice; the list holds what the action changed.
            document.getElementById(ROUTER_LIST_ID)?.focus();
          }}
        >
          {n.action.label}
        </button>
      )}
      <button
        type="button"
        className="btn btn-ghost btn-small"
        aria-label={`Dismiss: ${n.message}`}
        onClick={() => dismiss(n.id)}
      >
        ✕
      </button>
    </div>
  );
}

/**
 * Errors (role alert) and information (role status), newest last. Rendered in the flow of the
 * workspace column, above the workspaces, so that no notice ever covers the Sentence box or Send.
 */
export function Notices() {
  const notices = useApp((s) => s.notices);
  const bridge = useApp((s) => s.bridgeStatus);
  return (
    <div className="notices" role="region" aria-label="Notifications">
      {bridge === 'reconnecting' && (
        <div className="notice notice-warning" role="status">
          <div className="notice-text">
            <span className="notice-message">Lost the connection to the Tikscope host; reconnecting…</span>
            <span className="notice-hint">
              Check that “npm run web” is still running; the page reconnects by itself. If the host was restarted, open the new
              address it printed (the token changes on every start).
            </span>
          </div>
        </div>
      )}
      {notices.map((n) => (
        <NoticeItem key={n.id} n={n} />
      ))}
    </div>
  );
}
