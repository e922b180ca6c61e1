/**
 * Window bounds remembered across runs (engineering-notes §7): saved debounced on resize/move and
 * at once on close, atomically (temp file + rename); on restore checked against the displays
 * connected now, because monitors get unplugged between runs.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DisplayLike {
  /** The display minus task bars and docks. */
  workArea: Rect;
}

export interface SavedWindowState {
  version: 1;
  bounds: Rect;
  maximized: boolean;
  fullScreen: boolean;
}

export interface RestoredWindowState {
  /** `x`/`y` absent: let Electron centre the window. */
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
  fullScreen: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 720, height: 480 } as const;
/** The part of the title bar that must lie on a display for the user to grab the window. */
const GRAB_WIDTH = 120;
const GRAB_HEIGHT = 24;

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function parseSaved(saved: unknown): SavedWindowState | null {
  if (typeof saved !== 'object' || saved === null) return null;
  const s = saved as Partial<SavedWindowState>;
  const b = s.bounds as Partial<Rect> | undefined;
  if (!b || !isFiniteNumber(b.x) || !isFiniteNumber(b.y) || !isFiniteNumber(b.width) || !isFiniteNumber(b.height)) return null;
  if (b.width <= 0 || b.height <= 0) return null;
  return {
    version: 1,
    bounds: { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) },
    maximized: s.maximized === true,
    fullScreen: s.fullScreen === true,
  };
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function clampSize(width: number, height: number, area: Rect): { width: number; height: number } {
  return {
    width: Math.max(Math.min(MIN_SIZE.width, area.width), Math.min(width, area.width)),
    height: Math.max(Math.min(MIN_SIZE.height, area.height), Math.min(height, area.height)),
  };
}

/**
 * Where to open the window. Saved bounds are kept when a grab-able piece of the title bar lies on
 * one of the displays (the size clamped to that display's work area); otherwise the window is
 * centred on the primary display — the first in `displays` — at the saved (clamped) size.
 */
export function restoreWindowState(saved: unknown, displays: readonly DisplayLike[]): RestoredWindowState {
  const state = parseSaved(saved);
  const primary = displays[0]?.workArea;
  if (!state) {
    const size = primary ? clampSize(DEFAULT_SIZE.width, DEFAULT_SIZE.height, primary) : { ...DEFAULT_SIZE };
    return { bounds: size, maximized: false, fullScreen: false };
  }
  const { bounds } = state;
  const titleBar: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: GRAB_HEIGHT };
  const home = displays.find((d) => {
    const o = overlap(titleBar, d.workArea);
    return o.width >= Math.min(GRAB_WIDTH, bounds.width) && o.height >= GRAB_HEIGHT;
  });
  if (home) {
    const size = clampSize(bounds.width, bounds.height, home.workArea);
    const area = home.workArea;
    // Keep the window inside the work area after clamping its size.
    const x = Math.min(Math.max(bounds.x, area.x - size.width + GRAB_WIDTH), area.x + area.width - GRAB_WIDTH);
    const y = Math.min(Math.max(bounds.y, area.y), area.y + area.height - GRAB_HEIGHT);
    return { bounds: { x, y, ...size }, maximized: state.maximized, fullScreen: state.fullScreen };
  }
  if (!primary) return { bounds: { width: bounds.width, height: bounds.height }, maximized: state.maximized, fullScreen: false };
  const size = clampSize(bounds.width, bounds.height, primary);
  return {
    bounds: {
      x: primary.x + Math.round((primary.width - size.width) / 2),
      y: primary.y + Math.round((primary.height - size.height) / 2),
      ...size,
    },
    maximized: state.maximized,
    // A full-screen window on a display that is gone would come back on the wrong one.
    fullScreen: false,
  };
}

/** The subset of `BrowserWindow` the store reads. */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isFullScreen(): boolean;
  isDestroyed(): boolean;
  on(
    event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'enter-full-screen' | 'leave-full-screen' | 'close' | 'closed',
    listener: () => void,
  ): unknown;
}

export interface WindowStateStoreOptions {
  file: string;
  debounceMs?: number;
  onError?: (error: unknown) => void;
}

export interface WindowStateStore {
  /** The saved state, or `undefined` when there is none or it cannot be read. */
  load(): unknown;
  /** Saves on resize/move/maximise (debounced) and on close (at once). */
  track(window: TrackedWindow): void;
  /** Writes a pending save now. */
  flush(): void;
}

export function snapshotWindow(window: TrackedWindow): SavedWindowState {
  return { version: 1, bounds: window.getNormalBounds(), maximized: window.isMaximized(), fullScreen: window.isFullScreen() };
}

export function createWindowStateStore(options: WindowStateStoreOptions): WindowStateStore {
  const debounceMs = options.debounceMs ?? 400;
  const onError = options.onError ?? (() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: SavedWindowState | undefined;

  const write = (state: SavedWindowState) => {
    try {
      mkdirSync(dirname(options.file), { recursive: true });
      const temp = `${options.file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(state, null, 2) + '\n');
      renameSync(temp, options.file);
    } catch (error) {
      onError(error);
    }
  };

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending) write(pending);
    pending = undefined;
  };

  return {
    load() {
      try {
        return JSON.parse(readFileSync(options.file, 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    track(window) {
      const schedule = () => {
        if (window.isDestroyed()) return;
        // Capture now: after 'closed' the window can no longer be asked.
        pending = snapshotWindow(window);
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(flush, debounceMs);
      };
      for (const event of ['resize', 'move', 'maximize', 'unmaximize', 'enter-full-screen', 'leave-full-screen'] as const) {
        window.on(event, schedule);
      }
      window.on('close', () => {
        if (!window.isDestroyed()) pending = snapshotWindow(window);
        flush();
      });
    },
    flush,
  };
}
