/**
 * One argument schema per bridge call (design.md §3, engineering-notes §2.1 #17). Every argument
 * that crosses from a renderer — IPC or the browser host's WebSocket — is parsed here before a
 * handler sees it; the renderer is treated as untrusted (it renders router data).
 *
 * Drift guard: `callSchemas` is checked against `CallArgs<K>` in both directions, including the
 * optionality and the key set of nested objects (`SameShape` below), so changing the contract
 * without changing the schema — or the reverse — fails `tsc`.
 *
 * These schemas are the only gate (issue 11): the semantic rules (a host name's labels, words of a
 * sentence, a menu path in API form, distinct routers) are refinements here, with the bounds of
 * `LIMITS` (app-main/src/common/limits.ts), and services receive the parsed, typed arguments.
 * Messages are predicates ("is longer than 100 characters"); the dispatcher puts the field's name
 * in words in front of them, and a `hint` param travels as the error's hint.
 *
 * Unknown keys are stripped (zod's default), so handlers only ever see contract fields; the
 * settings patch alone refuses them by name. Error messages never echo the received value: an
 * argument may be a password.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { textCodec } from '../../../protocol/node/codec';
import { ENCODINGS, type EncodingName } from '../../../protocol/src/index';
import type {
  CallArgs,
  CallName,
  ConnectionsFileFormat,
  Encoding,
  SafeModeAction,
  SafeModeTakeOver,
  ThemeSetting,
  TraceFormat,
  TraceScope,
  TransportKind,
} from '../common/contract';
import { LIMITS } from '../common/limits';

export { LIMITS };

/** "1 MiB" for whole mebibytes, else "N characters". */
function size(max: number): string {
  return max >= 1 << 20 && max % (1 << 20) === 0 ? `${max / (1 << 20)} MiB` : `${max.toLocaleString('en')} characters`;
}

/** A custom issue; `hint` becomes the error's hint. */
function refuse(ctx: z.RefinementCtx, message: string, hint?: string, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message, ...(hint ? { params: { hint } } : {}), ...(path ? { path } : {}) });
}

// C0 controls and DEL: names and ids are shown in the UI and written to files.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const text = (max: number) => z.string('must be text').max(max, `is longer than ${size(max)}`);
const nonEmpty = (max: number) => text(max).min(1, 'is required');
/** Trimmed one-line text: what a user types into a field. */
const line = (max: number, min = 0) =>
  z
    .string('must be text')
    .trim()
    .min(min, 'is required')
    .max(max, `is longer than ${size(max)}`)
    .refine((v) => !CONTROL.test(v), 'must not contain control characters');
const id = line(LIMITS.id, 1);
const int = (min: number, max: number) =>
  z
    .number('must be a number')
    .int('must be a whole number')
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);
const flag = z.boolean('must be true or false');
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, `must be one of ${values.join(', ')}`);

export const TRANSPORTS = ['plain', 'tls-verify', 'tls-pinned', 'tls-anonymous'] as const satisfies readonly TransportKind[];
// One list of Encodings, the protocol's (protocol/src/text.ts); the contract's `Encoding` type must
// name exactly the same set, checked both ways at compile time.
export { ENCODINGS };
type SameSet<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const encodingsMatchContract: SameSet<EncodingName, Encoding> = true;
void encodingsMatchContract;
const themes = ['system', 'light', 'dark'] as const satisfies readonly ThemeSetting[];
const traceFormats = ['text', 'jsonl', 'pcapng'] as const satisfies readonly TraceFormat[];
const traceScopes = ['all', 'no-rows', 'commands'] as const satisfies readonly TraceScope[];
const connectionFileFormats = ['csv', 'json'] as const satisfies readonly ConnectionsFileFormat[];

/**
 * A SHA-256 certificate fingerprint. Accepted as 64 hex digits with or without `:` separators in
 * any case (what users paste from `openssl x509 -fingerprint` or a browser), and normalised to the
 * contract's form: colon-separated upper-case pairs.
 */
export const fingerprint256 = z
  .string('must be text')
  .max(200, 'is longer than 200 characters')
  .transform((value, ctx) => normalizeFingerprint(value, ctx) ?? z.NEVER);

function normalizeFingerprint(value: string, ctx: z.RefinementCtx): string | undefined {
  const hex = value.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    refuse(ctx, 'must be a SHA-256 fingerprint: 64 hex digits, colons allowed (AB:CD:…)');
    return undefined;
  }
  return hex.match(/../g)!.join(':');
}

