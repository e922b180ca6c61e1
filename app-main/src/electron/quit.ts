/**
 * Clean quit (engineering-notes §6.2, "Clean shutdown"): the first `before-quit` is held back
 * while the services cancel their tags, send `/quit` and close sockets; after they finish — or
 * after the deadline, so a dead router cannot keep the app alive — `app.quit()` runs once more
 * and is let through. A once-flag makes repeated quit requests (Cmd+Q twice, the last window
 * closing during dispose) harmless.
 */

export interface QuitApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export type QuitPhase = 'running' | 'disposing' | 'done';

export interface QuitSequenceOptions {
  app: QuitApp;
  dispose: () => Promise<void>;
  /** Longest wait for `dispose()`; the notes' 2 s socket deadline plus slack. */
  deadlineMs?: number;
  log?: (message: string) => void;
}

export interface QuitSequence {
  readonly phase: QuitPhase;
  /** Resolves when the sequence is done and the final `app.quit()` has been issued. */
  readonly finished: Promise<void>;
}

export type DeadlineOutcome = 'done' | 'failed' | 'timeout';

/** Settles with how `work` ended, or 'timeout' after `ms`; never rejects. */
export function withDeadline(work: Promise<unknown>, ms: number): Promise<DeadlineOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    work.then(
      () => {
        clearTimeout(timer);
        resolve('done');
      },
      () => {
        clearTimeout(timer);
        resolve('failed');
      },
    );
  });
}

export function installQuitSequence(options: QuitSequenceOptions): QuitSequence {
  const deadlineMs = options.deadlineMs ?? 3000;
  const log = options.log ?? (() => undefined);
  let phase: QuitPhase = 'running';
  let markFinished: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    markFinished = resolve;
  });

  options.app.on('before-quit', (event) => {
    if (phase === 'done') return;
    event.preventDefault();
    if (phase === 'disposing') return;
    phase = 'disposing';
    let work: Promise<void>;
    try {
      work = options.dispose();
    } catch (error) {
      work = Promise.reject(error);
    }
    void withDeadline(work, deadlineMs).then((outcome) => {
      if (outcome !== 'done')
        log(
          `shutdown: services dispose ${outcome === 'timeout' ? `timed out after ${deadlineMs} ms` : 'failed'}; quitting anyway`,
        );
      phase = 'done';
      options.app.quit();
      markFinished();
    });
  });

  return {
    get phase() {
      return phase;
    },
    finished,
  };
}
