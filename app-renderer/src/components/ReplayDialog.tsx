import { Fragment, useEffect, useId, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ReplayDifference, ReplayOutcome, ReplayRow, ReplaySentence } from '../../../app-main/src/common/contract';
import { useApp, useRun } from '../hooks';
import { plural } from '../lib/format';
import { selectedWrites } from '../store/replay';
import type { ReplayView } from '../store/types';
import { Modal } from './Modal';

/** The sentence as one line, the way the trace shows it. */
export function sentenceText(words: readonly string[]): string {
  return words.join(' ');
}

const OUTCOME_WORDS: Record<ReplayOutcome, string> = {
  done: 'done',
  trap: 'trap',
  empty: 'empty',
  fatal: 'fatal',
  cancelled: 'cancelled',
  open: 'no end recorded',
  timeout: 'timed out',
  'outcome-unknown': 'outcome unknown',
  failed: 'failed',
};

export function describeDifference(d: ReplayDifference): string {
  switch (d.kind) {
    case 'outcome':
      return `Outcome: recorded ${OUTCOME_WORDS[d.recorded as ReplayOutcome] ?? d.recorded}, replayed ${OUTCOME_WORDS[d.replayed as ReplayOutcome] ?? d.replayed}`;
    case 'replies':
      return `!re count: recorded ${d.recorded}, replayed ${d.replayed}`;
    case 'message':
      return `!trap message: recorded “${d.recorded}”, replayed “${d.replayed}”`;
    case 'ret':
      return `!done =ret=: recorded ${d.recorded}, replayed ${d.replayed}`;
    case 'row-missing':
      return `Row ${d.key}: recorded, missing on replay`;
    case 'row-extra':
      return `Row ${d.key}: only on replay`;
    case 'field':
      return `Row ${d.key}, ${d.field}: recorded “${d.recorded}”, replayed “${d.replayed}”`;
  }
}

function kindLabel(s: Pick<ReplaySentence, 'readOnly' | 'streaming' | 'background'>): string {
  return [s.readOnly ? 'read-only' : 'write', s.streaming ? 'stream' : '', s.background ? 'sent by Tikscope' : '']
    .filter(Boolean)
    .join(', ');
}

