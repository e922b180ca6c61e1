/**
 * Which windows are showing the services (Electron windows, browser host pages), and a grace period
 * once none is left. A reload is a window going and coming back within moments (the browser host
 * sees its page's connection close and a new one open), so work that only a window can see — live
 * tables — is stopped only when no window came back in `graceMs` (issue 11 item 9: a reload left
 * the old listen running unseen, with no way to stop it).
 */
export class WindowPresence {
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly graceMs: number,
    /** No window for `graceMs`. */
    private readonly onAbandoned: () => void,
  ) {}

  /** Windows showing the services now. */
  get windows(): number {
    return this.count;
  }

  /** A window came; call the returned function when it is gone (again is harmless). */
  attach(): () => void {
    this.count++;
    this.cancel();
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      this.count--;
      if (this.count === 0 && !this.disposed) {
        this.cancel();
        this.timer = setTimeout(() => {
          this.timer = undefined;
          if (this.count === 0 && !this.disposed) this.onAbandoned();
        }, this.graceMs);
        // Never keeps the process alive on its own (the quit sequence ends everything anyway).
        (this.timer as { unref?: () => void }).unref?.();
      }
    };
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
