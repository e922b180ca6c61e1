import type { BridgeHandlers } from '../../common/contract';
import type { HistoryService } from './history';

export type HistoryCalls = 'history:list' | 'history:snapshot' | 'history:diff' | 'history:delete';

export function historyHandlers(deps: { history: HistoryService; checkAlive: () => void }): Pick<BridgeHandlers, HistoryCalls> {
  const { history, checkAlive } = deps;
  return {
    'history:list': async (args) => {
      checkAlive();
      return history.list(args.connectionId);
    },
    'history:snapshot': async (args) => {
      checkAlive();
      return history.take(args);
    },
    'history:diff': async (args) => {
      checkAlive();
      return history.diff(args.a, args.b);
    },
    'history:delete': async (args) => {
      checkAlive();
      return history.delete(args.id);
    },
  };
}
