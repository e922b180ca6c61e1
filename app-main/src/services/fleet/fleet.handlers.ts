import type { BridgeHandlers } from '../../common/contract';
import type { ConnectionStore } from '../connections/connections';
import type { FleetStore } from './fleet';
import { exportConnections, formatOf, importRefused, parseConnectionsFile } from './transfer';

export type FleetCalls = 'connections:export' | 'connections:import' | 'connections:group' | 'fleet:list';

export function fleetHandlers(deps: {
  connections: ConnectionStore;
  fleet: FleetStore;
  now: () => number;
  checkAlive: () => void;
}): Pick<BridgeHandlers, FleetCalls> {
  const { connections, fleet, checkAlive } = deps;
  return {
    'connections:export': async (args) => {
      const all = connections.snapshot().connections;
      let list = all;
      if (args.ids) {
        for (const id of args.ids) connections.get(id); // NOT_FOUND first
        const wanted = new Set(args.ids);
        list = all.filter((c) => wanted.has(c.id));
      }
      const content = exportConnections(list, args.format);
      const stamp = new Date(deps.now()).toISOString().slice(0, 10);
      return {
        fileName: `tikscope-connections-${stamp}.${args.format}`,
        mime: args.format === 'csv' ? 'text/csv' : 'application/json',
        content,
        count: list.filter((c) => !c.demo).length,
      };
    },
    'connections:import': async (args) => {
      checkAlive();
      const format = args.format ?? formatOf(args.fileName, args.content);
      const parsed = parseConnectionsFile(args.content, format);
      if (!parsed.ok) throw importRefused(args.fileName, parsed.problems);
      return connections.addMany(parsed.inputs);
    },
    'connections:group': async (args) => {
      checkAlive();
      await connections.setGroup(args.ids, args.group);
      return { ids: args.ids, group: args.group };
    },
    'fleet:list': async () => fleet.list(connections.snapshot().connections.map((c) => c.id)),
  };
}
