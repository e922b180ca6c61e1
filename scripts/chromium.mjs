// Headless Chromium as the end-to-end tests (tests/e2e/fixtures.ts) and the renderer benchmark
// (bench/renderer.bench.mjs) start it: the system's /usr/bin/chromium driven by playwright-core
// (engineering-notes §5.3), with one set of switches so that both measure the same browser.

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The sandbox off (required when running as root), no GPU, nothing fetched in the background. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** playwright-core's launch options, `extraArgs` after the common switches. */
export function chromiumLaunchOptions(extraArgs = []) {
  return { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] };
}
