import type { Api } from '../../../app-main/src/common/contract';
import type { AppStore } from './index';

/**
 * The one place where bridge events enter the store (engineering-notes §1.5). Components never
 * subscribe to the bridge themselves, so every event is applied exactly once, in order.
 */
export function bindBridgeEvents(api: Api, store: AppStore): () => void {
  const s = () => store.getState();
  const offs = [
    api.on('connections:changed', (snap) => s().applyConnections(snap.connections, snap.notices)),
    api.on('link:state', (state) => s().applyLinkState(state)),
    api.on('console:replies', (batch) => s().applyConsoleReplies(batch)),
    api.on('console:end', (end) => s().applyConsoleEnd(end)),
    api.on('table:patch', (patch) => s().applyTablePatch(patch)),
    api.on('trace:entries', ({ connectionId, entries }) => s().applyTraceEntries(connectionId, entries)),
    api.on('app:notice', (n) => s().notify(n.level, n.message)),
    api.on('replay:progress', (p) => s().applyReplayProgress(p)),
    api.on('broadcast:progress', (p) => s().applyBroadcastProgress(p)),
    api.on('discovery:changed', (state) => s().applyDiscovery(state)),
    api.on('broadcast:wave', (p) => s().applyBroadcastWaves(p)),
  ];
  return () => {
    for (const off of offs) off();
  };
}
