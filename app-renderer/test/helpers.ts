import { waitFor } from '@testing-library/react';
import { afterEach } from 'vitest';
import type { Api, CallName, Result } from '../../app-main/src/common/contract';
import { createAppStore, type StoreOptions } from '../src/store';
import { bindBridgeEvents } from '../src/store/events';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/src/index';
import { createInProcessBridge, type InProcessBridge, type InProcessOptions } from './inprocess-bridge';

const open: InProcessBridge[] = [];
const sims: Simulator[] = [];

/** Every bridge and router a test made is closed after it: services disposed, data dir gone. */
afterEach(async () => {
  for (const b of open.splice(0)) await b.close();
  for (const s of sims.splice(0)) await s.close();
});

/** Another simulated router on loopback (user admin), closed after the test. */
export async function router(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ activity: false, ...options });
  sims.push(sim);
  return sim;
}

/** The real services and a simulated Demo router in this process (closed after the test). */
export async function inProcess(opts: InProcessOptions = {}): Promise<InProcessBridge> {
  const bridge = await createInProcessBridge(opts);
  open.push(bridge);
  return bridge;
}

/** A store wired to a fresh in-process bridge, initialised. */
export async function setup(opts: InProcessOptions & StoreOptions & { api?: (api: Api) => Api } = {}) {
  const bridge = await inProcess(opts);
  const api = opts.api ? opts.api(bridge.api) : bridge.api;
  const downloads: { fileName: string; mime: string; data: string | Uint8Array }[] = [];
  const store = createAppStore(api, {
    download: (fileName, mime, data) => downloads.push({ fileName, mime, data }),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const unbind = bindBridgeEvents(api, store);
  await store.getState().init();
  return { api, bridge, store, downloads, unbind, s: () => store.getState() };
}

/** Wraps an Api so that one call's answer can be held back or replaced (race tests). */
export function interceptApi(
  api: Api,
  channel: CallName,
  wrap: (real: () => Promise<Result<unknown>>, args: unknown) => Promise<Result<unknown>>,
): Api {
  const copy = { ...api } as Record<string, unknown>;
  const real = (api as unknown as Record<string, (a: unknown) => Promise<Result<unknown>>>)[channel] as (
    a: unknown,
  ) => Promise<Result<unknown>>;
  copy[channel] = (args: unknown) => wrap(() => real(args), args);
  copy.on = api.on;
  return copy as unknown as Api;
}

export async function until(check: () => void | Promise<void>, timeout = 5000): Promise<void> {
  await waitFor(check, { timeout });
}
