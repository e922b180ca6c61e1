import type { ThemeSetting } from '../../../app-main/src/common/contract';
import type { SliceContext } from './context';
import type { AppStoreState, NoticeOptions, UiNotice } from './types';

type Keys =
  | 'phase'
  | 'settings'
  | 'bridgeStatus'
  | 'notices'
  | 'helpOpen'
  | 'now'
  | 'init'
  | 'reattach'
  | 'resync'
  | 'notify'
  | 'reportError'
  | 'dismissNotice'
  | 'setHelpOpen'
  | 'setTheme'
  | 'setBridgeStatus';

/** At most this many notices stay on screen; older ones are dropped first. */
const MAX_NOTICES = 6;

/** How long notices stay (docs/ui.md, Notices): information ~5 s, warnings 15 s, errors until dismissed. */
export const NOTICE_TTL_MS: Record<UiNotice['level'], number | undefined> = { info: 5_000, warning: 15_000, error: undefined };

type NewNotice = Pick<UiNotice, 'level' | 'message'> & Partial<Pick<UiNotice, 'hint' | 'code'>>;

export function appSlice({ set, get, api, now }: SliceContext): Pick<AppStoreState, Keys> {
  let nextNotice = 1;
  let nextSeq = 1;
  const push = (n: NewNotice, opts: NoticeOptions = {}) => {
    const ttl = opts.ttlMs ?? NOTICE_TTL_MS[n.level];
    const notice: Omit<UiNotice, 'id'> = {
      ...n,
      ...(opts.connectionId ? { connectionId: opts.connectionId } : {}),
      ...(opts.clearsOnline ? { clearsOnline: true } : {}),
      ...(ttl !== undefined ? { ttlMs: ttl } : {}),
      ...(opts.action ? { action: opts.action } : {}),
      count: 1,
      seq: nextSeq++,
    };
    set((s) => {
      // A repeat of a notice on screen (a router refusing every retry, a flood of the same
      // warning) collapses into it with a count, and its timer starts again.
      const same = notice.action
        ? undefined
        : s.notices.find(
            (x) =>
              !x.action &&
              x.level === notice.level &&
              x.message === notice.message &&
              x.hint === notice.hint &&
              x.code === notice.code &&
              x.connectionId === notice.connectionId,
          );
      if (same) {
        const merged = { ...same, count: same.count + 1, seq: notice.seq };
        return { notices: [...s.notices.filter((x) => x !== same), merged] };
      }
      return { notices: [...s.notices, { ...notice, id: nextNotice++ }].slice(-MAX_NOTICES) };
    });
  };
  return {
    phase: 'loading',
    settings: { theme: 'system', tableColumns: {}, traceScopes: {}, traceBufferMiB: 8 },
    bridgeStatus: 'open',
    notices: [],
    helpOpen: false,
    now,

    async init() {
      const [info, settings, list, links] = await Promise.all([
        api['app:info']({}),
        api['settings:get']({}),
        api['connections:list']({}),
        api['link:states']({}),
      ]);
      // The bridge answered: whatever failed below is shown as a notice, the app is usable.
      if (!info.ok) {
        set({ phase: 'error', fatal: info.error });
        return;
      }
      set({ info: info.value });
      if (settings.ok) set({ settings: settings.value });
      else get().reportError(settings.error, 'Reading settings');
      if (list.ok) get().applyConnections(list.value.connections, list.value.notices);
      else get().reportError(list.error, 'Reading saved connections');
      if (links.ok) {
        get().adoptFleet(links.value);
        for (const l of links.value) get().applyLinkState(l);
      } else get().reportError(links.error, 'Reading connection states');
      const remembered = settings.ok ? settings.value.lastSelectedConnectionId : undefined;
      const conns = get().connections;
      if (remembered && conns.some((c) => c.id === remembered)) set({ selectedId: remembered });
      else if (!get().selectedId && conns[0]) set({ selectedId: conns[0].id });
      await get().reattach();
      if (!info.value.keychain.available) {
        push({
          level: 'warning',
          message: `No OS keychain is available${info.value.keychain.reason ? ` (${info.value.keychain.reason})` : ''}: passwords are kept for this run only and asked for when you connect.`,
          ...(info.value.keychain.hint ? { hint: info.value.keychain.hint } : {}),
        });
      }
      set({ phase: 'ready' });
    },

    async reattach() {
      // Main owns consoles and tables (issue 11 item 9): a window that (re)loads takes back the
      // cards and running tables, and opens a workspace for each router that has some.
      const r = await api['app:snapshot']({});
      if (!r.ok) return get().reportError(r.error, 'Reattaching to what runs');
      const { consoles, tables } = r.value;
      get().restoreConsoles(consoles);
      get().restoreTables(tables);
      const known = new Set(get().connections.map((c) => c.id));
      const ids = new Set([...consoles.map((c) => c.connectionId), ...tables.map((t) => t.connectionId)]);
      const open = get()
        .connections.map((c) => c.id)
        .filter((id) => ids.has(id) && known.has(id));
      if (!open.length) return;
      const before = get().activeWorkspaceId;
      for (const id of open) get().openWorkspace(id);
      const selected = get().selectedId;
      const active = before ?? (selected && open.includes(selected) ? selected : open[0]);
      if (active) get().focusWorkspace(active);
    },

    async resync() {
      const [list, links] = await Promise.all([api['connections:list']({}), api['link:states']({})]);
      if (list.ok) get().applyConnections(list.value.connections, []);
      if (links.ok) for (const l of links.value) get().applyLinkState(l);
    },

    notify(level, message, hint, opts) {
      push(hint ? { level, message, hint } : { level, message }, opts);
    },

    reportError(error, context, opts) {
      push(
        {
          level: 'error',
          message: context ? `${context}: ${error.message}` : error.message,
          code: error.code,
          ...(error.hint ? { hint: error.hint } : {}),
        },
        opts,
      );
    },

    dismissNotice(id) {
      set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
    },

    setHelpOpen(open) {
      set({ helpOpen: open });
    },

    async setTheme(theme: ThemeSetting) {
      set((s) => ({ settings: { ...s.settings, theme } }));
      const r = await api['settings:set']({ theme });
      if (!r.ok) get().reportError(r.error, 'Saving the theme');
    },

    setBridgeStatus(s) {
      set({ bridgeStatus: s });
    },
  };
}
