import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BridgeError, SafeModeAction, SafeModeTakeOver } from '../../../app-main/src/common/contract';
import { useApp, useRun } from '../hooks';
import { safeModeUnavailable } from '../lib/safe-mode';

/**
 * Safe mode (RouterOS 7.18+, docs/ui.md "Safe mode"): the toggle in a router's header and the
 * banner under it. On takes `/safe-mode/take` on the link's session — the one the console and
 * tables write on, so their changes are covered; pressing it again releases (keeps the changes),
 * as WinBox's button does. The banner offers Release and Unroll, and says plainly when the link
 * dropped while safe mode was on: the router then undoes the changes by itself.
 */
export function SafeMode({ connectionId, base }: { connectionId: string; base: string }) {
  const { link, safeMode } = useApp(useShallow((s) => ({ link: s.links[connectionId], safeMode: s.safeMode })));
  const run = useRun();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<BridgeError | undefined>();
  if (!link) return null;
  const online = link.status === 'online';
  const state = link.safeMode?.status;
  const on = state === 'on';
  const unavailable = online ? safeModeUnavailable(link.router?.version) : undefined;
  const whyId = `${base}-safe-why`;

  const act = (action: SafeModeAction, takeOver?: SafeModeTakeOver) =>
    run(
      (async () => {
        setBusy(true);
        try {
          setError(await safeMode(connectionId, action, takeOver));
        } finally {
          setBusy(false);
        }
      })(),
    );
  const heldElsewhere = error?.code === 'TRAP' && /another session/i.test(error.message);

  return (
    <>
      <button
        type="button"
        className="btn btn-small safe-toggle"
        aria-pressed={on}
        disabled={!online || unavailable !== undefined || busy}
        aria-describedby={unavailable ? whyId : undefined}
        title={
          unavailable ??
          (on ? 'Leave safe mode and keep the changes (/safe-mode/release)' : 'Take safe mode on this router (/safe-mode/take)')
        }
        onClick={() => act(on ? 'release' : 'take')}
      >
        Safe mode
      </button>
      {unavailable && (
        <span id={whyId} className="ws-meta safe-why">
          {unavailable}
        </span>
      )}
      {(state || error) && (
        <div
          className={`safe-banner${state === 'lost' || error ? ' danger' : ''}`}
          role={state === 'lost' || error ? 'alert' : 'status'}
          aria-label="Safe mode"
        >
          {on && (
            <>
              <span>
                <strong>Safe mode is on.</strong> If this session drops, the router undoes every change made since (from this
                window or any other session). <strong>Release</strong> keeps the changes; <strong>Unroll</strong> undoes them now.
              </span>
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => act('release')}>
                Release
              </button>
              <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={() => act('unroll')}>
                Unroll
              </button>
            </>
          )}
          {state === 'lost' && (
            <>
              <span>
                <strong>The link dropped while safe mode was on: the router will undo the changes made in safe mode.</strong> It
                does so as soon as it notices the session is gone — at once after a clean close, after its TCP time-out (about 9
                minutes) if the link vanished silently.
                {link.safeMode?.reason ? ` (${link.safeMode.reason})` : ''}
              </span>
              <button type="button" className="btn btn-small" onClick={() => act('dismiss')}>
                Dismiss
              </button>
            </>
          )}
          {error && !on && (
            <>
              <span>
                {error.message}
                {heldElsewhere ? ' Taking over decides what happens to that session’s changes.' : ''}
              </span>
              {heldElsewhere && (
                <>
                  <button type="button" className="btn btn-small" disabled={busy} onClick={() => act('take', 'release')}>
                    Take over, keep their changes
                  </button>
                  <button type="button" className="btn btn-small" disabled={busy} onClick={() => act('take', 'unroll')}>
                    Take over, undo their changes
                  </button>
                </>
              )}
              <button type="button" className="btn btn-small" onClick={() => setError(undefined)}>
                Close
              </button>
            </>
          )}
        </div>
      )}
    </>
  );
}
