import type { TraceEntry } from '../../../app-main/src/common/contract';
import { base64ToBytes } from '../lib/exporters';
import { RingLog } from '../lib/ring';
import type { SliceContext } from './context';
import type { AppStoreState, TraceView } from './types';

type Keys = 'traces' | 'loadTrace' | 'applyTraceEntries' | 'setTraceFilters' | 'setTraceFollow' | 'exportTrace' | 'importTrace' | 'clearTrace';

/** Trace entries kept per connection in the renderer (main holds its own byte-capped ring). */
export const MAX_TRACE_ENTRIES = 50_000;

export function emptyTrace(): TraceView {
  return { log: new RingLog(MAX_TRACE_ENTRIES), version: 0, loaded: false, dropped: 0, filters: { direction: 'all', tag: '', text: '' }, follow: true };
}

export function traceSlice({ set, get, api, download }: SliceContext): Pick<AppStoreState, Keys> {
  const update = (connectionId: string, fn: (t: TraceView) => TraceView) =>
    set((s) => ({ traces: { ...s.traces, [connectionId]: fn(s.traces[connectionId] ?? emptyTrace()) } }));

  return {
    traces: {},

    async loadTrace(connectionId) {
      const r = await api['trace:get']({ connectionId, limit: MAX_TRACE_ENTRIES });
      if (!r.ok) return get().reportError(r.error, 'Loading the trace');
      const snap = r.value;
      update(connectionId, (t) => {
        // Entries pushed while the snapshot was on its way are already in the log: merge by seq.
        const live = t.log.toArray();
        const firstLive = live[0]?.seq ?? Infinity;
        const log = new RingLog<TraceEntry>(MAX_TRACE_ENTRIES);
        log.pushAll(snap.entries.filter((e) => e.seq < firstLive));
        log.pushAll(live);
        return { ...t, log, version: t.version + 1, loaded: true, dropped: snap.dropped };
      });
    },

    applyTraceEntries(connectionId, entries) {
      if (!entries.length) return;
      update(connectionId, (t) => {
        t.log.pushAll(entries);
        return { ...t, version: t.version + 1 };
      });
    },

    setTraceFilters(connectionId, filters) {
      update(connectionId, (t) => ({ ...t, filters: { ...t.filters, ...filters } }));
    },

    setTraceFollow(connectionId, follow) {
      update(connectionId, (t) => ({ ...t, follow }));
    },

    async exportTrace(connectionId, format) {
      const r = await api['trace:export']({ connectionId, format });
      if (!r.ok) return get().reportError(r.error, 'Exporting the trace');
      const x = r.value;
      download(x.fileName, x.mime, x.encoding === 'base64' ? base64ToBytes(x.data) : x.data);
      get().notify('info', `Exported the trace as ${x.fileName}.`);
    },

    async importTrace(fileName, content) {
      const r = await api['trace:import']({ fileName, content });
      if (!r.ok) return get().reportError(r.error, `Importing ${fileName}`);
      const snap = r.value;
      const log = new RingLog<TraceEntry>(MAX_TRACE_ENTRIES);
      log.pushAll(snap.entries);
      set((s) => ({
        traces: { ...s.traces, [snap.connectionId]: { ...emptyTrace(), log, loaded: true, dropped: snap.dropped, fileName, follow: false } },
      }));
      get().openWorkspace(snap.connectionId, 'import', fileName);
    },

    async clearTrace(connectionId) {
      const r = await api['trace:clear']({ connectionId });
      if (!r.ok) return get().reportError(r.error, 'Clearing the trace');
      update(connectionId, (t) => {
        t.log.clear();
        return { ...t, version: t.version + 1, dropped: 0 };
      });
    },
  };
}