/**
 * A host name (RFC 1123 labels), an IPv4 address or an IPv6 address (brackets allowed and
 * removed), normalised to lower case. Nothing else reaches `net.connect`.
 */
const hostName = line(LIMITS.host, 1).transform((raw, ctx) => {
  const unbracketed = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (isIPv6(unbracketed)) return unbracketed.toLowerCase();
  if (isIPv4(raw)) return raw;
  if (/^[0-9.]+$/.test(raw)) {
    refuse(ctx, 'is not a valid IPv4 address');
    return z.NEVER;
  }
  const labels = raw.replace(/\.$/, '').split('.');
  if (!labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label))) {
    refuse(
      ctx,
      'is not a valid host name, IPv4 or IPv6 address',
      'Use e.g. 192.168.88.1, fe80::1 or router.example.net (no scheme, no port).',
    );
    return z.NEVER;
  }
  return raw.toLowerCase();
});

/** A settings key: an API menu path such as `/interface` (protocol.md §3: words start with `/`). */
const menuPath = nonEmpty(LIMITS.menuPath).regex(/^\/[^\s]*$/, 'is not a menu path (like /interface)');

/**
 * The menu of a live table or a diff in API form (`/ip/address`, a trailing `/` dropped), never a
 * command: `/print` or `/listen` are added by the service.
 */
const apiMenuPath = line(LIMITS.menuPath, 1)
  .transform((path) => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path))
  .superRefine((path, ctx) => {
    if (!/^(\/[A-Za-z0-9][A-Za-z0-9._-]*)+$/.test(path))
      refuse(ctx, 'is not a menu path in API form', 'Write it like /interface or /ip/address (slashes, no spaces, no command).');
    else if (/\/(print|listen|getall)$/.test(path))
      refuse(ctx, 'must name the menu, not a command', 'Leave out /print or /listen.');
  });

/** Query words of a print (`?type=ether`, `?#|`). */
const queryWords = z
  .array(
    nonEmpty(LIMITS.queryWord).refine((w) => w.startsWith('?'), 'must start with "?" (e.g. ?type=ether or ?#|)'),
    'must be a list of query words',
  )
  .max(LIMITS.queryWords, `holds more than ${LIMITS.queryWords} words`);

/** `=.proplist=` names: a comma, `=` or a space would change the list. */
const proplist = z
  .array(
    line(LIMITS.propertyName, 1).refine((n) => !/[,=\s]/.test(n), 'must not contain commas, "=" or spaces'),
    'must be a list of property names',
  )
  .max(LIMITS.proplist, `holds more than ${LIMITS.proplist} names`);

/**
 * Calls without arguments. A missing argument is accepted as `{}`: over the WebSocket,
 * `JSON.stringify` drops an `args: undefined`.
 */
const noArgs = z
  .object({})
  .optional()
  .transform((): Record<string, never> => ({}));

/** A `{{variable}}` name of a library command (docs/library.md). */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const variableName = z
  .string('must be text')
  .regex(VARIABLE_NAME, 'must be a variable name: letters, digits, "_", "." or "-", starting with a letter or "_"');
/** Values of variables (a connection's own, or typed in the run form), keyed by variable name. */
const variableValues = (what: string) =>
  z.preprocess(
    (input, ctx) => {
      if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__'))
        ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'is not allowed as a key', input });
      return input;
    },
    z
      .record(variableName, text(LIMITS.libraryValue), {
        error: (issue) => (issue.code === 'invalid_type' ? `must map variable names to ${what}` : undefined),
      })
      .refine((v) => Object.keys(v).length <= LIMITS.connectionVars, `holds more than ${LIMITS.connectionVars} values`),
  );
const connectionVars = variableValues('values');

