/**
 * The channel lists of the bridge (design.md §3), declared once for both sides: the preload builds
 * one function per call from `CALL_CHANNELS`, the ipcMain wiring registers one handler per call,
 * the dispatcher (so the browser host) accepts exactly these names, and the renderer's host client
 * builds its `Api` from the same list. Each list comes from an object literal checked with
 * `satisfies Record<…, true>`: a channel added to the contract and missing here (or a stray one
 * here) is a compile error, so the lists cannot drift from the contract.
 *
 * The one file of app-main/src/common the renderer may load at run time (eslint.config.js): plain
 * constants and two functions, no runtime imports. The sandboxed preload bundles it too and may
 * `require` only `electron` (engineering-notes §2.1, "Sandboxed preload limits").
 */
import type { CallName, EventName } from './contract';

const CALLS = {
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
  'connections:export': true,
  'connections:import': true,
  'connections:group': true,
  'fleet:list': true,
  'link:connect': true,
  'link:disconnect': true,
  'link:states': true,
  'link:safe-mode': true,
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
  'tree:compare': true,
  'broadcast:send': true,
  'broadcast:cancel': true,
  'broadcast:continue': true,
  'library:list': true,
  'library:save': true,
  'library:delete': true,
  'library:import': true,
  'library:export': true,
  'library:preview': true,
  'library:run': true,
  'diff:fetch': true,
  'replay:plan': true,
  'replay:run': true,
  'replay:cancel': true,
  'repro:export': true,
  'discovery:list': true,
  'discovery:discover': true,
  'history:list': true,
  'history:snapshot': true,
  'history:diff': true,
  'history:delete': true,
  'form:menu': true,
  'form:describe': true,
  'form:build': true,
  'form:send': true,
} as const satisfies Record<CallName, true>;

const EVENTS = {
  'connections:changed': true,
  'link:state': true,
  'console:replies': true,
  'console:end': true,
  'table:patch': true,
  'trace:entries': true,
  'app:notice': true,
  'replay:progress': true,
  'broadcast:progress': true,
  'discovery:changed': true,
  'broadcast:wave': true,
} as const satisfies Record<EventName, true>;

export const CALL_CHANNELS: readonly CallName[] = Object.freeze(Object.keys(CALLS) as CallName[]);
export const EVENT_NAMES: readonly EventName[] = Object.freeze(Object.keys(EVENTS) as EventName[]);

/**
 * Own-property lookup only: a channel string from the renderer such as `__proto__` or
 * `toString` must not match something inherited from `Object.prototype`.
 */
export function isCallName(value: unknown): value is CallName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CALLS, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENTS, value);
}
