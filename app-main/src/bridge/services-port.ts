/**
 * What the shell and the host need from the services (`createServices()` in
 * app-main/src/services): the handlers, an event subscription and a dispose. Kept structural so the
 * wiring is testable with fake handlers.
 */
import type { AppHost, BridgeError, BridgeHandlers, EventListener } from '../common/contract';

export interface ServicesPort {
  readonly handlers: BridgeHandlers;
  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /**
   * A window is showing the services; the returned function says it is gone (live tables outlive
   * the last window by a grace period only). Optional so that test fakes may leave it out.
   */
  attachWindow?(): () => void;
  /** Cancels tags, sends `/quit`, closes sockets (engineering-notes §6.2, "Clean shutdown"). */
  dispose(): Promise<void>;
}

export type ServicesLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ServicesFactoryOptions {
  host: AppHost;
  dataDir: string;
  /** Reported by `app:info`. */
  appVersion: string;
  log?: (level: ServicesLogLevel, message: string) => void;
  /** Neighbour discovery on (docs/main-process.md); `port` overrides the `mndpPort` setting for this run. */
  mndp?: { port?: number };
}

export type ServicesFactory = (options: ServicesFactoryOptions) => Promise<ServicesPort>;

export type ErrorMapper = (error: unknown) => BridgeError;