export const connectionInput = z
  .object({
    name: line(LIMITS.name, 1),
    host: hostName,
    port: int(1, 65_535),
    transport: oneOf(TRANSPORTS),
    // An empty field means "no pin" (the form sends what the user left blank).
    fingerprint256: z
      .string('must be text')
      .max(200, 'is longer than 200 characters')
      .transform((value, ctx) => (value === '' ? undefined : (normalizeFingerprint(value, ctx) ?? z.NEVER)))
      .optional(),
    user: line(LIMITS.user, 1),
    group: line(LIMITS.group).optional(),
    encoding: oneOf(ENCODINGS).optional(),
    // Free text: newlines and tabs allowed, kept as typed.
    notes: text(LIMITS.notes).optional(),
    // Values for library commands' {{variables}} (docs/library.md); undefined keeps the saved ones.
    vars: connectionVars.optional(),
    // undefined keeps, null removes, a string replaces.
    password: text(LIMITS.password)
      .refine((p) => !p.includes('\u0000'), 'must not contain a NUL character')
      .nullable()
      .optional(),
  })
  .superRefine((input, ctx) => {
    if (input.fingerprint256 !== undefined && input.transport !== 'tls-pinned')
      refuse(ctx, 'only applies to the tls-pinned transport', undefined, ['fingerprint256']);
    // The user name and the password go out in the connection's Encoding (docs/main-process.md,
    // "Text encoding"): one it cannot spell would fail at every login, so say so now. The
    // password's character is not named (messages never echo a password).
    const encoding = input.encoding ?? 'utf-8';
    const codec = textCodec(encoding);
    const spell = (field: 'user' | 'password', value: string | null | undefined): void => {
      if (typeof value !== 'string') return;
      try {
        codec.encode(value);
      } catch (e) {
        const what =
          field === 'user'
            ? `cannot be sent in ${encoding}: ${(e as Error).message}`
            : `has a character with no byte in ${encoding}`;
        refuse(ctx, what, `Choose the Encoding the router's ${field === 'user' ? 'users were' : 'password was'} typed in.`, [
          field,
        ]);
      }
    };
    spell('user', input.user);
    spell('password', input.password);
  });

/**
 * A record whose keys match `key`. zod skips an own `__proto__` key without a word (copying it
 * would set the prototype), so the call answered ok and the entry was gone (issue 11 G); it is
 * refused by name here instead.
 */
const recordOf = <V extends z.ZodType>(
  key: z.ZodType<string, string>,
  value: V,
  typeMessage = 'must map menu paths to lists of column names',
) =>
  z.preprocess(
    (input, ctx) => {
      if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__'))
        ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'is not allowed as a key', input });
      return input;
    },
    z.record(key, value, {
      error: (issue) => (issue.code === 'invalid_type' ? typeMessage : undefined),
    }),
  );

/** Widths of a column resized by hand, px: the renderer's DataGrid bounds (MIN/MAX_COLUMN_WIDTH). */
const MIN_COLUMN_PX = 40;
const MAX_COLUMN_PX = 1200;

const settingsPatch = z.strictObject(
  {
    theme: oneOf(themes).optional(),
    tableColumns: recordOf(
      menuPath,
      z
        .array(line(LIMITS.propertyName, 1), 'must be a list of column names')
        .max(LIMITS.columns, `lists more than ${LIMITS.columns} columns`),
    )
      .refine((columns) => Object.keys(columns).length <= LIMITS.columnMenus, `holds more than ${LIMITS.columnMenus} menus`)
      .optional(),
    tableColumnWidths: recordOf(
      menuPath,
      recordOf(
        line(LIMITS.propertyName, 1),
        int(MIN_COLUMN_PX, MAX_COLUMN_PX),
        'must map column names to widths in pixels',
      ).refine((w) => Object.keys(w).length <= LIMITS.columns, `lists more than ${LIMITS.columns} columns`),
      'must map menu paths to column widths',
    )
      .refine((w) => Object.keys(w).length <= LIMITS.columnMenus, `holds more than ${LIMITS.columnMenus} menus`)
      .optional(),
    lastSelectedConnectionId: id.optional(),
    tablePrintTimeoutSeconds: int(1, 3600).optional(),
    traceScopes: recordOf(id, oneOf(traceScopes), 'must map connection ids to trace scopes')
      .refine((scopes) => Object.keys(scopes).length <= LIMITS.traceScopes, `holds more than ${LIMITS.traceScopes} routers`)
      .optional(),
    traceBufferMiB: int(1, LIMITS.traceBufferMiB).optional(),
    mndpListen: flag.optional(),
    mndpPort: int(1, 65535).optional(),
    snapshotEveryHours: int(0, LIMITS.snapshotEveryHours).optional(),
    snapshotBeforeWrite: flag.optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `there is no setting named ${issue.keys.map((k) => `"${k}"`).join(', ')}` : undefined,
  },
);

