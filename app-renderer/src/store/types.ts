import type {
  AppInfo,
  BridgeError,
  BroadcastProgress,
  BroadcastResult,
  BroadcastRouterResult,
  BroadcastWave,
  BroadcastWaveProgress,
  CompletionNode,
  LibraryCommand,
  LibraryPreview,
  LibraryProblem,
  CompletionNodeKind,
  DiffFetchResult,
  DiscoveryState,
  ReplayPlan,
  ReplayResult,
  ConnectionInput,
  ConsoleCardSnapshot,
  ConsoleEnd,
  ConsoleOutcome,
  ConsoleReply,
  HistoryEntry,
  LinkState,
  SafeModeAction,
  SafeModeTakeOver,
  NoticeLevel,
  Row,
  SavedConnection,
  Settings,
  TablePatch,
  TableSnapshot,
  TableStatus,
  ThemeSetting,
  TraceEntry,
  TraceFormat,
  TraceScope,
  ReplayProgress,
  ReproBundleInfo,
  TreeCompareArgs,
  TreeComparison,
  SnapshotDiff,
  SnapshotKind,
  SnapshotMeta,
  FormAction,
  FormDescription,
  FormMenu,
  FormPlan,
  FormRequest,
  FormResult,
  Result,
} from '../../../app-main/src/common/contract';
import type { RingLog } from '../lib/ring';
import type { ReplyFilter } from '../lib/trace-analysis';
import type { RateTracker } from '../lib/rates';
import type { FleetActions, FleetState } from './fleet-types';

export type AppPhase = 'loading' | 'ready' | 'error';

export interface UiNotice {
  id: number;
  level: NoticeLevel;
  message: string;
  hint?: string;
  code?: string;
  /** The router this notice is about (shown with it; goes when the router is deleted). */
  connectionId?: string;
  /** Goes by itself when that router comes online (a failed connect: the condition cleared). */
  clearsOnline?: boolean;
  /** How many identical notices this one stands for (issue 11: repeats collapse). */
  count: number;
  /** Changes on every repeat, so that the dismiss timer starts again. */
  seq: number;
  /** How long it stays, in ms; errors without one stay until dismissed or their condition clears. */
  ttlMs?: number;
  /** One button, e.g. Undo after a delete. */
  action?: { label: string; run: () => void };
}

export interface NoticeOptions {
  connectionId?: string;
  clearsOnline?: boolean;
  ttlMs?: number;
  action?: UiNotice['action'];
}

export type Dialog =
  /** `prefill`: from a discovered router (host from its IPv4 address, name from its identity). */
  | { kind: 'add'; prefill?: { host: string; name: string } }
  | { kind: 'edit'; id: string }
  | { kind: 'trust'; connectionId: string; fingerprint: string; changed: boolean }
  | { kind: 'password'; connectionId: string; reason: string }
  | { kind: 'delete'; id: string }
  | { kind: 'close-workspace'; id: string }
  | { kind: 'replay'; sourceId: string }
  | { kind: 'repro'; sourceId: string }
  | RowActionDialog;

/**
 * A Tables action (issue 14): Add/Edit open a form, Remove/Enable/Disable/Comment act on the
 * selected rows; `copyFrom` pre-fills an add or edit on another router from Compare tables.
 */
export interface RowActionDialog {
  kind: 'row-action';
  connectionId: string;
  path: string;
  action: FormAction;
  /** `.id`s of the rows acted on (edit: one). */
  ids: string[];
  /** The rows' names as the table shows them (name, else address, else `.id`), for the dialog. */
  labels?: string[];
  /** The row being edited (edit), as the table shows it now. */
  row?: Row;
  /** A row of another router whose values pre-fill the form (Compare tables' Copy). */
  copyFrom?: { row: Row; routerName: string };
}

export type PanelTab = 'console' | 'tables' | 'trace' | 'history';

export interface Workspace {
  /** The connection id, or the pseudo id `import:<n>` of an imported trace. */
  id: string;
  kind: 'router' | 'import';
  tab: PanelTab;
  /** For imports: the file name. */
  title?: string;
}

export type CommandStatus = 'sending' | 'running' | ConsoleOutcome;

