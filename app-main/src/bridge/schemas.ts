/**
 * One argument schema per bridge call (design.md §3, engineering-notes §2.1 #17). Every argument
 * that crosses from a renderer — IPC or the browser host's WebSocket — is parsed here before a
 * handler sees it; the renderer is treated as untrusted (it renders router data).
 *
 * Drift guard: `callSchemas` is checked against `CallArgs<K>` in both directions, including the
 * optionality and the key set of nested objects (`SameShape` below), so changing the contract
 * without changing the schema — or the reverse — fails `tsc`.
 *
 * Unknown keys are stripped (zod's default), so handlers only ever see contract fields. Error
 * messages never echo the received value: an argument may be a password.
 */
import { z } from 'zod';
import type { CallArgs, CallName, CodePage, ThemeSetting, TraceFormat, TransportKind } from '../common/contract';

/** Bounds on strings and lists: large enough for real use, small enough to keep one call cheap. */
export const LIMITS = {
  id: 200,
  name: 200,
  host: 253,
  user: 128,
  password: 1024,
  notes: 10_000,
  group: 200,
  /** One API word. RouterOS accepts longer words, but a console line beyond 1 MiB is a mistake. */
  word: 1 << 20,
  words: 4096,
  menuPath: 512,
  queryWords: 256,
  proplist: 512,
  search: 1000,
  limit: 100_000,
  resyncSeconds: 86_400,
  fileName: 255,
  /** A JSON Lines trace to import; the WebSocket frame cap of the browser host is above this. */
  traceContent: 64 * 1024 * 1024,
  columns: 1000,
  columnMenus: 1000,
  /** Segments of an inspect path; RouterOS menus are at most a handful deep. */
  pathSegments: 32,
  pathSegment: 128,
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
} as const;

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const nonEmpty = (max: number) => text(max).min(1, 'must not be empty');
const id = nonEmpty(LIMITS.id);
const int = (min: number, max: number) =>
  z.number().int('must be an integer').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const transportKinds = ['plain', 'tls-verify', 'tls-pinned', 'tls-anonymous'] as const satisfies readonly TransportKind[];
const codePages = ['windows-1252', 'windows-1250', 'windows-1251', 'iso-8859-1'] as const satisfies readonly CodePage[];
const themes = ['system', 'light', 'dark'] as const satisfies readonly ThemeSetting[];
const traceFormats = ['text', 'jsonl', 'pcapng'] as const satisfies readonly TraceFormat[];

/**
 * A SHA-256 certificate fingerprint. Accepted as 64 hex digits with or without `:` separators in
 * any case (what users paste from `openssl x509 -fingerprint` or a browser), and normalised to the
 * contract's form: colon-separated upper-case pairs.
 */
export const fingerprint256 = z
  .string()
  .max(200, 'must be at most 200 characters')
  .transform((value, ctx) => {
    const hex = value.replace(/[:\s]/g, '').toUpperCase();
    if (!/^[0-9A-F]{64}$/.test(hex)) {
      ctx.addIssue({ code: 'custom', message: 'must be a SHA-256 fingerprint: 32 hex byte pairs, e.g. AB:CD:…' });
      return z.NEVER;
    }
    return hex.match(/../g)!.join(':');
  });

