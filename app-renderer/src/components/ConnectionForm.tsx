import { useId, useState, type FormEvent } from 'react';
import type { ConnectionInput, Encoding, SavedConnection, TransportKind } from '../../../app-main/src/common/contract';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../hooks';
import { errorField } from '../lib/errors';
import { DEFAULT_PORT } from '../lib/format';
import { Modal } from './Modal';

type Field =
  'name' | 'host' | 'port' | 'transport' | 'user' | 'password' | 'fingerprint256' | 'group' | 'encoding' | 'notes' | 'vars';
type Errors = Partial<Record<Field, string>>;

interface Draft {
  name: string;
  host: string;
  port: string;
  transport: TransportKind;
  user: string;
  password: string;
  removePassword: boolean;
  fingerprint256: string;
  group: string;
  encoding: Encoding;
  notes: string;
  /** This router's values for library commands' {{variables}}: `name=value`, one per line. */
  vars: string;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** `name=value` lines as a map, or the first bad line in words (docs/library.md, "Variables"). */
export function parseVars(text: string): { vars: Record<string, string> } | { error: string } {
  const vars: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (eq < 0 || !VARIABLE_NAME.test(name))
      return { error: `Line ${i + 1} is not name=value with a variable name (letters, digits, "_", "." or "-").` };
    if (Object.hasOwn(vars, name)) return { error: `Line ${i + 1} gives ${name} a second time.` };
    vars[name] = line.slice(eq + 1);
  }
  return { vars };
}

const TRANSPORTS: { value: TransportKind; label: string }[] = [
  { value: 'plain', label: 'Plain TCP (8728) — unencrypted' },
  { value: 'tls-verify', label: 'TLS, verify certificate (8729)' },
  { value: 'tls-pinned', label: 'TLS, pinned certificate (8729)' },
  { value: 'tls-anonymous', label: 'TLS, anonymous DH (8729) — not authenticated' },
];

/** The Encoding choices (contract `Encoding`): UTF-8, then the Windows code pages WinBox PCs use. */
export const ENCODINGS: { value: Encoding; label: string }[] = [
  { value: 'utf-8', label: 'UTF-8 (default)' },
  { value: 'windows-1250', label: 'windows-1250 — Central European' },
  { value: 'windows-1251', label: 'windows-1251 — Cyrillic' },
  { value: 'windows-1252', label: 'windows-1252 — Western European' },
  { value: 'windows-1253', label: 'windows-1253 — Greek' },
  { value: 'windows-1254', label: 'windows-1254 — Turkish' },
  { value: 'windows-1255', label: 'windows-1255 — Hebrew' },
  { value: 'windows-1256', label: 'windows-1256 — Arabic' },
  { value: 'windows-1257', label: 'windows-1257 — Baltic' },
  { value: 'windows-1258', label: 'windows-1258 — Vietnamese' },
];

/** Normalises a SHA-256 fingerprint to colon-separated upper-case hex; undefined when malformed. */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/../g)?.join(':');
}

/** Client-side checks; the main process validates again and its VALIDATION errors name the field. */
export function validateDraft(d: Draft): Errors {
  const e: Errors = {};
  if (!d.name.trim()) e.name = 'Give the router a name.';
  else if (d.name.length > 100) e.name = 'Keep the name under 100 characters.';
  const host = d.host.trim();
  if (!host) e.host = 'Enter the router’s host name or IP address.';
  else if (/\s/.test(host)) e.host = 'A host name cannot contain spaces.';
  else if (!/^[A-Za-z0-9.:\-_%[\]]+$/.test(host))
    e.host = 'Use a host name or an IPv4/IPv6 address, without "http://" or a path.';
  const port = d.port.trim();
  if (!/^\d+$/.test(port)) e.port = 'The port is a whole number, usually 8728 (API) or 8729 (API-SSL).';
  else if (Number(port) < 1 || Number(port) > 65535) e.port = 'The port must be between 1 and 65535.';
  if (!d.user.trim()) e.user = 'Enter the RouterOS user (it needs the "api" policy).';
  if (d.transport === 'tls-pinned' && d.fingerprint256.trim() && !normaliseFingerprint(d.fingerprint256)) {
    e.fingerprint256 = 'A SHA-256 fingerprint is 32 bytes in hex, e.g. AB:CD:… (leave empty to trust on first connect).';
  }
  const vars = parseVars(d.vars);
  if ('error' in vars) e.vars = vars.error;
  return e;
}