export interface ConsoleCommand {
  /** Local key, stable from the moment Send is pressed. */
  key: string;
  commandId?: string;
  tag?: string;
  words: string[];
  status: CommandStatus;
  /** Number of `!re` replies (all of them, also those dropped from the bounded log). */
  rows: number;
  elapsedMs: number;
  startedAt: number;
  /** Reply sentences, bounded (oldest dropped). Mutable; `version` changes on every append. */
  log: RingLog<ConsoleReply>;
  version: number;
  /** Count of reply sentences per reply word, e.g. `{ '!re': 3, '!done': 1 }`. */
  kinds: Record<string, number>;
  view: 'raw' | 'table';
  error?: BridgeError;
}

export interface ConsoleState {
  draft: string;
  commands: ConsoleCommand[];
  history: HistoryEntry[];
  /** Position while stepping through history with ↑/↓; -1 is the draft being typed. */
  historyIndex: number;
  /** The draft as it was before ↑ started stepping. */
  stash: string;
}

export interface ChangeMark {
  /** Changes when the cell changes again, so the flash animation restarts. */
  seq: number;
  at: number;
  cols: readonly string[];
}

/** A table's patches not yet applied, merged into one: a `TablePatch` with its rows keyed for merging. */
export interface PatchQueue extends Pick<
  TablePatch,
  'reset' | 'columns' | 'total' | 'updatesPerSecond' | 'status' | 'loaded' | 'error'
> {
  upserts: Map<string, Row>;
  removes: Set<string>;
  patches: number;
}

export type TableRunStatus = 'idle' | 'starting' | TableStatus;

export interface TableView {
  path: string;
  queryText: string;
  proplistText: string;
  fieldErrors: Partial<Record<'path' | 'query' | 'proplist', string>>;
  tableId?: string;
  /** The path the running (or last) table was started with; column choices are keyed by it. */
  runPath?: string;
  status: TableRunStatus;
  error?: BridgeError;
  /** Rows in arrival order; unchanged rows keep their object identity across patches. */
  rows: Row[];
  index: Map<string, number>;
  /** Every column seen, in first-seen order. */
  columns: string[];
  total: number;
  updatesPerSecond: number;
  loaded?: number;
  changed: Map<string, ChangeMark>;
  paused: boolean;
  queue?: PatchQueue;
  sorting: { id: string; desc: boolean }[];
  filter: string;
  /**
   * Last counter samples per row, for the derived rate columns (lib/rates.ts). Mutable, one per
   * run: absent on a view that never ran.
   */
  rates?: RateTracker;
  /** The row filter of each path this table has shown (the filter is per path). */
  filters: Record<string, string>;
  /**
   * The selected rows' `.id`s, in the order they were selected (issue 14). `selectedRows(view)`
   * (store/tables.ts) gives the rows; one selected row is "the selected row" of Edit and Graph.
   */
  selected: string[];
  /** Where a Shift+click or Shift+arrow range starts. */
  anchor?: string;
}

export interface TraceFilters {
  direction: 'all' | 'in' | 'out';
  tag: string;
  text: string;
  /** Hide Tikscope's own traffic (heartbeat, completion, router-info reads). */
  hideOwn: boolean;
  /** Part of a command word (`/interface`): its sentence and every reply to it. */
  command: string;
  /** One reply type, or traps and fatals together. */
  reply: ReplyFilter;
  /** Only replies that ended their command later than `slowMs`. */
  slowOnly: boolean;
}

/** Which command groups are folded: all but `flipped` when `all`, else only `flipped` (by command seq). */
export interface TraceFolding {
  all: boolean;
  flipped: ReadonlySet<number>;
}

export interface TraceView {
  log: RingLog<TraceEntry>;
  version: number;
  loaded: boolean;
  dropped: number;
  /** Received sentences the capture scope left out. */
  skipped: number;
  /**
   * Pinned entries (main never evicts them: the first sentences of each session, link events),
   * kept here too so that the renderer's own bounded log does not lose them either.
   */
  pinned: TraceEntry[];
  filters: TraceFilters;
  /** Keep the newest entry in view. */
  follow: boolean;
  /** One word per line (the seed client's layout) instead of one sentence per line. */
  expanded: boolean;
  /** A command's end later than this (ms after it was sent) is marked slow (docs/ui.md "Trace display"). */
  slowMs: number;
  folding: TraceFolding;
  fileName?: string;
  /** An imported repro bundle: what it says besides the trace. */
  repro?: ReproBundleInfo;
}

