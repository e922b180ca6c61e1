import type { CallName } from '../../../app-main/src/common/contract';

/**
 * Every call of the contract. Written as a record so the compiler fails here when the contract
 * gains or loses a call — the host client and the fake then cannot silently miss one.
 */
const ALL: Record<CallName, true> = {
  'app:info': true,
  'app:snapshot': true,
  'settings:get': true,
  'settings:set': true,
  'connections:list': true,
  'connections:save': true,
  'connections:duplicate': true,
  'connections:delete': true,
  'connections:restore': true,
  'connections:trust': true,
  'link:connect': true,
  'link:disconnect': true,
  'link:states': true,
  'console:send': true,
  'console:cancel': true,
  'console:history': true,
  'console:clear': true,
  'table:start': true,
  'table:stop': true,
  'trace:get': true,
  'trace:export': true,
  'trace:import': true,
  'trace:clear': true,
  'trace:close': true,
  'complete:children': true,
  'complete:values': true,
  'broadcast:send': true,
  'broadcast:cancel': true,
  'diff:fetch': true,
  'replay:plan': true,
  'replay:run': true,
  'replay:cancel': true,
  'repro:export': true,
};

export const CALL_NAMES = Object.keys(ALL) as CallName[];
