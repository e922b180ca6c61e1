import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FormDescription, FormField, FormRequest, FormResult } from '../../../app-main/src/common/contract';
import { useApp, useRun } from '../hooks';
import { formRow, menuKey } from '../store/forms';
import type { RowActionDialog } from '../store/types';
import { FieldError, RequestError } from './FormParts';
import { Modal } from './Modal';

/** How long typing settles before the sentence preview is asked again. */
const PREVIEW_DELAY_MS = 120;

const VERB: Record<RowActionDialog['action'], string> = {
  add: 'Add',
  edit: 'Edit',
  remove: 'Remove',
  enable: 'Enable',
  disable: 'Disable',
  comment: 'Comment',
};

function titleOf(d: RowActionDialog, routerName: string): string {
  const n = d.ids.length;
  const what = d.row?.['name'] ?? d.row?.['address'] ?? d.ids[0] ?? '';
  const rows = `${n} row${n === 1 ? '' : 's'}`;
  const on = `${d.path} on ${routerName}`;
  if (d.copyFrom) return `Copy from ${d.copyFrom.routerName}: ${d.action === 'add' ? 'add to' : `set ${what} in`} ${on}`;
  switch (d.action) {
    case 'add':
      return `Add to ${on}`;
    case 'edit':
      return `Edit ${what} in ${on}`;
    default:
      return `${VERB[d.action]} ${rows} of ${on}`;
  }
}

/** The value of a field split into its `!` and the rest, for negatable arguments. */
function splitNot(field: FormField, value: string): { not: boolean; rest: string } {
  return field.negatable && value.startsWith('!') ? { not: true, rest: value.slice(1) } : { not: false, rest: value };
}

function placeholderOf(f: FormField): string {
  if (f.kind === 'number' && (f.min !== undefined || f.max !== undefined)) return `${f.min ?? ''}..${f.max ?? ''}`;
  if (f.kind === 'time')
    return f.min !== undefined || f.max !== undefined ? `${f.min ?? ''}..${f.max ?? ''}, e.g. 1h30m` : '1h30m';
  if (f.syntax) return f.syntax.replace(/\s+\(.*\)$/, '');
  return '';
}