// ---------------------------------------------------------------- completion (completion.ts)

/** One question to the router's /console/inspect, as the console asks it. */
export type CompletionRequest =
  | { kind: 'children'; connectionId: string; version: string; path: string[] }
  | { kind: 'values'; connectionId: string; version: string; path: string[]; argument: string };

export interface CompletionAnswer {
  available: boolean;
  /** Why the router cannot complete (a quiet hint); undefined for a plain failure such as offline. */
  reason?: string;
  /** What the path is, for `children`; undefined when the router does not know it. */
  node?: CompletionNodeKind;
  nodes: CompletionNode[];
  values: string[];
  mayBeIncomplete: boolean;
  /** The router could not be inspected; this answer comes from the shipped tree of this version. */
  fromTree?: string;
}

export interface CompletionActions {
  /** The cached answer, `'loading'` while it is being asked, or undefined (not asked yet). */
  peekCompletion(req: CompletionRequest): CompletionAnswer | 'loading' | undefined;
  /** Asks main (which asks the router or its own cache); resolves when the answer is cached here. */
  loadCompletion(req: CompletionRequest): Promise<CompletionAnswer>;
  /** `tree:compare`: the result, or a BridgeError to show (a bad version names the shipped ones). */
  compareVersions(args: TreeCompareArgs): Promise<{ ok: true; value: TreeComparison } | { ok: false; error: BridgeError }>;
}

// ---------------------------------------------------------------- multi-router tools (multi.ts)

export type ToolView = 'broadcast' | 'diff' | 'library' | 'fleet';

/** Wave options of a staged broadcast, as typed (validated on send by `parseWaveForm`). */
export interface WaveForm {
  on: boolean;
  sizeText: string;
  pauseText: string;
  confirmBetween: boolean;
  maxFailuresText: string;
}

/** What a broadcast in flight (or a library run) shows of its waves. */
export interface WaveRun {
  waves?: BroadcastWave[];
  /** `broadcast:continue` was asked for and has not answered yet. */
  continuing?: boolean;
}

export interface BroadcastConfirm {
  command: string;
  reason: string;
  /** Router names as the main process listed them. */
  routers: string[];
  words: string[];
  connectionIds: string[];
}

export interface BroadcastView {
  selected: string[];
  text: string;
  stopOnFirstError: boolean;
  /** A write snapshots each router's configuration first (history, issue 16); on by default. */
  snapshotBefore: boolean;
  /** As typed; validated on send. */
  timeoutText: string;
  status: 'idle' | 'checking' | 'confirming' | 'sending';
  confirm?: BroadcastConfirm;
  result?: BroadcastResult;
  error?: BridgeError;
  fieldErrors: Partial<Record<'routers' | 'sentence' | 'timeout' | 'waves', string>>;
  /** Connection ids whose replies are expanded in the result grid. */
  expanded: string[];
  /** The id of the broadcast in flight (what Cancel names), while `broadcast:send` runs. */
  running?: string;
  /** Cancel was pressed for the broadcast in flight. */
  cancelling?: boolean;
  /** Routers of the broadcast in flight that have settled, in the order they did (`broadcast:progress`). */
  answered?: BroadcastRouterResult[];
  waveForm: WaveForm;
  /** Waves of the broadcast in flight (`broadcast:wave`). */
  waveRun?: WaveRun;
}

export interface DiffView {
  selected: string[];
  path: string;
  queryText: string;
  proplistText: string;
  status: 'idle' | 'loading' | 'ready';
  fetched?: DiffFetchResult;
  error?: BridgeError;
  fieldErrors: Partial<Record<'routers' | 'path' | 'query' | 'proplist', string>>;
  /** Key property, and an optional second one for a composite key. */
  key: string;
  key2: string;
  /** Columns left out of the comparison. */
  ignored: string[];
  onlyDifferences: boolean;
  /** Compare yes/no and true/false exactly (default false: RouterOS 6 and 7 spellings are the same). */
  strictBooleans: boolean;
}

