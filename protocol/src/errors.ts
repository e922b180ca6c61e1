/**
 * Typed errors of the wire engine. Each carries a literal `code` so that the bridge can map it to
 * one `{ code, message }` shape without `instanceof` across process boundaries.
 */

export const ErrorCode = {
  Framing: 'FRAMING',
  Trap: 'TRAP',
  Fatal: 'FATAL',
  ConnectionClosed: 'CONNECTION_CLOSED',
  Timeout: 'TIMEOUT',
  Cancelled: 'CANCELLED',
  CancelUnconfirmed: 'CANCEL_UNCONFIRMED',
  Login: 'LOGIN_FAILED',
  Usage: 'USAGE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export abstract class RouterOsError extends Error {
  abstract readonly code: ErrorCode;
}

/** The byte stream cannot be read any further (protocol.md §2: reserved bytes, caps). */
export class FramingError extends RouterOsError {
  readonly code = ErrorCode.Framing;
  constructor(
    readonly reason: string,
    /** Offset of the offending byte, counted from the first byte this decoder ever received. */
    readonly offset: number,
  ) {
    super(`framing error at byte ${offset}: ${reason}`);
    this.name = 'FramingError';
  }
}

export interface Trap {
  /** protocol.md §5.1: optional; 0 missing item, 1 bad argument, 2 interrupted, ... */
  readonly category: number | undefined;
  readonly message: string;
}

/** The router refused a command with one or more `!trap` (a `!done` always followed). */
export class TrapError extends RouterOsError {
  readonly code = ErrorCode.Trap;
  constructor(
    readonly traps: readonly Trap[],
    /** Data replies that arrived before the command ended. */
    readonly rows: readonly Record<string, string>[] = [],
  ) {
    super(traps.map((t) => (t.category === undefined ? t.message : `${t.message} (category ${t.category})`)).join('; '));
    this.name = 'TrapError';
  }
  get category(): number | undefined {
    return this.traps[0]?.category;
  }
}

/** `!fatal`: the router closes the connection (protocol.md §5.2). */
export class FatalError extends RouterOsError {
  readonly code = ErrorCode.Fatal;
  constructor(readonly reason: string) {
    super(`router closed the session: ${reason}`);
    this.name = 'FatalError';
  }
}

/**
 * The connection went away while the command was pending. `outcomeUnknown` is true when the
 * sentence had been written: the router may have executed it (engineering-notes §6.2: never replay).
 */
export class ConnectionClosedError extends RouterOsError {
  readonly code = ErrorCode.ConnectionClosed;
  constructor(
    message: string,
    readonly outcomeUnknown: boolean,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}

export class TimeoutError extends RouterOsError {
  readonly code = ErrorCode.Timeout;
  constructor(
    readonly timeoutMs: number,
    what = 'command',
  ) {
    super(`${what} timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

export class CancelledError extends RouterOsError {
  readonly code = ErrorCode.Cancelled;
  constructor(message = 'command cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/**
 * We sent `/cancel`, but the command's own `!done` did not come within the cancel deadline (a
 * stalled router, a lost reply): the command is given up on, and may still be running there.
 */
export class CancelUnconfirmedError extends RouterOsError {
  readonly code = ErrorCode.CancelUnconfirmed;
  constructor(readonly timeoutMs: number) {
    super(
      `cancel unconfirmed: the router did not end the command within ${timeoutMs} ms of /cancel; it may still be running there`,
    );
    this.name = 'CancelUnconfirmedError';
  }
}

/** Login refused (bad user or password, or a login method the router does not accept). */
export class LoginError extends RouterOsError {
  readonly code = ErrorCode.Login;
  constructor(
    message: string,
    readonly traps: readonly Trap[] = [],
  ) {
    super(message);
    this.name = 'LoginError';
  }
}

/** A caller passed something the engine cannot send (bad word, duplicate tag, ...). */
export class UsageError extends RouterOsError {
  readonly code = ErrorCode.Usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
