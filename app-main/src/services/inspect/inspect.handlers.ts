import type { BridgeHandlers } from '../../common/contract';
import type { ConnectionStore } from '../connections/connections';
import type { InspectService } from './inspect';
import { compareShippedTrees } from './tree-compare';
import type { CommandTreeSet } from '../../../../protocol/src/tree/index';

export type InspectCalls = 'complete:children' | 'complete:values' | 'tree:compare';

export function inspectHandlers(deps: {
  inspect: InspectService;
  connections: ConnectionStore;
  checkAlive: () => void;
  trees: () => CommandTreeSet;
  /** RouterOS version of a connected router ('' when not connected or unknown). */
  routerVersion: (connectionId: string) => string;
}): Pick<BridgeHandlers, InspectCalls> {
  const { inspect, connections, checkAlive } = deps;
  return {
    'tree:compare': async (args) => {
      checkAlive();
      if (args.connectionId !== undefined) connections.get(args.connectionId);
      const routerVersion = args.connectionId !== undefined ? deps.routerVersion(args.connectionId) : '';
      return compareShippedTrees(deps.trees(), { ...args, routerVersion });
    },
    'complete:children': async (args) => {
      checkAlive();
      connections.get(args.connectionId); // NOT_FOUND for unknown ids
      return inspect.children(args.connectionId, args.path);
    },
    'complete:values': async (args) => {
      checkAlive();
      connections.get(args.connectionId);
      return inspect.values(args.connectionId, args.path, args.argument);
    },
  };
}
