import { useEffect, useId, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DiffGroup, SnapshotKind, SnapshotMeta } from '../../../app-main/src/common/contract';
import { useApp, useRun } from '../hooks';
import { emptySnapshots } from '../store/history';
import { RequestError } from './FormParts';

/** `2026-12-03 11:25:43` in the viewer's time zone. */
function when(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** RouterOS ≥ 7.13 has /file/read; undefined when the version is unknown. */
function canReadFiles(version: string | undefined): boolean | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return undefined;
  return Number(m[1]) > 7 || (Number(m[1]) === 7 && Number(m[2]) >= 13);
}

const lineCount = (n: number): string => `${n} ${n === 1 ? 'line' : 'lines'}`;

/** Choices of the periodic snapshot setting, hours (0: off). */
const EVERY = [0, 1, 6, 12, 24, 168];

const TRIGGER: Record<SnapshotMeta['trigger'], string> = {
  manual: 'by hand',
  periodic: 'periodic',
  'before-write': 'before a write',
};

function Group({ group, only }: { group: DiffGroup; only: boolean }) {
  const lines = only ? group.lines.filter((l) => l.kind !== 'same') : group.lines;
  const changed = group.added + group.removed > 0;
  return (
    <section
      className={`snap-group${changed ? ' changed' : ''}`}
      aria-label={`${group.menu}: ${group.added} added, ${group.removed} removed`}
    >
      <h4 className="snap-group-head">
        <span className="mono">{group.menu}</span>{' '}
        <span className="muted">{changed ? `+${group.added} −${group.removed}` : 'no change'}</span>
      </h4>
      <ul className="snap-lines" aria-label={`Lines of ${group.menu}`}>
        {lines.map((l, i) => (
          <li key={i} className={`snap-line line-${l.kind}`}>
            <span aria-hidden="true" className="snap-sign">
              {l.kind === 'added' ? '+' : l.kind === 'removed' ? '−' : ' '}
            </span>
            {l.kind !== 'same' && <span className="visually-hidden">{l.kind}: </span>}
            <code>{l.text}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The History tab of a router: its configuration snapshots, taking one, and the diff of two. */
export function HistoryPanel({ connectionId }: { connectionId: string }) {
  const uid = useId();
  const view = useApp((s) => s.snapshots[connectionId]) ?? emptySnapshots();
  const link = useApp((s) => s.links[connectionId]);
  const connections = useApp((s) => s.connections);
  const names = useMemo(() => Object.fromEntries(connections.map((c) => [c.id, c.name])), [connections]);
  const actions = useApp(
    useShallow((s) => ({
      load: s.loadSnapshots,
      take: s.takeSnapshot,
      toggle: s.toggleSnapshot,
      diff: s.diffSnapshots,
      only: s.setOnlyDifferences,
      exportDiff: s.exportSnapshotDiff,
      remove: s.deleteSnapshot,
      every: s.setSnapshotEveryHours,
    })),
  );
  const everyHours = useApp((s) => s.settings.snapshotEveryHours ?? 0);
  const run = useRun();
  const online = link?.status === 'online';
  const fileRead = canReadFiles(link?.router?.version);
  const [note, setNote] = useState('');
  const [sensitive, setSensitive] = useState(false);
  const [kind, setKind] = useState<SnapshotKind | undefined>(undefined);
  const [allRouters, setAllRouters] = useState(false);
  const chosenKind: SnapshotKind = kind ?? (fileRead === false ? 'prints' : 'export');

  useEffect(() => {
    run(actions.load(connectionId));
    // Loaded when the tab opens; taking and deleting reload it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connectionId]);

  const shown = allRouters ? view.list : view.list.filter((m) => m.connectionId === connectionId);
  const unsupported = view.error?.detail?.['unsupported'] === 'file-read';
  const take = (k: SnapshotKind) =>
    run(
      actions.take(connectionId, { note, showSensitive: sensitive, kind: k }).then((ok) => {
        if (ok) {
          setNote('');
          setSensitive(false);
        }
      }),
    );
  const d = view.diff;

  return (
    <div className="snap-panel">
      <form
        className="snap-take"
        aria-label="Take a snapshot"
        onSubmit={(e) => {
          e.preventDefault();
          take(chosenKind);
        }}
      >
        <label className="inline-field">
          <span>Note</span>
          <input
            className="input"
            value={note}
            maxLength={500}
            placeholder="e.g. before the VLAN change"
            onChange={(e) => setNote(e.target.value)}
          />
        </label>
        <label className="inline-field">
          <span>Kind</span>
          <select className="input input-small" value={chosenKind} onChange={(e) => setKind(e.target.value as SnapshotKind)}>
            <option value="export">Export (/export, read back with /file/read)</option>
            <option value="prints">Prints of menus (any RouterOS)</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={sensitive} onChange={(e) => setSensitive(e.target.checked)} />
          Include passwords and keys (show-sensitive)
        </label>
        <button type="submit" className="btn btn-primary" disabled={!online || view.taking}>
          {view.taking ? 'Taking snapshot…' : 'Snapshot'}
        </button>
        {sensitive && (
          <p className="ws-warning danger" role="alert" id={`${uid}-sensitive`}>
            ⚠ This snapshot will hold passwords and keys in clear text, in Tikscope’s data directory and in any diff you export.
            Take it only for a backup you keep safe.
          </p>
        )}
        {!online && <p className="muted">Connect to the router to take a snapshot.</p>}
        {fileRead === false && chosenKind === 'export' && (
          <p className="muted" role="note">
            RouterOS {link?.router?.version} has no /file/read (it came with 7.13): choose “Prints of menus”.
          </p>
        )}
      </form>
      <RequestError error={view.error} />
      {unsupported && (
        <p>
          <button type="button" className="btn btn-small" onClick={() => take('prints')} disabled={!online || view.taking}>
            Take a prints snapshot instead
          </button>
        </p>
      )}

      <label className="inline-field">
        <span>Periodic snapshots</span>
        <select
          className="input input-small"
          value={everyHours}
          title="A snapshot of every connected router, this many hours apart"
          onChange={(e) => run(actions.every(Number(e.target.value)))}
        >
          {(EVERY.includes(everyHours) ? EVERY : [...EVERY, everyHours].sort((a, b) => a - b)).map((h) => (
            <option key={h} value={h}>
              {h === 0 ? 'Off' : `Every ${h} h (every connected router)`}
            </option>
          ))}
        </select>
      </label>

      <div className="snap-list-head">
        <h3 id={`${uid}-list`}>Snapshots</h3>
        <label className="check">
          <input type="checkbox" checked={allRouters} onChange={(e) => setAllRouters(e.target.checked)} />
          Show every router’s snapshots (to compare two routers)
        </label>
        <button
          type="button"
          className="btn"
          disabled={view.selected.length !== 2 || view.diffing}
          onClick={() => run(actions.diff(connectionId))}
        >
          {view.diffing ? 'Comparing…' : 'Compare selected'}
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="muted">{view.loading ? 'Loading…' : 'No snapshots yet.'}</p>
      ) : (
        <table className="snap-table" aria-labelledby={`${uid}-list`}>
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Select</span>
              </th>
              <th scope="col">Time</th>
              {allRouters && <th scope="col">Router</th>}
              <th scope="col">RouterOS</th>
              <th scope="col">Note</th>
              <th scope="col">Kind</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => {
              const label = `${names[m.connectionId] ?? m.routerName} ${when(m.takenAt)}`;
              return (
                <tr key={m.id} className={view.selected.includes(m.id) ? 'selected' : undefined}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select snapshot ${label}`}
                      checked={view.selected.includes(m.id)}
                      onChange={(e) => actions.toggle(connectionId, m.id, e.target.checked)}
                    />
                  </td>
                  <td className="mono">{when(m.takenAt)}</td>
                  {allRouters && <td>{names[m.connectionId] ?? m.routerName}</td>}
                  <td>{m.version ?? '—'}</td>
                  <td>
                    {m.note}
                    {m.sensitive && <span className="badge danger"> with passwords</span>}
                  </td>
                  <td>
                    {m.kind === 'export' ? 'export' : 'prints'}, {TRIGGER[m.trigger]}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      aria-label={`Delete snapshot ${label}`}
                      onClick={() => run(actions.remove(connectionId, m.id))}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {d && (
        <section className="snap-diff" aria-label="Snapshot diff">
          <div className="snap-diff-head">
            <h3>
              {names[d.a.connectionId] ?? d.a.routerName} {when(d.a.takenAt)} → {names[d.b.connectionId] ?? d.b.routerName}{' '}
              {when(d.b.takenAt)}
            </h3>
            <span role="status">
              {d.added + d.removed === 0 ? 'No differences' : `${lineCount(d.added)} added, ${lineCount(d.removed)} removed`}
            </span>
            <label className="check">
              <input
                type="checkbox"
                checked={view.onlyDifferences}
                onChange={(e) => actions.only(connectionId, e.target.checked)}
              />
              Only differences
            </label>
            <button type="button" className="btn btn-small" onClick={() => actions.exportDiff(connectionId)}>
              Export unified diff
            </button>
          </div>
          {d.groups
            .filter((g) => !view.onlyDifferences || g.added + g.removed > 0)
            .map((g) => (
              <Group key={g.menu} group={g} only={view.onlyDifferences} />
            ))}
        </section>
      )}
    </div>
  );
}
