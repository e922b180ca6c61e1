import { useId, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Row } from '../../../app-main/src/common/contract';
import { useApp, useRun } from '../hooks';
import { displayColumns, isVolatileColumn, keyCandidates, type DiffResult, type DiffRow } from '../lib/diff';
import { formatElapsed } from '../lib/format';
import { currentDiff, diffSources } from '../store/multi';
import { RequestError, TextField } from './FormParts';
import { RouterPicker } from './RouterPicker';

/** Rows drawn at first; "Show more" adds this many again (a 10k-row menu stays responsive). */
const PAGE = 500;

/** `aria-description` is not in React's ARIA typings yet; it is a plain attribute for the DOM. */
const described = (text: string) => ({ 'aria-description': text }) as Record<string, string>;

function statusText(r: DiffRow, nameOf: (id: string) => string): string {
  const dup = r.duplicate ? ` (duplicate key, pair ${r.occurrence})` : '';
  if (r.status === 'missing')
    return `missing on ${r.missingOn.map(nameOf).join(', ')}${r.differing.length ? `; differs: ${r.differing.join(', ')}` : ''}${dup}`;
  if (r.status === 'differs') return `differs: ${r.differing.join(', ')}${dup}`;
  return `same${dup}`;
}

function Cell({ row, column, differs }: { row: Row; column: string; differs: boolean }) {
  const v = row[column];
  return (
    <td
      className={differs ? 'diff-cell differs' : 'diff-cell'}
      data-diff={differs ? 'differs' : undefined}
      {...(differs ? described('differs') : {})}
    >
      {v === undefined ? (
        <span className="muted" title="The router does not report this property">
          —
        </span>
      ) : (
        v
      )}
      {differs && <span className="visually-hidden"> (differs)</span>}
    </td>
  );
}