/**
 * The words of one sentence. Trailing empty lines are what an editor leaves behind and are
 * dropped; an empty word inside a sentence would end it early on the wire (protocol.md §3), so it
 * is refused.
 */
const consoleWords = z
  .array(text(LIMITS.word), 'must be a list of words, one per line')
  .max(LIMITS.words, `holds more than ${LIMITS.words} words`)
  .transform((words, ctx) => {
    let end = words.length;
    while (end > 0 && words[end - 1]!.trim() === '') end--;
    if (end === 0) {
      refuse(ctx, 'is empty', 'Type a command first, e.g. /interface/print.');
      return z.NEVER;
    }
    const empty = words.slice(0, end).indexOf('');
    if (empty >= 0) {
      refuse(ctx, 'is empty; an empty word would end the sentence', 'Remove the empty line.', [empty]);
      return z.NEVER;
    }
    return end === words.length ? words : words.slice(0, end);
  });

/**
 * One segment of a `/console/inspect` path. The path travels as `=path=a,b,c` (landscape.md §4.1),
 * so a comma, `/`, `=` or whitespace inside a segment would change which node is asked about.
 */
const inspectSegment = nonEmpty(LIMITS.pathSegment).regex(
  /^[^\s,/=]+$/,
  'must be one menu, command or argument name, without "/", ",", "=" or spaces',
);
const inspectPath = z
  .array(inspectSegment, 'must be a list of names')
  .max(LIMITS.pathSegments, `holds more than ${LIMITS.pathSegments} names`);

/** A RouterOS version as RouterOS prints it: `7.12.2`, `7.18`. */
const rosVersion = line(20, 1).regex(/^\d{1,2}\.\d{1,3}(\.\d{1,3})?$/, 'must be a RouterOS version such as 7.12.2 or 7.18');

/** Distinct connection ids: the same router twice would send the command twice. */
const connectionIdList = (min: number, max: number, fewer: string) =>
  z
    .array(id, 'must be a list of routers')
    .min(min, fewer)
    .max(max, `names more than ${max} routers`)
    .refine((ids) => new Set(ids).size === ids.length, 'names the same router twice');

/** Per-router names, filled from the router and its saved connection (services/library/fill.ts). */
const PER_ROUTER = ['identity', 'version', 'name', 'host'];
const libraryVariable = z.object({
  name: variableName.refine(
    (n) => !PER_ROUTER.includes(n),
    'is filled in per router (identity, version, name, host) and cannot be declared',
  ),
  default: text(LIMITS.libraryValue).optional(),
  description: text(LIMITS.libraryDescription).optional(),
});

/** A library command as the form gives it, and as its file holds it (services/library/library.ts). */
export const libraryCommandInput = z.object({
  name: line(LIMITS.name, 1),
  description: text(LIMITS.libraryDescription).optional(),
  sentences: z
    .array(consoleWords, 'must be a list of sentences')
    .min(1, 'is empty')
    .max(LIMITS.librarySentences, `holds more than ${LIMITS.librarySentences} sentences`)
    .superRefine((sentences, ctx) => {
      for (const [i, words] of sentences.entries())
        if (!words[0]!.startsWith('/')) refuse(ctx, 'must start with a command such as /ip/address/add', undefined, [i, 0]);
    }),
  variables: z
    .array(libraryVariable, 'must be a list of variables')
    .max(LIMITS.libraryVariables, `holds more than ${LIMITS.libraryVariables} variables`)
    .refine((vars) => new Set(vars.map((v) => v.name)).size === vars.length, 'names the same variable twice')
    .optional(),
});

/** A library command's id: its file name without `.json` (safe on every file system). */
export const LIBRARY_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const libraryId = z.string('must be text').regex(LIBRARY_ID, 'is not a library command id (lower-case letters, digits and "-")');

const waves = z.object({
  size: int(1, LIMITS.broadcastRouters),
  pauseSeconds: int(0, LIMITS.wavePauseSeconds).optional(),
  confirmBetween: flag.optional(),
  maxFailures: int(0, LIMITS.broadcastRouters).optional(),
});

const libraryTarget = {
  id: libraryId,
  connectionIds: connectionIdList(1, LIMITS.broadcastRouters, 'names no router; choose at least one'),
  values: variableValues('the values typed in').optional(),
};