function SentenceList({ sourceId, v }: { sourceId: string; v: ReplayView }) {
  const setSelected = useApp((s) => s.setReplaySelected);
  const all = v.plan?.sentences ?? [];
  // A hidden sentence is never sent unless it was ticked while shown.
  const sentences = v.showBackground ? all : all.filter((s) => !s.background || v.selected[s.seq]);
  if (sentences.length === 0)
    return (
      <p className="empty-note">
        This trace holds no sentence the client sent, other than /login, /cancel and Tikscope’s own reads.
      </p>
    );
  return (
    <div className="replay-scroll">
      <table className="replay-table" aria-label="Sentences to replay">
        <thead>
          <tr>
            <th scope="col">Send</th>
            <th scope="col">Sentence</th>
            <th scope="col">Kind</th>
            <th scope="col">Recorded outcome</th>
            <th scope="col">Recorded !re</th>
          </tr>
        </thead>
        <tbody>
          {sentences.map((s) => {
            const text = sentenceText(s.words);
            return (
              <tr key={s.seq} className={s.readOnly ? 'replay-read' : 'replay-write'}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Replay ${text}`}
                    checked={!!v.selected[s.seq]}
                    disabled={s.blocked !== undefined || v.status === 'running'}
                    title={s.blocked}
                    onChange={(e) => setSelected(sourceId, s.seq, e.target.checked)}
                  />
                </td>
                <td className="mono replay-words">
                  {text}
                  {s.blocked && <span className="field-help"> — cannot be replayed: {s.blocked}</span>}
                </td>
                <td>
                  <span className={`badge ${s.readOnly ? 'badge-read' : 'badge-write'}`}>{kindLabel(s)}</span>
                </td>
                <td>
                  {OUTCOME_WORDS[s.recorded.outcome]}
                  {s.recorded.message ? `: ${s.recorded.message}` : ''}
                </td>
                <td className="num">{s.recorded.replies}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ResultRow({ sourceId, r, open }: { sourceId: string; r: ReplayRow; open: boolean }) {
  const toggle = useApp((s) => s.toggleReplayDetails);
  const text = sentenceText(r.words);
  const detailsId = useId();
  const hasDetails = r.differences.length > 0 || r.notes.length > 0;
  return (
    <Fragment>
      <tr className={r.verdict === 'same' ? 'replay-same' : 'replay-differs'}>
        <td className="mono replay-words">{text}</td>
        <td>
          {OUTCOME_WORDS[r.recorded.outcome]}
          {r.recorded.message ? `: ${r.recorded.message}` : ''}
        </td>
        <td>
          {OUTCOME_WORDS[r.replayed.outcome]}
          {r.replayed.message ? `: ${r.replayed.message}` : ''}
          {r.replayed.bounded ? ' (stopped at the limit)' : ''}
        </td>
        <td className="num">{r.recorded.replies}</td>
        <td className="num">{r.replayed.replies}</td>
        <td>
          {hasDetails ? (
            <button
              type="button"
              className={`btn btn-small ${r.verdict === 'same' ? 'btn-ghost' : 'btn-danger'}`}
              aria-expanded={open}
              aria-controls={detailsId}
              aria-label={`${r.verdict} — details of ${text}`}
              onClick={() => toggle(sourceId, r.seq)}
            >
              {r.verdict}
            </button>
          ) : (
            <span className="verdict-same">{r.verdict}</span>
          )}
        </td>
      </tr>
      {open && hasDetails && (
        <tr id={detailsId} className="replay-details">
          <td colSpan={6}>
            <ul aria-label={`Differences of ${text}`}>
              {r.differences.map((d, i) => (
                <li key={`d${i}`}>{describeDifference(d)}</li>
              ))}
              {r.notes.map((n, i) => (
                <li key={`n${i}`} className="muted">
                  Note: {n}
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function Results({ sourceId, v }: { sourceId: string; v: ReplayView }) {
  const r = v.result;
  const target = useApp((s) => s.connections.find((c) => c.id === r?.targetId)?.name);
  if (!r) return null;
  return (
    <section aria-label="Replay results" className="replay-results">
      <p role="status">
        Replayed {plural(r.rows.length, 'sentence')} on {target ?? r.targetId} in {(r.elapsedMs / 1000).toFixed(1)} s: {r.same}{' '}
        same, {r.differs} differ{r.differs === 1 ? 's' : ''}.
      </p>
      <div className="replay-scroll">
        <table className="replay-table" aria-label="Replay comparison">
          <thead>
            <tr>
              <th scope="col">Command</th>
              <th scope="col">Recorded outcome</th>
              <th scope="col">Replayed outcome</th>
              <th scope="col">Recorded !re</th>
              <th scope="col">Replayed !re</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {r.rows.map((row) => (
              <ResultRow key={row.seq} sourceId={sourceId} r={row} open={!!v.expanded[row.seq]} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The confirmation for write sentences: names each one and the router it goes to. */
function ConfirmWrites({ sourceId, v, targetName }: { sourceId: string; v: ReplayView; targetName: string }) {
  const actions = useApp(useShallow((s) => ({ confirm: s.confirmReplayWrites, cancel: s.cancelReplayConfirm })));
  const run = useRun();
  const titleId = useId();
  const descId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const writes = selectedWrites(v);
  useEffect(() => {
    // The safe choice gets the focus.
    ref.current?.querySelector<HTMLButtonElement>('[data-cancel]')?.focus();
  }, []);
  return (
    <div
      ref={ref}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={descId}
      className="confirm-box"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          actions.cancel(sourceId);
        }
      }}
    >
      <h3 id={titleId}>
        Send {plural(writes.length, 'write sentence')} to {targetName}?
      </h3>
      <div id={descId}>
        <p className="warn-text">These sentences change the router. They are sent as recorded, in trace order:</p>
        <ul className="mono">
          {writes.map((s) => (
            <li key={s.seq}>{sentenceText(s.words)}</li>
          ))}
        </ul>
      </div>
      <div className="modal-actions">
        <button type="button" className="btn" data-cancel onClick={() => actions.cancel(sourceId)}>
          Back
        </button>
        <button type="button" className="btn btn-danger" onClick={() => run(actions.confirm(sourceId))}>
          Send the writes too
        </button>
      </div>
    </div>
  );
}

/** Replay: choose a target router and the sentences, confirm writes, see the comparison. */
export function ReplayDialog({ sourceId }: { sourceId: string }) {
  const v = useApp((s) => s.replays[sourceId]);
  const sourceName = useApp(
    (s) => s.connections.find((c) => c.id === sourceId)?.name ?? s.workspaces.find((w) => w.id === sourceId)?.title ?? sourceId,
  );
  const connections = useApp((s) => s.connections);
  const links = useApp((s) => s.links);
  const targets = useMemo(
    () => connections.filter((c) => links[c.id]?.status === 'online').map((c) => ({ id: c.id, name: c.name })),
    [connections, links],
  );
  const actions = useApp(
    useShallow((s) => ({
      close: s.closeReplay,
      setTarget: s.setReplayTarget,
      setOptions: s.setReplayOptions,
      select: s.selectReplaySentences,
      start: s.startReplay,
      stop: s.stopReplay,
    })),
  );
  const run = useRun();
  const uid = useId();
  if (!v) return null;
  const selectedCount = (v.plan?.sentences ?? []).filter((s) => v.selected[s.seq]).length;
  const writes = selectedWrites(v).length;
  const targetName = targets.find((t) => t.id === v.targetId)?.name ?? 'the router';
  const busy = v.status === 'running' || v.status === 'loading';
  const skipped = v.plan?.skipped;
  return (
    <Modal title={`Replay the trace of ${sourceName}`} onClose={() => actions.close(sourceId)} className="replay-modal">
      <div className="modal-body" inert={v.status === 'confirming'}>
        <p className="field-help">
          Sends what the client sent in this trace again — to the same router or another — and compares the replies with the
          recorded ones. Read-only sentences are selected; sentences that change the router are listed, unselected, and sent only
          after you confirm them.
        </p>
        <div className="replay-form">
          <div className="field">
            <label htmlFor={`${uid}-target`}>Target router</label>
            {targets.length > 0 ? (
              <select
                id={`${uid}-target`}
                className="input"
                value={v.targetId ?? ''}
                disabled={busy}
                onChange={(e) => actions.setTarget(sourceId, e.target.value)}
              >
                {targets.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                    {t.id === sourceId ? ' (the same router)' : ''}
                  </option>
                ))}
              </select>
            ) : (
              <p id={`${uid}-target`} role="alert" className="field-error">
                No router is connected. Connect the router to replay to (the same one or another), then open Replay… again.
              </p>
            )}
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={v.ignoreVolatile}
              disabled={busy}
              onChange={(e) => actions.setOptions(sourceId, { ignoreVolatile: e.target.checked })}
            />{' '}
            Ignore counters, load and times
          </label>
          <label className="check" title="RouterOS 6 prints yes/no, RouterOS 7 true/false">
            <input
              type="checkbox"
              checked={!v.strictBooleans}
              disabled={busy}
              onChange={(e) => actions.setOptions(sourceId, { strictBooleans: !e.target.checked })}
            />{' '}
            yes/no same as true/false
          </label>
          <div className="field">
            <label htmlFor={`${uid}-replies`}>Stop streams after (replies)</label>
            <input
              id={`${uid}-replies`}
              className="input input-small"
              type="number"
              min={1}
              max={10000}
              value={v.maxStreamReplies}
              disabled={busy}
              onChange={(e) =>
                actions.setOptions(sourceId, { maxStreamReplies: Math.max(1, Math.min(10_000, Number(e.target.value) || 1)) })
              }
            />
          </div>
          <div className="field">
            <label htmlFor={`${uid}-seconds`}>…or after (seconds)</label>
            <input
              id={`${uid}-seconds`}
              className="input input-small"
              type="number"
              min={0.1}
              max={600}
              step={0.1}
              value={v.maxStreamSeconds}
              disabled={busy}
              onChange={(e) =>
                actions.setOptions(sourceId, { maxStreamSeconds: Math.max(0.1, Math.min(600, Number(e.target.value) || 0.1)) })
              }
            />
          </div>
        </div>
        {v.status === 'loading' && <p role="status">Reading the trace…</p>}
        {v.plan && (
          <>
            <div className="toolbar" role="toolbar" aria-label="Selection">
              <button
                type="button"
                className="btn btn-small"
                disabled={busy}
                onClick={() => actions.select(sourceId, 'read-only')}
              >
                Select read-only
              </button>
              <button
                type="button"
                className="btn btn-small btn-ghost"
                disabled={busy}
                onClick={() => actions.select(sourceId, 'none')}
              >
                Select none
              </button>
              <span className="metric">
                {selectedCount} of {plural(v.plan.sentences.length, 'sentence')} selected
                {writes > 0 ? `, ${plural(writes, 'write')}` : ''}
                {skipped && skipped.login + skipped.cancel + skipped.quit > 0
                  ? ` · left out: ${[skipped.login ? `${skipped.login} /login` : '', skipped.cancel ? `${skipped.cancel} /cancel` : '', skipped.quit ? `${skipped.quit} /quit` : ''].filter(Boolean).join(', ')}`
                  : ''}
                {skipped && skipped.older > 0 ? ` · ${skipped.older} older not listed` : ''}
              </span>
            </div>
            <label className="check">
              <input
                type="checkbox"
                checked={v.showBackground}
                disabled={busy}
                onChange={(e) => actions.setOptions(sourceId, { showBackground: e.target.checked })}
              />{' '}
              Show sentences Tikscope sent itself ({v.plan.sentences.filter((s) => s.background).length}: login reads, heartbeat,
              completion)
            </label>
            <SentenceList sourceId={sourceId} v={v} />
          </>
        )}
        {v.status === 'running' && v.progress && (
          <div className="replay-progress">
            <progress aria-label="Replay progress" max={Math.max(1, v.progress.total)} value={v.progress.done} />
            <span role="status">
              Replaying {Math.min(v.progress.done + 1, v.progress.total)} of {v.progress.total}
              {v.progress.command ? `: ${v.progress.command}` : ''}…
            </span>
            <button type="button" className="btn btn-small" onClick={() => run(actions.stop(sourceId))}>
              Stop replay
            </button>
          </div>
        )}
        {v.error && (
          <div role="alert" className="form-alert">
            <strong>{v.error.message}</strong>
            {v.error.hint && <p>{v.error.hint}</p>}
          </div>
        )}
        <Results sourceId={sourceId} v={v} />
      </div>
      {v.status === 'confirming' && <ConfirmWrites sourceId={sourceId} v={v} targetName={targetName} />}
      <div className="modal-actions" inert={v.status === 'confirming'}>
        <button type="button" className="btn" onClick={() => actions.close(sourceId)}>
          Close
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy || !v.plan || targets.length === 0 || selectedCount === 0}
          onClick={() => run(actions.start(sourceId))}
        >
          {v.result ? 'Replay again' : `Replay ${plural(selectedCount, 'sentence')}`}
        </button>
      </div>
    </Modal>
  );
}

/** Repro bundle: the user says what happened; the file carries the trace and the versions. */
export function ReproDialog({ sourceId }: { sourceId: string }) {
  const name = useApp(
    (s) => s.connections.find((c) => c.id === sourceId)?.name ?? s.workspaces.find((w) => w.id === sourceId)?.title ?? sourceId,
  );
  const close = useApp((s) => s.openDialog);
  const exportRepro = useApp((s) => s.exportRepro);
  const run = useRun();
  const uid = useId();
  const text = useRef<HTMLTextAreaElement>(null);
  return (
    <Modal title={`Export a repro bundle of ${name}`} onClose={() => close(undefined)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(exportRepro(sourceId, text.current?.value ?? '').then((ok) => ok && close(undefined)));
        }}
      >
        <div className="modal-body">
          <p>
            One JSON file for a bug report: this trace (passwords already replaced by ********), the connection settings without
            any password, the Tikscope and RouterOS versions, the board, and your operating system.
          </p>
          <div className="field">
            <label htmlFor={`${uid}-desc`}>What happened</label>
            <textarea
              id={`${uid}-desc`}
              ref={text}
              className="input"
              rows={5}
              maxLength={10_000}
              placeholder="What you did, what you expected, what you saw instead."
              data-autofocus
            />
          </div>
        </div>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={() => close(undefined)}>
            Close
          </button>
          <button type="submit" className="btn btn-primary">
            Export bundle
          </button>
        </div>
      </form>
    </Modal>
  );
}