function DiffGroup({
  r,
  diff,
  columns,
  nameOf,
  path,
}: {
  r: DiffRow;
  diff: DiffResult;
  columns: string[];
  nameOf: (id: string) => string;
  path: string;
}) {
  const n = diff.sources.length;
  const differing = new Set(r.differing);
  const copyRow = useApp((st) => st.openCopyRow);
  return (
    <tbody className={`diff-group diff-${r.status}`}>
      {diff.sources.map((s, i) => {
        const row = r.rows[i];
        return (
          <tr key={s.id}>
            {i === 0 && (
              <>
                <th scope="rowgroup" rowSpan={n} className="diff-key">
                  {r.keyText}
                  {r.duplicate && <span className="badge"> #{r.occurrence}</span>}
                </th>
                <td rowSpan={n} className={`diff-status st-${r.status}`}>
                  {statusText(r, nameOf)}
                </td>
              </>
            )}
            <td className="diff-router">{s.name}</td>
            {row ? (
              columns.map((c) => <Cell key={c} row={row} column={c} differs={differing.has(c)} />)
            ) : (
              <td
                colSpan={Math.max(1, columns.length)}
                className="diff-cell missing"
                data-diff="missing"
                {...described(`missing on ${s.name}`)}
              >
                missing on {s.name}
              </td>
            )}
            <td className="diff-copy">
              {/* Issue 14: copy this router's row to another through the same form dialog (add or set).
                  A cell of its own, so the router cell's name stays the router's. */}
              {row &&
                r.status !== 'same' &&
                diff.sources.map((t, j) =>
                  j === i ? null : (
                    <button
                      key={t.id}
                      type="button"
                      className="btn btn-small btn-ghost"
                      aria-label={`Copy ${r.keyText} from ${s.name} to ${t.name}`}
                      onClick={() => copyRow(t.id, path, row, s.name, r.rows[j])}
                    >
                      → {t.name}
                    </button>
                  ),
                )}
            </td>
          </tr>
        );
      })}
    </tbody>
  );
}

/** Which columns are compared: the chooser of the diff, with "Ignore counters". */
function ColumnsChooser({ all, ignored, onChange }: { all: string[]; ignored: string[]; onChange: (ignored: string[]) => void }) {
  const [open, setOpen] = useState(false);
  const uid = useId();
  const ignoredSet = new Set(ignored);
  return (
    <span className="chooser">
      <button
        type="button"
        className="btn btn-small"
        aria-expanded={open}
        aria-controls={`${uid}-cols`}
        onClick={() => setOpen(!open)}
      >
        Compared columns ({all.length - ignored.filter((c) => all.includes(c)).length} of {all.length})
      </button>
      {open && (
        <div id={`${uid}-cols`} className="chooser-pop" role="group" aria-label="Compared columns">
          <div className="chooser-actions">
            <button
              type="button"
              className="btn btn-small"
              onClick={() => onChange([...new Set([...ignored, ...all.filter(isVolatileColumn)])])}
            >
              Ignore counters
            </button>
            <button type="button" className="btn btn-small" onClick={() => onChange([])}>
              Compare all
            </button>
            <button type="button" className="btn btn-small" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
          <div className="chooser-list">
            {all.map((c) => (
              <label key={c} className="check">
                <input
                  type="checkbox"
                  checked={!ignoredSet.has(c)}
                  onChange={(e) => onChange(e.target.checked ? ignored.filter((x) => x !== c) : [...ignored, c])}
                />
                {c}
                {isVolatileColumn(c) && <span className="muted"> (counter)</span>}
              </label>
            ))}
          </div>
        </div>
      )}
    </span>
  );
}

/**
 * Compare tables: the same menu printed once on each chosen router, rows matched by a key the
 * user picks (never `.id`), differing cells marked in colour and in words, rows missing on some
 * routers named as such, duplicates explained.
 */
export function DiffPanel() {
  const { view, connections, links } = useApp(useShallow((s) => ({ view: s.diff, connections: s.connections, links: s.links })));
  const actions = useApp(
    useShallow((s) => ({
      set: s.setDiff,
      toggle: s.toggleDiffRouter,
      fetch: s.fetchDiff,
      ignore: s.setDiffIgnored,
      exportAs: s.exportDiff,
    })),
  );
  const run = useRun();
  const uid = useId();
  const [limit, setLimit] = useState(PAGE);

  const sources = useMemo(() => diffSources(view.fetched), [view.fetched]);
  const candidates = useMemo(() => keyCandidates(sources), [sources]);
  const allColumns = useMemo(() => candidates.map((c) => c.name), [candidates]);
  const current = useMemo(() => {
    try {
      return { value: currentDiff(view) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
    // The diff depends on these fields only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view.fetched, view.key, view.key2, view.ignored, view.onlyDifferences, view.strictBooleans]);
  const diff = current.value?.diff;
  const shownColumns = useMemo(() => (diff ? displayColumns(diff) : []), [diff]);
  const shown = current.value?.shown ?? [];
  const nameOf = (id: string) => diff?.sources.find((s) => s.id === id)?.name ?? id;
  const failed = (view.fetched?.routers ?? []).filter((r) => r.outcome !== 'done');
  const truncated = (view.fetched?.routers ?? []).filter((r) => r.truncated);
  const candidateLabel = (c: (typeof candidates)[number]) => {
    const n = sources.length;
    if (c.uniqueIn === n && c.presentIn === n) return `${c.name} (unique on every router)`;
    if (c.uniqueIn < n) return `${c.name} (not unique on ${n - c.uniqueIn} router${n - c.uniqueIn === 1 ? '' : 's'})`;
    return `${c.name} (missing on some rows)`;
  };

  return (
    <section className="tool-panel diff" aria-labelledby={`${uid}-title`}>
      <h2 id={`${uid}-title`} className="tool-title">
        Compare tables across routers
      </h2>
      <form
        className="tool-form"
        onSubmit={(e) => {
          e.preventDefault();
          setLimit(PAGE);
          run(actions.fetch());
        }}
      >
        <RouterPicker
          label="Compare"
          connections={connections}
          links={links}
          selected={view.selected}
          onToggle={actions.toggle}
          error={view.fieldErrors.routers}
          errorId={`${uid}-routers-error`}
        />
        <div className="table-form">
          <TextField
            className="field path-field"
            id={`${uid}-path`}
            label="Path"
            value={view.path}
            placeholder="/ip/address"
            error={view.fieldErrors.path}
            errorId={`${uid}-path-error`}
            alertError
            onChange={(path) => actions.set({ path })}
          />
          <TextField
            id={`${uid}-query`}
            label="Query"
            value={view.queryText}
            placeholder="?disabled=false"
            error={view.fieldErrors.query}
            errorId={`${uid}-query-error`}
            alertError
            onChange={(queryText) => actions.set({ queryText })}
          />
          <TextField
            id={`${uid}-props`}
            label="Properties"
            value={view.proplistText}
            placeholder="all, or name,mtu,comment"
            error={view.fieldErrors.proplist}
            errorId={`${uid}-proplist-error`}
            alertError
            onChange={(proplistText) => actions.set({ proplistText })}
          />
          <div className="table-buttons">
            <button type="submit" className="btn btn-primary" disabled={view.status === 'loading'}>
              {view.fetched ? 'Refresh' : 'Compare'}
            </button>
          </div>
        </div>
      </form>
      {view.status === 'loading' && (
        <p role="status" className="muted">
          Printing {view.path} on {view.selected.length} routers…
        </p>
      )}
      <RequestError error={view.error} />
      {failed.length > 0 && (
        <div className="table-error" role="alert">
          <p>Not compared: {failed.map((r) => `${r.error?.message ?? `${r.name}: ${r.outcome}`}`).join('; ')}.</p>
          <p className="hint">
            {failed.some((r) => r.outcome === 'not-connected')
              ? 'Connect the router and press Refresh.'
              : 'Check the path on that router (its RouterOS version may lack the menu), then press Refresh.'}
          </p>
        </div>
      )}
      {truncated.length > 0 && (
        <p className="warn-text" role="status">
          {truncated.map((r) => r.name).join(', ')}: more than {view.fetched?.rowCap} rows — only the first {view.fetched?.rowCap}{' '}
          were compared. Narrow the print with a Query.
        </p>
      )}
      {view.fetched && sources.length < 2 && <p role="status">At least two routers must print the menu to compare it.</p>}
      {view.fetched && sources.length >= 2 && (
        <>
          <div className="table-bar" role="toolbar" aria-label="Diff options">
            <label className="inline-field">
              <span>Match rows by</span>
              <select className="input input-small" value={view.key} onChange={(e) => actions.set({ key: e.target.value })}>
                {candidates.map((c) => (
                  <option key={c.name} value={c.name}>
                    {candidateLabel(c)}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline-field">
              <span>and by</span>
              <select className="input input-small" value={view.key2} onChange={(e) => actions.set({ key2: e.target.value })}>
                <option value="">(nothing else)</option>
                {candidates
                  .filter((c) => c.name !== view.key)
                  .map((c) => (
                    <option key={c.name} value={c.name}>
                      {c.name}
                    </option>
                  ))}
              </select>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={view.onlyDifferences}
                onChange={(e) => actions.set({ onlyDifferences: e.target.checked })}
              />
              Only differences
            </label>
            <label className="check" title="RouterOS 6 prints yes/no, RouterOS 7 true/false">
              <input
                type="checkbox"
                checked={!view.strictBooleans}
                onChange={(e) => actions.set({ strictBooleans: !e.target.checked })}
              />
              yes/no same as true/false
            </label>
            <ColumnsChooser all={allColumns} ignored={view.ignored} onChange={actions.ignore} />
            <span className="spacer" />
            <button type="button" className="btn btn-small" onClick={() => actions.exportAs('csv')} disabled={!diff}>
              Export CSV
            </button>
            <button type="button" className="btn btn-small" onClick={() => actions.exportAs('json')} disabled={!diff}>
              Export JSON
            </button>
          </div>
          {current.error && (
            <p className="field-error" role="alert">
              {current.error}
            </p>
          )}
          {diff && (
            <>
              <p className="metric" role="status">
                {view.fetched.path} on {diff.sources.map((s) => s.name).join(', ')}: {diff.counts.total} rows — {diff.counts.same}{' '}
                same, {diff.counts.differs} differ, {diff.counts.missing} missing on some routers
                {diff.ignored.length > 0
                  ? ` (ignoring ${diff.ignored.length} column${diff.ignored.length === 1 ? '' : 's'})`
                  : ''}
                . Printed in {formatElapsed(Math.max(0, ...view.fetched.routers.map((r) => r.elapsedMs)))}.
              </p>
              {diff.duplicates.length > 0 && (
                <div className="warn-text diff-duplicates" role="note" aria-label="Duplicate keys">
                  <p>
                    The key <strong>{diff.key.join(' + ')}</strong> is not unique:{' '}
                    {diff.duplicates
                      .slice(0, 8)
                      .map((x) => `${x.sourceName} has ${x.count} rows with “${x.keyText}”`)
                      .join('; ')}
                    {diff.duplicates.length > 8 ? `; and ${diff.duplicates.length - 8} more` : ''}.
                  </p>
                  <p>
                    Rows with the same key are paired in print order (the first with the first, the second with the second) and
                    marked #1, #2 … Choose a key that is unique on every router, or add a second key, for an exact match.
                  </p>
                </div>
              )}
              <div className="tool-scroll">
                <table className="diff-grid" aria-label={`Diff ${view.fetched.path}`}>
                  <thead>
                    <tr>
                      <th scope="col">{diff.key.join(' + ')}</th>
                      <th scope="col">Status</th>
                      <th scope="col">Router</th>
                      {shownColumns.map((c) => (
                        <th scope="col" key={c}>
                          {c}
                        </th>
                      ))}
                      <th scope="col">Copy to</th>
                    </tr>
                  </thead>
                  {shown.slice(0, limit).map((r) => (
                    <DiffGroup
                      key={r.id}
                      r={r}
                      diff={diff}
                      columns={shownColumns}
                      nameOf={nameOf}
                      path={view.fetched?.path ?? view.path}
                    />
                  ))}
                </table>
                {shown.length === 0 && (
                  <p className="empty-note">
                    {view.onlyDifferences ? 'No differences: every row is the same on every router.' : 'No rows.'}
                  </p>
                )}
              </div>
              {shown.length > limit && (
                <button type="button" className="btn btn-small" onClick={() => setLimit(limit + PAGE)}>
                  Show {Math.min(PAGE, shown.length - limit)} more of {shown.length - limit}
                </button>
              )}
            </>
          )}
        </>
      )}
      {!view.fetched && view.status !== 'loading' && (
        <div className="console-empty">
          <p>
            Choose two or more connected routers and a menu such as <code>/ip/address</code> or <code>/interface</code>, then
            press Compare. Each router prints it once; rows are matched by a property you choose (name, address, comment … — never{' '}
            <code>.id</code>, which differs between routers), and differing fields are highlighted.
          </p>
        </div>
      )}
    </section>
  );
}
