/**
 * How many links may be connecting (TCP, TLS, login, the first reads) at the same time
 * (docs/main-process.md, "Connecting many routers"). Connecting 1,000 routers at once would open
 * 1,000 sockets and run 1,000 TLS handshakes and logins in the same few event-loop turns: the
 * window's requests wait behind them, and every attempt shares the same 10 s budget, so a slow
 * router is starved into a time-out. Past the limit, attempts wait their turn (first come, first
 * served); an attempt's connect budget starts when it gets its turn, not while it waits.
 */
export const CONNECT_CONCURRENCY = 64;

export class ConnectGate {
  private running = 0;
  private readonly waiting: { resolve: (release: () => void) => void; reject: (e: unknown) => void }[] = [];

  constructor(readonly limit = CONNECT_CONCURRENCY) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`the connect limit must be a whole number from 1, got ${limit}`);
  }

  /** Attempts running now. */
  get active(): number {
    return this.running;
  }

  /** Attempts waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Resolves with the function that gives the turn back (call it once, also on failure). An
   * aborted `signal` takes the attempt out of the queue (a disconnect while it waits).
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        resolve: (release: () => void) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject,
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      // The turn passes straight to the next attempt: `running` stays the same.
      if (next) next.resolve(this.releaser());
      else this.running--;
    };
  }
}
