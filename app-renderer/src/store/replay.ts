import type { ReplayProgress, ReplaySentence } from '../../../app-main/src/common/contract';
import type { SliceContext } from './context';
import type { AppStoreState, ReplayView } from './types';

export type ReplayKeys =
  | 'replays'
  | 'openReplay'
  | 'closeReplay'
  | 'setReplaySelected'
  | 'selectReplaySentences'
  | 'setReplayTarget'
  | 'setReplayOptions'
  | 'startReplay'
  | 'stopReplay'
  | 'confirmReplayWrites'
  | 'cancelReplayConfirm'
  | 'toggleReplayDetails'
  | 'applyReplayProgress'
  | 'openReproExport'
  | 'exportRepro';

/** Selected by default: read-only sentences the user sent (not the link's own reads), replayable. */
export function selectedByDefault(s: ReplaySentence): boolean {
  return s.readOnly && !s.background && s.blocked === undefined;
}

/** The selected sentences that change the router: these need the confirmation. */
export function selectedWrites(v: ReplayView): ReplaySentence[] {
  return (v.plan?.sentences ?? []).filter((s) => v.selected[s.seq] && !s.readOnly);
}

function emptyView(): ReplayView {
  return {
    status: 'loading',
    selected: {},
    ignoreVolatile: true,
    strictBooleans: false,
    showBackground: false,
    maxStreamReplies: 20,
    maxStreamSeconds: 3,
    expanded: {},
  };
}

