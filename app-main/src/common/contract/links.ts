/** Links, the live connections (`link:*`, the `link:state` event). */
import type { ErrorCode } from './base';
import type { TransportKind } from './connections';

export type LinkStatus = 'offline' | 'connecting' | 'online' | 'backoff' | 'auth-failed' | 'failed';

export interface RouterInfo {
  identity: string;
  version: string;
  board?: string;
  architecture?: string;
}

export interface LinkState {
  connectionId: string;
  status: LinkStatus;
  /** Why it is not online, in words. */
  reason?: string;
  errorCode?: ErrorCode;
  /** For `backoff`: epoch ms of the next attempt. */
  nextAttemptAt?: number;
  attempt?: number;
  router?: RouterInfo;
  transport: TransportKind;
  /** False for plain TCP: the UI warns. */
  encrypted: boolean;
  /** False for plain and anonymous-DH links: the router's identity is not proven. */
  authenticated: boolean;
  /** Epoch ms when the current session logged in. */
  connectedAt?: number;
  /** For TLS_UNTRUSTED: the fingerprint the router presented. */
  presentedFingerprint256?: string;
}
