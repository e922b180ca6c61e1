import type { StoreApi } from 'zustand/vanilla';
import type { Api, BridgeError } from '../../../app-main/src/common/contract';
import type { AppStoreState } from './types';

export type SetState = StoreApi<AppStoreState>['setState'];
export type GetState = StoreApi<AppStoreState>['getState'];

/** What every slice gets: the store's set/get, the bridge and the side-effect seams tests replace. */
export interface SliceContext {
  set: SetState;
  get: GetState;
  api: Api;
  now: () => number;
  download: (fileName: string, mime: string, data: string | Uint8Array<ArrayBuffer>) => void;
}

export function bridgeFailure(e: unknown): BridgeError {
  return {
    code: 'INTERNAL',
    message: e instanceof Error ? e.message : String(e),
    hint: 'This is a bug in Tikscope; please report it with the steps that led here.',
  };
}