export function replaySlice({ set, get, api, download }: SliceContext): Pick<AppStoreState, ReplayKeys> {
  const update = (sourceId: string, fn: (v: ReplayView) => ReplayView) =>
    set((s) => ({ replays: { ...s.replays, [sourceId]: fn(s.replays[sourceId] ?? emptyView()) } }));
  const onlineTargets = () =>
    get()
      .connections.filter((c) => get().links[c.id]?.status === 'online')
      .map((c) => c.id);

  const run = async (sourceId: string, confirmed: number[]) => {
    const v = get().replays[sourceId];
    if (!v?.plan || !v.targetId) return;
    const seqs = v.plan.sentences.filter((s) => v.selected[s.seq]).map((s) => s.seq);
    update(sourceId, ({ result: _r, error: _e, ...x }) => ({
      ...x,
      status: 'running',
      progress: { done: 0, total: seqs.length },
      expanded: {},
    }));
    const r = await api['replay:run']({
      sourceId,
      targetId: v.targetId,
      seqs,
      confirmedWrites: confirmed,
      options: {
        ignoreVolatile: v.ignoreVolatile,
        strictBooleans: v.strictBooleans,
        maxStreamReplies: v.maxStreamReplies,
        maxStreamMs: Math.round(v.maxStreamSeconds * 1000),
      },
    });
    if (!r.ok) {
      update(sourceId, (x) => ({ ...x, status: 'error', error: r.error }));
      return;
    }
    update(sourceId, (x) => ({
      ...x,
      status: 'done',
      result: r.value,
      progress: { done: r.value.rows.length, total: r.value.rows.length },
    }));
  };

  return {
    replays: {},

    async openReplay(sourceId) {
      const previous = get().replays[sourceId];
      if (previous?.status === 'running' || previous?.status === 'confirming') {
        // Closed while it ran: show the same run again, not a fresh list.
        get().openDialog({ kind: 'replay', sourceId });
        return;
      }
      const targets = onlineTargets();
      const targetId =
        previous?.targetId && targets.includes(previous.targetId)
          ? previous.targetId
          : targets.includes(sourceId)
            ? sourceId
            : targets[0];
      set((s) => ({ replays: { ...s.replays, [sourceId]: { ...emptyView(), ...(targetId ? { targetId } : {}) } } }));
      get().openDialog({ kind: 'replay', sourceId });
      const r = await api['replay:plan']({ sourceId });
      if (!r.ok) {
        update(sourceId, (v) => ({ ...v, status: 'error', error: r.error }));
        return;
      }
      const selected: Record<number, boolean> = {};
      for (const s of r.value.sentences) if (selectedByDefault(s)) selected[s.seq] = true;
      update(sourceId, (v) => ({ ...v, status: 'ready', plan: r.value, selected }));
    },

    closeReplay(sourceId) {
      const d = get().dialog;
      if (d?.kind === 'replay' && d.sourceId === sourceId) get().openDialog(undefined);
    },

    setReplaySelected(sourceId, seq, selected) {
      update(sourceId, (v) => ({ ...v, selected: { ...v.selected, [seq]: selected } }));
    },

    selectReplaySentences(sourceId, which) {
      update(sourceId, (v) => {
        const selected: Record<number, boolean> = {};
        for (const s of v.plan?.sentences ?? []) {
          if (s.blocked !== undefined) continue;
          if (which === 'read-only' ? selectedByDefault(s) : which === 'all') selected[s.seq] = true;
        }
        return { ...v, selected };
      });
    },

    setReplayTarget(sourceId, targetId) {
      update(sourceId, (v) => ({ ...v, targetId }));
    },

    setReplayOptions(sourceId, options) {
      update(sourceId, (v) => ({ ...v, ...options }));
    },

    async stopReplay(sourceId) {
      const v = get().replays[sourceId];
      if (v?.status !== 'running' || !v.targetId) return;
      // The run's own answer (rows so far, the stopped ones marked) ends the running state.
      const r = await api['replay:cancel']({ targetId: v.targetId });
      if (!r.ok) update(sourceId, (x) => ({ ...x, error: r.error }));
    },
    async startReplay(sourceId) {
      const v = get().replays[sourceId];
      if (!v?.plan) return;
      if (!v.targetId) {
        update(sourceId, (x) => ({
          ...x,
          error: {
            code: 'NOT_CONNECTED',
            message: 'No router is connected to replay to.',
            hint: 'Connect the router you want to replay to, then choose it as the target.',
          },
        }));
        return;
      }
      if (!v.plan.sentences.some((s) => v.selected[s.seq])) {
        update(sourceId, (x) => ({
          ...x,
          error: { code: 'VALIDATION', message: 'No sentence is selected.', hint: 'Tick the sentences to replay.' },
        }));
        return;
      }
      // Writes go only after the user confirmed them by name (the alert dialog).
      if (selectedWrites(v).length > 0) {
        update(sourceId, (x) => {
          const { error: _e, ...rest } = x;
          return { ...rest, status: 'confirming' };
        });
        return;
      }
      await run(sourceId, []);
    },

    async confirmReplayWrites(sourceId) {
      const v = get().replays[sourceId];
      if (!v || v.status !== 'confirming') return;
      await run(
        sourceId,
        selectedWrites(v).map((s) => s.seq),
      );
    },

    cancelReplayConfirm(sourceId) {
      update(sourceId, (v) => (v.status === 'confirming' ? { ...v, status: v.result ? 'done' : 'ready' } : v));
    },

    toggleReplayDetails(sourceId, seq) {
      update(sourceId, (v) => ({ ...v, expanded: { ...v.expanded, [seq]: !v.expanded[seq] } }));
    },

    applyReplayProgress(p: ReplayProgress) {
      const v = get().replays[p.sourceId];
      if (!v || v.status !== 'running') return;
      update(p.sourceId, (x) => ({
        ...x,
        progress: { done: p.done, total: p.total, ...(p.command !== undefined ? { command: p.command } : {}) },
      }));
    },

    openReproExport(sourceId) {
      get().openDialog({ kind: 'repro', sourceId });
    },

    async exportRepro(sourceId, description) {
      const r = await api['repro:export']({ connectionId: sourceId, description });
      if (!r.ok) {
        get().reportError(r.error, 'Exporting the repro bundle');
        return false;
      }
      download(r.value.fileName, r.value.mime, r.value.data);
      get().notify('info', `Exported the repro bundle as ${r.value.fileName}.`);
      return true;
    },
  };
}
