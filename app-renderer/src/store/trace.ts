import type { TraceEntry } from '../../../app-main/src/common/contract';
import { base64ToBytes } from '../lib/exporters';
import { RingLog } from '../lib/ring';
import type { SliceContext } from './context';
import type { AppStoreState, TraceView } from './types';

type Keys =
  | 'traces'
  | 'loadTrace'
  | 'applyTraceEntries'
  | 'setTraceFilters'
  | 'setTraceFollow'
  | 'setTraceExpanded'
  | 'exportTrace'
  | 'importTrace'
  | 'clearTrace';

/** Trace entries kept per connection in the renderer (main holds its own byte-capped ring). */
export const MAX_TRACE_ENTRIES = 50_000;

export function emptyTrace(): TraceView {
  return {
    log: new RingLog(MAX_TRACE_ENTRIES),
    version: 0,
    loaded: false,
    dropped: 0,
    filters: { direction: 'all', tag: '', text: '' },
    follow: true,
    expanded: false,
  };
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
        // Entries pushed while the snapshot was on its way, and batches main trimmed (it sends
        // at most a few hundred entries per event), are merged by seq: both lists are sorted.
        const live = t.log.toArray();
        const merged: TraceEntry[] = [];
        let i = 0;
        let j = 0;
        while (i < snap.entries.length || j < live.length) {
          const a = snap.entries[i];
          const b = live[j];
          if (b === undefined || (a !== undefined && a.seq < b.seq)) {
            merged.push(a as TraceEntry);
            i++;
          } else {
            if (a !== undefined && a.seq === b.seq) i++;
            merged.push(b);
            j++;
          }
        }
        const log = new RingLog<TraceEntry>(MAX_TRACE_ENTRIES);
        log.pushAll(merged);
        return { ...t, log, version: t.version + 1, loaded: true, dropped: snap.dropped };
      });
    },

    applyTraceEntries(connectionId, entries) {
      if (!entries.length) return;
      update(connectionId, (t) => {
        const first = t.log.get(0)?.seq;
        const last = t.log.get(t.log.length - 1)?.seq;
        const incoming = entries[0]?.seq ?? 0;
        // seq is monotonic per connection: anything at or below the newest held entry is already
        // here (the snapshot and a batch can overlap). A seq below everything held means main
        // started over (host restarted): start over too.
        if (first !== undefined && incoming < first) t.log.clear();
        const fresh = last === undefined || incoming < (first ?? 0) ? entries : entries.filter((e) => e.seq > last);
        if (!fresh.length) return t;
        t.log.pushAll(fresh);
        return { ...t, version: t.version + 1 };
      });
    },

    setTraceFilters(connectionId, filters) {
      update(connectionId, (t) => ({ ...t, filters: { ...t.filters, ...filters } }));
    },

    setTraceFollow(connectionId, follow) {
      update(connectionId, (t) => ({ ...t, follow }));
    },

    setTraceExpanded(connectionId, expanded) {
      update(connectionId, (t) => ({ ...t, expanded }));
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
        traces: {
          ...s.traces,
          [snap.connectionId]: {
            ...emptyTrace(),
            log,
            loaded: true,
            dropped: snap.dropped,
            fileName,
            follow: false,
            ...(snap.repro ? { repro: snap.repro } : {}),
          },
        },
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
