/**
 * Test fixtures shared by the bridge, Electron and host tests: one valid argument object per call
 * (typed, so the compiler demands an entry for every channel) and fake handlers that record calls.
 */
import type { BridgeHandlers, CallArgs, CallName, EventListener } from '../../src/common/contract';
import { CALL_CHANNELS } from '../../src/common/channels';
import type { ServicesPort } from '../../src/bridge/services-port';

export const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(
  ':',
);

export const SAMPLE_ARGS: { [K in CallName]: CallArgs<K> } = {
  'app:info': {},
  'app:snapshot': {},
  'settings:get': {},
  'settings:set': { theme: 'dark', tableColumns: { '/interface': ['name', 'type'] } },
  'connections:list': {},
  'connections:save': {
    input: {
      name: 'core-1',
      host: '192.0.2.1',
      port: 8729,
      transport: 'tls-pinned',
      fingerprint256: FINGERPRINT,
      user: 'admin',
      password: 'secret',
    },
  },
  'connections:duplicate': { id: 'c1' },
  'connections:delete': { id: 'c1' },
  'connections:restore': { id: 'c1' },
  'connections:trust': { id: 'c1', fingerprint256: FINGERPRINT },
  'connections:export': { format: 'csv', ids: ['c1'] },
  'connections:import': { fileName: 'routers.csv', content: 'name,host,user\r\ncore-1,192.0.2.1,admin\r\n', format: 'csv' },
  'connections:group': { ids: ['c1'], group: 'site-a' },
  'fleet:list': {},
  'link:connect': { id: 'c1', password: 'for-this-run' },
  'link:disconnect': { id: 'c1' },
  'link:states': {},
  'link:safe-mode': { id: 'c1', action: 'take', takeOver: 'release' },
  'console:send': { connectionId: 'c1', words: ['/interface/print', '?type=ether', '.tag=mine'] },
  'console:cancel': { commandId: 'cmd1' },
  'console:history': { connectionId: 'c1', search: 'print', limit: 50 },
  'console:clear': { connectionId: 'c1' },
  'table:start': {
    connectionId: 'c1',
    path: '/interface',
    query: ['?type=ether'],
    proplist: ['name'],
    mode: 'listen',
    resyncSeconds: 0,
  },
  'table:stop': { tableId: 't1' },
  'trace:get': { connectionId: 'c1', sinceSeq: 10, limit: 100 },
  'trace:export': { connectionId: 'c1', format: 'pcapng' },
  'trace:import': { fileName: 'trace.jsonl', content: '{"seq":1}\n' },
  'trace:clear': { connectionId: 'c1' },
  'trace:close': { connectionId: 'import:1' },
  'complete:children': { connectionId: 'c1', path: ['ip', 'firewall'] },
  'complete:values': { connectionId: 'c1', path: ['ip', 'firewall', 'filter', 'add'], argument: 'action' },
  'tree:compare': { connectionId: 'c1', from: '7.12.2', to: '7.24', path: ['ip', 'firewall'] },
  'broadcast:send': {
    connectionIds: ['c1', 'c2'],
    words: ['/system/identity/print'],
    stopOnFirstError: true,
    confirmed: false,
    timeoutSeconds: 15,
    broadcastId: 'b-ui-1',
  },
  'broadcast:cancel': { broadcastId: 'b-ui-1' },
  'broadcast:continue': { broadcastId: 'b-ui-1' },
  'library:list': {},
  'library:save': {
    id: 'add-address',
    input: {
      name: 'Add an address',
      description: 'One address on one interface',
      sentences: [['/ip/address/add', '=address={{address}}', '=interface={{interface}}']],
      variables: [{ name: 'interface', default: 'ether1', description: 'Where' }],
    },
  },
  'library:delete': { id: 'add-address' },
  'library:import': { files: [{ fileName: 'add-address.json', content: '{}' }] },
  'library:export': { ids: ['add-address'] },
  'library:preview': { id: 'add-address', connectionIds: ['c1'], values: { address: '10.0.0.1/32' } },
  'library:run': {
    id: 'add-address',
    connectionIds: ['c1', 'c2'],
    values: { address: '10.0.0.1/32' },
    confirmed: true,
    stopOnFirstError: false,
    timeoutSeconds: 15,
    broadcastId: 'b-ui-2',
    waves: { size: 1, pauseSeconds: 5, confirmBetween: true, maxFailures: 0 },
  },
  'diff:fetch': {
    connectionIds: ['c1', 'c2'],
    path: '/ip/address',
    query: ['?disabled=false'],
    proplist: ['address', 'interface'],
    timeoutSeconds: 30,
  },
  'replay:plan': { sourceId: 'c1' },
  'replay:cancel': { targetId: 'c1' },
  'replay:run': {
    sourceId: 'c1',
    targetId: 'c2',
    seqs: [3, 7],
    confirmedWrites: [7],
    options: { maxStreamReplies: 5, maxStreamMs: 1000, timeoutMs: 5000, ignoreVolatile: true, strictBooleans: false },
  },
  'repro:export': { connectionId: 'c1', description: 'print shows the wrong MTU' },
  'discovery:list': {},
  'discovery:discover': {},
  'history:list': { connectionId: 'c1' },
  'history:snapshot': { connectionId: 'c1', note: 'before the VLAN change', showSensitive: false, kind: 'export' },
  'history:diff': { a: 's1', b: 's2' },
  'history:delete': { id: 's1' },
  'form:menu': { connectionId: 'c1', path: '/ip/address' },
  'form:describe': {
    connectionId: 'c1',
    path: '/ip/address',
    action: 'edit',
    row: { address: '10.0.0.1/24', interface: 'ether1' },
  },
  'form:build': {
    connectionId: 'c1',
    path: '/ip/address',
    action: 'edit',
    ids: ['*1'],
    values: { address: '10.0.0.2/24', comment: '' },
    original: { address: '10.0.0.1/24', comment: 'old' },
    extra: [{ name: 'network', value: '10.0.0.0' }],
  },
  'form:send': { connectionId: 'c1', path: '/interface', action: 'comment', ids: ['*1', '*2'], comment: 'uplinks' },
};

