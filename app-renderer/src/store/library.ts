import type { BroadcastAnswer, BroadcastWaveProgress, LibraryCommand } from '../../../app-main/src/common/contract';
import { emptyWaveForm, parseWaveForm } from '../lib/waves';
import { sentenceWords } from '../lib/words';
import type { SliceContext } from './context';
import type { LibraryActions, LibraryDraft, LibraryRunView, LibraryView, MultiState } from './types';

/**
 * The command library (docs/library.md): saved commands with `{{variables}}`, kept by main as one
 * file per command. The form, the run on routers (through the broadcast: confirmation, waves,
 * progress) and import/export live here; filling the variables happens in main only (`library:preview`
 * and `library:run` use the same function), so the preview is exactly what is sent.
 */

/** Per-router names: filled by main from the router, never asked in the form. */
export const PER_ROUTER_VARIABLES = ['identity', 'version', 'name', 'host'];
const REFERENCE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]{0,63})\s*\}\}/g;

/** The `{{names}}` the text uses, in order, per-router names left out (the form asks for the rest). */
export function variablesUsed(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(REFERENCE)) if (!PER_ROUTER_VARIABLES.includes(m[1]!)) seen.add(m[1]!);
  return [...seen];
}

/** Sentences as typed: one word per line, a blank line between sentences. */
export function parseSentences(text: string): string[][] {
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .map(sentenceWords)
    .filter((w) => w.length > 0);
}

export function sentencesText(sentences: readonly (readonly string[])[]): string {
  return sentences.map((w) => w.join('\n')).join('\n\n');
}

function emptyRun(): LibraryRunView {
  return {
    selected: [],
    values: {},
    stopOnFirstError: false,
    timeoutText: '15',
    waveForm: emptyWaveForm(),
    status: 'idle',
    fieldErrors: {},
    expanded: [],
  };
}

export function emptyLibrary(): LibraryView {
  return { status: 'idle', commands: [], problems: [], directory: '', run: emptyRun() };
}

function draftOf(c: LibraryCommand | undefined, sentences?: string[][]): LibraryDraft {
  return {
    ...(c ? { id: c.id } : {}),
    name: c?.name ?? '',
    description: c?.description ?? '',
    sentencesText: sentencesText(c?.sentences ?? sentences ?? []),
    variables: (c?.variables ?? []).map((v) => ({ name: v.name, default: v.default ?? '', description: v.description ?? '' })),
    errors: {},
  };
}

