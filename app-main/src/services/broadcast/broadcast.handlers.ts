import type { BridgeHandlers } from '../../common/contract';
import type { BroadcastService } from './broadcast';

export type BroadcastCalls = 'broadcast:send' | 'broadcast:cancel' | 'broadcast:continue';

export function broadcastHandlers(deps: {
  broadcast: BroadcastService;
  checkAlive: () => void;
}): Pick<BridgeHandlers, BroadcastCalls> {
  const { broadcast, checkAlive } = deps;
  return {
    'broadcast:send': async (args) => {
      checkAlive();
      return broadcast.send(args);
    },
    'broadcast:cancel': async (args) => {
      checkAlive();
      return broadcast.cancel(args);
    },
    'broadcast:continue': async (args) => {
      checkAlive();
      return broadcast.continue(args);
    },
  };
}
