import { createContext, useContext, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { AppStore } from './store';
import { bridgeFailure } from './store/context';
import type { AppStoreState } from './store/types';

export const StoreContext = createContext<AppStore | null>(null);

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside <StoreContext.Provider>');
  return store;
}

/** Selects from the app store; pick single values or wrap multi-field picks in useShallow. */
export function useApp<T>(selector: (s: AppStoreState) => T): T {
  return useStore(useAppStore(), selector);
}

/** Runs a store action from an event handler; a thrown bug becomes a visible notice, never an uncaught rejection. */
export function useRun(): (p: Promise<unknown>) => void {
  const store = useAppStore();
  return (p) => {
    p.catch((e: unknown) => store.getState().reportError(bridgeFailure(e)));
  };
}

/** The current time, refreshed every `intervalMs` while `active`. */
export function useNow(intervalMs: number, active: boolean): number {
  const store = useAppStore();
  const [now, setNow] = useState(() => store.getState().now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(store.getState().now()), intervalMs);
    return () => clearInterval(t);
  }, [active, intervalMs, store]);
  return now;
}
