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
import { startHost, type RunningHost } from '../../app-main/src/host/index';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/src/index';
import { AppPage } from './pages/AppPage';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
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

/** A fresh host (own data directory) and a fresh browser context on it, page ready. */
export async function openApp(
  browser: Browser,
  rendererDir: string,
  opts: { colorScheme?: 'dark' | 'light'; /** Re-use a data directory (a restart); it is then left in place on close. */ dataDir?: string } = {},
): Promise<AppUnderTest> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'tikscope-e2e-data-')));
  const host = await startHost({ port: 0, dataDir, rendererDir, log: () => undefined });
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

/** Every file under `dir` whose bytes contain `needle` (the "grep the data dir" check). */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if ((await readFile(p)).includes(Buffer.from(needle, 'utf8'))) hits.push(p);
    }
  };
  await walk(dir);
  return hits;
}
