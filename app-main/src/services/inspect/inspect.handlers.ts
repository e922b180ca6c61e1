import type { BridgeHandlers } from '../../common/contract';
import type { ConnectionStore } from '../connections/connections';
import type { InspectService } from './inspect';

export type InspectCalls = 'complete:children' | 'complete:values';

export function inspectHandlers(deps: {
  inspect: InspectService;
  connections: ConnectionStore;
  checkAlive: () => void;
}): Pick<BridgeHandlers, InspectCalls> {
  const { inspect, connections, checkAlive } = deps;
  return {
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
