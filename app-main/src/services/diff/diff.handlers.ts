import type { BridgeHandlers } from '../../common/contract';
import type { DiffService } from './diff';

export type DiffCalls = 'diff:fetch';

export function diffHandlers(deps: { diff: DiffService; checkAlive: () => void }): Pick<BridgeHandlers, DiffCalls> {
  const { diff, checkAlive } = deps;
  return {
    'diff:fetch': async (args) => {
      checkAlive();
      return diff.fetch(args);
    },
  };
}
