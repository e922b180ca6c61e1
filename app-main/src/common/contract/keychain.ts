/**
 * The OS keychain as `app:info` reports it (secrets/keychain in main): whether passwords can be
 * stored, and if not why and what to do. Passwords themselves never travel towards the renderer.
 */
export interface KeychainInfo {
  available: boolean;
  /** Why it is unavailable (no-dbus, no-secret-service, locked, ...). */
  reason?: string;
  /** What to do about it. */
  hint?: string;
}
