import type { SliceContext } from './context';
import type { AppState, AppStoreState } from './types';

/** What closing a workspace would stop: its live table and the commands still running. */
export function workspaceActivity(s: Pick<AppState, 'tables' | 'consoles'>, id: string): { tables: number; commands: number } {
  const t = s.tables[id];
  const tables =
    t && (t.status === 'starting' || t.status === 'loading' || t.status === 'live' || t.status === 'resubscribing') ? 1 : 0;
  const commands = (s.consoles[id]?.commands ?? []).filter((c) => c.status === 'sending' || c.status === 'running').length;
  return { tables, commands };
}

type Keys =
  | 'workspaces'
  | 'activeWorkspaceId'
  | 'layout'
  | 'openWorkspace'
  | 'closeWorkspace'
  | 'requestCloseWorkspace'
  | 'focusWorkspace'
  | 'cycleWorkspace'
  | 'setTab'
  | 'setLayout'
  | 'focusRequest'
  | 'requestFocus'
  | 'focusDone';

export function workspacesSlice({ set, get }: SliceContext): Pick<AppStoreState, Keys> {
  let focusSeq = 0;
  return {
    workspaces: [],
    layout: 'tabs',

    requestFocus(id, target) {
      const ws = get().workspaces.find((w) => w.id === id);
      if (!ws) return;
      const tab = target === 'sentence' ? 'console' : 'tables';
      if (ws.tab !== tab) get().setTab(id, tab);
      set({ activeWorkspaceId: id, focusRequest: { id, target, seq: ++focusSeq } });
    },

    focusDone(seq) {
      if (get().focusRequest?.seq === seq) set({ focusRequest: undefined });
    },

    openWorkspace(id, kind = 'router', title) {
      if (get().workspaces.some((w) => w.id === id)) {
        set({ activeWorkspaceId: id });
        return;
      }
      set((s) => ({
        workspaces: [...s.workspaces, { id, kind, tab: kind === 'import' ? 'trace' : 'console', ...(title ? { title } : {}) }],
        activeWorkspaceId: id,
      }));
      if (kind === 'router') {
        void get().loadHistory(id);
        void get().loadTrace(id);
      }
    },

    closeWorkspace(id) {
      // An imported trace: closing it frees it, here and in main (it was kept for the whole run).
      if (get().workspaces.find((w) => w.id === id)?.kind === 'import') void get().closeImportedTrace(id);
      // A workspace is a connected router: closing it disconnects (Disconnect keeps it open, offline,
      // so its console can still be read).
      const status = get().links[id]?.status;
      // Running commands are cancelled first (`/cancel`), so they end as cancelled rather than
      // "outcome unknown" when the session closes under them (issue 11: nothing is orphaned).
      for (const c of get().consoles[id]?.commands ?? [])
        if (c.status === 'running' || c.status === 'sending') void get().cancelCommand(id, c.key);
      if (status && status !== 'offline' && status !== 'failed' && status !== 'auth-failed') void get().disconnect(id);
      const table = get().tables[id];
      if (table?.tableId && (table.status === 'live' || table.status === 'loading' || table.status === 'resubscribing'))
        void get().stopTable(id);
      set((s) => {
        const i = s.workspaces.findIndex((w) => w.id === id);
        const workspaces = s.workspaces.filter((w) => w.id !== id);
        const active =
          s.activeWorkspaceId === id ? (workspaces[Math.min(i, workspaces.length - 1)]?.id ?? undefined) : s.activeWorkspaceId;
        return { workspaces, activeWorkspaceId: active };
      });
    },

    requestCloseWorkspace(id) {
      const a = workspaceActivity(get(), id);
      if (a.tables + a.commands > 0) set({ dialog: { kind: 'close-workspace', id } });
      else get().closeWorkspace(id);
    },

    focusWorkspace(id) {
      if (get().workspaces.some((w) => w.id === id)) set({ activeWorkspaceId: id });
    },

    cycleWorkspace(delta) {
      const { workspaces, activeWorkspaceId } = get();
      if (!workspaces.length) return;
      const i = Math.max(
        0,
        workspaces.findIndex((w) => w.id === activeWorkspaceId),
      );
      const next = workspaces[(i + delta + workspaces.length) % workspaces.length];
      if (next) set({ activeWorkspaceId: next.id });
    },

    setTab(workspaceId, tab) {
      set((s) => ({
        workspaces: s.workspaces.map((w) => (w.id === workspaceId ? { ...w, tab } : w)),
        activeWorkspaceId: workspaceId,
      }));
    },

    setLayout(layout) {
      set({ layout });
    },
  };
}
