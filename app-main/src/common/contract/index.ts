/**
 * The bridge contract (design.md §3): the one place where main and renderer agree on calls, events
 * and payloads. Types only — the renderer imports it with `import type`, and the three
 * implementations (preload, ipcMain wiring, browser host) are checked against it by the compiler.
 *
 * - Calls: renderer → main, request/response. Every call resolves to a `Result<T>`; errors cross as
 *   `{ code, message, hint?, detail? }` only (throwing across IPC keeps nothing but `message`).
 * - Events: main → renderer, pushed and batched by the services (table patches ≤ 10 per second).
 * - Secrets never travel towards the renderer: it only learns `hasPassword`.
 *
 * One file per area beside this one (base: `Result` and errors; app, keychain, connections, links,
 * console, tables, traces, inspect, broadcast, diff, replay: the payloads of their calls and
 * events). This index keeps the one map of calls and events, and re-exports every area, so
 * `import type … from '…/common/contract'` reaches any contract type. The runtime list of the
 * channels is ../channels.ts.
 */
import type { Result } from './base';
import type { AppInfo, AppSnapshot, Notice, Settings } from './app';
import type { ConnectionInput, ConnectionsSnapshot, SavedConnection } from './connections';
import type { LinkState, SafeModeAction, SafeModeTakeOver } from './links';
import type { ConsoleCommandRef, ConsoleEnd, ConsoleReply, ConsoleSendArgs, HistoryEntry } from './console';
import type { TablePatch, TableStartArgs } from './tables';
import type { TraceEntry, TraceExport, TraceFormat, TraceSnapshot } from './traces';
import type {
  CompleteChildrenArgs,
  CompleteValuesArgs,
  CompletionChildren,
  CompletionValues,
  TreeCompareArgs,
  TreeComparison,
} from './inspect';
import type { BroadcastAnswer, BroadcastProgress, BroadcastSendArgs, BroadcastWaveProgress } from './broadcast';
import type {
  LibraryCommand,
  LibraryCommandInput,
  LibraryFile,
  LibraryImportResult,
  LibraryPreview,
  LibraryRunArgs,
  LibraryRunTarget,
  LibrarySnapshot,
} from './library';
import type { DiffFetchArgs, DiffFetchResult } from './diff';
import type { FormDescribeArgs, FormDescription, FormMenu, FormMenuArgs, FormPlan, FormRequest, FormResult } from './forms';
import type { ReplayPlan, ReplayProgress, ReplayResult, ReplayRunArgs } from './replay';
import type { DiscoveryState } from './discovery';
import type { SnapshotDiff, SnapshotDiffArgs, SnapshotMeta, SnapshotTakeArgs } from './history';
import type { ConnectionsExportArgs, ConnectionsFile, ConnectionsImportArgs, ConnectionsImportResult, FleetKnown } from './fleet';