export interface MultiState {
  tool?: ToolView;
  broadcast: BroadcastView;
  diff: DiffView;
  library: LibraryView;
}

/** The library's edit form, as typed. */
export interface LibraryDraft {
  /** Absent for a new command. */
  id?: string;
  name: string;
  description: string;
  /** One word per line; a blank line between sentences. */
  sentencesText: string;
  variables: { name: string; default: string; description: string }[];
  errors: Partial<Record<'name' | 'sentences' | 'variables', string>>;
}

/** Running the selected command: routers, typed values, the preview, the result. */
export interface LibraryRunView {
  selected: string[];
  values: Record<string, string>;
  stopOnFirstError: boolean;
  timeoutText: string;
  waveForm: WaveForm;
  preview?: LibraryPreview;
  status: 'idle' | 'checking' | 'confirming' | 'sending';
  confirm?: { command: string; reason: string; routers: string[]; connectionIds: string[] };
  fieldErrors: Partial<Record<'routers' | 'values' | 'timeout' | 'waves', string>>;
  error?: BridgeError;
  result?: BroadcastResult;
  expanded: string[];
  running?: string;
  cancelling?: boolean;
  answered?: BroadcastRouterResult[];
  waveRun?: WaveRun;
}

export interface LibraryView {
  status: 'idle' | 'loading' | 'ready';
  commands: LibraryCommand[];
  problems: LibraryProblem[];
  directory: string;
  selectedId?: string;
  draft?: LibraryDraft;
  run: LibraryRunView;
  error?: BridgeError;
  /** The last import or export, in words (role="status"). */
  message?: string;
}

export interface LibraryActions {
  loadLibrary(): Promise<void>;
  selectLibraryCommand(id: string | undefined): void;
  /** Opens the edit form: empty, for an existing command, or prefilled (Save as command in the console history). */
  editLibraryCommand(init?: { id?: string; sentences?: string[][] }): void;
  setLibraryDraft(patch: Partial<Omit<LibraryDraft, 'errors'>>): void;
  saveLibraryDraft(): Promise<boolean>;
  cancelLibraryDraft(): void;
  deleteLibraryCommand(id: string): Promise<void>;
  importLibrary(files: { fileName: string; content: string }[]): Promise<void>;
  exportLibrary(ids?: string[]): Promise<void>;
  setLibraryRun(
    patch: Partial<Pick<LibraryRunView, 'selected' | 'values' | 'stopOnFirstError' | 'timeoutText' | 'waveForm'>>,
  ): void;
  toggleLibraryRouter(id: string, on: boolean): void;
  toggleLibraryReplies(id: string): void;
  previewLibraryRun(): Promise<void>;
  runLibraryCommand(): Promise<void>;
  confirmLibraryRun(): Promise<void>;
  cancelLibraryConfirm(): void;
  cancelLibraryRun(): Promise<void>;
  /** Starts the next wave of the broadcast or library run waiting for it. */
  continueWave(broadcastId: string): Promise<void>;
  applyBroadcastWaves(p: BroadcastWaveProgress): void;
}

export interface MultiActions {
  openTool(tool: ToolView | undefined): void;
  setBroadcast(
    patch: Partial<Pick<BroadcastView, 'text' | 'stopOnFirstError' | 'snapshotBefore' | 'timeoutText' | 'waveForm'>>,
  ): void;
  toggleBroadcastRouter(id: string, on: boolean): void;
  toggleBroadcastReplies(id: string): void;
  /** Sends the typed sentence; a command that changes things first asks (status `confirming`). */
  sendBroadcast(): Promise<void>;
  confirmBroadcast(): Promise<void>;
  cancelBroadcastConfirm(): void;
  /** Stops the broadcast in flight: running commands get /cancel, routers not yet reached are skipped. */
  cancelBroadcast(): Promise<void>;
  exportBroadcast(format: 'csv' | 'json'): void;
  /** A router of the broadcast in flight has settled. */
  applyBroadcastProgress(p: BroadcastProgress): void;

