/**
 * Shared fixtures for the services tests: temp data dirs, an event recorder that waits on events,
 * and the per-test rig of real services and simulated routers.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../../simulator/src/index';
import type { BridgeError, BridgeEvents, CallName, EventName, Row, TablePatch } from '../../common/contract';
import { dispatch, parseArgs } from '../../bridge/dispatch';
import {
  BridgeFailure,
  createServices,
  MemoryCredentialStore,
  type Services,
  type LinkTimings,
  type ServicesOptions,
} from '../index';

/**
 * Link timings for tests against simulated routers on loopback: short time-outs, no heartbeat
 * (tests that need one set it), and a backoff that retries within a fraction of a second.
 */
export const FAST_TIMINGS: Partial<LinkTimings> = {
  connectTimeoutMs: 3000,
  commandTimeoutMs: 3000,
  heartbeatIntervalMs: 0,
  backoffStartMs: 20,
  backoffCapMs: 200,
  quitTimeoutMs: 500,
};

export function tempDir(prefix = 'tikscope-services-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir`, recursively, with its content. */
export function readAllFiles(dir: string): { path: string; content: string }[] {
  const out: { path: string; content: string }[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...readAllFiles(p));
    else out.push({ path: p, content: readFileSync(p, 'latin1') });
  }
  return out;
}

type Recorded = { [E in EventName]: { event: E; payload: BridgeEvents[E]; at: number } }[EventName];

/**
 * Collects bridge events and lets a test await the first one matching a predicate — no sleeps:
 * the promise settles when the event arrives (or rejects at the deadline with what was seen).
 */
export class EventLog {
  readonly events: Recorded[] = [];
  private waiters: { test: (r: Recorded) => boolean; resolve: (r: Recorded) => void }[] = [];

  readonly listener = <E extends EventName>(event: E, payload: BridgeEvents[E]): void => {
    const r = { event, payload, at: performance.now() } as Recorded;
    this.events.push(r);
    for (const w of [...this.waiters]) {
      if (w.test(r)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  };

  of<E extends EventName>(event: E): BridgeEvents[E][] {
    return this.events.filter((r) => r.event === event).map((r) => r.payload as BridgeEvents[E]);
  }

  /** The statuses one connection's link went through, oldest first. */
  linkStates(connectionId: string): BridgeEvents['link:state']['status'][] {
    return this.of('link:state')
      .filter((p) => p.connectionId === connectionId)
      .map((p) => p.status);
  }

  /** Waits for an event (already recorded ones count when `includePast`). */
  wait<E extends EventName>(
    event: E,
    test: (p: BridgeEvents[E]) => boolean = () => true,
    timeoutMs = 15_000,
    includePast = false,
  ): Promise<BridgeEvents[E]> {
    if (includePast) {
      const past = this.events.find((r) => r.event === event && test(r.payload as BridgeEvents[E]));
      if (past) return Promise.resolve(past.payload as BridgeEvents[E]);
    }
    return new Promise<BridgeEvents[E]>((resolve, reject) => {
      const waiter = {
        test: (r: Recorded) => r.event === event && test(r.payload as BridgeEvents[E]),
        resolve: (r: Recorded) => {
          clearTimeout(timer);
          resolve(r.payload as BridgeEvents[E]);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const seen = this.events
          .filter((r) => r.event === event)
          .slice(-5)
          .map((r) => JSON.stringify(r.payload).slice(0, 300));
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${event}; last seen:\n${seen.join('\n')}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/** Runs `fn` and returns the BridgeFailure it threw (fails the test if it did not throw one). */
export async function failure(fn: () => Promise<unknown>): Promise<BridgeFailure> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof BridgeFailure) return e;
    throw new Error(`expected a BridgeFailure, got ${(e as Error)?.stack ?? String(e)}`, { cause: e });
  }
  throw new Error('expected a BridgeFailure, but the call succeeded');
}

/**
 * The error of a call made as the renderer makes it: through the bridge's one gate (the schema),
 * then the handler. Argument checks live only in the schemas, so bad input is tested this way.
 */
export async function callFailure(s: Pick<Services, 'handlers'>, channel: CallName, args: unknown): Promise<BridgeError> {
  const r = await dispatch(s.handlers, channel, args);
  if (r.ok) throw new Error(`expected ${channel} to fail, but it succeeded`);
  return r.error;
}

/** The schema's `VALIDATION` error for arguments of `channel` (no handler runs). */
export function argsFailure(channel: CallName, args: unknown): BridgeError {
  const r = parseArgs(channel, args);
  if (r.ok) throw new Error(`expected the arguments of ${channel} to be refused`);
  return r.error;
}

/** Polls an external condition (a child process, a file) until it holds or the deadline passes. */
export async function until(test: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface ServicesRig {
  /** This test's data directory (fresh for every test, removed after it). */
  readonly dir: string;
  /** This test's events: the services started by `start` report to it. */
  readonly events: EventLog;
  /** A simulated router on 127.0.0.1 port 0, stopped after the test. */
  sim(options?: SimulatorOptions): Promise<Simulator>;
  /** The real services on this test's data directory, disposed after the test. */
  start(options?: Partial<ServicesOptions>): Promise<Services>;
  /** The test disposed the services itself (so they are not disposed twice). */
  disposed(): void;
}

/**
 * The per-test setup of the tests that run the real services against simulated routers: registers
 * beforeEach/afterEach for the file. `services` are the file's defaults for createServices (on top
 * of a browser host, version "test" and an in-memory credential store); `sim(n)` gives the defaults
 * of the test's n-th router (1-based), so that identities can follow the order they are started in.
 */
export function servicesRig(
  defaults: { services?: Partial<ServicesOptions>; sim?: (n: number) => SimulatorOptions } = {},
): ServicesRig {
  let tmp: ReturnType<typeof tempDir> | undefined;
  let events = new EventLog();
  let services: Services | undefined;
  const sims: Simulator[] = [];
  /** Routers asked for in this test, counted when asked (not when started: they may start together). */
  let simCount = 0;

  beforeEach(() => {
    simCount = 0;
    tmp = tempDir();
    events = new EventLog();
  });
  afterEach(async () => {
    await services?.dispose();
    services = undefined;
    for (const s of sims.splice(0)) await s.close();
    tmp?.cleanup();
  });

  const dir = (): string => {
    if (!tmp) throw new Error('the data directory is made in beforeEach');
    return tmp.dir;
  };
  return {
    get dir() {
      return dir();
    },
    get events() {
      return events;
    },
    async sim(options = {}) {
      const s = await startSimulator({ activity: false, ...defaults.sim?.(++simCount), ...options });
      sims.push(s);
      return s;
    },
    async start(options = {}) {
      services = await createServices({
        dataDir: dir(),
        host: 'browser',
        appVersion: 'test',
        credentialStore: new MemoryCredentialStore(),
        ...defaults.services,
        ...options,
      });
      services.subscribe(events.listener);
      return services;
    },
    disposed() {
      services = undefined;
    },
  };
}

/**
 * The rows of a table patch, parsed from its `upsertsJson`; also checks that `upsertCount` agrees,
 * so every test that reads a patch checks the count the renderer's badges rely on.
 */
export function upsertsOf(p: TablePatch): Row[] {
  if (p.upsertsJson === undefined) throw new Error('the services always send upsertsJson');
  const rows = JSON.parse(p.upsertsJson) as Row[];
  if (rows.length !== p.upsertCount) throw new Error(`upsertCount ${p.upsertCount} but ${rows.length} rows in upsertsJson`);
  return rows;
}
