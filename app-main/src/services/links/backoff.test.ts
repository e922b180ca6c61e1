import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BridgeFailure, toBridgeError } from '../index';
import { backoffDelay, DEFAULT_TIMINGS } from './link';
import {
  ConnectionClosedError,
  FatalError,
  FramingError,
  LoginError,
  TimeoutError,
  TrapError,
  UsageError,
} from '../../../../protocol/src/index';
import { NetworkError, TlsError } from '../../../../protocol/node/transport';

describe('reconnect backoff (engineering-notes §6.2)', () => {
  const t = DEFAULT_TIMINGS;
  it('starts at 0.5 s, doubles, caps at 30 s', () => {
    const mid = (n: number) => backoffDelay(n, t, () => 0.5);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(mid)).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
  it('jitters by at most ±20 %, never above the cap + 20 %', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const base = Math.min(30_000, 500 * 2 ** Math.min(30, attempt - 1));
          const d = backoffDelay(attempt, t, () => r);
          expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
          expect(d).toBeLessThanOrEqual(Math.ceil(base * 1.2));
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
  it('defaults follow the issue: 10 s connect, 30 s heartbeat with 10 s timeout, 60 s stable reset', () => {
    expect(t).toMatchObject({
      connectTimeoutMs: 10_000,
      heartbeatIntervalMs: 30_000,
      heartbeatTimeoutMs: 10_000,
      stableResetMs: 60_000,
      backoffStartMs: 500,
      backoffCapMs: 30_000,
    });
  });
});

describe('toBridgeError', () => {
  it('maps every engine and transport error to a code with words and a hint', () => {
    const cases: [unknown, string][] = [
      [new TrapError([{ category: 1, message: 'input does not match any value of interface' }]), 'TRAP'],
      [new LoginError('login failed: invalid user name or password (6)'), 'LOGIN_FAILED'],
      [new FramingError('reserved control byte 0xf8', 12), 'FRAMING'],
      [new FatalError('session terminated on request'), 'FATAL'],
      [new ConnectionClosedError('connection lost', true), 'OUTCOME_UNKNOWN'],
      [new ConnectionClosedError('not connected', false), 'NOT_CONNECTED'],
      [new TimeoutError(15000), 'TIMEOUT'],
      [new UsageError('tag t1 is already in use'), 'VALIDATION'],
      [new NetworkError('cannot connect to 10.0.0.1:8728: connection refused', 'ECONNREFUSED'), 'NETWORK'],
      [new TlsError('TLS handshake failed'), 'TLS'],
      [Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }), 'STORAGE'],
      [new BridgeFailure('NOT_FOUND', 'connection "x" does not exist'), 'NOT_FOUND'],
      [new Error('boom'), 'INTERNAL'],
      ['a string', 'INTERNAL'],
    ];
    for (const [e, code] of cases) {
      const b = toBridgeError(e);
      expect(b.code, String(e)).toBe(code);
      expect(b.message.length).toBeGreaterThan(3);
      expect(JSON.parse(JSON.stringify(b))).toEqual(b); // plain data, crosses IPC intact
    }
    expect(toBridgeError(new TrapError([{ category: 1, message: 'x' }])).detail).toEqual({ category: 1 });
    expect(toBridgeError(new NetworkError('x', 'ETIMEDOUT')).hint).toMatch(/available-from/);
    expect(toBridgeError(new ConnectionClosedError('gone', true)).hint).toMatch(/never repeated automatically/);
  });
});
