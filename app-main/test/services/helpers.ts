/** Shared fixtures for the services tests: temp data dirs, an event recorder that waits on events. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BridgeEvents, EventName } from '../../src/common/contract';
import { BridgeFailure } from '../../src/services/index';

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

  /** Waits for an event (already recorded ones count when `includePast`). */
  wait<E extends EventName>(event: E, test: (p: BridgeEvents[E]) => boolean = () => true, timeoutMs = 15_000, includePast = false): Promise<BridgeEvents[E]> {
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
        const seen = this.events.filter((r) => r.event === event).slice(-5).map((r) => JSON.stringify(r.payload).slice(0, 300));
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

/** Polls an external condition (a child process, a file) until it holds or the deadline passes. */
export async function until(test: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
