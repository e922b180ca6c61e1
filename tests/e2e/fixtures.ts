/**
 * End-to-end fixtures: the real renderer (built once per file into a temp directory) served by the
 * real browser host (`startHost`) with a fresh data directory, the real services, and simulated
 * routers on 127.0.0.1 port 0 — driven by Chromium through playwright-core (engineering-notes
 * §5.3). Nothing sleeps: every wait is on a role, a text or `data-app-state`.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startHost, type HostOptions, type RunningHost } from '../../app-main/src/host/index';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/src/index';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';
import { AppPage } from './pages/AppPage';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

interface RendererBuild {
  build(opts: { root: string; outDir: string }): Promise<void>;
}

/** Builds the renderer exactly as `npm run build` does, into a temp dir owned by this test file. */
export async function buildRenderer(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const out = await mkdtemp(join(tmpdir(), 'tikscope-e2e-renderer-'));
  const mod = (await import(pathToFileURL(join(ROOT, 'scripts', 'build.d', '30-renderer.mjs')).href)) as RendererBuild;
  await mod.build({ root: ROOT, outDir: out });
  return { dir: join(out, 'renderer'), dispose: () => rm(out, { recursive: true, force: true }) };
}

export interface AppUnderTest {
  host: RunningHost;
  dataDir: string;
  app: AppPage;
  /** Whether the OS keychain is usable in this run (decides what the password tests check). */
  keychain: { available: boolean; reason?: string };
  close(): Promise<void>;
}

export interface OpenAppOptions {
  colorScheme?: 'dark' | 'light';
  /** Re-use a data directory (a restart); it is then left in place on close. */
  dataDir?: string;
  /** Services made by the test (e.g. with a short inspect time-out) instead of the host's default. */
  createServices?: HostOptions['createServices'];
  /** Neighbour discovery on (as `npm run web` has it); absent, nothing listens for MNDP. */
  mndp?: HostOptions['mndp'];
}

/** A fresh host (own data directory) and a fresh browser context on it, page ready. */
export async function openApp(browser: Browser, rendererDir: string, opts: OpenAppOptions = {}): Promise<AppUnderTest> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'tikscope-e2e-data-')));
  const host = await startHost({
    port: 0,
    dataDir,
    rendererDir,
    log: () => undefined,
    ...(opts.createServices ? { createServices: opts.createServices } : {}),
    ...(opts.mndp ? { mndp: opts.mndp } : {}),
  });
  const info = await host.services.handlers['app:info']({});
  const app = await AppPage.open(browser, host.url, { colorScheme: opts.colorScheme ?? 'dark' });
  return {
    host,
    dataDir,
    app,
    keychain: info.keychain,
    async close() {
      await app.close();
      await host.close();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startRouter(opts: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ host: '127.0.0.1', port: 0, activity: false, ...opts });
}

/**
 * Every file under `dir` whose bytes contain `needle` (the "grep the data dir" check). The app
 * writes files atomically (a temp file renamed over the old one), so a file listed can be gone when
 * it is read; then the whole walk starts again, so that the renamed file's bytes are read too.
 */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const hits: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else if ((await readFile(p)).includes(Buffer.from(needle, 'utf8'))) hits.push(p);
      }
    };
    try {
      await walk(dir);
      return hits;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw e;
    }
  }
}

export interface E2eSuite {
  readonly browser: Browser;
  readonly rendererDir: string;
  /** Opens the app (see `openApp`); the suite closes it and checks it logged no page errors. */
  open(opts?: OpenAppOptions): Promise<AppUnderTest>;
  /** Closes the open app now without the page-error check (a test that restarts the app). */
  closeApp(): Promise<void>;
  /** Starts a simulated router (see `startRouter`) that the suite closes. */
  router(opts?: SimulatorOptions): Promise<Simulator>;
}

/**
 * The setup every e2e file shares: the renderer built once and one Chromium for the file; the app
 * and routers a test opens are closed after each test (`scope: 'each'`) or, for files whose tests
 * share one app, after the last (`'all'`) — then the page must have logged no errors.
 */
export function e2eSuite({ scope = 'each' }: { scope?: 'each' | 'all' } = {}): E2eSuite {
  let browser: Browser | undefined;
  let renderer: Awaited<ReturnType<typeof buildRenderer>> | undefined;
  let current: AppUnderTest | undefined;
  const sims: Simulator[] = [];

  /** Closes the app and the routers; returns the page errors the app had logged. */
  const cleanUp = async (): Promise<string[]> => {
    const errors = current?.app.errors ?? [];
    await current?.close();
    for (const s of sims.splice(0)) await s.close();
    current = undefined;
    return errors;
  };

  beforeAll(async () => {
    [renderer, browser] = await Promise.all([buildRenderer(), launchBrowser()]);
  });
  if (scope === 'each') {
    afterEach(async () => {
      expect(await cleanUp()).toEqual([]);
    });
  }
  afterAll(async () => {
    const errors = scope === 'all' ? await cleanUp() : [];
    await browser?.close();
    await renderer?.dispose();
    expect(errors).toEqual([]);
  });

  return {
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    get rendererDir() {
      if (!renderer) throw new Error('the renderer is built in beforeAll');
      return renderer.dir;
    },
    async open(opts = {}) {
      current = await openApp(this.browser, this.rendererDir, opts);
      return current;
    },
    async closeApp() {
      await current?.close();
      current = undefined;
    },
    async router(opts = {}) {
      const sim = await startRouter(opts);
      sims.push(sim);
      return sim;
    },
  };
}
