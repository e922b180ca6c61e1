/**
 * The renderer's bridge for its tests, in this process: the real services (createServices) behind
 * the real `dispatch`, with simulated routers (startSimulator) on loopback — what Electron's preload
 * and ipcMain carry, minus the IPC. No second model of RouterOS or of the services: what the
 * renderer sees here is what the app shows (issue 12 item 1).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../../app-main/src/bridge/dispatch';
import { CALL_CHANNELS } from '../../app-main/src/common/channels';
import type { Api, BridgeEvents, CallName, EventName, Result, TransportKind } from '../../app-main/src/common/contract';
import { CONNECTIONS_FILE } from '../../app-main/src/services/connections/connections';
import { DEMO_PASSWORD, DEMO_USER } from '../../app-main/src/services/links/demo';
import {
  createServices,
  KeychainUnavailableError,
  MemoryCredentialStore,
  toBridgeError,
  type LinkTimings,
  type Services,
  type ServicesOptions,
} from '../../app-main/src/services/index';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/src/index';
import { FAST_TIMINGS } from '../../app-main/src/services/test-support/helpers';

/** A saved connection in the test's data directory before the services start. */
export interface SeedConnection {
  id: string;
  name: string;
  host?: string;
  port?: number;
  transport?: TransportKind;
  user?: string;
  fingerprint256?: string;
  group?: string;
  demo?: boolean;
  /** Put in the (in-memory) keychain. */
  password?: string;
}

export interface InProcessOptions {
  /** Saved connections (default: the Demo router with id `demo`). */
  connections?: SeedConnection[];
  /** The OS keychain is missing (the services then keep passwords for this run only). */
  keychain?: boolean;
  /** The Demo router (default: a simulator started for this bridge, closed with it). */
  demo?: Simulator;
  timings?: Partial<LinkTimings>;
  services?: Partial<ServicesOptions>;
}

export interface InProcessBridge {
  api: Api;
  services: Services;
  /** The Demo router. */
  demo: Simulator;
  /** The keychain (a stored password is here under the connection's id). */
  keychain: MemoryCredentialStore;
  /** Every call the renderer made, in order (for "nothing was sent" checks). */
  calls: { channel: CallName; args: unknown }[];
  /** Delivers an event to the renderer as main would (races and payloads the services send rarely). */
  deliver<E extends EventName>(event: E, payload: BridgeEvents[E]): void;
  close(): Promise<void>;
}

export const DEMO_CONNECTION: SeedConnection = { id: 'demo', name: 'Demo router', demo: true };

/** A Demo-router simulator as the services start it (defaultDemoRouter), without background activity. */
export function startDemoRouter(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({
    user: DEMO_USER,
    password: DEMO_PASSWORD,
    identity: 'Tikscope Demo',
    activity: false,
    ...options,
  });
}

/** A saved connection to a running simulator (plain API, user admin). */
export function routerConnection(id: string, name: string, sim: Simulator, password = ''): SeedConnection {
  return { id, name, host: sim.host, port: sim.port as number, user: 'admin', password };
}

export async function createInProcessBridge(opts: InProcessOptions = {}): Promise<InProcessBridge> {
  const dir = mkdtempSync(join(tmpdir(), 'tikscope-renderer-'));
  const ownDemo = !opts.demo;
  const demo = opts.demo ?? (await startDemoRouter());
  const seeds = opts.connections ?? [DEMO_CONNECTION];
  const at = new Date(0).toISOString();
  writeFileSync(
    join(dir, CONNECTIONS_FILE),
    JSON.stringify({
      version: 1,
      connections: seeds.map((c) => ({
        id: c.id,
        name: c.name,
        host: c.host ?? '127.0.0.1',
        port: c.port ?? 8728,
        transport: c.transport ?? 'plain',
        ...(c.fingerprint256 ? { fingerprint256: c.fingerprint256 } : {}),
        user: c.user ?? 'admin',
        group: c.group ?? '',
        encoding: 'utf-8',
        notes: '',
        passwordInKeychain: c.password !== undefined,
        ...(c.demo ? { demo: true } : {}),
        createdAt: at,
        updatedAt: at,
      })),
    }),
  );
  const keychain =
    opts.keychain === false
      ? new MemoryCredentialStore(new KeychainUnavailableError('no-secret-service', 'No Secret Service is running.'))
      : new MemoryCredentialStore();
  for (const c of seeds) if (c.password !== undefined && opts.keychain !== false) keychain.items.set(c.id, c.password);

  const services = await createServices({
    dataDir: dir,
    host: 'browser',
    appVersion: 'test',
    credentialStore: keychain,
    // Short time-outs and a quick backoff for loopback routers, as the services' own tests use.
    timings: { ...FAST_TIMINGS, ...opts.timings },
    batchIntervalMs: 5,
    demoRouter: async () => ({
      host: demo.host,
      port: demo.port as number,
      user: DEMO_USER,
      password: DEMO_PASSWORD,
      stop: async () => undefined,
    }),
    ...opts.services,
  });
  const detach = services.attachWindow();

  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const deliver = (event: EventName, payload: unknown) => {
    const set = listeners.get(event);
    // A structured clone, as Electron's IPC makes one: the renderer never shares main's objects.
    if (set) for (const l of [...set]) l(structuredClone(payload));
  };
  const unsubscribe = services.subscribe(deliver);
  const calls: InProcessBridge['calls'] = [];
  const api: Record<string, unknown> = {
    on(event: EventName, listener: (p: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  for (const channel of CALL_CHANNELS) {
    api[channel] = async (args: unknown): Promise<Result<unknown>> => {
      calls.push({ channel, args });
      const r = await dispatch(services.handlers, channel, structuredClone(args), { toBridgeError });
      return structuredClone(r);
    };
  }

  let closed = false;
  return {
    api: api as unknown as Api,
    services,
    demo,
    keychain,
    calls,
    deliver: deliver as InProcessBridge['deliver'],
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      detach();
      await services.dispose();
      if (ownDemo) await demo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Changes a row of a simulated router as its CLI would (listeners see it like an API change). */
export function setRow(sim: Simulator, path: string, name: string, values: Record<string, string>): void {
  const menu = sim.menu(path);
  const item = menu.findByName(name);
  if (!item) throw new Error(`no ${name} in ${path}`);
  menu.set(item, values);
}

/** Removes a row of a simulated router by name. */
export function removeRow(sim: Simulator, path: string, name: string): void {
  const menu = sim.menu(path);
  const item = menu.findByName(name);
  if (!item) throw new Error(`no ${name} in ${path}`);
  menu.remove(item);
}