/** A host name or an IP address literal; no scheme, path or spaces (they would reach `net.connect`). */
const hostName = nonEmpty(LIMITS.host).regex(
  /^[^\s/\\?#@]+$/,
  'must be a host name or an IP address, without scheme, path or spaces',
);

/** An API menu path such as `/interface` or `/ip/address` (protocol.md §3: words start with `/`). */
const menuPath = nonEmpty(LIMITS.menuPath).regex(/^\/[^\s]*$/, 'must be an API menu path starting with "/", e.g. /ip/address');

/**
 * Calls without arguments. A missing argument is accepted as `{}`: over the WebSocket,
 * `JSON.stringify` drops an `args: undefined`.
 */
const noArgs = z
  .object({})
  .optional()
  .transform((): Record<string, never> => ({}));

const connectionInput = z.object({
  name: nonEmpty(LIMITS.name),
  host: hostName,
  port: int(1, 65_535),
  transport: z.enum(transportKinds),
  fingerprint256: fingerprint256.optional(),
  user: text(LIMITS.user),
  group: text(LIMITS.group).optional(),
  codePage: z.enum(codePages).optional(),
  notes: text(LIMITS.notes).optional(),
  password: text(LIMITS.password).nullable().optional(),
});

/**
 * A record whose keys match `key`. zod skips an own `__proto__` key without a word (copying it
 * would set the prototype), so the call answered ok and the entry was gone (issue 11 G); it is
 * refused by name here instead.
 */
const recordOf = <V extends z.ZodType>(key: z.ZodType<string, string>, value: V) =>
  z.preprocess(
    (input, ctx) => {
      if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__'))
        ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'is not allowed as a key', input });
      return input;
    },
    z.record(key, value),
  );

const settingsPatch = z.object({
  theme: z.enum(themes).optional(),
  tableColumns: recordOf(
    menuPath,
    z.array(nonEmpty(LIMITS.name)).max(LIMITS.columns, `must list at most ${LIMITS.columns} columns`),
  )
    .refine((columns) => Object.keys(columns).length <= LIMITS.columnMenus, `must hold at most ${LIMITS.columnMenus} menus`)
    .optional(),
  lastSelectedConnectionId: id.optional(),
});

const consoleWords = z
  .array(text(LIMITS.word))
  .min(1, 'must hold at least the command word')
  .max(LIMITS.words, `must hold at most ${LIMITS.words} words`)
  .refine((words) => (words[0] ?? '').length > 0, 'the first word (the command) must not be empty');

/**
 * One segment of a `/console/inspect` path. The path travels as `=path=a,b,c` (landscape.md §4.1),
 * so a comma, `/`, `=` or whitespace inside a segment would change which node is asked about.
 */
const inspectSegment = nonEmpty(LIMITS.pathSegment).regex(
  /^[^\s,/=]+$/,
  'must be one menu, command or argument name, without "/", ",", "=" or spaces',
);
const inspectPath = z.array(inspectSegment).max(LIMITS.pathSegments, `must hold at most ${LIMITS.pathSegments} segments`);

/** Distinct connection ids: the same router twice would send the command twice. */
const connectionIdList = (min: number, max: number) =>
  z
    .array(id)
    .min(min, min === 1 ? 'must name at least one router' : `must name at least ${min} routers`)
    .max(max, `must name at most ${max} routers`)
    .refine((ids) => new Set(ids).size === ids.length, 'must not name the same router twice');

