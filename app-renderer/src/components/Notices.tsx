import { useEffect } from 'react';
import { useApp } from '../hooks';
import type { UiNotice } from '../store/types';

function NoticeItem({ n }: { n: UiNotice }) {
  const dismiss = useApp((s) => s.dismissNotice);
  useEffect(() => {
    // Errors stay until dismissed; information and warnings step aside after a while.
    if (n.level === 'error') return;
    const t = setTimeout(() => dismiss(n.id), n.level === 'info' ? 8000 : 15000);
    return () => clearTimeout(t);
  }, [n, dismiss]);
  return (
    <div className={`notice notice-${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
      <div className="notice-text">
        <span className="notice-message">{n.message}</span>
        {n.hint && <span className="notice-hint">{n.hint}</span>}
      </div>
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

/** Errors (role alert) and information (role status), newest last. */
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
