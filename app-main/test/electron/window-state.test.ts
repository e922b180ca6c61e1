import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createWindowStateStore,
  DEFAULT_SIZE,
  MIN_SIZE,
  restoreWindowState,
  type Rect,
  type TrackedWindow,
} from '../../src/electron/window-state';

const laptop = { workArea: { x: 0, y: 0, width: 1440, height: 860 } };
const external = { workArea: { x: 1440, y: -200, width: 2560, height: 1400 } };
const saved = (bounds: Rect, maximized = false, fullScreen = false) => ({ version: 1, bounds, maximized, fullScreen });

describe('restoreWindowState', () => {
  it('uses the default size, centred by Electron, without saved state', () => {
    for (const s of [
      undefined,
      null,
      'junk',
      {},
      { bounds: { x: 1, y: 2, width: 'wide', height: 3 } },
      saved({ x: 0, y: 0, width: 0, height: 10 }),
    ]) {
      expect(restoreWindowState(s, [external])).toEqual({ bounds: DEFAULT_SIZE, maximized: false, fullScreen: false });
    }
  });

  it('keeps bounds that are on a connected display', () => {
    expect(restoreWindowState(saved({ x: 100, y: 50, width: 1000, height: 700 }, true), [laptop])).toEqual({
      bounds: { x: 100, y: 50, width: 1000, height: 700 },
      maximized: true,
      fullScreen: false,
    });
    // On the second monitor, left of and above the primary's origin.
    expect(restoreWindowState(saved({ x: 2000, y: -150, width: 1600, height: 1000 }), [laptop, external]).bounds).toEqual({
      x: 2000,
      y: -150,
      width: 1600,
      height: 1000,
    });
  });

  it('re-centres on the primary display when the window was on an unplugged monitor', () => {
    const r = restoreWindowState(saved({ x: 2000, y: -150, width: 1600, height: 1000 }, false, true), [laptop]);
    expect(r.bounds).toEqual({ x: 0, y: 0, width: 1440, height: 860 });
    expect(r.fullScreen).toBe(false);
    const small = restoreWindowState(saved({ x: 5000, y: 5000, width: 800, height: 600 }), [laptop]);
    expect(small.bounds).toEqual({ x: 320, y: 130, width: 800, height: 600 });
  });

  it('re-centres when only a sliver of the title bar would be reachable', () => {
    expect(restoreWindowState(saved({ x: 1400, y: 100, width: 800, height: 600 }), [laptop]).bounds).toEqual({
      x: 320,
      y: 130,
      width: 800,
      height: 600,
    });
    expect(restoreWindowState(saved({ x: 100, y: 850, width: 800, height: 600 }), [laptop]).bounds).toEqual({
      x: 320,
      y: 130,
      width: 800,
      height: 600,
    });
  });

  it('clamps the size to the work area and to the minimum', () => {
    expect(restoreWindowState(saved({ x: 0, y: 0, width: 5000, height: 4000 }), [laptop]).bounds).toEqual({
      x: 0,
      y: 0,
      width: 1440,
      height: 860,
    });
    expect(restoreWindowState(saved({ x: 10, y: 10, width: 100, height: 50 }), [laptop]).bounds).toEqual({
      x: 10,
      y: 10,
      ...MIN_SIZE,
    });
  });

  it('keeps every restored window grab-able on some display (many layouts)', () => {
    const layouts = [[laptop], [laptop, external], [external]];
    for (const displays of layouts) {
      for (let x = -4000; x <= 6000; x += 730) {
        for (let y = -3000; y <= 4000; y += 610) {
          const r = restoreWindowState(saved({ x, y, width: 1200, height: 800 }), displays);
          const { x: rx = 0, y: ry = 0, width } = r.bounds;
          const onScreen = displays.some(
            ({ workArea: a }) =>
              Math.min(rx + width, a.x + a.width) - Math.max(rx, a.x) >= 120 && ry >= a.y && ry + 24 <= a.y + a.height,
          );
          expect(onScreen, `${x},${y}`).toBe(true);
        }
      }
    }
  });
});

class FakeWindow extends EventEmitter implements TrackedWindow {
  bounds: Rect = { x: 10, y: 20, width: 1000, height: 700 };
  maximized = false;
  destroyed = false;
  getNormalBounds() {
    return { ...this.bounds };
  }
  isMaximized() {
    return this.maximized;
  }
  isFullScreen() {
    return false;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

describe('window state store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tikscope-winstate-'));
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves debounced on move/resize and at once on close', () => {
    const file = join(dir, 'sub', 'window-state.json');
    const store = createWindowStateStore({ file, debounceMs: 300 });
    const win = new FakeWindow();
    store.track(win);
    win.bounds = { x: 50, y: 60, width: 900, height: 650 };
    win.emit('move');
    win.emit('resize');
    expect(existsSync(file)).toBe(false);
    vi.advanceTimersByTime(299);
    expect(existsSync(file)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      bounds: { x: 50, y: 60, width: 900, height: 650 },
      maximized: false,
      fullScreen: false,
    });

    win.maximized = true;
    win.emit('maximize');
    win.emit('close');
    expect(JSON.parse(readFileSync(file, 'utf8')).maximized).toBe(true);
    expect(store.load()).toMatchObject({ maximized: true });
  });

  it('loads nothing from a damaged file and reports write failures', () => {
    const file = join(dir, 'window-state.json');
    writeFileSync(file, '{not json');
    const errors: unknown[] = [];
    const store = createWindowStateStore({ file: join(file, 'cannot', 'be', 'here.json'), onError: (e) => errors.push(e) });
    expect(createWindowStateStore({ file }).load()).toBeUndefined();
    const win = new FakeWindow();
    store.track(win);
    win.emit('close');
    expect(errors).toHaveLength(1);
  });
});
