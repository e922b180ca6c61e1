import { Fragment, useId, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import { useShallow } from 'zustand/react/shallow';
import type { BroadcastOutcome, BroadcastResult, BroadcastRouterResult } from '../../../app-main/src/common/contract';
import { useApp, useRun } from '../hooks';
import { looksLikeCli, translateCli } from '../lib/cli';
import { formatElapsed } from '../lib/format';
import { replyKindClass, replyRow } from '../lib/words';
import { FieldError, RequestError } from './FormParts';
import { Modal } from './Modal';
import { RouterPicker } from './RouterPicker';
import { WaveList, WaveOptions, WaveProgress } from './WaveParts';

export const OUTCOME_TEXT: Record<BroadcastOutcome, string> = {
  done: 'done',
  trap: 'trap',
  fatal: 'fatal',
  'outcome-unknown': 'outcome unknown',
  'not-connected': 'not connected',
  skipped: 'skipped',
  timeout: 'timeout',
  cancelled: 'cancelled',
  failed: 'failed',
};

/** The confirmation for a command that changes things: names the command and every router. */
function ConfirmBroadcast() {
  const confirm = useApp((s) => s.broadcast.confirm);
  const status = useApp((s) => s.broadcast.status);
  const actions = useApp(useShallow((s) => ({ confirm: s.confirmBroadcast, cancel: s.cancelBroadcastConfirm })));
  const run = useRun();
  const descId = useId();
  // Only while asking: a staged broadcast's Continue button is under it once it runs.
  if (!confirm || status !== 'confirming') return null;
  const n = confirm.routers.length;
  return createPortal(
    <Modal
      title={`Send ${confirm.command} to ${n} router${n === 1 ? '' : 's'}?`}
      onClose={actions.cancel}
      describedBy={descId}
      role="alertdialog"
      className="confirm-modal"
    >
      <div id={descId} className="modal-body">
        <p className="warn-text">
          <strong>{confirm.command}</strong> changes things: {confirm.reason}. It will run on each of these routers:
        </p>
        <ul className="confirm-routers">
          {confirm.routers.map((name, i) => (
            <li key={`${name}-${i}`}>{name}</li>
          ))}
        </ul>
        <pre className="example mono">{confirm.words.join('\n')}</pre>
      </div>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={actions.cancel} data-autofocus>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={() => run(actions.confirm())}>
          Send to {n} router{n === 1 ? '' : 's'}
        </button>
      </div>
    </Modal>,
    document.body,
  );
}

/** The `=ret=` of a router's `!done` (an `add` answers the new item's `.id`). */
function retOf(r: BroadcastRouterResult): string | undefined {
  for (const rep of r.replies) if (rep.kind === '!done') return replyRow(rep.words)['ret'];
  return undefined;
}

/** A property's values in a router's `!re` rows, in order (one per row). */
function valuesOf(r: BroadcastRouterResult, property: string): string[] {
  const out: string[] = [];
  for (const rep of r.replies) {
    if (rep.kind !== '!re') continue;
    const v = replyRow(rep.words)[property];
    if (v !== undefined) out.push(v);
  }
  return out;
}

function ResultRow({
  r,
  expanded,
  onToggle,
  showWave,
  showRet,
  property,
}: {
  r: BroadcastRouterResult;
  expanded: boolean;
  onToggle: () => void;
  showWave: boolean;
  showRet: boolean;
  property: string;
}) {
  const repliesId = useId();
  const message = r.error ? `${r.error.message}${r.error.hint ? ` — ${r.error.hint}` : ''}` : '';
  return (
    <Fragment>
      <tr className={`bc-row bc-${r.outcome}`}>
        {showWave && <td className="num">{r.wave ?? '—'}</td>}
        <td>
          <span className="bc-router">{r.name}</span>
          {(r.identity || r.version) && (
            <span className="muted bc-ident">
              {' '}
              {r.identity}
              {r.version ? ` · RouterOS ${r.version}` : ''}
            </span>
          )}
        </td>
        <td>
          <span className={`cmd-status s-${r.outcome === 'not-connected' || r.outcome === 'skipped' ? 'failed' : r.outcome}`}>
            {OUTCOME_TEXT[r.outcome]}
          </span>
          {message && <span className="bc-message"> {message}</span>}
        </td>
        <td className="num">{r.rows}</td>
        <td className="num">{r.outcome === 'skipped' || r.outcome === 'not-connected' ? '—' : formatElapsed(r.elapsedMs)}</td>
        {showRet && <td className="mono">{retOf(r) ?? ''}</td>}
        {property && <td className="mono">{valuesOf(r, property).join(', ')}</td>}
        <td>
          {r.replies.length > 0 ? (
            <button type="button" className="btn btn-small" aria-expanded={expanded} aria-controls={repliesId} onClick={onToggle}>
              {expanded ? 'Hide' : 'Show'} replies of {r.name}
            </button>
          ) : (
            <span className="muted">none</span>
          )}
          {r.tag && <span className="muted mono bc-tag"> tag {r.tag}</span>}
        </td>
      </tr>
      {expanded && (
        <tr className="bc-replies-row">
          <td colSpan={5 + (showWave ? 1 : 0) + (showRet ? 1 : 0) + (property ? 1 : 0)} id={repliesId}>
            <ol className="bc-replies mono" aria-label={`Replies from ${r.name}`}>
              {r.replies.map((rep, i) => (
                <li key={i}>
                  <span className={`w-kind ${replyKindClass(rep.kind)}`}>{rep.kind}</span> {rep.words.slice(1).join(' ')}
                </li>
              ))}
            </ol>
            {r.repliesDropped > 0 && (
              <p className="muted">{r.repliesDropped} more replies not kept here; the router’s Trace has every sentence.</p>
            )}
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/**
 * The result grid of a broadcast or a library run: one row per router (its wave, outcome, replies,
 * time), and each wave's final state for a staged one.
 */
export function BroadcastResultView({
  result,
  expanded,
  onToggle,
  onExport,
  label,
}: {
  result: BroadcastResult;
  expanded: readonly string[];
  onToggle: (connectionId: string) => void;
  onExport?: (format: 'csv' | 'json') => void;
  label: string;
}) {
  const counts = result.results.reduce<Record<string, number>>((m, r) => ({ ...m, [r.outcome]: (m[r.outcome] ?? 0) + 1 }), {});
  const showWave = result.waves !== undefined;
  // What a person looks for in the grid (issue 14): an add's =ret=, and one property of a print
  // per router, side by side.
  const [property, setProperty] = useState('');
  const showRet = result.results.some((r) => retOf(r) !== undefined);
  const properties = useMemo(() => {
    const names = new Set<string>();
    for (const r of result.results)
      for (const rep of r.replies) if (rep.kind === '!re') for (const k of Object.keys(replyRow(rep.words))) names.add(k);
    return [...names];
  }, [result]);
  const shownProperty = properties.includes(property) ? property : '';
  return (
    <div className="bc-result">
      <div className="table-bar" role="toolbar" aria-label={`${label} result`}>
        <span className="metric" role="status">
          {result.commandName ? <strong>{result.commandName}</strong> : <code>{result.words[0]}</code>} on {result.results.length}{' '}
          router{result.results.length === 1 ? '' : 's'} in {formatElapsed(result.elapsedMs)}:{' '}
          {Object.entries(counts)
            .map(([k, n]) => `${n} ${OUTCOME_TEXT[k as BroadcastOutcome]}`)
            .join(', ')}
        </span>
        {properties.length > 0 && (
          <label className="inline-field">
            Show property{' '}
            <select className="input input-small" value={shownProperty} onChange={(e) => setProperty(e.target.value)}>
              <option value="">(none)</option>
              {properties.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="spacer" />
        {onExport && (
          <>
            <button type="button" className="btn btn-small" onClick={() => onExport('csv')}>
              Export CSV
            </button>
            <button type="button" className="btn btn-small" onClick={() => onExport('json')}>
              Export JSON
            </button>
          </>
        )}
      </div>
      {result.waves && <WaveList waves={result.waves} label={`${label} waves`} />}
      <div className="tool-scroll">
        <table className="bc-grid" aria-label={`${label} results`}>
          <thead>
            <tr>
              {showWave && (
                <th scope="col" className="num">
                  Wave
                </th>
              )}
              <th scope="col">Router</th>
              <th scope="col">Outcome</th>
              <th scope="col" className="num">
                Replies (!re)
              </th>
              <th scope="col" className="num">
                Time
              </th>
              {showRet && <th scope="col">=ret=</th>}
              {shownProperty && <th scope="col">{shownProperty}</th>}
              <th scope="col">Replies</th>
            </tr>
          </thead>
          <tbody>
            {result.results.map((r) => (
              <ResultRow
                key={r.connectionId}
                r={r}
                showWave={showWave}
                showRet={showRet}
                property={shownProperty}
                expanded={expanded.includes(r.connectionId)}
                onToggle={() => onToggle(r.connectionId)}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p className="field-help">Each router’s command is also in its own Trace and console History, under the tag shown.</p>
    </div>
  );
}

/**
 * Broadcast: one sentence to several routers. Read-only commands go at once; anything else asks
 * first (the main process decides which is which and refuses a write without the confirmation).
 */
export function BroadcastPanel() {
  const { view, connections, links } = useApp(
    useShallow((s) => ({ view: s.broadcast, connections: s.connections, links: s.links })),
  );
  const actions = useApp(
    useShallow((s) => ({
      set: s.setBroadcast,
      toggle: s.toggleBroadcastRouter,
      send: s.sendBroadcast,
      expand: s.toggleBroadcastReplies,
      exportAs: s.exportBroadcast,
      cancel: s.cancelBroadcast,
      continueWave: s.continueWave,
    })),
  );
  const run = useRun();
  const uid = useId();
  const busy = view.status === 'checking' || view.status === 'sending' || view.status === 'confirming';
  const firstLine = view.text.split('\n')[0] ?? '';
  const cli = looksLikeCli(firstLine) ? translateCli(view.text.replace(/\n/g, ' ')) : undefined;
  const result = view.result;

  return (
    <section className="tool-panel broadcast" aria-labelledby={`${uid}-title`}>
      <h2 id={`${uid}-title`} className="tool-title">
        Broadcast — one sentence to many routers
      </h2>
      <form
        className="tool-form"
        onSubmit={(e) => {
          e.preventDefault();
          run(actions.send());
        }}
      >
        <RouterPicker
          label="Send to"
          connections={connections}
          links={links}
          selected={view.selected}
          onToggle={actions.toggle}
          error={view.fieldErrors.routers}
          errorId={`${uid}-routers-error`}
        />
        <div className="field">
          <label htmlFor={`${uid}-sentence`}>Sentence</label>
          <textarea
            id={`${uid}-sentence`}
            className="input mono sentence"
            rows={4}
            value={view.text}
            spellCheck={false}
            placeholder={'/system/identity/print\n=.proplist=name'}
            aria-invalid={view.fieldErrors.sentence ? true : undefined}
            aria-describedby={view.fieldErrors.sentence ? `${uid}-sentence-error` : `${uid}-sentence-help`}
            onChange={(e) => actions.set({ text: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                run(actions.send());
              }
            }}
          />
          {view.fieldErrors.sentence ? (
            <p id={`${uid}-sentence-error`} className="field-error" role="alert">
              {view.fieldErrors.sentence}
            </p>
          ) : (
            <p id={`${uid}-sentence-help`} className="field-help">
              One word per line, as in the console. Read-only commands (print, get, getall, listen, monitor, monitor-traffic,
              /console/inspect) are sent at once; anything else asks for a confirmation first.
            </p>
          )}
          {cli && cli.words.length > 0 && (
            <p className="cli-hint" role="status">
              This looks like CLI syntax. The API form is <code>{cli.words.join(' ')}</code>{' '}
              <button type="button" className="btn btn-small" onClick={() => actions.set({ text: cli.words.join('\n') })}>
                Use API form
              </button>
            </p>
          )}
        </div>
        <WaveOptions
          form={view.waveForm}
          onChange={(patch) => actions.set({ waveForm: { ...view.waveForm, ...patch } })}
          error={view.fieldErrors.waves}
        />
        <div className="tool-options">
          <label className="check">
            <input
              type="checkbox"
              checked={view.stopOnFirstError}
              onChange={(e) => actions.set({ stopOnFirstError: e.target.checked })}
            />
            Stop on first error
          </label>
          <span className="field-help">
            {view.stopOnFirstError
              ? 'One router after another; after the first that does not end “done”, the rest are skipped.'
              : 'All routers at once.'}
          </span>
          <label className="check">
            <input
              type="checkbox"
              checked={view.snapshotBefore}
              onChange={(e) => actions.set({ snapshotBefore: e.target.checked })}
            />
            Snapshot before write
          </label>
          <span className="field-help">
            {view.snapshotBefore
              ? 'A command that changes things first saves each router’s configuration to its History.'
              : 'No snapshot: a write cannot be compared with the configuration before it.'}
          </span>
          <label className="inline-field">
            <span>Time limit (s)</span>
            <input
              className="input input-small num-input"
              inputMode="numeric"
              value={view.timeoutText}
              aria-invalid={view.fieldErrors.timeout ? true : undefined}
              aria-describedby={view.fieldErrors.timeout ? `${uid}-timeout-error` : undefined}
              onChange={(e) => actions.set({ timeoutText: e.target.value })}
            />
          </label>
          <FieldError id={`${uid}-timeout-error`} message={view.fieldErrors.timeout} alert />
          <span className="spacer" />
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {view.status === 'sending' ? 'Sending…' : 'Send to selected'}
          </button>
        </div>
      </form>
      <RequestError error={view.error} />
      {view.running && (view.status === 'sending' || view.status === 'checking') && (
        <div className="bc-running">
          <p role="status" className="muted">
            {view.cancelling
              ? 'Cancelling… routers still running get /cancel; the rest are skipped.'
              : `Sending to ${view.confirm?.connectionIds.length ?? view.selected.length} router(s)… ${view.answered?.length ?? 0} answered`}
          </p>
          <button type="button" className="btn" disabled={view.cancelling} onClick={() => run(actions.cancel())}>
            Cancel broadcast
          </button>
        </div>
      )}
      {view.running && (
        <WaveProgress run={view.waveRun} broadcastId={view.running} onContinue={(id) => run(actions.continueWave(id))} />
      )}
      {view.running && (view.answered?.length ?? 0) > 0 && (
        <ul className="bc-answered" aria-label="Answered so far">
          {view.answered!.map((r) => (
            <li key={r.connectionId}>
              {r.name}:{' '}
              <span className={`cmd-status s-${r.outcome === 'not-connected' || r.outcome === 'skipped' ? 'failed' : r.outcome}`}>
                {OUTCOME_TEXT[r.outcome]}
              </span>
            </li>
          ))}
        </ul>
      )}
      {result && (
        <BroadcastResultView
          result={result}
          expanded={view.expanded}
          onToggle={actions.expand}
          onExport={actions.exportAs}
          label="Broadcast"
        />
      )}
      <ConfirmBroadcast />
    </section>
  );
}
