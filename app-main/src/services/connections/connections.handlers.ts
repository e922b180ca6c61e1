import type { BridgeHandlers } from '../../common/contract';
import type { Links } from '../links/links';
import type { ConnectionStore } from './connections';

export type ConnectionCalls =
  | 'connections:list'
  | 'connections:save'
  | 'connections:duplicate'
  | 'connections:delete'
  | 'connections:restore'
  | 'connections:trust';

export function connectionHandlers(deps: {
  connections: ConnectionStore;
  links: Links;
  /** A deleted connection's consoles, trace and completion cache go too. */
  forget: (connectionId: string) => void;
  checkAlive: () => void;
}): Pick<BridgeHandlers, ConnectionCalls> {
  const { connections, links, checkAlive } = deps;
  return {
    'connections:list': async () => connections.snapshot(),
    'connections:save': async (args) => {
      checkAlive();
      const saved = await connections.save(args.id, args.input);
      links.get(saved.id)?.refresh();
      return saved;
    },
    'connections:duplicate': async (args) => {
      checkAlive();
      return connections.duplicate(args.id);
    },
    'connections:delete': async (args) => {
      checkAlive();
      const id = args.id;
      connections.get(id); // NOT_FOUND first
      await links.remove(id, 'the connection was deleted');
      await connections.delete(id);
      deps.forget(id);
      return { id };
    },
    'connections:restore': async (args) => {
      checkAlive();
      return connections.restore(args.id);
    },
    'connections:trust': async (args) => {
      checkAlive();
      const saved = await connections.trust(args.id, args.fingerprint256);
      links.get(saved.id)?.refresh();
      return saved;
    },
  };
}
