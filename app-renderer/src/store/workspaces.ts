import type { SliceContext } from './context';
import type { AppStoreState } from './types';

type Keys =
  | 'workspaces'
  | 'activeWorkspaceId'
  | 'layout'
  | 'openWorkspace'
  | 'closeWorkspace'
  | 'focusWorkspace'
  | 'cycleWorkspace'
  | 'setTab'
  | 'setLayout';

export function workspacesSlice({ set, get }: SliceContext): Pick<AppStoreState, Keys> {
  return {
    workspaces: [],
    layout: 'tabs',

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
      // A workspace is a connected router: closing it disconnects (Disconnect keeps it open, offline,
      // so its console can still be read).
      const status = get().links[id]?.status;
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
