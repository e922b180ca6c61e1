/**
 * Timers without depending on Node or DOM typings: every host Tikscope runs on (Node, Electron,
 * browsers) has setTimeout/clearTimeout on globalThis. Injectable for tests.
 */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const host = globalThis as unknown as {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const hostTimers: Timers = {
  set: (callback, ms) => host.setTimeout(callback, ms),
  clear: (handle) => host.clearTimeout(handle),
};
