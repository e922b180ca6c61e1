import { useEffect, useId, useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import { useShallow } from 'zustand/react/shallow';
import type { LibraryCommand } from '../../../app-main/src/common/contract';
import { useApp, useRun } from '../hooks';
import { PER_ROUTER_VARIABLES, variablesUsed } from '../store/library';
import { BroadcastResultView, OUTCOME_TEXT } from './BroadcastPanel';
import { FieldError, RequestError } from './FormParts';
import { Modal } from './Modal';
import { RouterPicker } from './RouterPicker';
import { WaveOptions, WaveProgress } from './WaveParts';

/** Reads the chosen files (a folder gives every file in it) as the bridge's import wants them. */
async function readFiles(list: FileList | null): Promise<{ fileName: string; content: string }[]> {
  const files = [...(list ?? [])].filter((f) => f.name.toLowerCase().endsWith('.json'));
  return Promise.all(files.map(async (f) => ({ fileName: f.webkitRelativePath || f.name, content: await f.text() })));
}

/** The edit form: name, description, sentences, and a default and description per `{{variable}}` used. */
function LibraryForm() {
  const draft = useApp((s) => s.library.draft);
  const actions = useApp(useShallow((s) => ({ set: s.setLibraryDraft, save: s.saveLibraryDraft, cancel: s.cancelLibraryDraft })));
  const run = useRun();
  const uid = useId();
  const used = useMemo(() => variablesUsed(draft?.sentencesText ?? ''), [draft?.sentencesText]);
  if (!draft) return null;
  const varOf = (name: string) => draft.variables.find((v) => v.name === name) ?? { name, default: '', description: '' };
  const setVar = (name: string, patch: { default?: string; description?: string }) =>
    actions.set({ variables: [...draft.variables.filter((v) => v.name !== name), { ...varOf(name), ...patch }] });
  return (
    <form
      className="tool-form library-form"
      aria-label={draft.id ? `Edit ${draft.name || 'command'}` : 'New command'}
      onSubmit={(e) => {
        e.preventDefault();
        run(actions.save());
      }}
    >
      <h3>{draft.id ? `Edit “${draft.name}”` : 'New command'}</h3>
      <div className="field">
        <label htmlFor={`${uid}-name`}>Name</label>
        <input
          id={`${uid}-name`}
          className="input"
          value={draft.name}
          aria-invalid={draft.errors.name ? true : undefined}
          aria-describedby={draft.errors.name ? `${uid}-name-error` : undefined}
          onChange={(e) => actions.set({ name: e.target.value })}
        />
        <FieldError id={`${uid}-name-error`} message={draft.errors.name} alert />
      </div>
      <div className="field">
        <label htmlFor={`${uid}-desc`}>Description</label>
        <textarea
          id={`${uid}-desc`}
          className="input"
          rows={2}
          value={draft.description}
          onChange={(e) => actions.set({ description: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${uid}-sentences`}>Sentences</label>
        <textarea
          id={`${uid}-sentences`}
          className="input mono sentence"
          rows={6}
          spellCheck={false}
          value={draft.sentencesText}
          placeholder={'/ip/address/add\n=address={{address}}\n=interface={{interface}}'}
          aria-invalid={draft.errors.sentences ? true : undefined}
          aria-describedby={draft.errors.sentences ? `${uid}-sentences-error` : `${uid}-sentences-help`}
          onChange={(e) => actions.set({ sentencesText: e.target.value })}
        />
        {draft.errors.sentences ? (
          <FieldError id={`${uid}-sentences-error`} message={draft.errors.sentences} alert />
        ) : (
          <p id={`${uid}-sentences-help`} className="field-help">
            One word per line, as in the console; a blank line between sentences (they run one after another on each router).
            Write variables as <code>{'{{name}}'}</code>; <code>{PER_ROUTER_VARIABLES.map((n) => `{{${n}}}`).join(' ')}</code> are
            filled in per router.
          </p>
        )}
      </div>
      {used.length > 0 && (
        <fieldset className="library-vars" aria-describedby={draft.errors.variables ? `${uid}-vars-error` : undefined}>
          <legend>Variables</legend>
          {used.map((name) => (
            <div key={name} className="library-var">
              <code>{`{{${name}}}`}</code>
              <label className="inline-field">
                <span>Default for {name}</span>
                <input
                  className="input input-small mono"
                  value={varOf(name).default}
                  placeholder="none"
                  onChange={(e) => setVar(name, { default: e.target.value })}
                />
              </label>
              <label className="inline-field">
                <span>Description of {name}</span>
                <input
                  className="input input-small"
                  value={varOf(name).description}
                  onChange={(e) => setVar(name, { description: e.target.value })}
                />
              </label>
            </div>
          ))}
          <FieldError id={`${uid}-vars-error`} message={draft.errors.variables} alert />
        </fieldset>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={actions.cancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary">
          Save command
        </button>
      </div>
    </form>
  );
}

/** The confirmation for a library command that writes: names the command and every router. */
function ConfirmLibraryRun({ command }: { command: LibraryCommand }) {
  const { confirm, preview, status } = useApp(
    useShallow((s) => ({ confirm: s.library.run.confirm, preview: s.library.run.preview, status: s.library.run.status })),
  );
  const actions = useApp(useShallow((s) => ({ confirm: s.confirmLibraryRun, cancel: s.cancelLibraryConfirm })));
  const run = useRun();
  const descId = useId();
  // Only while asking: once confirmed the run goes on under it (waves wait for Continue there).
  if (!confirm || status !== 'confirming') return null;
  const n = confirm.routers.length;
  return createPortal(
    <Modal
      title={`Run “${command.name}” on ${n} router${n === 1 ? '' : 's'}?`}
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
        {preview?.routers.map((r) => (
          <pre key={r.connectionId} className="example mono" aria-label={`Sentences for ${r.name}`}>
            {(r.sentences ?? []).map((w) => w.join('\n')).join('\n\n')}
          </pre>
        ))}
      </div>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={actions.cancel} data-autofocus>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={() => run(actions.confirm())}>
          Run on {n} router{n === 1 ? '' : 's'}
        </button>
      </div>
    </Modal>,
    document.body,
  );
}

/** Run the selected command: routers (a group at once), a value per variable, the per-router preview, waves. */
function LibraryRun({ command }: { command: LibraryCommand }) {
  const { view, connections, links, currentId } = useApp(
    useShallow((s) => ({ view: s.library.run, connections: s.connections, links: s.links, currentId: s.selectedId })),
  );
  const current = connections.find((c) => c.id === currentId && links[c.id]?.status === 'online');
  const actions = useApp(
    useShallow((s) => ({
      set: s.setLibraryRun,
      toggle: s.toggleLibraryRouter,
      preview: s.previewLibraryRun,
      run: s.runLibraryCommand,
      cancel: s.cancelLibraryRun,
      expand: s.toggleLibraryReplies,
      continueWave: s.continueWave,
    })),
  );
  const run = useRun();
  const uid = useId();
  const busy = view.status !== 'idle';
  const groups = useMemo(
    () => [...new Set(connections.map((c) => c.group).filter((g) => g !== ''))].sort((a, b) => a.localeCompare(b)),
    [connections],
  );
  return (
    <section className="library-run" aria-labelledby={`${uid}-title`}>
      <h3 id={`${uid}-title`}>Run “{command.name}”</h3>
      <form
        className="tool-form"
        onSubmit={(e) => {
          e.preventDefault();
          run(actions.run());
        }}
      >
        {current && (
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={view.selected.length === 1 && view.selected[0] === current.id}
            onClick={() => actions.set({ selected: [current.id] })}
          >
            Only the current router ({current.name})
          </button>
        )}
        {groups.length > 0 && (
          <label className="inline-field">
            <span>Add a group’s connected routers</span>
            <select
              className="input input-small"
              value=""
              onChange={(e) => {
                const g = e.target.value;
                for (const c of connections) if (c.group === g && links[c.id]?.status === 'online') actions.toggle(c.id, true);
              }}
            >
              <option value="">Choose a group…</option>
              {groups.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </label>
        )}
        <RouterPicker
          label="Run on"
          connections={connections}
          links={links}
          selected={view.selected}
          onToggle={actions.toggle}
          error={view.fieldErrors.routers}
          errorId={`${uid}-routers-error`}
        />
        {command.variables.length > 0 && (
          <fieldset className="library-values">
            <legend>Values</legend>
            {command.variables.map((v) => (
              <div className="field" key={v.name}>
                <label htmlFor={`${uid}-v-${v.name}`}>{v.name}</label>
                <input
                  id={`${uid}-v-${v.name}`}
                  className="input mono"
                  value={view.values[v.name] ?? ''}
                  placeholder={v.default !== undefined ? `default: ${v.default}` : 'per router, or type a value'}
                  aria-describedby={v.description ? `${uid}-vd-${v.name}` : undefined}
                  onChange={(e) => actions.set({ values: { ...view.values, [v.name]: e.target.value } })}
                />
                {v.description && (
                  <p id={`${uid}-vd-${v.name}`} className="field-help">
                    {v.description}
                  </p>
                )}
              </div>
            ))}
            <p className="field-help">
              An empty field takes the connection’s own value, then the default.{' '}
              {PER_ROUTER_VARIABLES.map((n) => `{{${n}}}`).join(' ')} are always the router’s own.
            </p>
          </fieldset>
        )}
        <FieldError id={`${uid}-values-error`} message={view.fieldErrors.values} alert />
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
          <button type="button" className="btn" disabled={busy} onClick={() => run(actions.preview())}>
            Preview
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {view.status === 'sending' ? 'Running…' : 'Run on selected'}
          </button>
        </div>
      </form>
      {view.preview && (
        <div className="library-preview" role="region" aria-label="Preview">
          <h4>Sent to each router exactly as shown</h4>
          {view.preview.routers.map((r) => (
            <div key={r.connectionId} className="library-preview-router">
              <strong>{r.name}</strong>
              {r.error ? (
                <p className="field-error">{r.error}</p>
              ) : (
                <pre className="example mono" aria-label={`Preview for ${r.name}`}>
                  {(r.sentences ?? []).map((w) => w.join('\n')).join('\n\n')}
                </pre>
              )}
            </div>
          ))}
        </div>
      )}
      <RequestError error={view.error} />
      {view.running && (
        <div className="bc-running">
          <p role="status" className="muted">
            {view.cancelling
              ? 'Cancelling… routers still running get /cancel; the rest are skipped.'
              : `Running on ${view.selected.length} router(s)… ${view.answered?.length ?? 0} answered`}
          </p>
          <button type="button" className="btn" disabled={view.cancelling} onClick={() => run(actions.cancel())}>
            Cancel run
          </button>
          <WaveProgress run={view.waveRun} broadcastId={view.running} onContinue={(id) => run(actions.continueWave(id))} />
          {(view.answered?.length ?? 0) > 0 && (
            <ul className="bc-answered" aria-label="Answered so far">
              {view.answered!.map((r) => (
                <li key={r.connectionId}>
                  {r.name}: {OUTCOME_TEXT[r.outcome]}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {view.result && (
        <BroadcastResultView result={view.result} expanded={view.expanded} onToggle={actions.expand} label="Library run" />
      )}
      <ConfirmLibraryRun command={command} />
    </section>
  );
}

/** Deleting a command removes its file: asked first, naming the file. */
function ConfirmDelete({ command, onClose }: { command: LibraryCommand; onClose: () => void }) {
  const remove = useApp((s) => s.deleteLibraryCommand);
  const run = useRun();
  const descId = useId();
  return createPortal(
    <Modal title={`Delete ${command.name}?`} onClose={onClose} describedBy={descId} role="alertdialog" className="confirm-modal">
      <p id={descId} className="modal-body">
        Its file <code>{command.fileName}</code> is deleted from the library folder. Export it first if it is not kept elsewhere
        (in git, say).
      </p>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => {
            onClose();
            run(remove(command.id));
          }}
        >
          Delete
        </button>
      </div>
    </Modal>,
    document.body,
  );
}

/**
 * The command library: saved commands (one JSON file each in the data directory, for a team's git),
 * an edit form, Run on routers (through the broadcast, with waves), Import and Export.
 */
export function LibraryPanel() {
  const view = useApp((s) => s.library);
  const actions = useApp(
    useShallow((s) => ({
      load: s.loadLibrary,
      select: s.selectLibraryCommand,
      edit: s.editLibraryCommand,
      importFiles: s.importLibrary,
      exportIds: s.exportLibrary,
    })),
  );
  const run = useRun();
  const uid = useId();
  const [deleting, setDeleting] = useState<LibraryCommand | undefined>();
  const { load } = actions;
  useEffect(() => {
    run(load());
    // Once per opening: the folder is read afresh then (files changed by git show up).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [load]);
  const selected = view.commands.find((c) => c.id === view.selectedId);
  const importInput = (folder: boolean) => (
    <label className="btn btn-small file-btn">
      {folder ? 'Import folder…' : 'Import files…'}
      <input
        type="file"
        className="visually-hidden"
        accept=".json,application/json"
        multiple
        aria-label={folder ? 'Import a folder of command files' : 'Import command files'}
        {...(folder ? { webkitdirectory: '' } : {})}
        onChange={(e) => {
          const list = e.target.files;
          const files = readFiles(list);
          e.target.value = '';
          run(files.then((f) => actions.importFiles(f)));
        }}
      />
    </label>
  );
  return (
    <section className="tool-panel library" aria-labelledby={`${uid}-title`}>
      <h2 id={`${uid}-title`} className="tool-title">
        Command library
      </h2>
      <div className="table-bar" role="toolbar" aria-label="Library">
        <button type="button" className="btn btn-small btn-primary" onClick={() => actions.edit()}>
          New command
        </button>
        {importInput(false)}
        {importInput(true)}
        <button
          type="button"
          className="btn btn-small"
          disabled={view.commands.length === 0}
          onClick={() => run(actions.exportIds())}
        >
          Export all
        </button>
        <button type="button" className="btn btn-small" onClick={() => run(actions.load())}>
          Reload
        </button>
        {view.directory && <span className="muted mono library-dir">{view.directory}</span>}
      </div>
      {view.message && (
        <p role="status" className="muted">
          {view.message}
        </p>
      )}
      <RequestError error={view.error} />
      {view.problems.length > 0 && (
        <div className="library-problems" role="alert">
          <p>These files in the library folder could not be used (they were left as they are):</p>
          <ul>
            {view.problems.map((p) => (
              <li key={p.fileName}>
                <code>{p.fileName}</code>: {p.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="library-body">
        <ul className="library-list" aria-label="Saved commands">
          {view.commands.map((c) => (
            <li key={c.id} className={c.id === view.selectedId ? 'selected' : undefined}>
              <button
                type="button"
                className="btn btn-ghost library-item"
                aria-pressed={c.id === view.selectedId}
                onClick={() => actions.select(c.id)}
              >
                {c.name}
                <span className={c.writes ? 'tag tag-write' : 'tag'}>{c.writes ? 'writes' : 'reads'}</span>
              </button>
            </li>
          ))}
          {view.status === 'ready' && view.commands.length === 0 && (
            <li className="empty-note">No saved commands yet. Use New command, or Save as command in a console’s History.</li>
          )}
        </ul>
        <div className="library-detail">
          <LibraryForm />
          {selected && !view.draft && (
            <>
              <div className="library-command">
                <h3>{selected.name}</h3>
                {selected.description && <p>{selected.description}</p>}
                <p className="muted">
                  {selected.writes ? `Writes: ${selected.writesReason}.` : 'Only reads.'} File {selected.fileName}.
                </p>
                <pre className="example mono" aria-label={`Sentences of ${selected.name}`}>
                  {selected.sentences.map((w) => w.join('\n')).join('\n\n')}
                </pre>
                <div className="tool-options">
                  <button type="button" className="btn btn-small" onClick={() => actions.edit({ id: selected.id })}>
                    Edit {selected.name}
                  </button>
                  <button type="button" className="btn btn-small" onClick={() => run(actions.exportIds([selected.id]))}>
                    Export {selected.name}
                  </button>
                  <button type="button" className="btn btn-small btn-danger" onClick={() => setDeleting(selected)}>
                    Delete {selected.name}
                  </button>
                </div>
              </div>
              <LibraryRun command={selected} />
            </>
          )}
        </div>
      </div>
      {deleting && <ConfirmDelete command={deleting} onClose={() => setDeleting(undefined)} />}
    </section>
  );
}