  setDiff(
    patch: Partial<Pick<DiffView, 'path' | 'queryText' | 'proplistText' | 'key' | 'key2' | 'onlyDifferences' | 'strictBooleans'>>,
  ): void;
  toggleDiffRouter(id: string, on: boolean): void;
  setDiffIgnored(columns: string[]): void;
  fetchDiff(): Promise<void>;
  /** Saves the diff as shown (the "only differences" filter applies). */
  exportDiff(format: 'csv' | 'json'): void;
}

// ---------------------------------------------------------------- replay (replay.ts)

/** The replay dialog of one trace (a connection or an imported trace). */
export interface ReplayView {
  status: 'loading' | 'ready' | 'confirming' | 'running' | 'done' | 'error';
  plan?: ReplayPlan;
  /** Selected sentences by seq. */
  selected: Record<number, boolean>;
  targetId?: string;
  ignoreVolatile: boolean;
  /** Compare yes/no and true/false exactly (default false). */
  strictBooleans: boolean;
  /** List the sentences Tikscope sent itself (login reads, heartbeat, completion); hidden by default. */
  showBackground: boolean;
  maxStreamReplies: number;
  maxStreamSeconds: number;
  progress?: { done: number; total: number; command?: string };
  result?: ReplayResult;
  /** Result rows whose details are open, by seq. */
  expanded: Record<number, boolean>;
  error?: BridgeError;
}

export interface AppState {
  // app
  phase: AppPhase;
  fatal?: BridgeError;
  info?: AppInfo;
  settings: Settings;
  bridgeStatus: 'open' | 'reconnecting';
  notices: UiNotice[];
  helpOpen: boolean;
  /** Wall clock, injectable for tests. */
  now: () => number;

  // connections
  connections: SavedConnection[];
  selectedId?: string;
  search: string;
  dialog?: Dialog;
  links: Record<string, LinkState>;

  // workspaces
  workspaces: Workspace[];
  activeWorkspaceId?: string;
  /** A field to focus once its panel is on screen (after connecting, Alt+S, Alt+T). */
  focusRequest?: { id: string; target: 'sentence' | 'path'; seq: number };
  layout: 'tabs' | 'split';

  consoles: Record<string, ConsoleState>;
  tables: Record<string, TableView>;
  traces: Record<string, TraceView>;
  /** Replay dialogs, by source trace id. */
  replays: Record<string, ReplayView>;
}

export interface AppActions {
  init(): Promise<void>;
  /** Takes back what runs in main (`app:snapshot`): console cards and live tables (after a reload). */
  reattach(): Promise<void>;
  resync(): Promise<void>;
  notify(level: UiNotice['level'], message: string, hint?: string, opts?: NoticeOptions): void;
  reportError(error: BridgeError, context?: string, opts?: NoticeOptions): void;
  dismissNotice(id: number): void;
  setHelpOpen(open: boolean): void;
  setTheme(theme: ThemeSetting): Promise<void>;
  setBridgeStatus(s: 'open' | 'reconnecting'): void;

  select(id: string | undefined): void;
  setSearch(text: string): void;
  openDialog(d: Dialog | undefined): void;
  saveConnection(
    id: string | undefined,
    input: ConnectionInput,
  ): Promise<{ ok: true; value: SavedConnection; runPasswordKept: boolean } | { ok: false; error: BridgeError }>;
  duplicateConnection(id: string): Promise<void>;
  /** Deletes at once (after the confirmation) and offers Undo for UNDO_DELETE_MS. */
  deleteConnection(id: string): Promise<void>;
  /** Undo of a delete: the connection and its stored password come back. */
  restoreConnection(id: string): Promise<void>;
  connect(id: string, password?: string): Promise<void>;
  disconnect(id: string): Promise<void>;
  trust(connectionId: string, fingerprint: string): Promise<void>;
  applyConnections(list: SavedConnection[], notices: string[]): void;
  applyLinkState(s: LinkState): void;
  /**
   * Safe mode on the router's link session (`link:safe-mode`); resolves with the error, if any, for
   * the header to show beside the button (another session holding it offers a take-over).
   */
  safeMode(id: string, action: SafeModeAction, takeOver?: SafeModeTakeOver): Promise<BridgeError | undefined>;

