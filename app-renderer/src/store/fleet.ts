import type { ConnectionsFileFormat, FleetKnown } from '../../../app-main/src/common/contract';
import type { SliceContext } from './context';
import type { FleetActions, FleetState, FleetView } from './fleet-types';

/**
 * Routers connected when a window opens get a workspace each up to this many (a reload keeps a
 * few open routers as they were); past it the window opens on the Fleet view: a thousand routers
 * are not a thousand tabs (issue 15, "Scale").
 */
export const AUTO_WORKSPACES = 12;

export function emptyFleet(): FleetView {
  return { known: {}, sort: { column: 'name', dir: 'asc' }, filter: '', status: 'all', selected: [], background: {} };
}

/** How the fleet's bulk actions report: one notice at the end, not one per router. */
function summary(verb: string, ok: number, total: number, failed: string[]): string {
  const base = `${verb} ${ok} of ${total} router${total === 1 ? '' : 's'}`;
  if (!failed.length) return `${base}.`;
  const shown = failed.slice(0, 3).join(', ');
  return `${base}; not: ${shown}${failed.length > 3 ? ` and ${failed.length - 3} more` : ''} (see the Status column).`;
}

/**
 * The fleet view (issue 15): last known values, sort, filter and selection, and the bulk actions
 * on the selection. The rows themselves are derived where they are shown (lib/fleet.ts).
 */