export interface RecordedCall {
  channel: CallName;
  args: unknown;
}

export interface FakeServices extends ServicesPort {
  calls: RecordedCall[];
  /** Pushes an event to every subscriber, as the services would. */
  emit: EventListener;
  listeners: Set<EventListener>;
  disposed: number;
  /** Replace a handler's behaviour. */
  behave(channel: CallName, fn: (args: unknown) => Promise<unknown>): void;
  /** Windows attached now (`attachWindow` minus its detaches). */
  windows: number;
  /** Called after every attach and detach with the new count. */
  onWindows?: (count: number) => void;
}

/** Every handler answers `{ channel, args }` unless told otherwise. */
export function fakeServices(): FakeServices {
  const calls: RecordedCall[] = [];
  const behaviour = new Map<CallName, (args: unknown) => Promise<unknown>>();
  const listeners = new Set<EventListener>();
  const handlers = Object.fromEntries(
    CALL_CHANNELS.map((channel) => [
      channel,
      async (args: unknown) => {
        calls.push({ channel, args });
        const fn = behaviour.get(channel);
        return fn ? fn(args) : { channel, args };
      },
    ]),
  ) as unknown as BridgeHandlers;
  const services: FakeServices = {
    handlers,
    calls,
    listeners,
    disposed: 0,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      services.disposed++;
    },
    windows: 0,
    attachWindow() {
      services.windows++;
      services.onWindows?.(services.windows);
      let attached = true;
      return () => {
        if (!attached) return;
        attached = false;
        services.windows--;
        services.onWindows?.(services.windows);
      };
    },
    emit: (event, payload) => {
      for (const l of listeners) l(event, payload);
    },
    behave(channel, fn) {
      behaviour.set(channel, fn);
    },
  };
  return services;
}