  openWorkspace(id: string, kind?: Workspace['kind'], title?: string): void;
  closeWorkspace(id: string): void;
  /** Closes, or asks first while live tables or commands run there (issue 11). */
  requestCloseWorkspace(id: string): void;
  focusWorkspace(id: string): void;
  cycleWorkspace(delta: number): void;
  setTab(workspaceId: string, tab: PanelTab): void;
  setLayout(layout: 'tabs' | 'split'): void;
  /** Shows the workspace's Console (sentence) or Tables (path) and asks that panel to focus the field. */
  requestFocus(id: string, target: 'sentence' | 'path'): void;
  /** The panel focused it: the request is done. */
  focusDone(seq: number): void;

  setDraft(connectionId: string, text: string): void;
  sendCommand(connectionId: string, words: string[]): Promise<void>;
  cancelCommand(connectionId: string, key: string): Promise<void>;
  toggleCommandView(connectionId: string, key: string): void;
  clearConsole(connectionId: string): void;
  loadHistory(connectionId: string, search?: string): Promise<void>;
  historyStep(connectionId: string, direction: -1 | 1): void;
  applyConsoleReplies(batch: ConsoleReply[]): void;
  applyConsoleEnd(end: ConsoleEnd): void;
  restoreConsoles(cards: ConsoleCardSnapshot[]): void;

  setTableField(connectionId: string, field: 'path' | 'queryText' | 'proplistText', value: string): void;
  startTable(connectionId: string): Promise<void>;
  stopTable(connectionId: string): Promise<void>;
  setPaused(connectionId: string, paused: boolean): void;
  setSorting(connectionId: string, sorting: { id: string; desc: boolean }[]): void;
  setTableFilter(connectionId: string, filter: string): void;
  /** Replaces the table's selection (ids of its rows; unknown ids are dropped). */
  selectRows(connectionId: string, ids: string[], anchor?: string): void;
  setColumnChoice(path: string, list: string[] | undefined): Promise<void>;
  /** Remembers the widths of a path's columns resized by hand (issue 14); an empty map forgets them. */
  setColumnWidths(path: string, widths: Record<string, number>): Promise<void>;
  applyTablePatch(patch: TablePatch): void;
  restoreTables(tables: TableSnapshot[]): void;

  loadTrace(connectionId: string): Promise<void>;
  applyTraceEntries(connectionId: string, entries: TraceEntry[]): void;
  setTraceFilters(connectionId: string, filters: Partial<TraceFilters>): void;
  setTraceFollow(connectionId: string, follow: boolean): void;
  setTraceExpanded(connectionId: string, expanded: boolean): void;
  setTraceSlowMs(connectionId: string, ms: number): void;
  /** Folds or unfolds the replies of one command (by the command's seq). */
  toggleTraceGroup(connectionId: string, seq: number): void;
  /** Folds (true) or unfolds (false) every command's replies. */
  setTraceFoldAll(connectionId: string, all: boolean): void;
  exportTrace(connectionId: string, format: TraceFormat): Promise<void>;
  importTrace(fileName: string, content: string): Promise<void>;
  clearTrace(connectionId: string): Promise<void>;
  /** Closes an imported trace: main frees it (`trace:close`), and so does the renderer. */
  closeImportedTrace(connectionId: string): Promise<void>;
  /** The router's capture scope (a setting per connection, applied at once). */
  setTraceScope(connectionId: string, scope: TraceScope): Promise<void>;
  /** The trace buffer size, MiB, for every router (a setting, applied at once). */
  setTraceBufferMiB(mib: number): Promise<void>;