/** An argument name of a form (`address`, `in-interface`): one word, no "=" (it would end the name). */
const argName = line(LIMITS.propertyName, 1).refine((n) => !/[=\s]/.test(n), 'must not contain "=" or spaces');
/** Values of a form or a row, by argument name; each value is one word of the sentence. */
const formValues = recordOf(argName, text(LIMITS.word), 'must map argument names to values').refine(
  (v) => Object.keys(v).length <= LIMITS.formFields,
  `holds more than ${LIMITS.formFields} arguments`,
);
/** Item ids (`*1A`) or names, as `=numbers=` takes them: a comma would split one into two. */
const itemIds = z
  .array(
    line(LIMITS.id, 1).refine((v) => !v.includes(','), 'must not contain a comma'),
    'must be a list of item ids',
  )
  .max(LIMITS.formItems, `holds more than ${LIMITS.formItems} items`);
const formRequest = z.object({
  connectionId: id,
  path: apiMenuPath,
  action: oneOf(['add', 'edit', 'remove', 'enable', 'disable', 'comment'] as const),
  ids: itemIds.optional(),
  values: formValues.optional(),
  original: formValues.optional(),
  extra: z
    .array(z.object({ name: text(LIMITS.propertyName), value: text(LIMITS.word) }), 'must be a list of name/value rows')
    .max(LIMITS.formFields, `holds more than ${LIMITS.formFields} rows`)
    .optional(),
  comment: text(LIMITS.word).optional(),
});

