/**
 * The bridge contract (design.md §3): the one place where main and renderer agree on calls, events
 * and payloads. Types only — the renderer imports it with `import type`, and the three
 * implementations (preload, ipcMain wiring, browser host) are checked against it by the compiler.
 *
 * - Calls: renderer → main, request/response. Every call resolves to a `Result<T>`; errors cross as
 *   `{ code, message, hint?, detail? }` only (throwing across IPC keeps nothing but `message`).
 * - Events: main → renderer, pushed and batched by the services (table patches ≤ 10 per second).
 * - Secrets never travel towards the renderer: it only learns `hasPassword`.
 */

// ---------------------------------------------------------------------------------------------
// Results and errors

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

// ---------------------------------------------------------------------------------------------
// Saved connections

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

export interface SavedConnection {
  /** UUID; also the keychain account name. */
  id: string;
  name: string;
  host: string;
  port: number;
  transport: TransportKind;
  /** Pinned certificate fingerprint (tls-pinned), colon-separated upper-case hex. */
  fingerprint256?: string;
  user: string;
  /** Group / folder in the sidebar; '' for none. */
  group: string;
  /** Text encoding of this router's words. Saved files from before it existed load as `utf-8`. */
  encoding: Encoding;
  notes: string;
  /** A password is stored in the OS keychain (or held for this run). Never the password itself. */
  hasPassword: boolean;
  /** The built-in Demo router: connecting starts the simulator in-process. */
  demo?: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ConnectionInput {
  name: string;
  host: string;
  port: number;
  transport: TransportKind;
  fingerprint256?: string;
  user: string;
  group?: string;
  /** Default `utf-8`. */
  encoding?: Encoding;
  notes?: string;
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

// ---------------------------------------------------------------------------------------------
// Links (live connections)

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

// ---------------------------------------------------------------------------------------------
// Console

export interface ConsoleSendArgs {
  connectionId: string;
  /** Words exactly as typed, one per line; the first is the command. A `.tag=` word is honoured. */
  words: string[];
}

export interface ConsoleCommandRef {
  commandId: string;
  /** The tag on the wire (ours, or the one the user gave). */
  tag: string;
}

/** One reply sentence of a console command. */
export interface ConsoleReply {
  connectionId: string;
  commandId: string;
  /** `!re`, `!done`, `!trap`, `!empty`, `!fatal` or any unknown reply word. */
  kind: string;
  /** All words of the sentence as text (UTF-8 when valid, otherwise through the connection's Encoding). */
  words: string[];
  /** ms since the command was sent. */
  elapsedMs: number;
  /**
   * Set on the pieces of a reply too big for one message (over 1 MiB, docs/main-process.md
   * "Console"): they follow one another for the command, each with some of the words; `more` on
   * all but the last; `continued` when this piece's first word goes on from the previous piece's
   * last word (a word longer than a piece). The window joins them into one reply.
   */
  piece?: { more: boolean; continued: boolean };
}

/**
 * `cancelled`: the router confirmed our `/cancel` (the command ended with the `interrupted` trap).
 * `cancel-unconfirmed`: it did not end within the cancel deadline (5 s); it may still be running.
 */
export type ConsoleOutcome =
  'done' | 'trap' | 'cancelled' | 'cancel-unconfirmed' | 'timeout' | 'fatal' | 'outcome-unknown' | 'failed';

export interface ConsoleEnd {
  connectionId: string;
  commandId: string;
  outcome: ConsoleOutcome;
  /** Number of `!re` replies. */
  rows: number;
  elapsedMs: number;
  error?: BridgeError;
}

export interface HistoryEntry {
  id: string;
  connectionId: string;
  words: string[];
  sentAt: string;
  outcome?: ConsoleOutcome;
  rows?: number;
  elapsedMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Live tables

export interface TableStartArgs {
  connectionId: string;
  /** Menu path in API form, e.g. `/interface` or `/ip/address`. */
  path: string;
  /** Query words (`?type=ether`, `?#|`) for the initial print and the listen. */
  query?: string[];
  /** `.proplist` properties; empty for all. */
  proplist?: string[];
  /** `listen` (default) or `follow` (`print =follow=`). */
  mode?: 'listen' | 'follow';
  /** Periodic full re-print, for menus that do not report deletions; 0 = never. */
  resyncSeconds?: number;
}

export type Row = Record<string, string>;

export type TableStatus = 'loading' | 'live' | 'resubscribing' | 'stopped' | 'error';

export interface TablePatch {
  tableId: string;
  connectionId: string;
  /** When true, drop every row first (initial load, re-sync, resubscribe). */
  reset: boolean;
  /**
   * Rows added or changed, complete (merged by `.id`), as the text of one JSON array of objects
   * (`Row[]`). Main serialises a row once, when it changes, and sends that text as it is; the
   * renderer parses the array once per patch. Sending objects cost main a structured clone
   * (Electron) or a JSON.stringify (browser host) of every row of every patch, on top of keeping
   * them: about a fifth of the main process's CPU with 20 routers × 2 live tables
   * (docs/benchmarks.md).
   */
  upsertsJson?: string;
  /**
   * The same rows parsed: what a page of the browser host receives instead of `upsertsJson`, whose
   * text the host splices unescaped into its WebSocket frame (host/frames.ts). The renderer accepts
   * either.
   */
  upserts?: Row[];
  /** How many rows the patch holds. */
  upsertCount: number;
  /** `.id`s removed (`.dead=yes`, or gone at re-sync). */
  removes: string[];
  /** Column names in first-seen order, when new ones appeared. */
  columns?: string[];
  /** Rows in the table after this patch. */
  total: number;
  /** Row updates per second, measured over the last second. */
  updatesPerSecond: number;
  status: TableStatus;
  /** Rows received so far during a long initial print (progress). */
  loaded?: number;
  error?: BridgeError;
}

// ---------------------------------------------------------------------------------------------
// Reattaching a window (issue 11 item 9): main owns consoles and tables; a window that (re)loads
// asks for what is running and carries on from there.

/** A console command as main keeps it for a window that (re)loads, bounded like a window's card. */
export interface ConsoleCardSnapshot {
  connectionId: string;
  commandId: string;
  tag: string;
  /** As recorded in the history: secrets (`=password=…`) redacted. */
  words: string[];
  /** Epoch ms when it was sent. */
  startedAt: number;
  /** `running`, or how it ended. */
  status: 'running' | ConsoleOutcome;
  /** Number of `!re` replies. */
  rows: number;
  elapsedMs: number;
  /** The newest replies (at most 100,000 per command, 250,000 per router). */
  replies: ConsoleReply[];
  /** Older replies not kept. */
  repliesDropped: number;
  error?: BridgeError;
}

/** A running live table: its arguments and every row, as one `reset` patch. */
export interface TableSnapshot {
  tableId: string;
  connectionId: string;
  path: string;
  query: string[];
  proplist: string[];
  mode: 'listen' | 'follow';
  patch: TablePatch;
}

export interface AppSnapshot {
  /** Oldest first, per router. */
  consoles: ConsoleCardSnapshot[];
  tables: TableSnapshot[];
}

// ---------------------------------------------------------------------------------------------
// Traces

export interface TraceEntry {
  /** Monotonic per connection. */
  seq: number;
  connectionId: string;
  /** Epoch ms with sub-millisecond fraction. */
  time: number;
  /**
   * `note`: not wire bytes but an event of Tikscope's own at that moment, shaped like a sentence:
   * `cancel unconfirmed`, `.tag=…`, `=timeout-ms=…` (a /cancel the router did not confirm in time);
   * the link events: `link connecting`, `link logged-in`, `link reconnected`, `link dropped`,
   * `link retry-failed`, `link failed`, `link disconnected`, with `=attempt=`, `=reason=`,
   * `=identity=`, `=version=`, `=status=` details. Not in pcapng packets (section comments there);
   * not a sentence to replay.
   */
  direction: 'in' | 'out' | 'note';
  tag?: string;
  /** The sentence's words as text, passwords and login responses already redacted. */
  words: string[];
  /** Bytes on the wire, prefixes and terminator included (0 for a note). */
  bytes: number;
  /**
   * Set when the words were cut for the window (more than 256 KiB of them: the word at the limit is
   * cut, later ones are empty); `trace:export` has them whole.
   */
  truncated?: boolean;
  /** Tikscope's own traffic: heartbeat, completion (/console/inspect), router-info reads. */
  own?: true;
  /** Never evicted: one of the first sentences of a session, or a link event (docs/main-process.md, "Trace capture"). */
  pinned?: true;
}

/**
 * What a router's trace records (docs/main-process.md, "Trace capture"): everything; everything
 * except live-table rows (`!re` of a live table); commands only (every sent sentence and every
 * reply but `!re`).
 */
export type TraceScope = 'all' | 'no-rows' | 'commands';

export interface TraceSnapshot {
  connectionId: string;
  entries: TraceEntry[];
  /** Entries dropped from the ring buffer because of its byte cap. */
  dropped: number;
  /** Received sentences the capture scope left out (never recorded). */
  skipped: number;
  scope: TraceScope;
  /** Bytes currently held. */
  heldBytes: number;
  capBytes: number;
  /** Set when the imported file was a repro bundle (`trace:import` reads both). */
  repro?: ReproBundleInfo;
}

export type TraceFormat = 'text' | 'jsonl' | 'pcapng';

export interface TraceExport {
  fileName: string;
  mime: string;
  /** Text for text/jsonl, base64 for pcapng. */
  data: string;
  encoding: 'utf-8' | 'base64';
}

// ---------------------------------------------------------------------------------------------
// App

export interface AppInfo {
  name: string;
  version: string;
  host: 'electron' | 'browser';
  platform: string;
  dataDir: string;
  keychain: { available: boolean; reason?: string; hint?: string };
}

export type ThemeSetting = 'system' | 'light' | 'dark';

export interface Settings {
  theme: ThemeSetting;
  /** Column choice per menu path, remembered across runs. */
  tableColumns: Record<string, string[]>;
  lastSelectedConnectionId?: string;
  /**
   * A live table's print with no reply for this long is cancelled and the table shows "no final
   * reply" (1 to 3600; default 30 when absent; docs/main-process.md, "Live tables").
   */
  tablePrintTimeoutSeconds?: number;
  /** Trace capture scope per connection id; absent: `all`. */
  traceScopes: Record<string, TraceScope>;
  /** Trace ring buffer size per connection, MiB (1–512; default 8). */
  traceBufferMiB: number;
}

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Completion from the router's own /console/inspect (landscape.md §4.1)

/** What an inspect node is: a directory, a menu (has items), a command, or a command's argument. */
export type CompletionNodeKind = 'dir' | 'path' | 'cmd' | 'arg';

export interface CompletionNode {
  name: string;
  kind: CompletionNodeKind;
  /** The router's one-line explanation (`request=syntax`), when it gave one. */
  description?: string;
}

export interface CompleteChildrenArgs {
  connectionId: string;
  /** Path segments, e.g. `['ip', 'firewall', 'filter', 'add']`; `[]` is the root. */
  path: string[];
}

export interface CompletionChildren {
  /**
   * False when the router cannot be asked (no /console/inspect, empty answers, or a time-out not
   * long ago): the console then works without router completion. Never an error.
   */
  available: boolean;
  /** Why it is unavailable, in words (a quiet hint, not an alert). */
  reason?: string;
  /** What `path` itself is; undefined when the router does not know the path. */
  kind?: CompletionNodeKind;
  nodes: CompletionNode[];
  /** RouterOS version the answer belongs to (the cache key). */
  version: string;
  /** Answered from the per-version cache without asking the router. */
  cached: boolean;
}

export interface CompleteValuesArgs {
  connectionId: string;
  /** Path of the command, e.g. `['ip', 'firewall', 'filter', 'add']`. */
  path: string[];
  /** The argument whose values are wanted, e.g. `action`. */
  argument: string;
}

export interface CompletionValues {
  available: boolean;
  reason?: string;
  values: string[];
  /**
   * Always true when the values came from `request=completion`: over the native API it silently
   * drops entries (landscape.md §4.1 caveat 1), so the list is never presented as complete.
   */
  mayBeIncomplete: boolean;
}

// ---------------------------------------------------------------------------------------------
// Broadcast: one sentence to many routers

export interface BroadcastSendArgs {
  /** The routers to send to, in the order the result lists them (1 to 100, no repeats). */
  connectionIds: string[];
  /** Words exactly as typed, as for `console:send` (each router gets its own tag). */
  words: string[];
  /** One router after another, and the rest `skipped` after the first that does not end `done`. Default: all at once. */
  stopOnFirstError?: boolean;
  /**
   * The user confirmed a command that changes things. Without it a command that is not read-only
   * is not sent anywhere: the answer is `needs-confirmation`.
   */
  confirmed?: boolean;
  /** Per router: a command still running after this long is cancelled and ends `timeout` (default 15). */
  timeoutSeconds?: number;
  /**
   * Chosen by the caller, so that `broadcast:cancel` can name this broadcast while `broadcast:send`
   * is still running; generated when absent. Must not be the id of a broadcast still running.
   */
  broadcastId?: string;
}

export type BroadcastOutcome =
  'done' | 'trap' | 'fatal' | 'outcome-unknown' | 'not-connected' | 'skipped' | 'timeout' | 'cancelled' | 'failed';

/** One reply sentence of one router, as in the console. */
export interface BroadcastReply {
  kind: string;
  words: string[];
  elapsedMs: number;
}

export interface BroadcastRouterResult {
  connectionId: string;
  /** The saved connection's name. */
  name: string;
  /** From the router's `/system/identity` and `/system/resource` when it is online. */
  identity?: string;
  version?: string;
  outcome: BroadcastOutcome;
  /** The console command id and wire tag (the same command shows in the router's trace and history). */
  commandId?: string;
  tag?: string;
  /** Number of `!re` replies. */
  rows: number;
  /** Reply sentences, bounded (the first `!re` rows and every other reply word). */
  replies: BroadcastReply[];
  /** Replies received but not kept in `replies`. */
  repliesDropped: number;
  elapsedMs: number;
  /** Why it did not end `done`, in words (trap message, "skipped: …"). */
  error?: BridgeError;
}

export interface BroadcastResult {
  broadcastId: string;
  words: string[];
  /** True when the command is read-only (no confirmation was needed). */
  readOnly: boolean;
  stopOnFirstError: boolean;
  /** Epoch ms. */
  startedAt: number;
  elapsedMs: number;
  results: BroadcastRouterResult[];
}

/** One router of a running broadcast has settled (pushed as it happens, before the answer). */
export interface BroadcastProgress {
  broadcastId: string;
  /** Routers in this broadcast. */
  total: number;
  result: BroadcastRouterResult;
}

export type BroadcastAnswer =
  /** Nothing was sent: the command changes things and `confirmed` was not set. */
  | { status: 'needs-confirmation'; command: string; reason: string; routers: string[] }
  | { status: 'sent'; result: BroadcastResult };

// ---------------------------------------------------------------------------------------------
// Cross-router table diff: one print per router; matching and highlighting happen in the window

export interface DiffFetchArgs {
  /** Two to twenty routers. */
  connectionIds: string[];
  /** Menu path in API form, e.g. `/ip/address`. */
  path: string;
  /** Query words for the print (`?disabled=false`). */
  query?: string[];
  /** `.proplist` properties; empty for all. */
  proplist?: string[];
  /** Per router print time limit (default 30). */
  timeoutSeconds?: number;
}

export interface DiffRouterRows {
  connectionId: string;
  name: string;
  identity?: string;
  version?: string;
  outcome: 'done' | 'trap' | 'fatal' | 'outcome-unknown' | 'not-connected' | 'timeout' | 'failed';
  /** The `!re` rows as printed (`.id` included; the window never matches on it). */
  rows: Row[];
  /** More rows than the cap: the print was cancelled and only the first rows are here. */
  truncated: boolean;
  elapsedMs: number;
  error?: BridgeError;
}

export interface DiffFetchResult {
  path: string;
  query: string[];
  proplist: string[];
  /** Epoch ms. */
  fetchedAt: number;
  /** Rows kept per router at most. */
  rowCap: number;
  routers: DiffRouterRows[];
}

// ---------------------------------------------------------------------------------------------
// Replay and repro bundles

/**
 * How a command ended, in a recorded trace or on replay. `empty`: `!empty` then `!done` with no
 * `!re` (RouterOS ≥ 7.18). `open`: no `!done` in the trace (still running, or dropped from the
 * ring). `timeout`/`failed`: replay only.
 */
export type ReplayOutcome =
  | 'done'
  | 'trap'
  | 'empty'
  | 'fatal'
  | 'cancelled'
  | 'open'
  | 'timeout'
  /** The link dropped with the sentence on the wire: it may or may not have run. */
  | 'outcome-unknown'
  | 'failed';

/** One sentence the client sent, reconstructed from a trace. */
export interface ReplaySentence {
  /** `seq` of the recorded sentence in its trace: how `replay:run` names it. */
  seq: number;
  /** The words as sent, without the `.tag=` word (a new tag is given on replay). */
  words: string[];
  /** The recorded tag, if any. */
  tag?: string;
  /** Read-only by the rule of its command's last path segment (docs/main-process.md). */
  readOnly: boolean;
  /** listen, `=follow=`, `=follow-only=`, `=interval=`, monitors: bounded and cancelled on replay. */
  streaming: boolean;
  /** Why it cannot be replayed (e.g. a redacted secret), or undefined. */
  blocked?: string;
  /** Sent by Tikscope itself (login reads, heartbeat): listed, not selected by default. */
  background: boolean;
  recorded: { outcome: ReplayOutcome; replies: number; message?: string };
}

export interface ReplayPlan {
  sourceId: string;
  sentences: ReplaySentence[];
  /** Sentences left out: `/login` (redacted), `/cancel` of recorded tags, `/quit`, older than the newest `limit`. */
  skipped: { login: number; cancel: number; quit: number; older: number };
}

export interface ReplayOptions {
  /** A streaming command is cancelled after this many `!re` (default 20). */
  maxStreamReplies?: number;
  /** …or after this many ms (default 3000). */
  maxStreamMs?: number;
  /** Any other command is cancelled after this many ms (default 15000). */
  timeoutMs?: number;
  /** Leave counters, uptimes, load and times out of the field comparison (default true). */
  ignoreVolatile?: boolean;
}

export interface ReplayRunArgs {
  /** A connection id or an imported trace (`import:<n>`). */
  sourceId: string;
  /** A connected router: the same one or another. */
  targetId: string;
  /** `seq`s of the sentences to send, in trace order. */
  seqs: number[];
  /** `seq`s of the write sentences the user confirmed; every selected write must be here. */
  confirmedWrites: number[];
  options?: ReplayOptions;
}

export interface ReplayDifference {
  kind: 'outcome' | 'replies' | 'row-missing' | 'row-extra' | 'field' | 'ret' | 'message';
  /** The row: `.id` value or `#position`. */
  key?: string;
  field?: string;
  recorded?: string;
  replayed?: string;
}

export interface ReplayRow {
  seq: number;
  words: string[];
  readOnly: boolean;
  streaming: boolean;
  recorded: { outcome: ReplayOutcome; replies: number; message?: string };
  replayed: { outcome: ReplayOutcome; replies: number; elapsedMs: number; bounded: boolean; message?: string };
  verdict: 'same' | 'differs';
  differences: ReplayDifference[];
  /** Said, not counted as a difference (e.g. `!empty` on one side only, a bounded stream). */
  notes: string[];
}

export interface ReplayResult {
  replayId: string;
  sourceId: string;
  targetId: string;
  startedAt: number;
  elapsedMs: number;
  rows: ReplayRow[];
  same: number;
  differs: number;
}

export interface ReplayProgress {
  replayId: string;
  sourceId: string;
  targetId: string;
  done: number;
  total: number;
  /** The command being sent now. */
  command?: string;
}

/** What a repro bundle says besides its trace (docs/main-process.md, "Repro bundles"). */
export interface ReproBundleInfo {
  version: number;
  createdAt: string;
  description: string;
  appVersion: string;
  platform: string;
  connection: {
    name: string;
    host: string;
    port: number;
    transport: string;
    user?: string;
    /** The connection's Encoding (bundles from before it existed name a fallback `codePage`: shown here). */
    encoding?: string;
    fingerprint256?: string;
  };
  router:
    { known: true; identity: string; version: string; board?: string; architecture?: string } | { known: false; reason: string };
}

// ---------------------------------------------------------------------------------------------
// The maps

/** Calls: channel → arguments and result. Channel names are `area:verb`. */
export interface BridgeCalls {
  'app:info': { args: Record<string, never>; result: AppInfo };
  /**
   * What runs in main for a window that (re)loads: console cards and running live tables with their
   * rows. Events that arrived before the answer are already in it.
   */
  'app:snapshot': { args: Record<string, never>; result: AppSnapshot };
  'settings:get': { args: Record<string, never>; result: Settings };
  'settings:set': { args: Partial<Settings>; result: Settings };

  'connections:list': { args: Record<string, never>; result: ConnectionsSnapshot };
  'connections:save': { args: { id?: string; input: ConnectionInput }; result: SavedConnection };
  'connections:duplicate': { args: { id: string }; result: SavedConnection };
  /** Deletes the connection and its stored password; `connections:restore` can undo it for a while. */
  'connections:delete': { args: { id: string }; result: { id: string } };
  /**
   * Undo of a delete (issue 11): the connection and its password come back, if asked within the
   * undo window (docs/main-process.md). The password never crosses the bridge: main kept it.
   */
  'connections:restore': { args: { id: string }; result: SavedConnection };
  /** Accept the presented certificate of a tls-pinned connection (trust on first use). */
  'connections:trust': { args: { id: string; fingerprint256: string }; result: SavedConnection };

  /** `password` is for this run only (no keychain, or not saved). */
  'link:connect': { args: { id: string; password?: string }; result: LinkState };
  'link:disconnect': { args: { id: string }; result: LinkState };
  'link:states': { args: Record<string, never>; result: LinkState[] };

  'console:send': { args: ConsoleSendArgs; result: ConsoleCommandRef };
  'console:cancel': { args: { commandId: string }; result: { commandId: string } };
  'console:history': { args: { connectionId: string; search?: string; limit?: number }; result: HistoryEntry[] };
  /** Forgets a router's finished console cards (running ones stay), so a reload does not bring them back. */
  'console:clear': { args: { connectionId: string }; result: { connectionId: string; cleared: number } };

  'table:start': { args: TableStartArgs; result: { tableId: string } };
  'table:stop': { args: { tableId: string }; result: { tableId: string } };

  'trace:get': { args: { connectionId: string; sinceSeq?: number; limit?: number }; result: TraceSnapshot };
  'trace:export': { args: { connectionId: string; format: TraceFormat }; result: TraceExport };
  /** Opens a JSON Lines trace for viewing; returns its pseudo connection id (`import:<n>`). */
  'trace:import': { args: { fileName: string; content: string }; result: TraceSnapshot };
  'trace:clear': { args: { connectionId: string }; result: { connectionId: string } };
  /** Closes an imported trace (`import:<n>`) and frees it; `closed` is false when it was not open. */
  'trace:close': { args: { connectionId: string }; result: { connectionId: string; closed: boolean } };

  /** Children of a path from the router's /console/inspect (`request=child` + `syntax`), cached per RouterOS version. */
  'complete:children': { args: CompleteChildrenArgs; result: CompletionChildren };
  /** Values of a command argument (enumerations, live names), cached per router. */
  'complete:values': { args: CompleteValuesArgs; result: CompletionValues };
  /** One sentence to several routers; a command that changes things needs `confirmed`. */
  'broadcast:send': { args: BroadcastSendArgs; result: BroadcastAnswer };
  /**
   * Stops a running broadcast: commands still running get `/cancel` (outcome `cancelled`), routers
   * not yet sent to are `skipped`; its `broadcast:send` then answers as usual. `running` is false
   * when no such broadcast is running (already finished, or never started).
   */
  'broadcast:cancel': { args: { broadcastId: string }; result: { broadcastId: string; running: boolean } };
  /** One print of the same menu on each router, for the cross-router diff. */
  'diff:fetch': { args: DiffFetchArgs; result: DiffFetchResult };
  /** The sentences a trace's client sent, with the read-only rule applied. */
  'replay:plan': { args: { sourceId: string }; result: ReplayPlan };
  /** Re-sends sentences to a connected router and compares the replies; progress as `replay:progress`. */
  'replay:run': { args: ReplayRunArgs; result: ReplayResult };
  /**
   * Stops the replay running on a router: the sentence in flight gets `/cancel`, the rest are not
   * sent; its `replay:run` then answers with the rows so far. `running` is false when none runs.
   */
  'replay:cancel': { args: { targetId: string }; result: { targetId: string; running: boolean } };
  /** A repro bundle (JSON): trace, settings without secrets, versions, description. */
  'repro:export': { args: { connectionId: string; description: string }; result: TraceExport };
}

/** Events: name → payload. */
export interface BridgeEvents {
  'connections:changed': ConnectionsSnapshot;
  'link:state': LinkState;
  /** Batched: every reply sentence since the last batch. */
  'console:replies': ConsoleReply[];
  'console:end': ConsoleEnd;
  'table:patch': TablePatch;
  /** Batched trace entries of one connection. */
  'trace:entries': { connectionId: string; entries: TraceEntry[] };
  'app:notice': Notice;
  'replay:progress': ReplayProgress;
  'broadcast:progress': BroadcastProgress;
}

export type CallName = keyof BridgeCalls;
export type EventName = keyof BridgeEvents;
export type CallArgs<K extends CallName> = BridgeCalls[K]['args'];
export type CallResult<K extends CallName> = BridgeCalls[K]['result'];

/**
 * What the renderer sees (`window.tikscope` in Electron; a WebSocket client in the browser host).
 * One named function per call — never a raw channel.
 */
export type Api = {
  readonly [K in CallName]: (args: CallArgs<K>) => Promise<Result<CallResult<K>>>;
} & {
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: BridgeEvents[E]) => void): () => void;
};

// ---------------------------------------------------------------------------------------------
// Browser host wire format (ws://127.0.0.1:PORT/bridge?token=TOKEN), JSON text frames.

export type HostClientMessage = { type: 'call'; id: number; channel: CallName; args: unknown };

export type HostServerMessage =
  { type: 'result'; id: number; result: Result<unknown> } | { type: 'event'; event: EventName; payload: unknown };

// ---------------------------------------------------------------------------------------------
// Main-process side of the contract: what the services implement and the wiring exposes.

/**
 * One function per call. Handlers return the plain value or throw; the wiring (ipcMain and the
 * browser host) validates arguments before calling and turns a throw into `{ ok: false, error }`.
 */
export type BridgeHandlers = {
  readonly [K in CallName]: (args: CallArgs<K>) => Promise<CallResult<K>>;
};

/** Where services push events; the wiring forwards them to every renderer. */
export type EventListener = <E extends EventName>(event: E, payload: BridgeEvents[E]) => void;