export type * from './base';
export type * from './app';
export type * from './keychain';
export type * from './connections';
export type * from './links';
export type * from './console';
export type * from './tables';
export type * from './traces';
export type * from './inspect';
export type * from './broadcast';
export type * from './diff';
export type * from './replay';
export type * from './discovery';
export type * from './library';
export type * from './history';
export type * from './fleet';
export type * from './forms';

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
  /** Saved connections as a CSV or JSON file, never with a password (issue 15). */
  'connections:export': { args: ConnectionsExportArgs; result: ConnectionsFile };
  /**
   * Adds the connections of a CSV or JSON file. All or nothing: a file with an error is refused
   * with its line and field named (VALIDATION, `detail.line`, `detail.field`).
   */
  'connections:import': { args: ConnectionsImportArgs; result: ConnectionsImportResult };
  /** Moves connections to a group ('' for none), in one write. */
  'connections:group': { args: { ids: string[]; group: string }; result: { ids: string[]; group: string } };
  /** What was last seen of each saved router (kept across restarts), for the fleet view. */
  'fleet:list': { args: Record<string, never>; result: FleetKnown[] };

  /** `password` is for this run only (no keychain, or not saved). */
  'link:connect': { args: { id: string; password?: string }; result: LinkState };
  'link:disconnect': { args: { id: string }; result: LinkState };
  'link:states': { args: Record<string, never>; result: LinkState[] };
  /**
   * Safe mode on the link's own session (the one console commands use, so their changes are
   * covered): `/safe-mode/take|release|unroll` (RouterOS 7.18+), or `dismiss` of a `lost` notice.
   * `takeOver` answers another session holding it (`=on-error=`).
   */
  'link:safe-mode': { args: { id: string; action: SafeModeAction; takeOver?: SafeModeTakeOver }; result: LinkState };

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
  /** What changed between two shipped RouterOS command trees ("Compare versions"). */
  'tree:compare': { args: TreeCompareArgs; result: TreeComparison };
  /** One sentence to several routers; a command that changes things needs `confirmed`. */
  'broadcast:send': { args: BroadcastSendArgs; result: BroadcastAnswer };
  /**
   * Stops a running broadcast: commands still running get `/cancel` (outcome `cancelled`), routers
   * not yet sent to are `skipped`; its `broadcast:send` then answers as usual. `running` is false
   * when no such broadcast is running (already finished, or never started).
   */
  'broadcast:cancel': { args: { broadcastId: string }; result: { broadcastId: string; running: boolean } };
  /**
   * Starts the next wave of a staged broadcast waiting between waves (`waves.confirmBetween`).
   * `waiting` is false when that broadcast is not waiting for it.
   */
  'broadcast:continue': { args: { broadcastId: string }; result: { broadcastId: string; waiting: boolean } };
  /** The command library (docs/library.md): every command file, and the files that could not be read. */
  'library:list': { args: Record<string, never>; result: LibrarySnapshot };
  /** Creates (no id) or replaces a command; its file is `<id>.json` in the library directory. */
  'library:save': { args: { id?: string; input: LibraryCommandInput }; result: LibraryCommand };
  'library:delete': { args: { id: string }; result: { id: string } };
  /** Command files or bundles; all or nothing: one bad file refuses the import, naming it. */
  'library:import': { args: { files: LibraryFile[] }; result: LibraryImportResult };
  /** One command as its file, or several (none named: all) as one bundle file. */
  'library:export': { args: { ids?: string[] }; result: LibraryFile };
  /** The sentences as they will be sent to each router, or why a router cannot run it. */
  'library:preview': { args: LibraryRunTarget; result: LibraryPreview };
  /** Runs a command on routers through the broadcast (confirmation, waves, progress events). */
  'library:run': { args: LibraryRunArgs; result: BroadcastAnswer };
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
  /** The routers heard over MNDP and the listener's state. */
  'discovery:list': { args: Record<string, never>; result: DiscoveryState };
  /** Sends MNDP discovery requests to each IPv4 broadcast address; answers arrive as `discovery:changed`. */
  'discovery:discover': { args: Record<string, never>; result: DiscoveryState };

  /** Snapshots of one router (or of every router), newest first. */
  'history:list': { args: { connectionId?: string }; result: SnapshotMeta[] };
  /** Takes a snapshot of a connected router (export read back with /file/read, or prints). */
  'history:snapshot': { args: SnapshotTakeArgs; result: SnapshotMeta };
  /** Two snapshots compared line by line, grouped by menu, with a unified diff. */
  'history:diff': { args: SnapshotDiffArgs; result: SnapshotDiff };
  /** Deletes a stored snapshot. */
  'history:delete': { args: { id: string }; result: { id: string } };
  /** What the Tables toolbar may do on a menu: its commands (router inspect, else shipped tree) and the write policy. */
  'form:menu': { args: FormMenuArgs; result: FormMenu };
  /** The form of a menu's `add` or `set` from the command tree, pre-filled from a row. */
  'form:describe': { args: FormDescribeArgs; result: FormDescription };
  /** The exact sentences a filled form (or a row action) sends, or the fields that are wrong. Sends nothing. */
  'form:build': { args: FormRequest; result: FormPlan };
  /** Sends them as console commands (history, trace), one after another; a trap names its field. */
  'form:send': { args: FormRequest; result: FormResult };
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
  /** A router was heard, aged out, or the listener changed (at most four times a second). */
  'discovery:changed': DiscoveryState;
  /** The waves of a staged broadcast, each time one changes state. */
  'broadcast:wave': BroadcastWaveProgress;
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