export const callSchemas = {
  'app:info': noArgs,
  'settings:get': noArgs,
  'settings:set': settingsPatch,

  'connections:list': noArgs,
  'connections:save': z.object({ id: id.optional(), input: connectionInput }),
  'connections:duplicate': z.object({ id }),
  'connections:delete': z.object({ id }),
  'connections:trust': z.object({ id, fingerprint256 }),

  'link:connect': z.object({ id, password: text(LIMITS.password).optional() }),
  'link:disconnect': z.object({ id }),
  'link:states': noArgs,

  'console:send': z.object({ connectionId: id, words: consoleWords }),
  'console:cancel': z.object({ commandId: id }),
  'console:history': z.object({
    connectionId: id,
    search: text(LIMITS.search).optional(),
    limit: int(1, LIMITS.limit).optional(),
  }),

  'table:start': z.object({
    connectionId: id,
    path: menuPath,
    query: z.array(nonEmpty(LIMITS.word)).max(LIMITS.queryWords, `must hold at most ${LIMITS.queryWords} words`).optional(),
    proplist: z.array(nonEmpty(LIMITS.name)).max(LIMITS.proplist, `must hold at most ${LIMITS.proplist} names`).optional(),
    mode: z.enum(['listen', 'follow']).optional(),
    resyncSeconds: int(0, LIMITS.resyncSeconds).optional(),
  }),
  'table:stop': z.object({ tableId: id }),

  'trace:get': z.object({
    connectionId: id,
    sinceSeq: int(0, Number.MAX_SAFE_INTEGER).optional(),
    limit: int(1, LIMITS.limit).optional(),
  }),
  'trace:export': z.object({ connectionId: id, format: z.enum(traceFormats) }),
  'trace:import': z.object({
    fileName: nonEmpty(LIMITS.fileName),
    content: text(LIMITS.traceContent),
  }),
  'trace:clear': z.object({ connectionId: id }),

  'complete:children': z.object({ connectionId: id, path: inspectPath }),
  'complete:values': z.object({
    connectionId: id,
    path: inspectPath.min(1, 'must name the command, e.g. ["ip", "address", "add"]'),
    argument: inspectSegment,
  }),
  'broadcast:send': z.object({
    connectionIds: connectionIdList(1, LIMITS.broadcastRouters),
    words: consoleWords,
    stopOnFirstError: z.boolean().optional(),
    confirmed: z.boolean().optional(),
    timeoutSeconds: int(1, LIMITS.routerTimeoutSeconds).optional(),
    broadcastId: id.optional(),
  }),
  'broadcast:cancel': z.object({ broadcastId: id }),
  'diff:fetch': z.object({
    connectionIds: connectionIdList(2, LIMITS.diffRouters),
    path: menuPath,
    query: z.array(nonEmpty(LIMITS.word)).max(LIMITS.queryWords, `must hold at most ${LIMITS.queryWords} words`).optional(),
    proplist: z.array(nonEmpty(LIMITS.name)).max(LIMITS.proplist, `must hold at most ${LIMITS.proplist} names`).optional(),
    timeoutSeconds: int(1, LIMITS.routerTimeoutSeconds).optional(),
  }),
  'replay:plan': z.object({ sourceId: id }),
  'replay:cancel': z.object({ targetId: id }),
  'replay:run': z.object({
    sourceId: id,
    targetId: id,
    seqs: z
      .array(int(1, Number.MAX_SAFE_INTEGER))
      .min(1, 'select at least one sentence to replay')
      .max(LIMITS.replaySentences, `must hold at most ${LIMITS.replaySentences} sentences`),
    confirmedWrites: z
      .array(int(1, Number.MAX_SAFE_INTEGER))
      .max(LIMITS.replaySentences, `must hold at most ${LIMITS.replaySentences} sentences`),
    options: z
      .object({
        maxStreamReplies: int(1, 10_000).optional(),
        maxStreamMs: int(100, 600_000).optional(),
        timeoutMs: int(100, 600_000).optional(),
        ignoreVolatile: z.boolean().optional(),
      })
      .optional(),
  }),
  'repro:export': z.object({ connectionId: id, description: text(LIMITS.description) }),
} satisfies { [K in CallName]: z.ZodType<CallArgs<K>, unknown> };

export type CallSchemas = typeof callSchemas;

// ---------------------------------------------------------------------------------------------
// Compile-time drift check: schema output ≡ contract arguments, deeply.

/** Maps through objects and arrays so that intersections and zod's helper types flatten. */
type Plain<T> = T extends readonly (infer U)[] ? Plain<U>[] : T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
/** Exact type equality (optional vs required and the key set both count). */
type SameShape<A, B> = (<T>() => T extends Plain<A> ? 1 : 2) extends <T>() => T extends Plain<B> ? 1 : 2 ? true : false;
type Drifted = {
  [K in CallName]: SameShape<z.output<CallSchemas[K]>, CallArgs<K>> extends true ? never : K;
}[CallName];
/** A compile error here names the call whose schema and contract disagree. */
const noDrift: [Drifted] extends [never] ? true : { drifted: Drifted } = true;
void noDrift;
