import type { SavedConnection } from '../../../app-main/src/common/contract';
import type { SliceContext } from './context';
import type { AppStoreState } from './types';

type Keys =
  | 'connections'
  | 'selectedId'
  | 'search'
  | 'dialog'
  | 'links'
  | 'select'
  | 'setSearch'
  | 'openDialog'
  | 'saveConnection'
  | 'duplicateConnection'
  | 'deleteConnection'
  | 'restoreConnection'
  | 'connect'
  | 'disconnect'
  | 'trust'
  | 'applyConnections'
  | 'applyLinkState'
  | 'safeMode';

/**
 * How long Undo is offered after a delete (issue 11). Main keeps what Undo needs a little longer
 * (docs/main-process.md, "Deleting a connection"), so a click at the last moment still arrives in time.
 */
export const UNDO_DELETE_MS = 10_000;

export function connectionsSlice({ set, get, api }: SliceContext): Pick<AppStoreState, Keys> {
  /**
   * Passwords for this run only (no keychain, or the user chose not to store it). Held here, never in
   * the store state, so no selector, devtool or snapshot can render or persist them.
   */
  const runPasswords = new Map<string, string>();
  const nameOf = (id: string) => get().connections.find((c) => c.id === id)?.name ?? id;

  return {
    connections: [],
    search: '',
    links: {},

    select(id) {
      if (get().selectedId === id) return;
      set({ selectedId: id });
      // …and the workspace on screen follows the selected router, when it has one.
      if (id && id !== get().activeWorkspaceId && get().workspaces.some((w) => w.id === id)) get().focusWorkspace(id);
      if (id) {
        set((s) => ({ settings: { ...s.settings, lastSelectedConnectionId: id } }));
        void api['settings:set']({ lastSelectedConnectionId: id });
      }
    },

    setSearch(text) {
      set({ search: text });
    },

    openDialog(d) {
      set({ dialog: d });
    },

    async saveConnection(id, input) {
      let r = await api['connections:save'](id ? { id, input } : { input });
      let runPasswordKept = false;
      if (!r.ok && r.error.code === 'KEYCHAIN_UNAVAILABLE' && typeof input.password === 'string') {
        // No keychain: save everything but the password and keep that for this run only
        // (design.md §5 — never a plaintext file).
        const { password, ...rest } = input;
        const retry = await api['connections:save'](id ? { id, input: rest } : { input: rest });
        if (retry.ok) {
          runPasswords.set(retry.value.id, password);
          runPasswordKept = true;
          get().notify(
            'warning',
            `Saved "${retry.value.name}" without its password: ${r.error.message}`,
            `The password is kept for this run only. ${r.error.hint ?? ''}`.trim(),
          );
        }
        r = retry;
      }
      if (!r.ok) return { ok: false, error: r.error };
      const saved = r.value;
      set((s) => {
        const i = s.connections.findIndex((c) => c.id === saved.id);
        const connections = i < 0 ? [...s.connections, saved] : s.connections.map((c) => (c.id === saved.id ? saved : c));
        return { connections, dialog: undefined };
      });
      get().select(saved.id);
      return { ok: true, value: saved, runPasswordKept };
    },

    async duplicateConnection(id) {
      const r = await api['connections:duplicate']({ id });
      if (!r.ok) return get().reportError(r.error, `Duplicating ${nameOf(id)}`);
      const copy = r.value;
      set((s) => ({ connections: s.connections.some((c) => c.id === copy.id) ? s.connections : [...s.connections, copy] }));
      get().select(copy.id);
    },

    async deleteConnection(id) {
      const name = nameOf(id);
      const hadPassword = get().connections.find((c) => c.id === id)?.hasPassword ?? false;
      const status = get().links[id]?.status;
      if (status && status !== 'offline') await get().disconnect(id);
      const r = await api['connections:delete']({ id });
      if (!r.ok) return get().reportError(r.error, `Deleting ${name}`, { connectionId: id });
      // Undo needs no copy here: main keeps a run-only password with what it keeps for Undo.
      runPasswords.delete(id);
      if (get().workspaces.some((w) => w.id === id)) get().closeWorkspace(id);
      set((s) => {
        const connections = s.connections.filter((c) => c.id !== id);
        const links = { ...s.links };
        delete links[id];
        return {
          connections,
          links,
          selectedId: s.selectedId === id ? connections[0]?.id : s.selectedId,
          // The router's notices go with it.
          notices: s.notices.filter((n) => n.connectionId !== id),
        };
      });
      get().notify('info', hadPassword ? `Deleted "${name}" and its stored password.` : `Deleted "${name}".`, undefined, {
        ttlMs: UNDO_DELETE_MS,
        action: { label: 'Undo', run: () => void get().restoreConnection(id) },
      });
    },

    async restoreConnection(id) {
      const r = await api['connections:restore']({ id });
      if (!r.ok) return get().reportError(r.error, 'Undoing the delete');
      const saved = r.value;
      set((s) => ({
        connections: s.connections.some((c) => c.id === saved.id)
          ? s.connections.map((c) => (c.id === saved.id ? saved : c))
          : [...s.connections, saved],
      }));
      get().select(saved.id);
      get().notify('info', saved.hasPassword ? `Restored "${saved.name}" with its password.` : `Restored "${saved.name}".`);
    },

    async connect(id, password) {
      if (password !== undefined) runPasswords.set(id, password);
      const pw = password ?? runPasswords.get(id);
      const r = await api['link:connect'](pw !== undefined ? { id, password: pw } : { id });
      if (r.ok) {
        const state = r.value;
        get().applyLinkState(state);
        if (state.status === 'online') {
          get().openWorkspace(id);
          // Connected on purpose: the next thing to do is type a sentence (issue 14, keyboard).
          get().requestFocus(id, 'sentence');
        } else if (state.status === 'failed' && state.errorCode === 'TLS_UNTRUSTED' && state.presentedFingerprint256) {
          // Trust on first use (or a changed certificate): show what was presented and ask.
          const conn = get().connections.find((c) => c.id === id);
          set({
            dialog: {
              kind: 'trust',
              connectionId: id,
              fingerprint: state.presentedFingerprint256,
              changed: !!conn?.fingerprint256,
            },
          });
        } else if (state.status === 'auth-failed') {
          const conn = get().connections.find((c) => c.id === id);
          if (conn && !conn.hasPassword && pw === undefined) {
            set({ dialog: { kind: 'password', connectionId: id, reason: state.reason ?? 'The router refused the login.' } });
            return;
          }
          if (password === undefined) runPasswords.delete(id);
          get().reportError(
            {
              code: state.errorCode ?? 'LOGIN_FAILED',
              message: state.reason ?? 'the router refused the login',
              hint: 'Check the user name and password (Edit); the user needs the "api" policy.',
            },
            `Connecting ${nameOf(id)}`,
            { connectionId: id, clearsOnline: true },
          );
        } else if (state.status === 'failed') {
          get().reportError(
            {
              code: state.errorCode ?? 'NETWORK',
              message: state.reason ?? 'the connection failed',
              hint: 'Check the address, port and transport, and that the API service is enabled on the router (/ip service).',
            },
            `Connecting ${nameOf(id)}`,
            { connectionId: id, clearsOnline: true },
          );
        }
        return;
      }
      const e = r.error;
      const conn = get().connections.find((c) => c.id === id);
      if (e.code === 'TLS_UNTRUSTED') {
        const fp = e.detail?.fingerprint256 ?? e.detail?.presentedFingerprint256 ?? get().links[id]?.presentedFingerprint256;
        if (typeof fp === 'string' && fp) {
          set({ dialog: { kind: 'trust', connectionId: id, fingerprint: fp, changed: !!conn?.fingerprint256 } });
          return;
        }
      }
      const noPassword = conn && !conn.hasPassword && pw === undefined;
      if (e.code === 'KEYCHAIN_UNAVAILABLE' || (e.code === 'LOGIN_FAILED' && noPassword)) {
        set({ dialog: { kind: 'password', connectionId: id, reason: e.message } });
        return;
      }
      // A wrong run-only password must not be retried silently on the next Connect.
      if (e.code === 'LOGIN_FAILED' && password === undefined) runPasswords.delete(id);
      get().reportError(e, `Connecting ${nameOf(id)}`, { connectionId: id, clearsOnline: true });
    },

    async disconnect(id) {
      const r = await api['link:disconnect']({ id });
      if (r.ok) get().applyLinkState(r.value);
      else get().reportError(r.error, `Disconnecting ${nameOf(id)}`, { connectionId: id });
    },

    async safeMode(id, action, takeOver) {
      const r = await api['link:safe-mode'](takeOver ? { id, action, takeOver } : { id, action });
      if (r.ok) {
        get().applyLinkState(r.value);
        return undefined;
      }
      return r.error;
    },

    async trust(connectionId, fingerprint) {
      set({ dialog: undefined });
      const r = await api['connections:trust']({ id: connectionId, fingerprint256: fingerprint });
      if (!r.ok) return get().reportError(r.error, `Trusting the certificate of ${nameOf(connectionId)}`);
      const saved = r.value;
      set((s) => ({ connections: s.connections.map((c) => (c.id === saved.id ? saved : c)) }));
      await get().connect(connectionId);
    },

    applyConnections(list: SavedConnection[], notices: string[]) {
      set((s) => ({
        connections: list,
        selectedId: s.selectedId && list.some((c) => c.id === s.selectedId) ? s.selectedId : list[0]?.id,
      }));
      for (const n of notices) get().notify('warning', n);
    },

    applyLinkState(state) {
      const prev = get().links[state.connectionId];
      set((s) => ({
        links: { ...s.links, [state.connectionId]: state },
        // The router is up: its connect errors ("TLS handshake failed", …) no longer hold.
        ...(state.status === 'online' && s.notices.some((n) => n.clearsOnline && n.connectionId === state.connectionId)
          ? { notices: s.notices.filter((n) => !(n.clearsOnline && n.connectionId === state.connectionId)) }
          : {}),
      }));
      // Every connected router gets a workspace, also when it came online without a click here
      // (a reload while connected, another window).
      // Not those connected from the fleet view: a thousand routers are not a thousand tabs.
      if (
        state.status === 'online' &&
        prev?.status !== 'online' &&
        !get().fleet.background[state.connectionId] &&
        !get().workspaces.some((w) => w.id === state.connectionId)
      ) {
        get().openWorkspace(state.connectionId);
      }
    },
  };
}
