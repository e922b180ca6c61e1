import type { TraceEntry, TraceScope } from '../../../app-main/src/common/contract';
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
  | 'setTraceSlowMs'
  | 'toggleTraceGroup'
  | 'setTraceFoldAll'
  | 'exportTrace'
  | 'importTrace'
  | 'clearTrace'
  | 'closeImportedTrace'
  | 'setTraceScope'
  | 'setTraceBufferMiB';

/** Trace entries kept per connection in the renderer (main holds its own byte-capped ring). */
export const MAX_TRACE_ENTRIES = 50_000;
/** Pinned entries kept per trace: main bounds them already; this guards the renderer alone. */
export const MAX_PINNED_ENTRIES = 2000;
/** A command whose end comes later than this is marked slow, until the user picks another threshold. */
export const DEFAULT_SLOW_MS = 1000;

export function emptyTrace(): TraceView {
  return {
    log: new RingLog(MAX_TRACE_ENTRIES),
    version: 0,
    loaded: false,
    dropped: 0,
    skipped: 0,
    pinned: [],
    filters: { direction: 'all', tag: '', text: '', hideOwn: false, command: '', reply: '', slowOnly: false },
    follow: true,
    expanded: false,
    slowMs: DEFAULT_SLOW_MS,
    folding: { all: false, flipped: new Set() },
  };
}

/** `pinned` with the pinned ones among `entries` added, by seq, no duplicates, bounded (first ones kept). */
export function addPinned(pinned: readonly TraceEntry[], entries: readonly TraceEntry[]): TraceEntry[] {
  const fresh = entries.filter((e) => e.pinned);
  if (!fresh.length) return pinned as TraceEntry[];
  const bySeq = new Map<number, TraceEntry>();
  for (const e of pinned) bySeq.set(e.seq, e);
  for (const e of fresh) bySeq.set(e.seq, e);
  const all = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  if (all.length <= MAX_PINNED_ENTRIES) return all;
  const first = Math.floor(MAX_PINNED_ENTRIES / 10);
  return [...all.slice(0, first), ...all.slice(all.length - (MAX_PINNED_ENTRIES - first))];
}

/**
 * The entries to show: the pinned ones older than everything in the log (it dropped them), then
 * the log — in seq order, as one indexable list.
 */
export function traceRows(view: Pick<TraceView, 'log' | 'pinned'>): {
  length: number;
  get(i: number): TraceEntry | undefined;
} {
  const { log, pinned } = view;
  const first = log.get(0)?.seq;
  let head = 0;
  if (first === undefined) head = pinned.length;
  else while (head < pinned.length && pinned[head]!.seq < first) head++;
  return {
    length: head + log.length,
    get: (i) => (i < head ? pinned[i] : log.get(i - head)),
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
        return {
          ...t,
          log,
          version: t.version + 1,
          loaded: true,
          dropped: snap.dropped,
          skipped: snap.skipped,
          pinned: addPinned(t.pinned, snap.entries),
        };
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
        const restart = first !== undefined && incoming < first;
        if (restart) t.log.clear();
        const fresh = last === undefined || restart ? entries : entries.filter((e) => e.seq > last);
        if (!fresh.length) return t;
        t.log.pushAll(fresh);
        return { ...t, version: t.version + 1, pinned: addPinned(restart ? [] : t.pinned, fresh) };
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

    setTraceSlowMs(connectionId, ms) {
      // An empty or bad number in the field keeps the threshold it had.
      if (!Number.isFinite(ms) || ms < 0) return;
      update(connectionId, (t) => ({ ...t, slowMs: ms }));
    },

    toggleTraceGroup(connectionId, seq) {
      update(connectionId, (t) => {
        const flipped = new Set(t.folding.flipped);
        if (!flipped.delete(seq)) flipped.add(seq);
        return { ...t, folding: { all: t.folding.all, flipped } };
      });
    },

    setTraceFoldAll(connectionId, all) {
      update(connectionId, (t) => ({ ...t, folding: { all, flipped: new Set() } }));
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
            skipped: snap.skipped,
            pinned: addPinned([], snap.entries),
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
        return { ...t, version: t.version + 1, dropped: 0, skipped: 0, pinned: [] };
      });
    },

    async closeImportedTrace(connectionId) {
      // The view goes at once; main frees its copy (a failure is reported, nothing stays open here).
      set((s) => {
        const traces = { ...s.traces };
        delete traces[connectionId];
        const replays = { ...s.replays };
        delete replays[connectionId];
        return { traces, replays };
      });
      const r = await api['trace:close']({ connectionId });
      if (!r.ok) get().reportError(r.error, 'Closing the imported trace');
    },

    async setTraceScope(connectionId, scope: TraceScope) {
      const traceScopes = { ...get().settings.traceScopes };
      if (scope === 'all') delete traceScopes[connectionId];
      else traceScopes[connectionId] = scope;
      const before = get().settings;
      set((s) => ({ settings: { ...s.settings, traceScopes } }));
      const r = await api['settings:set']({ traceScopes });
      if (!r.ok) {
        set({ settings: before });
        return get().reportError(r.error, 'Changing the trace scope');
      }
      set({ settings: r.value });
    },

    async setTraceBufferMiB(mib) {
      const before = get().settings;
      set((s) => ({ settings: { ...s.settings, traceBufferMiB: mib } }));
      const r = await api['settings:set']({ traceBufferMiB: mib });
      if (!r.ok) {
        set({ settings: before });
        return get().reportError(r.error, 'Changing the trace buffer size');
      }
      set({ settings: r.value });
    },
  };
}