function toDraft(c: SavedConnection | undefined): Draft {
  return {
    name: c?.name ?? '',
    host: c?.host ?? '',
    port: String(c?.port ?? 8728),
    transport: c?.transport ?? 'plain',
    user: c?.user ?? 'admin',
    password: '',
    removePassword: false,
    fingerprint256: c?.fingerprint256 ?? '',
    group: c?.group ?? '',
    encoding: c?.encoding ?? 'utf-8',
    notes: c?.notes ?? '',
    vars: Object.entries(c?.vars ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  };
}

const FIELD_NAMES: readonly Field[] = [
  'name',
  'host',
  'port',
  'transport',
  'user',
  'password',
  'fingerprint256',
  'group',
  'encoding',
  'notes',
  'vars',
];

export function ConnectionForm(props: { editId?: string; prefill?: { host: string; name: string } }) {
  const existing = useApp((s) => (props.editId ? s.connections.find((c) => c.id === props.editId) : undefined));
  const groups = useApp(useShallow((s) => s.connections.map((c) => c.group)));
  const keychain = useApp((s) => s.info?.keychain);
  const save = useApp((s) => s.saveConnection);
  const close = useApp((s) => s.openDialog);
  const [d, setD] = useState<Draft>(() => ({ ...toDraft(existing), ...props.prefill }));
  const [errors, setErrors] = useState<Errors>({});
  const [summary, setSummary] = useState<{ message: string; hint?: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const uid = useId();
  const id = (f: string) => `${uid}-${f}`;
  const editing = !!props.editId;

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((x) => {
      const next = { ...x, [k]: v };
      // Follow the transport's usual port unless the user typed another one.
      if (k === 'transport' && x.port === String(DEFAULT_PORT[x.transport])) next.port = String(DEFAULT_PORT[v as TransportKind]);
      return next;
    });
    if (k in errors) setErrors((e) => ({ ...e, [k]: undefined }));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateDraft(d);
    setErrors(found);
    setSummary(undefined);
    if (Object.values(found).some(Boolean)) {
      document.getElementById(id(Object.keys(found)[0] as string))?.focus();
      return;
    }
    const input: ConnectionInput = {
      name: d.name.trim(),
      host: d.host.trim(),
      port: Number(d.port),
      transport: d.transport,
      user: d.user.trim(),
      group: d.group.trim(),
      encoding: d.encoding,
      notes: d.notes,
    };
    const vars = parseVars(d.vars);
    if ('vars' in vars) input.vars = vars.vars;
    if (d.transport === 'tls-pinned' && d.fingerprint256.trim())
      input.fingerprint256 = normaliseFingerprint(d.fingerprint256) as string;
    if (d.removePassword) input.password = null;
    else if (d.password !== '') input.password = d.password;
    setBusy(true);
    const r = await save(props.editId, input);
    setBusy(false);
    if (r.ok) return;
    const field = errorField(r.error);
    if (field && (FIELD_NAMES as readonly string[]).includes(field)) {
      setErrors((x) => ({ ...x, [field]: r.error.message }));
      document.getElementById(id(field))?.focus();
    } else setSummary({ message: r.error.message, ...(r.error.hint ? { hint: r.error.hint } : {}) });
  };

  const fieldProps = (f: Field) => ({
    id: id(f),
    'aria-invalid': errors[f] ? true : undefined,
    'aria-describedby': errors[f] ? id(`${f}-error`) : id(`${f}-help`),
  });
  const err = (f: Field) =>
    errors[f] ? (
      <p id={id(`${f}-error`)} className="field-error">
        {errors[f]}
      </p>
    ) : null;
  const errorCount = Object.values(errors).filter(Boolean).length;

  return (
    <Modal
      title={editing ? `Edit ${existing?.name ?? 'connection'}` : 'Add connection'}
      onClose={() => close(undefined)}
      className="form-modal"
    >
      <form className="conn-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        {(summary || errorCount > 0) && (
          <div role="alert" className="form-alert">
            {summary ? (
              <>
                <strong>{summary.message}</strong>
                {summary.hint && <span> {summary.hint}</span>}
              </>
            ) : (
              `Please correct ${errorCount === 1 ? 'the marked field' : `${errorCount} marked fields`}.`
            )}
          </div>
        )}
        <div className="form-grid">
          <div className="field span2">
            <label htmlFor={id('name')}>Name</label>
            <input
              className="input"
              {...fieldProps('name')}
              value={d.name}
              onChange={(e) => set('name', e.target.value)}
              autoComplete="off"
              data-autofocus
            />
            {err('name')}
          </div>
          <div className="field span2">
            <label htmlFor={id('host')}>Host</label>
            <input
              className="input mono"
              {...fieldProps('host')}
              value={d.host}
              onChange={(e) => set('host', e.target.value)}
              autoComplete="off"
              spellCheck={false}
              placeholder="192.168.88.1 or router.example.net"
            />
            {err('host')}
          </div>
          <div className="field">
            <label htmlFor={id('port')}>Port</label>
            <input
              className="input mono"
              {...fieldProps('port')}
              inputMode="numeric"
              value={d.port}
              onChange={(e) => set('port', e.target.value)}
              autoComplete="off"
            />
            {err('port')}
          </div>
          <div className="field span3">
            <label htmlFor={id('transport')}>Transport</label>
            <select
              className="input"
              {...fieldProps('transport')}
              value={d.transport}
              onChange={(e) => set('transport', e.target.value as TransportKind)}
            >
              {TRANSPORTS.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
            {err('transport')}
            {d.transport === 'plain' && (
              <p id={id('transport-help')} className="field-help warn-text">
                The password crosses the network in clear text. Prefer API-SSL where you can.
              </p>
            )}
            {d.transport === 'tls-anonymous' && (
              <p id={id('transport-help')} className="field-help warn-text">
                Encrypted, but the router’s identity is not checked (protocol.md §8).
              </p>
            )}
          </div>
          {d.transport === 'tls-pinned' && (
            <div className="field span4">
              <label htmlFor={id('fingerprint256')}>Certificate fingerprint (SHA-256)</label>
              <input
                className="input mono"
                {...fieldProps('fingerprint256')}
                value={d.fingerprint256}
                onChange={(e) => set('fingerprint256', e.target.value)}
                placeholder="empty: trust on first connect"
                spellCheck={false}
              />
              {err('fingerprint256')}
            </div>
          )}
          <div className="field span2">
            <label htmlFor={id('user')}>User</label>
            <input
              className="input mono"
              {...fieldProps('user')}
              value={d.user}
              onChange={(e) => set('user', e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
            {err('user')}
          </div>
          <div className="field span2">
            <label htmlFor={id('password')}>Password</label>
            <input
              className="input mono"
              {...fieldProps('password')}
              type="password"
              value={d.password}
              disabled={d.removePassword}
              onChange={(e) => set('password', e.target.value)}
              autoComplete="new-password"
              placeholder={existing?.hasPassword ? 'unchanged (stored)' : ''}
            />
            {err('password')}
            <p id={id('password-help')} className="field-help">
              {keychain && !keychain.available
                ? `No OS keychain${keychain.reason ? ` (${keychain.reason})` : ''}: the password is kept for this run only.`
                : 'Stored in the OS keychain, never in a file.'}
            </p>
            {existing?.hasPassword && !existing.demo && (
              <label className="check">
                <input type="checkbox" checked={d.removePassword} onChange={(e) => set('removePassword', e.target.checked)} />{' '}
                Remove it from the keychain
              </label>
            )}
          </div>
          <div className="field span2">
            <label htmlFor={id('group')}>Group</label>
            <input
              className="input"
              {...fieldProps('group')}
              value={d.group}
              onChange={(e) => set('group', e.target.value)}
              list={id('groups')}
              placeholder="none"
            />
            <datalist id={id('groups')}>
              {[...new Set(groups.filter(Boolean))].map((g) => (
                <option key={g} value={g} />
              ))}
            </datalist>
            {err('group')}
          </div>
          <div className="field span2">
            <label htmlFor={id('encoding')}>Encoding</label>
            <select
              className="input"
              {...fieldProps('encoding')}
              value={d.encoding}
              onChange={(e) => set('encoding', e.target.value as Encoding)}
            >
              {ENCODINGS.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
            {err('encoding') ?? (
              <p id={id('encoding-help')} className="field-help">
                Used for what you send, the password and query values too. Text typed in WinBox on Windows is in the PC’s code
                page. Replies show as UTF-8 when valid, else in this code page.
              </p>
            )}
          </div>
          <div className="field span4">
            <label htmlFor={id('notes')}>Notes</label>
            <textarea
              className="input"
              rows={2}
              {...fieldProps('notes')}
              value={d.notes}
              onChange={(e) => set('notes', e.target.value)}
            />
          </div>
          <div className="field span4">
            <label htmlFor={id('vars')}>Values for library commands</label>
            <textarea
              className="input mono"
              rows={2}
              spellCheck={false}
              placeholder="site=ams"
              {...fieldProps('vars')}
              value={d.vars}
              onChange={(e) => set('vars', e.target.value)}
            />
            {err('vars') ?? (
              <p id={id('vars-help')} className="field-help">
                One <code>name=value</code> per line: this router’s value for <code>{'{{name}}'}</code> in library commands, used
                when the run form leaves it empty.
              </p>
            )}
          </div>
        </div>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={() => close(undefined)}>
            Close
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
