import type { BroadcastResult, DiffFetchResult } from '../../../app-main/src/common/contract';
import {
  computeDiff,
  diffToCsv,
  diffToJson,
  isVolatileColumn,
  keyCandidates,
  type DiffResult,
  type DiffRow,
  type DiffSource,
} from '../lib/diff';
import { fileSafe } from '../lib/exporters';
import { emptyWaveForm, parseWaveForm } from '../lib/waves';
import { sentenceWords } from '../lib/words';
import type { SliceContext } from './context';
import { parseMenuForm } from './tables';
import type { BroadcastView, DiffView, MultiActions, MultiState } from './types';

/**
 * Multi-router tools: Broadcast (one sentence to many routers) and Compare tables (cross-router
 * diff). Their state lives in the store beside the per-router slices, so switching views keeps
 * it; its types are in types.ts with the other slices' (a slice importing the store's type and
 * the store's type importing the slice would be an import cycle, issue 12 item 5).
 */

/** A router picker's selection with `id` ticked (once) or unticked. */
function toggled(selected: string[], id: string, on: boolean): string[] {
  return on ? [...new Set([...selected, id])] : selected.filter((x) => x !== id);
}

export function emptyBroadcast(): BroadcastView {
  return {
    selected: [],
    text: '',
    stopOnFirstError: false,
    snapshotBefore: true,
    timeoutText: '15',
    status: 'idle',
    fieldErrors: {},
    expanded: [],
    waveForm: emptyWaveForm(),
  };
}

export function emptyDiff(): DiffView {
  return {
    selected: [],
    path: '/interface',
    queryText: '',
    proplistText: '',
    status: 'idle',
    fieldErrors: {},
    key: '',
    key2: '',
    ignored: [],
    onlyDifferences: false,
    strictBooleans: false,
  };
}

/** The diff for the current key and ignored columns, and the rows the filter shows; undefined when there is nothing to compare. */
export function currentDiff(d: DiffView): { diff: DiffResult; shown: DiffRow[] } | undefined {
  const sources = diffSources(d.fetched);
  if (sources.length < 2 || !d.key) return undefined;
  const diff = computeDiff(sources, {
    key: [d.key, ...(d.key2 && d.key2 !== d.key ? [d.key2] : [])],
    ignore: d.ignored,
    strictBooleans: d.strictBooleans,
  });
  return { diff, shown: d.onlyDifferences ? diff.rows.filter((r) => r.status !== 'same') : diff.rows };
}

