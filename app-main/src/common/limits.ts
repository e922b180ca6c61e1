/**
 * The one set of bounds on bridge arguments (docs/main-process.md, "Limits of bridge arguments").
 * The zod schemas of app-main/src/bridge/schemas.ts are the only gate that applies them; services
 * receive arguments already within them. Plain constants with no imports, so this file keeps the
 * contract's rule (design.md §3): the renderer may `import type` from here and loads nothing.
 *
 * Lengths are in UTF-16 code units (JavaScript string length).
 */
export const LIMITS = {
  /** Connection, command, table, broadcast and trace ids. */
  id: 200,
  /** A saved connection's name (also the longest name a copy gets, "… (copy 2)"). */
  name: 100,
  /** RFC 1035: a host name is at most 253 characters. */
  host: 253,
  user: 100,
  group: 100,
  notes: 10_000,
  /**
   * Windows caps a credential blob at 2560 bytes (CRED_MAX_CREDENTIAL_BLOB_SIZE, UTF-16 there):
   * 1000 characters keep every keychain able to store it.
   */
  password: 1000,
  /** One API word. RouterOS accepts longer words, but a console line beyond 1 MiB is a mistake. */
  word: 1 << 20,
  /** Words in one sentence. */
  words: 4096,
  /** A menu path such as /ip/firewall/filter. */
  menuPath: 300,
  /** One query word of a live table or a diff (`?type=ether`). */
  queryWord: 4096,
  queryWords: 256,
  /** A column or property name. */
  propertyName: 200,
  proplist: 512,
  /** Columns remembered per menu, and menus remembered, in the settings. */
  columns: 1000,
  columnMenus: 1000,
  /** Console history search text, and entries returned at most. */
  search: 1000,
  historyLimit: 10_000,
  /** Trace entries returned by one trace:get. */
  traceLimit: 100_000,
  resyncSeconds: 86_400,
  /** A file name given to trace:import. */
  fileName: 255,
  /** A JSON Lines trace or repro bundle to import; the browser host's frame cap is above this. */
  traceContent: 64 * 1024 * 1024,
  /** Fields (and raw name/value rows) of one form, and properties of a row sent with it (issue 14). */
  formFields: 1000,
  /** Rows one Remove/Enable/Disable/Comment acts on (one `=numbers=` list). */
  formItems: 10_000,
  /** Segments of an inspect path; RouterOS menus are at most a handful deep. */
  pathSegments: 32,
  pathSegment: 128,
  /** Changes `tree:compare` sends at most (7.12.2 → 7.24 over the whole tree is ~3,000). */
  treeChanges: 20_000,
  /** Routers in one broadcast. */
  broadcastRouters: 100,
  /** Per-router time limit of a broadcast command or a diff print, seconds. */
  routerTimeoutSeconds: 3600,
  /** Routers in one diff. */
  diffRouters: 20,
  /** Sentences in one replay (the plan lists at most 5000). */
  replaySentences: 5000,
  /** A repro bundle's description. */
  description: 10_000,
  /** Trace buffer size per router, MiB (setting traceBufferMiB, from 1; docs/main-process.md, "Trace capture"). */
  traceBufferMiB: 512,
  /** Connections named in one call (fleet: export, move to a group) and imported from one file. */
  fleetConnections: 10_000,
  /** A CSV or JSON file of saved connections to import (10,000 routers at ~1 KiB each, with room). */
  connectionsFile: 16 * 1024 * 1024,
  /** Routers with a trace scope of their own in the settings. */
  traceScopes: 10_000,
  /** Sentences of one library command, and variables it declares. */
  librarySentences: 100,
  libraryVariables: 100,
  /** A library command's description. */
  libraryDescription: 10_000,
  /** A variable's default, a value typed in the run form, or a connection's own value. */
  libraryValue: 4096,
  /** Files in one library import, and the size of each (a command file or a bundle). */
  libraryImportFiles: 1000,
  libraryFileContent: 8 * 1024 * 1024,
  /** Pause between the waves of a staged broadcast, seconds. */
  wavePauseSeconds: 3600,
  /** A saved connection's own values (`vars`, for library commands). */
  connectionVars: 100,
  /** A configuration snapshot's note (issue 16). */
  snapshotNote: 500,
  /** Menus in one prints snapshot. */
  snapshotMenus: 50,
  /** Periodic snapshots: at most every this many hours apart (setting snapshotEveryHours). */
  snapshotEveryHours: 720,
} as const;