function FieldInput(props: {
  field: FormField;
  id: string;
  value: string;
  error: string | undefined;
  errorId: string;
  onChange(v: string): void;
}) {
  const { field: f, id, value, error, errorId, onChange } = props;
  const { not, rest } = splitNot(f, value);
  const set = (v: string, negate = not) => onChange(negate && v !== '' ? `!${v}` : v);
  const common = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId : undefined,
  } as const;
  let input: React.ReactNode;
  switch (f.kind) {
    case 'switch':
      input = (
        <input
          {...common}
          type="checkbox"
          role="switch"
          aria-checked={value === 'yes'}
          checked={value === 'yes'}
          onChange={(e) => onChange(e.target.checked ? 'yes' : 'no')}
        />
      );
      break;
    case 'select':
      input = (
        <select {...common} className="input" value={rest} onChange={(e) => set(e.target.value)}>
          <option value="">(not set)</option>
          {rest !== '' && !f.options?.includes(rest) && <option value={rest}>{rest}</option>}
          {f.options?.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'script':
      input = (
        <textarea
          {...common}
          className="input mono"
          rows={3}
          value={rest}
          spellCheck={false}
          onChange={(e) => set(e.target.value)}
        />
      );
      break;
    default: {
      const listId = f.options?.length ? `${id}-options` : undefined;
      input = (
        <>
          <input
            {...common}
            className="input mono"
            value={rest}
            spellCheck={false}
            autoComplete="off"
            inputMode={f.kind === 'number' ? 'numeric' : undefined}
            placeholder={placeholderOf(f)}
            list={listId}
            maxLength={f.maxLength}
            onChange={(e) => set(e.target.value)}
          />
          {listId && (
            <datalist id={listId}>
              {f.options!.map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
          )}
        </>
      );
    }
  }
  return (
    <div className={f.kind === 'script' ? 'field span4' : 'field span2'} data-kind={f.kind}>
      <label htmlFor={id}>{f.name}</label>
      <div className="form-field-row">
        {f.negatable && (
          <label className="check not-check">
            <input type="checkbox" checked={not} onChange={(e) => set(rest, e.target.checked)} aria-label={`not ${f.name}`} /> !
          </label>
        )}
        {input}
      </div>
      <FieldError id={errorId} message={error} />
    </div>
  );
}

/**
 * The dialog of a Tables action (issue 14): the form main built from the command tree (add and
 * edit), or the rows acted on; under it the exact sentences main will send, asked again as the
 * form changes (`form:build`), with Copy and Open in Console; Send runs them (`form:send`).
 */
export function FormDialog({ d }: { d: RowActionDialog }) {
  const close = useApp((s) => s.openDialog);
  const routerName = useApp((s) => s.connections.find((c) => c.id === d.connectionId)?.name ?? d.connectionId);
  const menu = useApp((s) => s.formMenus[menuKey(d.connectionId, d.path)]);
  const api = useApp(
    useShallow((s) => ({ describe: s.describeForm, build: s.buildForm, send: s.sendForm, toConsole: s.openInConsole })),
  );
  const reload = useApp((s) => s.loadFormMenu);
  const run = useRun();
  const uid = useId();
  const isForm = d.action === 'add' || d.action === 'edit';
  const [desc, setDesc] = useState<FormDescription | undefined>(undefined);
  const [loadError, setLoadError] = useState<{ message: string; hint?: string } | undefined>(undefined);
  const [values, setValues] = useState<Record<string, string>>({});
  const [extra, setExtra] = useState<{ name: string; value: string }[]>([]);
  const [comment, setComment] = useState(d.ids.length === 1 ? (d.row?.['comment'] ?? '') : '');
  const [sentences, setSentences] = useState<string[][]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<FormResult | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const cancelRef = useRef<HTMLButtonElement>(null);

  // The fields arrive after the dialog opened: the first one gets focus then. Remove, Enable and
  // Disable have no field: focus starts on Cancel, never on the action (this runs after Modal's
  // own focus, which would pick the still-disabled Copy button).
  useEffect(() => {
    if (desc) formRef.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    else if (!isForm && d.action !== 'comment') cancelRef.current?.focus();
  }, [desc, isForm, d.action]);

  // The form itself, once.
  useEffect(() => {
    if (!isForm) return;
    let live = true;
    void api.describe(d.connectionId, d.path, d.action === 'add' ? 'add' : 'edit', d.row).then((r) => {
      if (!live) return;
      if (!r.ok) return setLoadError(r.error);
      setDesc(r.value);
      const initial: Record<string, string> = {};
      for (const f of r.value.fields) if (f.value !== undefined) initial[f.name] = f.value;
      // A copied row fills the fields the target's form has; the rest go to raw rows only if
      // the form is generic (a tree-less router), so read-only properties are not sent.
      if (d.copyFrom) {
        const src = formRow(d.copyFrom.row);
        const names = new Set(r.value.fields.map((f) => f.name));
        const rows: { name: string; value: string }[] = [];
        for (const [k, v] of Object.entries(src)) {
          if (names.has(k)) {
            const f = r.value.fields.find((x) => x.name === k)!;
            initial[k] = f.kind === 'switch' ? (v === 'true' || v === 'yes' ? 'yes' : 'no') : v;
          } else if (r.value.generic && d.action === 'add') rows.push({ name: k, value: v });
        }
        setExtra(rows);
      }
      setValues(initial);
    });
    return () => {
      live = false;
    };
    // Once per dialog: the row it was opened with is what Edit compares against.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const request = useMemo((): FormRequest => {
    const base = { connectionId: d.connectionId, path: d.path, action: d.action, ids: d.ids };
    if (d.action === 'comment') return { ...base, comment };
    if (!isForm) return base;
    // Add sends what is filled in (by the user or a copied row); edit sends every field and main
    // keeps what changed.
    const sent: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) if (d.action === 'edit' || v !== '') sent[k] = v;
    return {
      ...base,
      values: sent,
      ...(d.action === 'edit' && d.row ? { original: formRow(d.row) } : {}),
      ...(extra.length ? { extra } : {}),
    };
  }, [d, isForm, values, extra, comment]);

  // The preview: main's own sentences for the form as it is now.
  useEffect(() => {
    if (isForm && !desc) return;
    let live = true;
    const t = setTimeout(() => {
      void api.build(request).then((r) => {
        if (!live) return;
        if (!r.ok) {
          setSentences([]);
          setErrors({ form: r.error.message });
          return;
        }
        setSentences(r.value.sentences);
        setErrors(r.value.fieldErrors);
      });
    }, PREVIEW_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request, desc]);

  const preview = sentences.map((s) => s.join('\n')).join('\n\n');
  const trapErrors = result?.fieldErrors ?? {};
  const errorOf = (name: string) => trapErrors[name] ?? errors[name];
  const fieldNames = new Set([...(desc?.fields.map((f) => f.name) ?? []), ...(d.action === 'comment' ? ['comment'] : [])]);
  // A trap naming no field of the form (or a form-level problem) shows above the buttons.
  const formLevel = Object.entries({ ...errors, ...trapErrors }).filter(
    ([k]) => !fieldNames.has(k) && !k.startsWith('extra:') && !(k === 'form' && errors.form === 'nothing changed' && !result),
  );
  const writeBlocked = menu && 'write' in menu && !menu.write.allowed ? menu.write.reason : undefined;
  const canSend = !sending && sentences.length > 0 && Object.keys(errors).length === 0 && !writeBlocked;

  const send = async () => {
    setSending(true);
    setResult(undefined);
    const r = await api.send(request);
    setSending(false);
    if (!r.ok) {
      setResult({
        outcome: 'failed',
        sentences: [],
        fieldErrors: { form: `${r.error.message}${r.error.hint ? ` ${r.error.hint}` : ''}` },
      });
      return;
    }
    if (r.value.outcome === 'done') {
      close(undefined);
      return;
    }
    setResult(r.value);
    // A refused write may have taught main that this user cannot write.
    if (Object.values(r.value.fieldErrors).some((m) => /not enough permissions/i.test(m)))
      run(reload(d.connectionId, d.path, true));
  };

  const setValue = (name: string, v: string) => {
    setValues((x) => ({ ...x, [name]: v }));
    setResult(undefined);
  };

  return (
    <Modal title={titleOf(d, routerName)} onClose={() => close(undefined)} className="form-modal row-action-modal">
      <form
        ref={formRef}
        className="modal-body"
        onSubmit={(e) => {
          e.preventDefault();
          if (canSend) run(send());
        }}
      >
        {isForm && !desc && !loadError && <p role="status">Reading the form of {d.path}…</p>}
        <RequestError error={loadError} />
        {desc && (
          <>
            <p className="field-help">
              {desc.generic
                ? `No command tree knows ${d.path} on this router: a plain name/value form.`
                : `Fields of ${d.path}/${desc.command} from ${desc.source === 'router' ? "the router's /console/inspect" : `the RouterOS ${desc.treeVersion ?? ''} command tree`}.`}
              {d.action === 'edit' ? ' Only what you change is sent.' : ''}
            </p>
            <div className="form-grid row-form-fields">
              {desc.fields.map((f, i) => (
                <FieldInput
                  key={f.name}
                  field={f}
                  id={`${uid}-f${i}`}
                  value={values[f.name] ?? ''}
                  error={errorOf(f.name)}
                  errorId={`${uid}-f${i}-error`}
                  onChange={(v) => setValue(f.name, v)}
                />
              ))}
            </div>
            <fieldset className="raw-args">
              <legend>Other arguments</legend>
              {extra.map((row, i) => (
                <div key={i} className="raw-arg">
                  <input
                    className="input mono"
                    aria-label={`Argument name ${i + 1}`}
                    value={row.name}
                    placeholder="name"
                    onChange={(e) => setExtra((x) => x.map((r, j) => (j === i ? { ...r, name: e.target.value } : r)))}
                  />
                  <input
                    className="input mono"
                    aria-label={`Argument value ${i + 1}`}
                    value={row.value}
                    placeholder="value"
                    aria-invalid={errorOf(`extra:${i}`) ? true : undefined}
                    aria-describedby={errorOf(`extra:${i}`) ? `${uid}-x${i}-error` : undefined}
                    onChange={(e) => setExtra((x) => x.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
                  />
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    aria-label={`Remove argument ${i + 1}`}
                    onClick={() => setExtra((x) => x.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                  <FieldError id={`${uid}-x${i}-error`} message={errorOf(`extra:${i}`)} />
                </div>
              ))}
              <button type="button" className="btn btn-small" onClick={() => setExtra((x) => [...x, { name: '', value: '' }])}>
                Add argument
              </button>
            </fieldset>
          </>
        )}
        {!isForm && d.labels && d.labels.length > 0 && (
          <p className="field-help">
            {d.labels.length === 1 ? 'Row' : `${d.labels.length} rows`}: {d.labels.slice(0, 20).join(', ')}
            {d.labels.length > 20 ? ` and ${d.labels.length - 20} more` : ''}
          </p>
        )}
        {d.action === 'comment' && (
          <div className="field">
            <label htmlFor={`${uid}-comment`}>comment</label>
            <input
              id={`${uid}-comment`}
              className="input"
              value={comment}
              aria-invalid={errorOf('comment') ? true : undefined}
              aria-describedby={errorOf('comment') ? `${uid}-comment-error` : undefined}
              onChange={(e) => {
                setComment(e.target.value);
                setResult(undefined);
              }}
            />
            <FieldError id={`${uid}-comment-error`} message={errorOf('comment')} />
          </div>
        )}
        <div className="sentence-preview">
          <div className="sentence-preview-head">
            <span id={`${uid}-preview-label`}>
              {sentences.length > 1 ? `${sentences.length} sentences, sent one after another` : 'Sentence to send'}
            </span>
            <span className="spacer" />
            <button
              type="button"
              className="btn btn-small"
              disabled={!preview}
              onClick={() => {
                void navigator.clipboard?.writeText(preview).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={!sentences[0]}
              title={sentences.length > 1 ? 'Opens the first sentence; send the others after it' : undefined}
              onClick={() => sentences[0] && api.toConsole(d.connectionId, sentences[0])}
            >
              Open in Console
            </button>
          </div>
          <pre className="example mono" role="region" aria-label="API sentence">
            {preview || ' '}
          </pre>
        </div>
        {errors.form === 'nothing changed' && !result && (
          <p className="field-help" role="status">
            Nothing changed yet: change a field to see the sentence.
          </p>
        )}
        {writeBlocked && (
          <p className="field-error" role="note">
            Cannot send: {writeBlocked}.
          </p>
        )}
        {formLevel.map(([k, m]) => (
          <p key={k} className="table-error" role="alert">
            {m}
          </p>
        ))}
        {result && result.outcome !== 'done' && result.outcome !== 'invalid' && (
          <p className="field-help" role="status">
            The router answered {result.outcome}
            {result.sentences.some((s) => s.outcome === 'not-sent') ? '; the sentences after it were not sent' : ''}.
          </p>
        )}
        <div className="modal-actions">
          <button ref={cancelRef} type="button" className="btn" onClick={() => close(undefined)}>
            Cancel
          </button>
          <button
            type="submit"
            className={d.action === 'remove' ? 'btn btn-danger' : 'btn btn-primary'}
            disabled={!canSend}
            aria-busy={sending || undefined}
          >
            {sending ? 'Sending…' : 'Send'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
