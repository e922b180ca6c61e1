import type { BridgeHandlers } from '../../common/contract';
import type { ConnectionStore } from '../connections/connections';
import { redactTextWords } from '../traces/redact';
import type { ConsoleService } from './console';
import type { ConsoleCards } from './console-cards';
import { HistoryStore } from './history';

export type ConsoleCalls = 'console:send' | 'console:clear' | 'console:cancel' | 'console:history';

export function consoleHandlers(deps: {
  console: ConsoleService;
  cards: ConsoleCards;
  history: HistoryStore;
  connections: ConnectionStore;
  now: () => number;
  checkAlive: () => void;
}): Pick<BridgeHandlers, ConsoleCalls> {
  const { console: consoleService, cards, history, connections, now, checkAlive } = deps;
  return {
    'console:send': async (args) => {
      checkAlive();
      const ref = await consoleService.send(args);
      // Registered before any reply can be flushed: replies go out on a later macrotask.
      cards.started(args.connectionId, ref.commandId, ref.tag, redactTextWords(args.words, 'out'), now());
      return ref;
    },
    'console:clear': async ({ connectionId }) => ({ connectionId, cleared: cards.clear(connectionId) }),
    'console:cancel': async (args) => consoleService.cancel(args.commandId),
    'console:history': async ({ connectionId, search, limit }) => {
      connections.get(connectionId);
      if (!HistoryStore.isSafeId(connectionId)) return [];
      return history.list(connectionId, search, limit ?? 100);
    },
  };
}