export const callSchemas = {
  'app:info': noArgs,
  'app:snapshot': noArgs,
  'settings:get': noArgs,
  'settings:set': settingsPatch,

  'connections:list': noArgs,
  'connections:save': z.object({ id: id.optional(), input: connectionInput }),
  'connections:duplicate': z.object({ id }),
  'connections:delete': z.object({ id }),
  'connections:restore': z.object({ id }),
  'connections:trust': z.object({ id, fingerprint256 }),
  'connections:export': z.object({
    format: oneOf(connectionFileFormats),
    ids: connectionIdList(0, LIMITS.fleetConnections, '').optional(),
  }),
  'connections:import': z.object({
    fileName: line(LIMITS.fileName, 1),
    content: text(LIMITS.connectionsFile),
    format: oneOf(connectionFileFormats).optional(),
  }),
  'connections:group': z.object({
    ids: connectionIdList(1, LIMITS.fleetConnections, 'must name at least one router'),
    group: line(LIMITS.group),
  }),
  'fleet:list': noArgs,

  'link:connect': z.object({
    id,
    password: text(LIMITS.password)
      .refine((p) => !p.includes('\u0000'), 'must not contain a NUL character')
      .optional(),
  }),
  'link:disconnect': z.object({ id }),
  'link:states': noArgs,
  'link:safe-mode': z.object({
    id,
    action: oneOf(['take', 'release', 'unroll', 'dismiss'] as const satisfies readonly SafeModeAction[]),
    takeOver: oneOf(['release', 'unroll'] as const satisfies readonly SafeModeTakeOver[]).optional(),
  }),

  'console:send': z.object({ connectionId: id, words: consoleWords }),
  'console:cancel': z.object({ commandId: id }),
  'console:clear': z.object({ connectionId: id }),
  'console:history': z.object({
    connectionId: id,
    search: line(LIMITS.search).optional(),
    limit: int(1, LIMITS.historyLimit).optional(),
  }),

  'table:start': z.object({
    connectionId: id,
    path: apiMenuPath,
    query: queryWords.optional(),
    proplist: proplist.optional(),
    mode: oneOf(['listen', 'follow']).optional(),
    resyncSeconds: int(0, LIMITS.resyncSeconds).optional(),
  }),
  'table:stop': z.object({ tableId: id }),

  'trace:get': z.object({
    connectionId: id,
    sinceSeq: int(0, Number.MAX_SAFE_INTEGER).optional(),
    limit: int(1, LIMITS.traceLimit).optional(),
  }),
  'trace:export': z.object({ connectionId: id, format: oneOf(traceFormats) }),
  'trace:import': z.object({
    fileName: line(LIMITS.fileName, 1),
    content: text(LIMITS.traceContent),
  }),
  'trace:clear': z.object({ connectionId: id }),
  'trace:close': z.object({
    connectionId: id.refine(
      (v) => v.startsWith('import:'),
      'must name an imported trace (import:<n>); a router’s trace cannot be closed',
    ),
  }),

  'complete:children': z.object({ connectionId: id, path: inspectPath }),
  'complete:values': z.object({
    connectionId: id,
    path: inspectPath.min(1, 'must name the command, e.g. ["ip", "address", "add"]'),
    argument: inspectSegment,
  }),
  'tree:compare': z.object({
    connectionId: id.optional(),
    from: rosVersion.optional(),
    to: rosVersion.optional(),
    path: inspectPath.optional(),
  }),
  'broadcast:send': z.object({
    connectionIds: connectionIdList(1, LIMITS.broadcastRouters, 'names no router; choose at least one'),
    words: consoleWords,
    stopOnFirstError: flag.optional(),
    confirmed: flag.optional(),
    timeoutSeconds: int(1, LIMITS.routerTimeoutSeconds).optional(),
    broadcastId: id.optional(),
    waves: waves.optional(),
    snapshotBefore: flag.optional(),
  }),
  'broadcast:cancel': z.object({ broadcastId: id }),
  'broadcast:continue': z.object({ broadcastId: id }),
  'library:list': noArgs,
  'library:save': z.object({ id: libraryId.optional(), input: libraryCommandInput }),
  'library:delete': z.object({ id: libraryId }),
  'library:import': z.object({
    files: z
      .array(
        z.object({ fileName: line(LIMITS.fileName, 1), content: text(LIMITS.libraryFileContent) }),
        'must be a list of files',
      )
      .min(1, 'is empty')
      .max(LIMITS.libraryImportFiles, `holds more than ${LIMITS.libraryImportFiles} files`),
  }),
  'library:export': z.object({
    ids: z.array(libraryId, 'must be a list of command ids').max(10_000, 'holds more than 10,000 commands').optional(),
  }),
  'library:preview': z.object(libraryTarget),
  'library:run': z.object({
    ...libraryTarget,
    stopOnFirstError: flag.optional(),
    confirmed: flag.optional(),
    timeoutSeconds: int(1, LIMITS.routerTimeoutSeconds).optional(),
    broadcastId: id.optional(),
    waves: waves.optional(),
  }),
  'diff:fetch': z.object({
    connectionIds: connectionIdList(2, LIMITS.diffRouters, 'must name at least two routers to compare'),
    path: apiMenuPath,
    query: queryWords.optional(),
    proplist: proplist.optional(),
    timeoutSeconds: int(1, LIMITS.routerTimeoutSeconds).optional(),
  }),
  'replay:plan': z.object({ sourceId: id }),
  'replay:cancel': z.object({ targetId: id }),
  'replay:run': z.object({
    sourceId: id,
    targetId: id,
    seqs: z
      .array(int(1, Number.MAX_SAFE_INTEGER), 'must be a list of sentence numbers')
      .min(1, 'is empty')
      .max(LIMITS.replaySentences, `holds more than ${LIMITS.replaySentences} sentences`),
    confirmedWrites: z
      .array(int(1, Number.MAX_SAFE_INTEGER), 'must be a list of sentence numbers')
      .max(LIMITS.replaySentences, `holds more than ${LIMITS.replaySentences} sentences`),
    options: z
      .object({
        maxStreamReplies: int(1, 10_000).optional(),
        maxStreamMs: int(100, 600_000).optional(),
        timeoutMs: int(100, 600_000).optional(),
        ignoreVolatile: flag.optional(),
        strictBooleans: flag.optional(),
      })
      .optional(),
  }),
  'discovery:list': noArgs,
  'discovery:discover': noArgs,
  'repro:export': z.object({ connectionId: id, description: text(LIMITS.description) }),
  'history:list': z.object({ connectionId: id.optional() }),
  'history:snapshot': z.object({
    connectionId: id,
    note: line(LIMITS.snapshotNote).optional(),
    showSensitive: flag.optional(),
    kind: oneOf(['export', 'prints']).optional(),
    menus: z
      .array(apiMenuPath, 'must be a list of menu paths')
      .min(1, 'is empty')
      .max(LIMITS.snapshotMenus, `holds more than ${LIMITS.snapshotMenus} menus`)
      .optional(),
  }),
  'history:diff': z.object({ a: id, b: id }),
  'history:delete': z.object({ id }),
  'form:menu': z.object({ connectionId: id, path: apiMenuPath }),
  'form:describe': z.object({
    connectionId: id,
    path: apiMenuPath,
    action: oneOf(['add', 'edit'] as const),
    row: formValues.optional(),
  }),
  'form:build': formRequest,
  'form:send': formRequest,
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