/** Rows of the routers that printed, as the pure diff wants them. */
export function diffSources(f: DiffFetchResult | undefined): DiffSource[] {
  return (f?.routers ?? []).filter((r) => r.outcome === 'done').map((r) => ({ id: r.connectionId, name: r.name, rows: r.rows }));
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** The result grid as CSV: one line per router, replies as their words. */
export function broadcastToCsv(r: BroadcastResult): string {
  const lines = [['router', 'identity', 'version', 'outcome', 'rows', 'time ms', 'tag', 'message', 'replies'].join(',')];
  for (const x of r.results) {
    const replies = x.replies.map((rep) => rep.words.join(' ')).join('\n');
    lines.push(
      [
        x.name,
        x.identity ?? '',
        x.version ?? '',
        x.outcome,
        String(x.rows),
        x.elapsedMs.toFixed(1),
        x.tag ?? '',
        x.error?.message ?? '',
        replies,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

export function multiSlice({ set, get, api, now, download }: SliceContext): Omit<MultiState, 'library'> & MultiActions {
  const updB = (fn: (b: BroadcastView) => BroadcastView) => set((s) => ({ broadcast: fn(s.broadcast) }));
  const updD = (fn: (d: DiffView) => DiffView) => set((s) => ({ diff: fn(s.diff) }));

  let broadcastSeq = 0;
  const send = async (confirmed: boolean): Promise<void> => {
    const b = get().broadcast;
    const words = confirmed && b.confirm ? b.confirm.words : sentenceWords(b.text);
    // Selected routers that went offline are still sent to: the grid then says "not connected".
    const known = new Set(get().connections.map((c) => c.id));
    const connectionIds = confirmed && b.confirm ? b.confirm.connectionIds : b.selected.filter((id) => known.has(id));
    const fieldErrors: BroadcastView['fieldErrors'] = {};
    if (connectionIds.length === 0) fieldErrors.routers = 'Choose at least one router to send to.';
    if (words.length === 0) fieldErrors.sentence = 'Type a sentence first, e.g. /system/identity/print.';
    else if (!words[0]!.startsWith('/'))
      fieldErrors.sentence = `The first line must be a command starting with "/", e.g. /interface/print (got "${words[0]}").`;
    const timeout = Number(b.timeoutText);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600)
      fieldErrors.timeout = 'Time limit must be a whole number of seconds from 1 to 3600.';
    const { waves, error: wavesError } = parseWaveForm(b.waveForm);
    if (wavesError) fieldErrors.waves = wavesError;
    if (Object.keys(fieldErrors).length > 0) {
      updB((x) => ({ ...x, fieldErrors, status: 'idle', confirm: undefined }));
      return;
    }
    // The previous grid goes: a result on screen always belongs to the sentence just sent.
    // Named here, so that Cancel can stop it while the call is still running.
    const broadcastId = `ui-${now()}-${++broadcastSeq}`;
    updB((x) => ({
      ...x,
      fieldErrors: {},
      error: undefined,
      result: undefined,
      status: confirmed ? 'sending' : 'checking',
      running: broadcastId,
      cancelling: false,
      answered: [],
      waveRun: undefined,
    }));
    const r = await api['broadcast:send']({
      connectionIds,
      words,
      stopOnFirstError: b.stopOnFirstError,
      snapshotBefore: b.snapshotBefore,
      timeoutSeconds: timeout,
      broadcastId,
      ...(waves ? { waves } : {}),
      ...(confirmed ? { confirmed: true } : {}),
    });
    updB((x) =>
      x.running === broadcastId ? { ...x, running: undefined, cancelling: false, answered: undefined, waveRun: undefined } : x,
    );
    if (!r.ok) {
      const error = r.error;
      const field = error.detail?.['field'];
      updB((x) => ({
        ...x,
        status: 'idle',
        confirm: undefined,
        ...(typeof field === 'string' && field.startsWith('words') ? { fieldErrors: { sentence: error.message } } : { error }),
      }));
      return;
    }
    const answer = r.value;
    if (answer.status === 'needs-confirmation') {
      updB((x) => ({
        ...x,
        status: 'confirming',
        confirm: { command: answer.command, reason: answer.reason, routers: answer.routers, words, connectionIds },
      }));
      return;
    }
    updB((x) => ({ ...x, status: 'idle', confirm: undefined, result: answer.result, expanded: [] }));
  };

  return {
    tool: undefined,
    broadcast: emptyBroadcast(),
    diff: emptyDiff(),

    openTool(tool) {
      set({ tool });
    },

    setBroadcast(patch) {
      updB((b) => ({ ...b, ...patch, fieldErrors: {} }));
    },
    toggleBroadcastRouter(id, on) {
      updB((b) => ({ ...b, fieldErrors: {}, selected: toggled(b.selected, id, on) }));
    },
    toggleBroadcastReplies(id) {
      updB((b) => ({ ...b, expanded: b.expanded.includes(id) ? b.expanded.filter((x) => x !== id) : [...b.expanded, id] }));
    },
    sendBroadcast: () => send(false),
    confirmBroadcast: () => send(true),
    cancelBroadcastConfirm() {
      updB((b) => ({ ...b, status: 'idle', confirm: undefined }));
    },
    async cancelBroadcast() {
      const id = get().broadcast.running;
      if (!id) return;
      updB((b) => ({ ...b, cancelling: true }));
      const r = await api['broadcast:cancel']({ broadcastId: id });
      if (!r.ok) updB((b) => ({ ...b, cancelling: false, error: r.error }));
    },
    applyBroadcastProgress(p) {
      updB((b) => (b.running === p.broadcastId ? { ...b, answered: [...(b.answered ?? []), p.result] } : b));
      // A library command runs as a broadcast too (store/library.ts).
      set((s) =>
        s.library.run.running === p.broadcastId
          ? { library: { ...s.library, run: { ...s.library.run, answered: [...(s.library.run.answered ?? []), p.result] } } }
          : {},
      );
    },
    exportBroadcast(format) {
      const r = get().broadcast.result;
      if (!r) return;
      const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
      const base = `broadcast-${fileSafe(r.words[0] ?? 'command')}-${stamp}`;
      if (format === 'csv') download(`${base}.csv`, 'text/csv', broadcastToCsv(r));
      else
        download(
          `${base}.json`,
          'application/json',
          JSON.stringify(
            { format: 'tikscope-broadcast', version: 1, ...r, startedAt: new Date(r.startedAt).toISOString() },
            null,
            2,
          ) + '\n',
        );
    },

    setDiff(patch) {
      updD((d) => ({ ...d, ...patch, fieldErrors: {} }));
    },
    toggleDiffRouter(id, on) {
      updD((d) => ({ ...d, fieldErrors: {}, selected: toggled(d.selected, id, on) }));
    },
    setDiffIgnored(columns) {
      updD((d) => ({ ...d, ignored: [...new Set(columns)] }));
    },
    async fetchDiff() {
      const d = get().diff;
      const known = new Set(get().connections.map((c) => c.id));
      const connectionIds = d.selected.filter((id) => known.has(id));
      const fieldErrors: DiffView['fieldErrors'] = {};
      if (connectionIds.length < 2) fieldErrors.routers = 'Choose at least two routers to compare.';
      const { request, fieldErrors: formErrors } = parseMenuForm(d);
      Object.assign(fieldErrors, formErrors);
      if (Object.keys(fieldErrors).length > 0) {
        updD((x) => ({ ...x, fieldErrors }));
        return;
      }
      updD((x) => ({ ...x, status: 'loading', error: undefined, fieldErrors: {}, path: request.path }));
      const r = await api['diff:fetch']({ connectionIds, ...request });
      if (!r.ok) {
        const error = r.error;
        const field = error.detail?.['field'];
        const local =
          field === 'path' || field === 'query' || field === 'proplist' ? { fieldErrors: { [field]: error.message } } : { error };
        updD((x) => ({ ...x, status: x.fetched ? 'ready' : 'idle', ...local }));
        return;
      }
      const fetched = r.value;
      updD((x) => {
        // Keep the user's key and ignored columns when they still exist; otherwise pick the best key
        // and ignore the counters by default (they differ on every router, every second).
        const candidates = keyCandidates(diffSources(fetched));
        const names = new Set(candidates.map((c) => c.name));
        const key = names.has(x.key) ? x.key : (candidates[0]?.name ?? '');
        const key2 = names.has(x.key2) && x.key2 !== key ? x.key2 : '';
        const samePath = x.fetched?.path === fetched.path;
        const ignored = samePath ? x.ignored.filter((c) => names.has(c)) : [...names].filter(isVolatileColumn);
        return { ...x, status: 'ready', fetched, key, key2, ignored };
      });
    },
    exportDiff(format) {
      const d = get().diff;
      const cur = currentDiff(d);
      if (!cur || !d.fetched) return;
      const f = d.fetched;
      const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
      const base = `diff-${fileSafe(f.path)}-${stamp}`;
      if (format === 'csv') download(`${base}.csv`, 'text/csv', diffToCsv(cur.diff, cur.shown));
      else {
        const versions = Object.fromEntries(f.routers.map((r) => [r.connectionId, r.version]));
        download(
          `${base}.json`,
          'application/json',
          diffToJson(
            cur.diff,
            { path: f.path, query: f.query, proplist: f.proplist, fetchedAt: f.fetchedAt, versions },
            cur.shown,
          ),
        );
      }
    },
  };
}
