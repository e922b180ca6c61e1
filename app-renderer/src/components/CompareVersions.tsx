import { useEffect, useId, useMemo, useState } from 'react';
import type { BridgeError, TreeChangeEntry, TreeComparison } from '../../../app-main/src/common/contract';
import { useApp } from '../hooks';
import { plural } from '../lib/format';
import { Modal } from './Modal';

const CHANGE_LABEL: Record<TreeChangeEntry['change'], string> = { added: 'added', removed: 'removed', changed: 'changed' };

function menuSegments(text: string): string[] {
  return text.split(/[/\s]+/).filter((s) => s !== '');
}

/**
 * "Compare versions" (issue 13): what was added, removed and changed between two RouterOS versions
 * — menus, commands, arguments and syntax lines — for one menu or the whole tree, from the shipped
 * command trees. Defaults to the router's version (its nearest tree) against the newest.
 */
export function CompareVersionsDialog(props: { connectionId?: string; path?: string; onClose: () => void }) {
  const compare = useApp((s) => s.compareVersions);
  const uid = useId();
  const [from, setFrom] = useState<string | undefined>(undefined);
  const [to, setTo] = useState<string | undefined>(undefined);
  const [menu, setMenu] = useState(props.path ?? '');
  const [asked, setAsked] = useState(props.path ?? '');
  const [filter, setFilter] = useState('');
  const [result, setResult] = useState<TreeComparison | undefined>(undefined);
  const [error, setError] = useState<BridgeError | undefined>(undefined);
  // The request whose answer is on screen; a different current request means one is on its way.
  const key = JSON.stringify([from, to, asked]);
  const [answered, setAnswered] = useState<string | undefined>(undefined);
  const loading = answered !== key;

  useEffect(() => {
    let live = true;
    void compare({
      ...(props.connectionId !== undefined ? { connectionId: props.connectionId } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      path: menuSegments(asked),
    }).then((r) => {
      if (!live) return;
      setAnswered(JSON.stringify([from, to, asked]));
      if (r.ok) {
        setResult(r.value);
        setError(undefined);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [compare, props.connectionId, from, to, asked]);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const all = result?.changes ?? [];
    return f === '' ? all : all.filter((c) => c.path.toLowerCase().includes(f) || (c.after ?? '').toLowerCase().includes(f));
  }, [result, filter]);
  const counts = useMemo(() => {
    const n = { added: 0, removed: 0, changed: 0 };
    for (const c of result?.changes ?? []) n[c.change] += 1;
    return n;
  }, [result]);

  const fromValue = from ?? result?.from ?? '';
  const toValue = to ?? result?.to ?? '';
  return (
    <Modal title="Compare versions" onClose={props.onClose} className="compare-versions">
      <p className="muted">
        What RouterOS added, removed and changed between two versions, from the command trees shipped with Tikscope (crawls of
        real routers).
        {result?.routerVersion ? ` This router runs RouterOS ${result.routerVersion}.` : ''}
      </p>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(menu);
        }}
      >
        <label htmlFor={`${uid}-from`}>From</label>
        <select id={`${uid}-from`} value={fromValue} onChange={(e) => setFrom(e.target.value)}>
          {(result?.versions ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        <label htmlFor={`${uid}-to`}>To</label>
        <select id={`${uid}-to`} value={toValue} onChange={(e) => setTo(e.target.value)}>
          {(result?.versions ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
        <label htmlFor={`${uid}-menu`}>Menu</label>
        <input
          id={`${uid}-menu`}
          className="mono"
          placeholder="whole tree, or e.g. /ip/firewall"
          value={menu}
          onChange={(e) => setMenu(e.target.value)}
        />
        <button type="submit" className="btn">
          Compare
        </button>
      </form>
      {error && (
        <p role="alert" className="error-text">
          {error.message}
          {error.hint ? ` (${error.hint})` : ''}
        </p>
      )}
      <div role="status" aria-live="polite" className="compare-summary">
        {loading
          ? 'Comparing…'
          : result
            ? `${result.from} → ${result.to}${result.path.length ? ` under /${result.path.join('/')}` : ''}: ${plural(counts.added, 'addition')}, ${plural(counts.removed, 'removal')}, ${plural(counts.changed, 'changed syntax line')}${result.truncated ? ' (more not shown; narrow the menu)' : ''}`
            : ''}
      </div>
      <label htmlFor={`${uid}-filter`} className="visually-hidden">
        Filter changes
      </label>
      <input
        id={`${uid}-filter`}
        placeholder="Filter changes"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        className="compare-filter"
      />
      <div className="compare-list" role="table" aria-label={`Changes ${fromValue} to ${toValue}`}>
        <div role="rowgroup">
          <div role="row" className="compare-row compare-head">
            <span role="columnheader">Change</span>
            <span role="columnheader">Path</span>
            <span role="columnheader">Kind</span>
            <span role="columnheader">Syntax</span>
          </div>
        </div>
        <div role="rowgroup">
          {shown.slice(0, 2000).map((c) => (
            <div role="row" key={`${c.change}:${c.path}`} className={`compare-row change-${c.change}`}>
              <span role="cell">{CHANGE_LABEL[c.change]}</span>
              <span role="cell" className="mono">
                {c.path}
              </span>
              <span role="cell">{c.kind === 'cmd' ? 'command' : c.kind === 'arg' ? 'argument' : 'menu'}</span>
              <span role="cell" className="mono">
                {c.change === 'changed' ? `${c.before ?? '—'} → ${c.after ?? '—'}` : ''}
              </span>
            </div>
          ))}
        </div>
      </div>
      {shown.length > 2000 && (
        <p className="muted">Showing 2,000 of {shown.length.toLocaleString('en-US')}; filter to see the rest.</p>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}

/** The button that opens it, for the router header and the Tables toolbar. */
export function CompareVersionsButton(props: { connectionId?: string; path?: string; className?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={props.className ?? 'btn btn-small'} onClick={() => setOpen(true)}>
        Compare versions
      </button>
      {open && (
        <CompareVersionsDialog
          {...(props.connectionId !== undefined ? { connectionId: props.connectionId } : {})}
          {...(props.path !== undefined ? { path: props.path } : {})}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
