import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Api } from '../../../app-main/src/common/contract';
import { downloadFile } from '../lib/exporters';
import { appSlice } from './app';
import { completionSlice } from './completion';
import { connectionsSlice } from './connections';
import type { SliceContext } from './context';
import { consoleSlice } from './console';
import { discoverySlice } from './discovery';
import { librarySlice } from './library';
import { snapshotsSlice } from './history';
import { fleetSlice } from './fleet';
import { formsSlice } from './forms';
import { multiSlice } from './multi';
import { tablesSlice } from './tables';
import { traceSlice } from './trace';
import { replaySlice } from './replay';
import type { AppStoreState } from './types';
import { workspacesSlice } from './workspaces';

export type AppStore = StoreApi<AppStoreState>;

export interface StoreOptions {
  now?: () => number;
  download?: SliceContext['download'];
}

/**
 * One store for the whole window, made of slices (zustand's slices pattern, engineering-notes §1.4).
 * Created per bridge so tests get an isolated store on their own in-process bridge.
 */
export function createAppStore(api: Api, opts: StoreOptions = {}): AppStore {
  const store = createStore<AppStoreState>()((set, get) => {
    const ctx: SliceContext = { set, get, api, now: opts.now ?? (() => Date.now()), download: opts.download ?? downloadFile };
    return {
      ...appSlice(ctx),
      ...connectionsSlice(ctx),
      ...workspacesSlice(ctx),
      ...consoleSlice(ctx),
      ...tablesSlice(ctx),
      ...traceSlice(ctx),
      ...completionSlice(ctx),
      ...multiSlice(ctx),
      ...librarySlice(ctx),
      ...replaySlice(ctx),
      ...discoverySlice(ctx),
      ...snapshotsSlice(ctx),
      ...fleetSlice(ctx),
      ...formsSlice(ctx),
    };
  });
  // The sidebar's selected router follows the workspace on screen, so that Disconnect and Edit act
  // on the router being looked at (issue 14); select() makes the other direction.
  store.subscribe((s, prev) => {
    const id = s.activeWorkspaceId;
    if (id === prev.activeWorkspaceId || id === undefined || id === s.selectedId) return;
    if (s.workspaces.find((w) => w.id === id)?.kind === 'router') s.select(id);
  });
  return store;
}
