import {
  CancelledError,
  CancelUnconfirmedError,
  ConnectionClosedError,
  FatalError,
  FramingError,
  LoginError,
  TimeoutError,
  TrapError,
  UsageError,
} from '../../../../protocol/src/index';
import { NetworkError, TlsError } from '../../../../protocol/node/transport';
import type { BridgeError, ErrorCode } from '../../common/contract';

type Detail = Record<string, string | number | boolean | null>;

/**
 * What a handler throws for an expected failure. The wiring turns it into `{ ok: false, error }`
 * with `toBridgeError`; anything else becomes INTERNAL.
 */
export class BridgeFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    readonly detail?: Detail,
  ) {
    super(message);
    this.name = 'BridgeFailure';
  }

  toJSON(): BridgeError {
    return toBridgeError(this);
  }
}

export function validationError(field: string, message: string, hint?: string): BridgeFailure {
  return new BridgeFailure('VALIDATION', message, hint, { field });
}

export function notFound(what: string, id: string): BridgeFailure {
  return new BridgeFailure('NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist`, undefined, { id });
}

function make(code: ErrorCode, message: string, hint?: string, detail?: Detail): BridgeError {
  const out: BridgeError = { code, message };
  if (hint !== undefined) out.hint = hint;
  if (detail !== undefined && Object.keys(detail).length > 0) out.detail = detail;
  return out;
}

const STORAGE_ERRNOS = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EDQUOT', 'EISDIR', 'ENOTDIR', 'EMFILE', 'EBUSY', 'EIO']);

/**
 * Maps protocol, transport, Node and our own errors to the one shape that crosses the bridge
 * (engineering-notes §1.5: only `{ code, message, hint?, detail? }` crosses IPC). Never returns a
 * password: messages come from the engine, which never puts secrets into errors.
 */
export function toBridgeError(e: unknown): BridgeError {
  if (e instanceof BridgeFailure) return make(e.code, e.message, e.hint, e.detail);
  if (e instanceof TrapError) {
    const category = e.category;
    return make(
      'TRAP',
      `the router refused the command: ${e.message}`,
      category === 0 ? 'Check the menu path and the item id.' : category === 1 ? 'Check the argument values.' : undefined,
      category === undefined ? undefined : { category },
    );
  }
  if (e instanceof LoginError) {
    return make(
      'LOGIN_FAILED',
      e.message,
      'Check the user name and password; the router also refuses users without the "api" policy.',
    );
  }
  if (e instanceof FramingError) {
    return make(
      'FRAMING',
      `the router sent bytes that cannot be read: ${e.message}`,
      'The connection was closed; it may be a different service on that port, or a router bug.',
      {
        offset: e.offset,
      },
    );
  }
  if (e instanceof FatalError) {
    return make('FATAL', e.message, 'The router closed the session; connect again.', { reason: e.reason });
  }
  if (e instanceof ConnectionClosedError) {
    return e.outcomeUnknown
      ? make(
          'OUTCOME_UNKNOWN',
          `the connection dropped while the command was running (${e.message}); it may or may not have run on the router`,
          'Check the router state before repeating the command; it is never repeated automatically.',
        )
      : make('NOT_CONNECTED', e.message, 'Connect to the router first.');
  }
  if (e instanceof TimeoutError) {
    return make('TIMEOUT', e.message, 'The router did not answer in time; check the link or try again.', {
      timeoutMs: e.timeoutMs,
    });
  }
  if (e instanceof CancelledError) return make('CANCELLED', e.message);
  if (e instanceof CancelUnconfirmedError)
    return make('CANCELLED', e.message, 'Check the router: the command may still be running there.', {
      confirmed: false,
      timeoutMs: e.timeoutMs,
    });
  if (e instanceof UsageError) return make('VALIDATION', e.message);
  if (e instanceof TlsError) {
    return make(
      'TLS',
      e.message,
      'Check that the port is the API-SSL service (8729) and that the transport mode matches the router certificate.',
      e.fingerprint256 ? { presentedFingerprint256: e.fingerprint256 } : undefined,
    );
  }
  if (e instanceof NetworkError) {
    const hint =
      e.errno === 'ECONNREFUSED'
        ? 'Is the API service enabled (/ip service) and the port right?'
        : e.errno === 'ETIMEDOUT'
          ? 'No answer: the router may be unreachable, or its "available-from" list drops this address silently.'
          : e.errno === 'ENOTFOUND' || e.errno === 'EAI_AGAIN'
            ? 'Check the host name.'
            : undefined;
    return make('NETWORK', e.message, hint, e.errno ? { errno: e.errno } : undefined);
  }
  if (isErrnoError(e)) {
    if (STORAGE_ERRNOS.has(e.code)) {
      return make(
        'STORAGE',
        `cannot read or write the data directory: ${e.message}`,
        'Check free disk space and the permissions of the data directory.',
        { errno: e.code },
      );
    }
    if (/^E(CONN|HOST|NET|TIMEDOUT|PIPE|AI_)/.test(e.code)) return make('NETWORK', e.message, undefined, { errno: e.code });
  }
  const message = e instanceof Error ? e.message : String(e);
  return make('INTERNAL', `internal error: ${message}`, 'This is a bug in Tikscope; the log has details.');
}

function isErrnoError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}
