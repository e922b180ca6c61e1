/**
 * The shared dispatcher behind the ipcMain wiring and the browser host (design.md §3): channel
 * lookup → schema validation → handler → `Result` envelope. Nothing is thrown across the bridge:
 * Electron keeps only `message` of an error thrown from `ipcMain.handle`
 * (engineering-notes §1.1, "errors over IPC"), and a WebSocket has no exceptions at all.
 */
import type { z } from 'zod';
import type { BridgeError, BridgeHandlers, CallArgs, CallName, ErrorCode, Result } from '../common/contract';
import { isCallName } from './channels';
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

/** The first issue, as a `VALIDATION` error naming the field (never the value: it may be a password). */
export function validationError(channel: CallName, error: z.ZodError): BridgeError {
  const issue = error.issues[0];
  const field = issue ? formatPath(issue.path) || 'args' : 'args';
  const reason = issue?.message ?? 'is invalid';
  const more =
    error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return {
    code: 'VALIDATION',
    message: `${channel}: ${field}: ${reason}${more}`,
    detail: { channel, field },
  };
}

/** Validates arguments of a known call; the typed value or a `VALIDATION` error. */
export function parseArgs<K extends CallName>(channel: K, args: unknown): Result<CallArgs<K>> {
  const schema = callSchemas[channel] as z.ZodType<CallArgs<K>, unknown>;
  const parsed = schema.safeParse(args);
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
