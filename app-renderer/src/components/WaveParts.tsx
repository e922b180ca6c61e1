import { useId } from 'react';
import type { BroadcastWave, WaveState } from '../../../app-main/src/common/contract';
import { useNow } from '../hooks';
import type { WaveForm, WaveRun } from '../store/types';
import { FieldError } from './FormParts';

const STATE_TEXT: Record<WaveState, string> = {
  pending: 'pending',
  running: 'running',
  pausing: 'pausing',
  waiting: 'waiting for Continue',
  done: 'done',
  stopped: 'stopped',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

/** The staged-broadcast options (Broadcast panel and library runs): labelled inputs in a named group. */
export function WaveOptions({
  form,
  onChange,
  error,
}: {
  form: WaveForm;
  onChange: (patch: Partial<WaveForm>) => void;
  error: string | undefined;
}) {
  const uid = useId();
  return (
    <fieldset className="wave-options" aria-describedby={error ? `${uid}-error` : `${uid}-help`}>
      <legend>Waves</legend>
      <label className="check">
        <input type="checkbox" checked={form.on} onChange={(e) => onChange({ on: e.target.checked })} />
        Send in waves
      </label>
      {form.on && (
        <>
          <label className="inline-field">
            <span>Routers per wave</span>
            <input
              className="input input-small num-input"
              inputMode="numeric"
              value={form.sizeText}
              onChange={(e) => onChange({ sizeText: e.target.value })}
            />
          </label>
          <label className="inline-field">
            <span>Pause between waves (s)</span>
            <input
              className="input input-small num-input"
              inputMode="numeric"
              value={form.pauseText}
              onChange={(e) => onChange({ pauseText: e.target.value })}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.confirmBetween}
              onChange={(e) => onChange({ confirmBetween: e.target.checked })}
            />
            Ask before each next wave
          </label>
          <label className="inline-field">
            <span>Stop when more than this many routers of a wave fail</span>
            <input
              className="input input-small num-input"
              inputMode="numeric"
              value={form.maxFailuresText}
              onChange={(e) => onChange({ maxFailuresText: e.target.value })}
            />
          </label>
        </>
      )}
      {!error && (
        <p id={`${uid}-help`} className="field-help">
          {form.on
            ? 'Each wave runs after the previous one has finished; a wave with too many failures stops the rest.'
            : 'All routers in one go.'}
        </p>
      )}
      <FieldError id={`${uid}-error`} message={error} alert />
    </fieldset>
  );
}

/** Progress per wave while a staged broadcast runs, with Continue when it waits for one. */
export function WaveProgress({
  run,
  broadcastId,
  onContinue,
}: {
  run: WaveRun | undefined;
  broadcastId: string | undefined;
  onContinue: (broadcastId: string) => void;
}) {
  const waves = run?.waves;
  const pausing = waves?.find((w) => w.state === 'pausing');
  const now = useNow(500, pausing !== undefined);
  if (!waves || waves.length === 0) return null;
  const waiting = waves.find((w) => w.state === 'waiting');
  return (
    <div className="wave-progress">
      <WaveList waves={waves} label="Waves" now={now} />
      {waiting && broadcastId && (
        <button type="button" className="btn btn-primary" disabled={run?.continuing} onClick={() => onContinue(broadcastId)}>
          Continue with wave {waiting.wave}
        </button>
      )}
    </div>
  );
}

/** Each wave: number, state, its routers, failures (and the countdown of a pause). */
export function WaveList({ waves, label, now }: { waves: BroadcastWave[]; label: string; now?: number }) {
  return (
    <ol className="wave-list" aria-label={label}>
      {waves.map((w) => (
        <li key={w.wave} className={`wave wave-${w.state}`}>
          <strong>Wave {w.wave}</strong>: <span className="wave-state">{STATE_TEXT[w.state]}</span>
          {w.state === 'pausing' && w.resumeAt !== undefined && now !== undefined && (
            <span> (starts in {Math.max(0, Math.ceil((w.resumeAt - now) / 1000))} s)</span>
          )}{' '}
          <span className="muted">
            — {w.routers.join(', ')}
            {w.failed > 0 ? ` · ${w.failed} failed` : ''}
          </span>
          {w.message && <span className="bc-message"> {w.message}</span>}
        </li>
      ))}
    </ol>
  );
}
