import type { BridgeHandlers } from '../../common/contract';
import type { ConnectionStore } from '../connections/connections';
import { exportTrace, type TraceMeta } from './trace-export';
import type { Traces } from './traces';

export type TraceCalls = 'trace:get' | 'trace:export' | 'trace:import' | 'trace:close' | 'trace:clear';

export interface TraceHandlerDeps {
  traces: Traces;
  connections: ConnectionStore;
  appVersion: string;
  now: () => number;
  checkAlive: () => void;
}

/** The Trace tab's calls: a router's or an imported file's trace, export, import, close, clear. */
export function traceHandlers(deps: TraceHandlerDeps): Pick<BridgeHandlers, TraceCalls> {
  const { traces, connections, appVersion, now, checkAlive } = deps;

  const traceMeta = (connectionId: string): TraceMeta => {
    const exportedAt = new Date(now()).toISOString();
    const imp = traces.importedTrace(connectionId);
    if (imp) return { name: imp.name, host: imp.host, port: imp.port, transport: imp.transport, appVersion, exportedAt };
    const c = connections.get(connectionId);
    return { name: c.name, host: c.host, port: c.port, transport: c.transport, appVersion, exportedAt };
  };

  return {
    'trace:get': async (args) => {
      return traces.bufferFor(args.connectionId).snapshot(args.sinceSeq ?? 0, args.limit ?? 5000);
    },
    'trace:export': async (args) => {
      const { connectionId, format } = args;
      const buffer = traces.bufferFor(connectionId);
      return exportTrace(buffer, format, traceMeta(connectionId));
    },
    'trace:import': async (args) => {
      checkAlive();
      return traces.import(args.fileName, args.content);
    },
    'trace:close': async (args) => {
      // Only imported traces close (the schema refuses other ids).
      const connectionId = args.connectionId;
      return { connectionId, closed: traces.close(connectionId) };
    },
    'trace:clear': async (args) => {
      const connectionId = args.connectionId;
      traces.clear(connectionId);
      return { connectionId };
    },
  };
}
