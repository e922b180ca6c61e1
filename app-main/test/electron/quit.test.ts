import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { installQuitSequence, withDeadline } from '../../src/electron/quit';

/** Like Electron: quit() emits before-quit and proceeds unless a listener prevented it. */
class QuitApp extends EventEmitter {
  quits = 0;
  proceeded = 0;
  quitCalled: Promise<void>;
  private signal: () => void = () => undefined;
  constructor() {
    super();
    this.quitCalled = new Promise((r) => (this.signal = r));
  }
  quit(): void {
    this.quits++;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      this.proceeded++;
      this.signal();
    }
  }
}

describe('quit sequence', () => {
  it('holds the quit until the services are disposed, then quits once', async () => {
    const app = new QuitApp();
    let release: () => void = () => undefined;
    let disposals = 0;
    const seq = installQuitSequence({
      app,
      dispose: () => {
        disposals++;
        return new Promise<void>((r) => (release = r));
      },
    });
    app.quit();
    expect(seq.phase).toBe('disposing');
    expect(app.proceeded).toBe(0);
    app.quit(); // Cmd+Q again while disposing
    app.emit('before-quit', { preventDefault: () => undefined });
    expect(disposals).toBe(1);
    release();
    await app.quitCalled;
    await seq.finished;
    expect(seq.phase).toBe('done');
    expect(app.proceeded).toBe(1);
    app.quit();
    expect(disposals).toBe(1);
  });

  it('quits after the deadline when dispose hangs, and when it fails', async () => {
    const messages: string[] = [];
    const hung = new QuitApp();
    installQuitSequence({
      app: hung,
      dispose: () => new Promise<void>(() => undefined),
      deadlineMs: 20,
      log: (m) => messages.push(m),
    });
    hung.quit();
    await hung.quitCalled;
    expect(messages[0]).toMatch(/timed out after 20 ms/);

    const failing = new QuitApp();
    installQuitSequence({
      app: failing,
      dispose: () => {
        throw new Error('boom');
      },
      log: (m) => messages.push(m),
    });
    failing.quit();
    await failing.quitCalled;
    expect(messages[1]).toMatch(/failed/);
  });

  it('withDeadline reports how the work ended', async () => {
    expect(await withDeadline(Promise.resolve(1), 1000)).toBe('done');
    expect(await withDeadline(Promise.reject(new Error('x')), 1000)).toBe('failed');
    expect(await withDeadline(new Promise(() => undefined), 5)).toBe('timeout');
  });
});