  openReplay(sourceId: string): Promise<void>;
  closeReplay(sourceId: string): void;
  setReplaySelected(sourceId: string, seq: number, selected: boolean): void;
  selectReplaySentences(sourceId: string, which: 'read-only' | 'all' | 'none'): void;
  setReplayTarget(sourceId: string, targetId: string): void;
  setReplayOptions(
    sourceId: string,
    options: Partial<
      Pick<ReplayView, 'ignoreVolatile' | 'strictBooleans' | 'showBackground' | 'maxStreamReplies' | 'maxStreamSeconds'>
    >,
  ): void;
  startReplay(sourceId: string): Promise<void>;
  /** Stops a running replay: the sentence in flight gets /cancel, the rest are not sent. */
  stopReplay(sourceId: string): Promise<void>;
  confirmReplayWrites(sourceId: string): Promise<void>;
  cancelReplayConfirm(sourceId: string): void;
  toggleReplayDetails(sourceId: string, seq: number): void;
  applyReplayProgress(p: ReplayProgress): void;
  openReproExport(sourceId: string): void;
  exportRepro(sourceId: string, description: string): Promise<boolean>;
}

/** Routers heard over MNDP (store/discovery.ts). */
export interface DiscoveryViewState {
  /** Undefined until the Discovered section first asked. */
  discovery: DiscoveryState | undefined;
  /** A Discover is being sent. */
  discovering: boolean;
}

export interface DiscoveryActions {
  loadDiscovery(): Promise<void>;
  applyDiscovery(state: DiscoveryState): void;
  /** Sends discovery requests (main: to each IPv4 broadcast address). */
  discover(): Promise<void>;
  /** The `mndpListen` setting: main opens or closes its MNDP listener at once. */
  setMndpListen(on: boolean): Promise<void>;
}

/** Configuration history of a router (issue 16): the History tab. */
export interface SnapshotsView {
  /** Every stored snapshot, newest first (this router's and others', for diffs across routers). */
  list: SnapshotMeta[];
  loading: boolean;
  taking: boolean;
  /** The two snapshots chosen for a diff: [older, newer] as ticked. */
  selected: string[];
  diff?: SnapshotDiff;
  diffing: boolean;
  onlyDifferences: boolean;
  error?: BridgeError;
}

export interface SnapshotsState {
  snapshots: Record<string, SnapshotsView>;
}

export interface SnapshotsActions {
  loadSnapshots(connectionId: string): Promise<void>;
  takeSnapshot(connectionId: string, options: { note: string; showSensitive: boolean; kind: SnapshotKind }): Promise<boolean>;
  toggleSnapshot(connectionId: string, snapshotId: string, on: boolean): void;
  diffSnapshots(connectionId: string): Promise<void>;
  setOnlyDifferences(connectionId: string, on: boolean): void;
  exportSnapshotDiff(connectionId: string): void;
  deleteSnapshot(connectionId: string, snapshotId: string): Promise<void>;
  /** Periodic snapshots of every connected router, hours apart (0: off); a setting, applied at once. */
  setSnapshotEveryHours(hours: number): Promise<void>;
}

// ---------------------------------------------------------------- editing from the tables (forms.ts)

/** What a menu offers on a router (`form:menu`), by `menuKey(connectionId, path)`. */
export interface FormsState {
  formMenus: Record<string, FormMenu | { loading: true }>;
}

export interface FormsActions {
  /** Asks main which actions the menu has on that router (once per menu and link session). */
  loadFormMenu(connectionId: string, path: string, force?: boolean): Promise<void>;
  /** Opens the dialog of a Tables action on the table's selected rows. */
  openRowAction(connectionId: string, action: FormAction): void;
  /** Opens an add or edit of `path` on another router, pre-filled from a row (Compare tables). */
  openCopyRow(targetId: string, path: string, row: Row, routerName: string, targetRow: Row | undefined): void;
  describeForm(connectionId: string, path: string, action: 'add' | 'edit', row?: Row): Promise<Result<FormDescription>>;
  buildForm(request: FormRequest): Promise<Result<FormPlan>>;
  sendForm(request: FormRequest): Promise<Result<FormResult>>;
  /** Puts a sentence into the router's Sentence box and shows its console. */
  openInConsole(connectionId: string, words: string[]): void;
}

export type AppStoreState = AppState &
  AppActions &
  CompletionActions &
  MultiState &
  MultiActions &
  DiscoveryViewState &
  DiscoveryActions &
  LibraryActions &
  SnapshotsState &
  SnapshotsActions &
  FleetState &
  FleetActions &
  FormsState &
  FormsActions;
