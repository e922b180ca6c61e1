import { waitFor } from '@testing-library/react';
import type { Api, CallName, Result } from '../../app-main/src/common/contract';
import { createFakeApi, type FakeOptions } from '../src/bridge/fake';
import { createAppStore, type StoreOptions } from '../src/store';
import { bindBridgeEvents } from '../src/store/events';

/** A store wired to a fresh fake bridge, initialised; batches on the next macrotask. */
export async function setup(opts: FakeOptions & StoreOptions = {}) {
  const { api, backend } = createFakeApi({ batchMs: 0, ...opts });
  const downloads: { fileName: string; mime: string; data: string | Uint8Array }[] = [];
  const store = createAppStore(api, {
    download: (fileName, mime, data) => downloads.push({ fileName, mime, data }),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const unbind = bindBridgeEvents(api, store);
  await store.getState().init();
  return { api, backend, store, downloads, unbind, s: () => store.getState() };
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

export async function until(check: () => void): Promise<void> {
  await waitFor(check, { timeout: 3000 });
}
