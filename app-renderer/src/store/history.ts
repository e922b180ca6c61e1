/**
 * Configuration history per router (issue 16): its snapshots, taking one, and the diff of two.
 * The services do the work (`history:*`); this keeps what the History tab shows.
 */
import type { SnapshotMeta } from '../../../app-main/src/common/contract';
import { fileSafe } from '../lib/exporters';
import type { SliceContext } from './context';
import type { SnapshotsActions, SnapshotsState, SnapshotsView } from './types';

export function emptySnapshots(): SnapshotsView {
  return { list: [], loading: false, taking: false, selected: [], diffing: false, onlyDifferences: true };
}

export function snapshotsSlice({ set, get, api, download }: SliceContext): SnapshotsState & SnapshotsActions {
  const upd = (id: string, fn: (v: SnapshotsView) => SnapshotsView) =>
    set((s) => ({ snapshots: { ...s.snapshots, [id]: fn(s.snapshots[id] ?? emptySnapshots()) } }));
  const view = (id: string): SnapshotsView => get().snapshots[id] ?? emptySnapshots();

  const load = async (connectionId: string): Promise<void> => {
    upd(connectionId, (v) => ({ ...v, loading: true }));
    const r = await api['history:list']({});
    if (!r.ok) return upd(connectionId, (v) => ({ ...v, loading: false, error: r.error }));
    const ids = new Set(r.value.map((m) => m.id));
    upd(connectionId, (v) => ({ ...v, loading: false, list: r.value, selected: v.selected.filter((x) => ids.has(x)) }));
  };

  return {
    snapshots: {},
    loadSnapshots: load,
    async takeSnapshot(connectionId, { note, showSensitive, kind }) {
      upd(connectionId, (v) => ({ ...v, taking: true, error: undefined }));
      const r = await api['history:snapshot']({ connectionId, note, showSensitive, kind });
      if (!r.ok) {
        upd(connectionId, (v) => ({ ...v, taking: false, error: r.error }));
        return false;
      }
      upd(connectionId, (v) => ({ ...v, taking: false }));
      await load(connectionId);
      return true;
    },
    toggleSnapshot(connectionId, snapshotId, on) {
      upd(connectionId, (v) => {
        const rest = v.selected.filter((x) => x !== snapshotId);
        // Two at most: ticking a third drops the oldest tick.
        const selected = on ? [...rest, snapshotId].slice(-2) : rest;
        return { ...v, selected };
      });
    },
    async diffSnapshots(connectionId) {
      const v = view(connectionId);
      if (v.selected.length !== 2) return;
      // Older on the left, whatever order they were ticked in.
      const byTime = v.selected
        .map((id) => v.list.find((m) => m.id === id))
        .filter((m): m is SnapshotMeta => m !== undefined)
        .sort((x, y) => x.takenAt - y.takenAt);
      if (byTime.length !== 2) return;
      upd(connectionId, (x) => ({ ...x, diffing: true, error: undefined }));
      const r = await api['history:diff']({ a: byTime[0]!.id, b: byTime[1]!.id });
      if (!r.ok) return upd(connectionId, (x) => ({ ...x, diffing: false, error: r.error }));
      upd(connectionId, (x) => ({ ...x, diffing: false, diff: r.value }));
    },
    setOnlyDifferences(connectionId, on) {
      upd(connectionId, (v) => ({ ...v, onlyDifferences: on }));
    },
    exportSnapshotDiff(connectionId) {
      const d = view(connectionId).diff;
      if (!d) return;
      download(fileSafe(d.fileName) || 'snapshots.diff', 'text/x-diff', d.unified);
    },
    async deleteSnapshot(connectionId, snapshotId) {
      const r = await api['history:delete']({ id: snapshotId });
      if (!r.ok) return upd(connectionId, (v) => ({ ...v, error: r.error }));
      upd(connectionId, (v) => ({
        ...v,
        selected: v.selected.filter((x) => x !== snapshotId),
        diff: v.diff && (v.diff.a.id === snapshotId || v.diff.b.id === snapshotId) ? undefined : v.diff,
      }));
      await load(connectionId);
    },
    async setSnapshotEveryHours(hours) {
      const before = get().settings;
      set((s) => ({ settings: { ...s.settings, snapshotEveryHours: hours } }));
      const r = await api['settings:set']({ snapshotEveryHours: hours });
      if (!r.ok) {
        set({ settings: before });
        return get().reportError(r.error, 'Changing periodic snapshots');
      }
      set({ settings: r.value });
    },
  };
}
