/**
 * The shared dispatcher behind the ipcMain wiring and the browser host (design.md §3): channel
 * lookup → schema validation → handler → `Result` envelope. Nothing is thrown across the bridge:
 * Electron keeps only `message` of an error thrown from `ipcMain.handle`
 * (engineering-notes §1.1, "errors over IPC"), and a WebSocket has no exceptions at all.
 */
import type { z } from 'zod';
import type { BridgeError, BridgeHandlers, CallArgs, CallName, ErrorCode, Result } from '../common/contract';
import { isCallName } from '../common/channels';
import { callSchemas } from './schemas';

export type ToBridgeError = (error: unknown) => BridgeError;

export interface DispatchOptions {
  /** The services' error mapping (typed protocol errors → codes); a fallback is used without it. */
  toBridgeError?: ToBridgeError;
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'VALIDATION',
  'NOT_FOUND',
  'NOT_CONNECTED',
  'NETWORK',
  'TLS',
  'TLS_UNTRUSTED',
  'LOGIN_FAILED',
  'TRAP',
  'FATAL',
  'TIMEOUT',
  'CANCELLED',
  'OUTCOME_UNKNOWN',
  'FRAMING',
  'KEYCHAIN_UNAVAILABLE',
  'STORAGE',
  'FORBIDDEN',
  'INTERNAL',
]);

export function bridgeError(code: ErrorCode, message: string, extra: Pick<BridgeError, 'hint' | 'detail'> = {}): BridgeError {
  return { code, message, ...extra };
}

export function failure(error: BridgeError): Result<never> {
  return { ok: false, error };
}

/** True for a value already shaped like a `BridgeError` (e.g. thrown by a service on purpose). */
export function isBridgeError(value: unknown): value is BridgeError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return typeof code === 'string' && ERROR_CODES.has(code) && typeof message === 'string';
}

/** Used until (or unless) the services' `toBridgeError` is supplied. */
export function fallbackToBridgeError(error: unknown): BridgeError {
  if (isBridgeError(error)) {
    const out: BridgeError = { code: error.code, message: error.message };
    if (error.hint !== undefined) out.hint = error.hint;
    if (error.detail !== undefined) out.detail = error.detail;
    return out;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message || 'Internal error', hint: 'This is a bug in Tikscope; the log has details.' };
}

/** `a.b[2].c` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * Argument names in the words a user knows them by: an error reads "The host is not a valid host
 * name", not "connections:save: input.host: …". The path stays in `detail.field` for forms.
 */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  input: 'the connection settings',
  options: 'the replay options',
  id: 'the connection',
  name: 'the name',
  host: 'the host',
  port: 'the port',
  transport: 'the transport',
  fingerprint256: 'the certificate fingerprint',
  user: 'the user name',
  group: 'the group',
  encoding: 'the encoding',
  notes: 'the notes',
  password: 'the password',
  theme: 'the theme',
  tableColumns: 'the table columns',
  tableColumnWidths: 'the column widths',
  lastSelectedConnectionId: 'the last selected connection',
  tablePrintTimeoutSeconds: "the live tables' print time-out",
  connectionId: 'the router',
  connectionIds: 'the list of routers',
  words: 'the sentence',
  commandId: 'the command',
  search: 'the search text',
  limit: 'the limit',
  path: 'the menu path',
  query: 'the query',
  proplist: 'the property list',
  mode: 'the mode',
  resyncSeconds: 'the resync interval',
  tableId: 'the table',
  sinceSeq: 'the first sequence number',
  format: 'the format',
  fileName: 'the file name',
  content: 'the file',
  argument: 'the argument name',
  stopOnFirstError: '"stop on first error"',
  confirmed: 'the confirmation',
  timeoutSeconds: 'the time limit',
  broadcastId: 'the broadcast',
  sourceId: 'the source trace',
  targetId: 'the target router',
  seqs: 'the selection of sentences',
  confirmedWrites: 'the confirmed sentences',
  maxStreamReplies: 'the reply limit of a stream',
  maxStreamMs: 'the time limit of a stream',
  timeoutMs: 'the time limit of a sentence',
  ignoreVolatile: '"ignore volatile"',
  strictBooleans: '"compare yes/no and true/false exactly"',
  description: 'the description',
  vars: "the connection's values",
  values: 'the values',
  variables: 'the variables',
  sentences: 'the sentences',
  waves: 'the waves',
  size: 'the wave size',
  pauseSeconds: 'the pause between waves',
  confirmBetween: '"confirm between waves"',
  maxFailures: 'the failures allowed per wave',
  files: 'the files',
  ids: 'the commands',
  default: 'the default',
  note: 'the note',
  showSensitive: '"show sensitive"',
  kind: 'the kind of snapshot',
  menus: 'the list of menus',
  a: 'the first snapshot',
  b: 'the second snapshot',
  snapshotEveryHours: 'the snapshot interval',
  snapshotBeforeWrite: '"snapshot before write"',
  snapshotBefore: '"snapshot before write"',
  action: 'the action',
  original: 'the row as it was',
  row: 'the row',
  extra: 'the other arguments',
  comment: 'the comment',
};

