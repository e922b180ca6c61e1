import type { BridgeHandlers } from '../../common/contract';
import type { DiscoveryService } from './discovery';

export type DiscoveryCalls = 'discovery:list' | 'discovery:discover';

export function discoveryHandlers(deps: {
  discovery: DiscoveryService;
  checkAlive: () => void;
}): Pick<BridgeHandlers, DiscoveryCalls> {
  const { discovery, checkAlive } = deps;
  return {
    'discovery:list': async () => discovery.state(),
    'discovery:discover': async () => {
      checkAlive();
      return discovery.discover();
    },
  };
}
