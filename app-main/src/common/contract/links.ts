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

/**
 * Safe mode (RouterOS 7.18+, docs/ui.md "Safe mode"): `on` while this link's session holds it;
 * `lost` once that session ended while it was on — the router undoes the changes made in safe
 * mode when it notices (at once on a clean close; after its TCP time-out, about 9 minutes, on a
 * silent drop). Absent: off.
 */
export interface SafeModeState {
  status: 'on' | 'lost';
  /** Epoch ms of the take (on) or of the loss (lost). */
  since: number;
  /** For `lost`: why the session ended. */
  reason?: string;
}

/** `dismiss` forgets a `lost` notice; the others send `/safe-mode/<action>` on the link's session. */
export type SafeModeAction = 'take' | 'release' | 'unroll' | 'dismiss';
/** `take` while another session holds safe mode: keep (release) or undo (unroll) its changes. */
export type SafeModeTakeOver = 'release' | 'unroll';

/** What the heartbeat (and the first read after login) learns besides "alive" (issue 15, fleet view). */
export interface LinkHealth {
  /** Seconds since boot (`/system/resource` uptime). */
  uptimeSeconds?: number;
  /** Percent (`/system/resource` cpu-load). */
  cpuLoad?: number;
  /** Round trip of the read, ms. */
  latencyMs: number;
  /** Epoch ms of the answer. */
  at: number;
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
  /** Online: the last heartbeat's answer. */
  health?: LinkHealth;
  transport: TransportKind;
  /** False for plain TCP: the UI warns. */
  encrypted: boolean;
  /** False for plain and anonymous-DH links: the router's identity is not proven. */
  authenticated: boolean;
  /** Epoch ms when the current session logged in. */
  connectedAt?: number;
  /** For TLS_UNTRUSTED: the fingerprint the router presented. */
  presentedFingerprint256?: string;
  safeMode?: SafeModeState;
}
