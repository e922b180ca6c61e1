import { useEffect, useId, useState } from 'react';
import type { Row } from '../../../app-main/src/common/contract';
import { useApp, useAppStore, useRun } from '../hooks';
import { readableValue } from '../lib/values';

/** The **Raw values** switch: values as RouterOS sent them instead of for people (lib/values.ts). */
export function RawSwitch({ on, onChange }: { on: boolean; onChange: (on: boolean) => void }) {
  return (
    <button type="button" role="switch" aria-checked={on} className="switch" onClick={() => onChange(!on)}>
      <span className="switch-track" aria-hidden="true" />
      Raw values
    </button>
  );
}

/**
 * Menus that hold one item and cannot be `set`: what the hardware and the running system report.
 * Every other single-item menu is a settings menu (`/system/identity`, `/ip/dns`, `/ip/settings`…)
 * and its values can be edited; a property the router refuses comes back as its trap.
 */
const READ_ONLY_SINGLE = new Set([
  '/system/resource',
  '/system/routerboard',
  '/system/health',
  '/system/license',
  '/system/package/update',
  '/system/resource/monitor',
  '/interface/monitor-traffic',
]);

/** Is `row` the one item of a single-item menu? Live tables number such a row `#0` (tables.ts). */
export function isSingleItem(rows: readonly Row[]): boolean {
  if (rows.length !== 1) return false;
  const id = rows[0]?.['.id'];
  return id === undefined || id.startsWith('#');
}

/** The menu of a console sentence that prints one: `/system/identity/print` → `/system/identity`. */
export function printedMenu(command: string | undefined): string | undefined {
  const m = command ? /^(\/[^=?]*)\/(print|getall)$/.exec(command) : null;
  return m?.[1];
}

export function canSetMenu(path: string | undefined): boolean {
  return !!path && !READ_ONLY_SINGLE.has(path);
}

/** The words that set one property of a single-item menu (a console command on that router). */
export function setWords(path: string, prop: string, value: string): string[] {
  return [`${path}/set`, `=${prop}=${value}`];
}

function EditValue({
  connectionId,
  path,
  prop,
  raw,
  onDone,
}: {
  connectionId: string;
  path: string;
  prop: string;
  raw: string;
  onDone: () => void;
}) {
  const store = useAppStore();
  const run = useRun();
  const uid = useId();
  const [value, setValue] = useState(raw);
  const [key, setKey] = useState<string | undefined>();
  const cmd = useApp((s) => (key ? s.consoles[connectionId]?.commands.find((c) => c.key === key) : undefined));
  const words = setWords(path, prop, value);
  const send = () => {
    const s = store.getState();
    // The change runs as a console command on this router, so it is in its history and trace;
    // the Sentence box keeps what the user was typing.
    const draft = s.consoles[connectionId]?.draft ?? '';
    const p = s.sendCommand(connectionId, words);
    const added = store.getState().consoles[connectionId]?.commands.at(-1);
    setKey(added?.key);
    if (draft) s.setDraft(connectionId, draft);
    run(p);
  };
  const status = cmd?.status;
  useEffect(() => {
    if (status === 'done') onDone();
  }, [status, onDone]);
  const failed = cmd && cmd.status !== 'done' && cmd.status !== 'sending' && cmd.status !== 'running';
  return (
    <div className="detail-edit">
      <label htmlFor={`${uid}-v`} className="visually-hidden">
        New value of {prop}
      </label>
      <input
        id={`${uid}-v`}
        className="input input-small mono"
        value={value}
        spellCheck={false}
        autoFocus
        onChange={(e) => {
          setValue(e.target.value);
          setKey(undefined);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone();
          if (e.key === 'Enter' && value !== raw && !(cmd && !failed)) send();
        }}
      />
      <pre aria-label="API sentence">{words.join('\n')}</pre>
      <button type="button" className="btn btn-small btn-primary" onClick={send} disabled={value === raw || (!!cmd && !failed)}>
        Send
      </button>
      <button type="button" className="btn btn-small btn-ghost" onClick={onDone}>
        Cancel
      </button>
      {failed && (
        <p role="alert" className="warn-text">
          {cmd.error?.message ?? `The router answered ${cmd.status}.`}
        </p>
      )}
    </div>
  );
}

/**
 * A single-item menu as name/value pairs (issue 14): `/system/resource` is one row three screens
 * wide as a table. Values are readable unless `readable` is off; settings menus get an Edit per
 * value that sends `/PATH/set =prop=value`, shown before it goes.
 */
export function DetailView({
  label,
  row,
  columns,
  readable,
  connectionId,
  path,
}: {
  label: string;
  row: Row;
  columns: readonly string[];
  readable: boolean;
  /** With both, settings menus can be edited on this router. */
  connectionId?: string;
  path?: string;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const editable = connectionId !== undefined && canSetMenu(path);
  const keys = columns.filter((c) => !c.startsWith('.') && c in row);
  return (
    <div className="detail-scroll">
      <table className="detail" aria-label={label}>
        <tbody>
          {keys.map((k) => {
            const raw = row[k] ?? '';
            const shown = readable ? readableValue(k, raw) : undefined;
            return (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td
                  title={shown !== undefined ? raw : undefined}
                  aria-description={shown !== undefined ? `raw value ${raw}` : undefined}
                >
                  {editing === k && connectionId && path ? (
                    <EditValue connectionId={connectionId} path={path} prop={k} raw={raw} onDone={() => setEditing(null)} />
                  ) : (
                    (shown ?? raw)
                  )}
                </td>
                {editable && (
                  <td>
                    {editing !== k && (
                      <button type="button" className="btn btn-small btn-ghost" onClick={() => setEditing(k)}>
                        Edit {k}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
