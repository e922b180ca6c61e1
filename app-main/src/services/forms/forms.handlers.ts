import type { BridgeHandlers } from '../../common/contract';
import type { ConnectionStore } from '../connections/connections';
import type { FormsService } from './forms';

export type FormCalls = 'form:menu' | 'form:describe' | 'form:build' | 'form:send';

export function formHandlers(deps: {
  forms: FormsService;
  connections: ConnectionStore;
  checkAlive: () => void;
}): Pick<BridgeHandlers, FormCalls> {
  const { forms, connections, checkAlive } = deps;
  return {
    'form:menu': async (args) => {
      checkAlive();
      connections.get(args.connectionId); // NOT_FOUND for unknown ids
      return forms.menu(args.connectionId, args.path);
    },
    'form:describe': async (args) => {
      checkAlive();
      connections.get(args.connectionId);
      return forms.describe(args.connectionId, args.path, args.action, args.row);
    },
    'form:build': async (args) => {
      checkAlive();
      connections.get(args.connectionId);
      return forms.build(args);
    },
    'form:send': async (args) => {
      checkAlive();
      connections.get(args.connectionId);
      return forms.send(args);
    },
  };
}