export function fleetSlice({ set, get, api, download }: SliceContext): FleetState & FleetActions {
  const upd = (fn: (f: FleetView) => FleetView) => set((s) => ({ fleet: fn(s.fleet) }));
  const nameOf = (id: string) => get().connections.find((c) => c.id === id)?.name ?? id;

  return {
    fleet: emptyFleet(),

    adoptFleet(states) {
      const online = states.filter((l) => l.status === 'online' && !get().workspaces.some((w) => w.id === l.connectionId));
      if (online.length <= AUTO_WORKSPACES) return;
      upd((f) => {
        const background = { ...f.background };
        for (const l of online) background[l.connectionId] = true;
        return { ...f, background };
      });
      get().openTool('fleet');
    },

    async loadFleet() {
      const r = await api['fleet:list']({});
      if (!r.ok) return get().reportError(r.error, 'Reading the fleet');
      const known: Record<string, FleetKnown> = {};
      for (const k of r.value) known[k.connectionId] = k;
      upd((f) => ({ ...f, known }));
    },

    setFleetFilter(patch) {
      upd((f) => ({ ...f, ...patch }));
    },

    sortFleetBy(column) {
      upd((f) => ({
        ...f,
        sort: f.sort.column === column ? { column, dir: f.sort.dir === 'asc' ? 'desc' : 'asc' } : { column, dir: 'asc' },
      }));
    },

    selectFleetRow(id, mode, order) {
      upd((f) => {
        if (mode === 'only') return { ...f, selected: [id], anchor: id };
        if (mode === 'toggle')
          return {
            ...f,
            selected: f.selected.includes(id) ? f.selected.filter((x) => x !== id) : [...f.selected, id],
            anchor: id,
          };
        const a = f.anchor !== undefined ? order.indexOf(f.anchor) : -1;
        const b = order.indexOf(id);
        if (a < 0 || b < 0) return { ...f, selected: [id], anchor: id };
        const [from, to] = a < b ? [a, b] : [b, a];
        return { ...f, selected: order.slice(from, to + 1) };
      });
    },

    setFleetSelection(ids) {
      upd((f) => ({ ...f, selected: [...new Set(ids)] }));
    },

    async connectMany(ids) {
      const total = ids.length;
      if (!total) return;
      let done = 0;
      upd((f) => {
        const background = { ...f.background };
        for (const id of ids) background[id] = true;
        return { ...f, background, progress: { verb: 'Connecting', done: 0, total } };
      });
      // All asked at once: main lets CONNECT_CONCURRENCY of them connect at a time
      // (docs/main-process.md, "Connecting many routers"); the rest wait there, not here.
      const failed: string[] = [];
      await Promise.all(
        ids.map(async (id) => {
          const r = await api['link:connect']({ id });
          if (r.ok) get().applyLinkState(r.value);
          if (!r.ok || r.value.status !== 'online') failed.push(nameOf(id));
          done++;
          // Progress redrawn at most every 1 % of the routers: 1,000 answers are not 1,000 renders.
          if (done === total || done % Math.max(1, Math.floor(total / 100)) === 0)
            upd((f) => ({ ...f, progress: { verb: 'Connecting', done, total } }));
        }),
      );
      upd((f) => ({ ...f, progress: undefined }));
      get().notify(failed.length ? 'warning' : 'info', summary('Connected', total - failed.length, total, failed));
    },

    async disconnectMany(ids) {
      const total = ids.length;
      if (!total) return;
      let done = 0;
      upd((f) => ({ ...f, progress: { verb: 'Disconnecting', done: 0, total } }));
      const failed: string[] = [];
      await Promise.all(
        ids.map(async (id) => {
          const r = await api['link:disconnect']({ id });
          if (r.ok) get().applyLinkState(r.value);
          else failed.push(nameOf(id));
          done++;
          if (done === total || done % Math.max(1, Math.floor(total / 100)) === 0)
            upd((f) => ({ ...f, progress: { verb: 'Disconnecting', done, total } }));
        }),
      );
      upd((f) => ({ ...f, progress: undefined }));
      if (failed.length) get().notify('warning', summary('Disconnected', total - failed.length, total, failed));
      // What was last seen of them is now what the fleet shows.
      await get().loadFleet();
    },

    fleetTo(tool, ids) {
      if (tool === 'broadcast') set((s) => ({ broadcast: { ...s.broadcast, selected: [...ids], fieldErrors: {} } }));
      else set((s) => ({ diff: { ...s.diff, selected: [...ids], fieldErrors: {} } }));
      get().openTool(tool);
    },

    async moveToGroup(ids, group) {
      const r = await api['connections:group']({ ids, group: group.trim() });
      if (!r.ok) {
        get().reportError(r.error, 'Moving to a group');
        return false;
      }
      const moved = new Set(ids);
      set((s) => ({ connections: s.connections.map((c) => (moved.has(c.id) ? { ...c, group: r.value.group } : c)) }));
      get().notify(
        'info',
        r.value.group
          ? `Moved ${ids.length} router${ids.length === 1 ? '' : 's'} to ${r.value.group}.`
          : `Took ${ids.length} router${ids.length === 1 ? '' : 's'} out of their group.`,
      );
      return true;
    },

    async exportConnections(format: ConnectionsFileFormat, ids?: string[]) {
      const r = await api['connections:export'](ids ? { format, ids } : { format });
      if (!r.ok) return get().reportError(r.error, 'Exporting connections');
      // Through the download seam: a Blob link works in Electron and the browser host alike.
      download(r.value.fileName, r.value.mime, r.value.content);
      get().notify(
        'info',
        `Exported ${r.value.count} connection${r.value.count === 1 ? '' : 's'} (no passwords) as ${r.value.fileName}.`,
      );
    },

    async importConnections(fileName, content) {
      const r = await api['connections:import']({ fileName, content });
      if (!r.ok) return get().reportError(r.error, `Importing ${fileName}`);
      const { imported, skipped } = r.value;
      get().notify(
        'info',
        `Imported ${imported.length} connection${imported.length === 1 ? '' : 's'} from ${fileName}` +
          (skipped ? `; ${skipped} already saved were left as they are.` : '.') +
          (imported.length ? ' Passwords are not in the file: set them with Edit, or enter them when connecting.' : ''),
      );
      // The list arrives with connections:changed; ask too, in case this window missed it.
      await get().resync();
    },
  };
}
