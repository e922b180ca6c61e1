/** Saved connections (`connections:*`): what the window may know of a router it can connect to. */

export type TransportKind =
  /** TCP 8728: the password crosses in clear (plain login since 6.43). */
  | 'plain'
  /** API-SSL with the certificate verified against the system CAs. */
  | 'tls-verify'
  /** API-SSL with a pinned SHA-256 certificate fingerprint (trust on first use). */
  | 'tls-pinned'
  /** API-SSL without a certificate (anonymous DH): encrypted, not authenticated. */
  | 'tls-anonymous';

/**
 * A connection's Encoding (docs/main-process.md, "Text encoding"): outgoing words (login password
 * and query values included) are encoded with it; received words are shown as UTF-8 when valid,
 * otherwise through the code page (windows-1252 for `utf-8`).
 */
export type Encoding =
  | 'utf-8'
  | 'windows-1250'
  | 'windows-1251'
  | 'windows-1252'
  | 'windows-1253'
  | 'windows-1254'
  | 'windows-1255'
  | 'windows-1256'
  | 'windows-1257'
  | 'windows-1258';

/** Where a saved connection goes and as whom: what both a saved connection and its input name. */
export interface ConnectionEndpoint {
  name: string;
  host: string;
  port: number;
  transport: TransportKind;
  /** Pinned certificate fingerprint (tls-pinned), colon-separated upper-case hex. */
  fingerprint256?: string;
  user: string;
}

export interface SavedConnection extends ConnectionEndpoint {
  /** UUID; also the keychain account name. */
  id: string;
  /** Group / folder in the sidebar; '' for none. */
  group: string;
  /** Text encoding of this router's words. Saved files from before it existed load as `utf-8`. */
  encoding: Encoding;
  notes: string;
  /** A password is stored in the OS keychain (or held for this run). Never the password itself. */
  hasPassword: boolean;
  /** The built-in Demo router: connecting starts the simulator in-process. */
  demo?: boolean;
  /** This router's own values for library commands' `{{variables}}` (docs/library.md); absent when none. */
  vars?: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface ConnectionInput extends ConnectionEndpoint {
  group?: string;
  /** Default `utf-8`. */
  encoding?: Encoding;
  notes?: string;
  /** Values for library commands' `{{variables}}`; `undefined` keeps the saved ones, `{}` clears them. */
  vars?: Record<string, string>;
  /**
   * `undefined` keeps the stored password, `null` removes it, a string replaces it. It travels
   * renderer → main once and is stored in the OS keychain, never in a file.
   */
  password?: string | null;
}

export interface ConnectionsSnapshot {
  connections: SavedConnection[];
  /** Problems found while loading (e.g. a damaged file moved aside), to show once. */
  notices: string[];
}
