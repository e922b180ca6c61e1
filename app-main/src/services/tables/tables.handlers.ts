import type { Session } from '../../../../protocol/src/index';
import type { BridgeHandlers } from '../../common/contract';
import type { ConnectionStore } from '../connections/connections';
import type { LiveTables } from './live-tables';
import { tableArgs } from './tables';

export type TableCalls = 'table:start' | 'table:stop';

export function tableHandlers(deps: {
  tables: LiveTables;
  connections: ConnectionStore;
  /** The connection's session as live tables use it (NOT_CONNECTED when offline). */
  session: (connectionId: string) => Session;
  checkAlive: () => void;
}): Pick<BridgeHandlers, TableCalls> {
  const { tables, connections, checkAlive } = deps;
  return {
    'table:start': async (args) => {
      checkAlive();
      const v = tableArgs(args);
      connections.get(v.connectionId);
      const session = deps.session(v.connectionId);
      const table = tables.add(v);
      table.start(session);
      return { tableId: table.id };
    },
    'table:stop': async (args) => {
      await tables.stop(args.tableId);
      return { tableId: args.tableId };
    },
  };
}