export function librarySlice({ set, get, api, now, download }: SliceContext): Pick<MultiState, 'library'> & LibraryActions {
  const upd = (fn: (l: LibraryView) => LibraryView) => set((s) => ({ library: fn(s.library) }));
  const updRun = (fn: (r: LibraryRunView) => LibraryRunView) => upd((l) => ({ ...l, run: fn(l.run) }));
  let runSeq = 0;

  const load = async (): Promise<void> => {
    upd((l) => ({ ...l, status: l.status === 'ready' ? 'ready' : 'loading' }));
    const r = await api['library:list']({});
    if (!r.ok) {
      upd((l) => ({ ...l, status: 'ready', error: r.error }));
      return;
    }
    const { commands, problems, directory } = r.value;
    upd((l) => ({
      ...l,
      status: 'ready',
      commands,
      problems,
      directory,
      selectedId: commands.some((c) => c.id === l.selectedId) ? l.selectedId : commands[0]?.id,
    }));
  };

  /** The routers to run on, and the form's values without the empty ones. */
  const target = () => {
    const l = get().library;
    const known = new Set(get().connections.map((c) => c.id));
    const values = Object.fromEntries(Object.entries(l.run.values).filter(([, v]) => v !== ''));
    return { id: l.selectedId, connectionIds: l.run.selected.filter((x) => known.has(x)), values };
  };

  const preview = async (): Promise<boolean> => {
    const t = target();
    if (!t.id) return false;
    if (t.connectionIds.length === 0) {
      updRun((r) => ({ ...r, preview: undefined, fieldErrors: { routers: 'Choose at least one router to run it on.' } }));
      return false;
    }
    const r = await api['library:preview']({ id: t.id, connectionIds: t.connectionIds, values: t.values });
    if (!r.ok) {
      updRun((x) => ({ ...x, preview: undefined, error: r.error }));
      return false;
    }
    const missing = r.value.routers.find((x) => x.error);
    updRun((x) => ({
      ...x,
      preview: r.value,
      error: undefined,
      fieldErrors: missing ? { values: missing.error! } : {},
    }));
    return !missing;
  };

  const run = async (confirmed: boolean): Promise<void> => {
    const l = get().library;
    const t = target();
    if (!t.id) return;
    const fieldErrors: LibraryRunView['fieldErrors'] = {};
    const timeout = Number(l.run.timeoutText);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600)
      fieldErrors.timeout = 'Time limit must be a whole number of seconds from 1 to 3600.';
    const { waves, error: wavesError } = parseWaveForm(l.run.waveForm);
    if (wavesError) fieldErrors.waves = wavesError;
    if (Object.keys(fieldErrors).length > 0) {
      updRun((r) => ({ ...r, fieldErrors }));
      return;
    }
    if (!confirmed && !(await preview())) return;
    const connectionIds = confirmed && l.run.confirm ? l.run.confirm.connectionIds : t.connectionIds;
    const broadcastId = `lib-${now()}-${++runSeq}`;
    updRun((r) => ({
      ...r,
      error: undefined,
      result: undefined,
      status: confirmed ? 'sending' : 'checking',
      running: broadcastId,
      cancelling: false,
      answered: [],
      waveRun: undefined,
    }));
    const r = await api['library:run']({
      id: t.id,
      connectionIds,
      values: t.values,
      stopOnFirstError: l.run.stopOnFirstError,
      timeoutSeconds: timeout,
      broadcastId,
      ...(waves ? { waves } : {}),
      ...(confirmed ? { confirmed: true } : {}),
    });
    updRun((x) =>
      x.running === broadcastId ? { ...x, running: undefined, cancelling: false, answered: undefined, waveRun: undefined } : x,
    );
    if (!r.ok) {
      const error = r.error;
      updRun((x) => ({
        ...x,
        status: 'idle',
        confirm: undefined,
        ...(error.detail?.['field'] === 'values' ? { fieldErrors: { values: error.message } } : { error }),
      }));
      return;
    }
    const answer: BroadcastAnswer = r.value;
    if (answer.status === 'needs-confirmation') {
      updRun((x) => ({
        ...x,
        status: 'confirming',
        confirm: { command: answer.command, reason: answer.reason, routers: answer.routers, connectionIds },
      }));
      return;
    }
    updRun((x) => ({ ...x, status: 'idle', confirm: undefined, result: answer.result, expanded: [] }));
  };

  return {
    library: emptyLibrary(),

    loadLibrary: load,
    selectLibraryCommand(id) {
      upd((l) => ({
        ...l,
        selectedId: id,
        run: { ...l.run, values: {}, preview: undefined, fieldErrors: {}, result: l.run.running ? l.run.result : undefined },
      }));
    },
    editLibraryCommand(init = {}) {
      const c = init.id ? get().library.commands.find((x) => x.id === init.id) : undefined;
      upd((l) => ({ ...l, draft: draftOf(c, init.sentences) }));
    },
    setLibraryDraft(patch) {
      upd((l) => (l.draft ? { ...l, draft: { ...l.draft, ...patch, errors: {} } } : l));
    },
    cancelLibraryDraft() {
      upd((l) => ({ ...l, draft: undefined }));
    },
    async saveLibraryDraft() {
      const d = get().library.draft;
      if (!d) return false;
      const sentences = parseSentences(d.sentencesText);
      const errors: LibraryDraft['errors'] = {};
      if (!d.name.trim()) errors.name = 'Give the command a name.';
      if (sentences.length === 0) errors.sentences = 'Type at least one sentence, e.g. /system/identity/print.';
      else {
        const bad = sentences.findIndex((w) => !w[0]!.startsWith('/'));
        if (bad >= 0) errors.sentences = `Sentence ${bad + 1} must start with a command such as /ip/address/add.`;
      }
      if (Object.keys(errors).length > 0) {
        upd((l) => (l.draft ? { ...l, draft: { ...l.draft, errors } } : l));
        return false;
      }
      const byName = new Map(d.variables.map((v) => [v.name, v]));
      const variables = variablesUsed(d.sentencesText).map((name) => {
        const v = byName.get(name);
        return {
          name,
          ...(v && v.default !== '' ? { default: v.default } : {}),
          ...(v && v.description !== '' ? { description: v.description } : {}),
        };
      });
      const r = await api['library:save']({
        ...(d.id ? { id: d.id } : {}),
        input: { name: d.name, description: d.description, sentences, variables },
      });
      if (!r.ok) {
        const field = String(r.error.detail?.['field'] ?? '');
        const key = field.includes('sentences')
          ? 'sentences'
          : field.includes('variables')
            ? 'variables'
            : field.includes('name')
              ? 'name'
              : undefined;
        upd((l) =>
          l.draft
            ? { ...l, draft: { ...l.draft, errors: key ? { [key]: r.error.message } : {} }, error: key ? l.error : r.error }
            : l,
        );
        return false;
      }
      upd((l) => ({
        ...l,
        draft: undefined,
        selectedId: r.value.id,
        message: `Saved “${r.value.name}” as ${r.value.fileName}.`,
      }));
      await load();
      return true;
    },
    async deleteLibraryCommand(id) {
      const r = await api['library:delete']({ id });
      if (!r.ok) {
        upd((l) => ({ ...l, error: r.error }));
        return;
      }
      upd((l) => ({ ...l, selectedId: l.selectedId === id ? undefined : l.selectedId, message: `Deleted ${id}.json.` }));
      await load();
    },
    async importLibrary(files) {
      const r = await api['library:import']({ files });
      if (!r.ok) {
        upd((l) => ({ ...l, error: r.error, message: undefined }));
        return;
      }
      const { imported, replaced } = r.value;
      upd((l) => ({
        ...l,
        error: undefined,
        message: `Imported ${imported.length} command${imported.length === 1 ? '' : 's'}${replaced.length ? ` (${replaced.length} replaced)` : ''}.`,
      }));
      await load();
    },
    async exportLibrary(ids) {
      const r = await api['library:export'](ids ? { ids } : {});
      if (!r.ok) {
        upd((l) => ({ ...l, error: r.error }));
        return;
      }
      download(r.value.fileName, 'application/json', r.value.content);
      upd((l) => ({ ...l, message: `Exported ${r.value.fileName}.` }));
    },

    setLibraryRun(patch) {
      updRun((r) => ({ ...r, ...patch, fieldErrors: {}, preview: patch.values || patch.selected ? undefined : r.preview }));
    },
    toggleLibraryRouter(id, on) {
      updRun((r) => ({
        ...r,
        fieldErrors: {},
        preview: undefined,
        selected: on ? [...new Set([...r.selected, id])] : r.selected.filter((x) => x !== id),
      }));
    },
    toggleLibraryReplies(id) {
      updRun((r) => ({ ...r, expanded: r.expanded.includes(id) ? r.expanded.filter((x) => x !== id) : [...r.expanded, id] }));
    },
    async previewLibraryRun() {
      await preview();
    },
    runLibraryCommand: () => run(false),
    confirmLibraryRun: () => run(true),
    cancelLibraryConfirm() {
      updRun((r) => ({ ...r, status: 'idle', confirm: undefined }));
    },
    async cancelLibraryRun() {
      const id = get().library.run.running;
      if (!id) return;
      updRun((r) => ({ ...r, cancelling: true }));
      const r = await api['broadcast:cancel']({ broadcastId: id });
      if (!r.ok) updRun((x) => ({ ...x, cancelling: false, error: r.error }));
    },
    async continueWave(broadcastId) {
      const mark = (continuing: boolean) =>
        set((s) => ({
          broadcast:
            s.broadcast.running === broadcastId
              ? { ...s.broadcast, waveRun: { ...s.broadcast.waveRun, continuing } }
              : s.broadcast,
          library:
            s.library.run.running === broadcastId
              ? { ...s.library, run: { ...s.library.run, waveRun: { ...s.library.run.waveRun, continuing } } }
              : s.library,
        }));
      mark(true);
      const r = await api['broadcast:continue']({ broadcastId });
      mark(false);
      if (!r.ok) get().reportError(r.error);
    },
    applyBroadcastWaves(p: BroadcastWaveProgress) {
      set((s) => ({
        broadcast:
          s.broadcast.running === p.broadcastId
            ? { ...s.broadcast, waveRun: { ...s.broadcast.waveRun, waves: p.waves } }
            : s.broadcast,
        library:
          s.library.run.running === p.broadcastId
            ? { ...s.library, run: { ...s.library.run, waveRun: { ...s.library.run.waveRun, waves: p.waves } } }
            : s.library,
      }));
    },
  };
}
