/**
 * What every call shares (design.md §3): the `Result` envelope and the one error shape that crosses
 * the bridge. Errors cross as `{ code, message, hint?, detail? }` only, because throwing across IPC
 * keeps nothing but `message`.
 */

export type ErrorCode =
  /** An argument failed schema validation at the boundary. */
  | 'VALIDATION'
  | 'NOT_FOUND'
  /** The router is not connected (commands are never queued while offline). */
  | 'NOT_CONNECTED'
  /** TCP-level failure: refused, unreachable, reset, DNS, connect timeout. */
  | 'NETWORK'
  /** TLS handshake failure or certificate verification failure. */
  | 'TLS'
  /** The certificate is not trusted yet (pinned mode, first use) or its fingerprint changed. */
  | 'TLS_UNTRUSTED'
  | 'LOGIN_FAILED'
  /** The router answered `!trap`. */
  | 'TRAP'
  /** The router sent `!fatal`. */
  | 'FATAL'
  | 'TIMEOUT'
  | 'CANCELLED'
  /** The link dropped while the command was in flight: it may or may not have run. */
  | 'OUTCOME_UNKNOWN'
  /** Broken bytes from the router (framing error). */
  | 'FRAMING'
  /** No usable OS keychain (detail.reason: no-dbus, no-secret-service, locked, ...). */
  | 'KEYCHAIN_UNAVAILABLE'
  /** Reading or writing the data directory failed. */
  | 'STORAGE'
  /** The request came from a frame or origin that may not use the bridge. */
  | 'FORBIDDEN'
  | 'INTERNAL';

export interface BridgeError {
  code: ErrorCode;
  /** What failed, in words a network engineer understands. */
  message: string;
  /** What to do about it. */
  hint?: string;
  /** Structured extras (e.g. `field` for VALIDATION, `fingerprint256` for TLS_UNTRUSTED). */
  detail?: Record<string, string | number | boolean | null>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: BridgeError };