/** Records keyed by an argument name (forms, issue 14): an issue names the argument. */
const ARGUMENT_RECORDS: ReadonlySet<string> = new Set(['original', 'row']);

const ITEM_WORDS: Readonly<Record<string, string>> = {
  words: 'word',
  connectionIds: 'router',
  query: 'query word',
  proplist: 'property',
  path: 'name',
  seqs: 'sentence',
  confirmedWrites: 'sentence',
  sentences: 'sentence',
  variables: 'variable',
  files: 'file',
  ids: 'command',
  menus: 'menu',
  extra: 'argument',
};

/** "The host", "Word 2 of the sentence", "The columns of /interface", "The arguments". */
export function describeField(path: readonly PropertyKey[]): string {
  let words = 'the arguments';
  let parent: string | undefined;
  let grandparent: string | undefined;
  for (const key of path) {
    if (typeof key === 'number') {
      words = `${ITEM_WORDS[parent ?? ''] ?? 'item'} ${key + 1} of ${words}`;
    } else {
      const name = String(key);
      words =
        parent === 'tableColumns'
          ? `the columns of ${name}`
          : parent === 'tableColumnWidths'
            ? `the column widths of ${name}`
            : grandparent === 'tableColumnWidths'
              ? `the width of ${name} on ${parent}`
              : parent !== undefined && ARGUMENT_RECORDS.has(parent)
                ? `the argument "${name}"`
                : parent === 'values'
                  ? `the value of "${name}"`
                  : (FIELD_WORDS[name] ?? `"${name}"`);
      grandparent = parent;
      parent = name;
    }
  }
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The first issue, as a `VALIDATION` error naming the field (never the value: it may be a password). */
export function validationError(channel: CallName, error: z.ZodError): BridgeError {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const field = unknownKey ?? (formatPath(path) || 'args');
  // A record key that fails its schema: the key schema's own message says why.
  const reason = (issue?.code === 'invalid_key' ? issue.issues[0]?.message : issue?.message) ?? 'is invalid';
  const more =
    error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  // An unknown key has no field to describe: the message is the whole sentence.
  const sentence =
    unknownKey === undefined ? `${describeField(path)} ${reason}` : reason.charAt(0).toUpperCase() + reason.slice(1);
  const out: BridgeError = {
    code: 'VALIDATION',
    message: `${sentence}${more}.`,
    detail: { channel, field },
  };
  const hint = issue?.code === 'custom' ? (issue.params as { hint?: unknown } | undefined)?.hint : undefined;
  if (typeof hint === 'string') out.hint = hint;
  return out;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: 'must be an object',
  array: 'must be a list',
  string: 'must be text',
  number: 'must be a number',
  int: 'must be a whole number',
  boolean: 'must be true or false',
  record: 'must be an object',
};

/** Predicates for issues whose schema gave no message of its own (zod's would be "Invalid input: …"). */
const predicate: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type')
    return issue.input === undefined ? 'is required' : (TYPE_WORDS[issue.expected] ?? `must be ${issue.expected}`);
  return 'is not valid';
};

/** Validates arguments of a known call; the typed value or a `VALIDATION` error. */
export function parseArgs<K extends CallName>(channel: K, args: unknown): Result<CallArgs<K>> {
  const schema = callSchemas[channel] as z.ZodType<CallArgs<K>, unknown>;
  const parsed = schema.safeParse(args, { error: predicate });
  return parsed.success ? { ok: true, value: parsed.data } : failure(validationError(channel, parsed.error));
}

async function invoke<K extends CallName>(handlers: BridgeHandlers, channel: K, args: CallArgs<K>): Promise<unknown> {
  const handler = handlers[channel] as (a: CallArgs<K>) => Promise<unknown>;
  return handler(args);
}

function safeMap(toBridgeError: ToBridgeError, error: unknown): BridgeError {
  try {
    const mapped = toBridgeError(error);
    return isBridgeError(mapped) ? mapped : fallbackToBridgeError(error);
  } catch {
    return fallbackToBridgeError(error);
  }
}

/**
 * Runs one call. Unknown channels are refused (own-property lookup: `__proto__` is not a
 * channel); arguments are validated; a handler's throw becomes `{ ok: false, error }`.
 */
export async function dispatch(
  handlers: BridgeHandlers,
  channel: unknown,
  args: unknown,
  options: DispatchOptions = {},
): Promise<Result<unknown>> {
  if (!isCallName(channel)) {
    const shown = typeof channel === 'string' ? JSON.stringify(channel.slice(0, 80)) : typeof channel;
    return failure({
      code: 'VALIDATION',
      message: `Unknown bridge call ${shown}`,
      hint: 'The renderer and the main process are from different versions; restart Tikscope.',
      detail: { field: 'channel' },
    });
  }
  const parsed = parseArgs(channel, args);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, value: await invoke(handlers, channel, parsed.value) };
  } catch (error) {
    return failure(safeMap(options.toBridgeError ?? fallbackToBridgeError, error));
  }
}
