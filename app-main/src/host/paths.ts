/**
 * Where the browser host keeps its data and finds the built renderer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Per-user data directory of the browser host — separate from the desktop app's profile so the
 * two never write the same files at once: `~/.config/tikscope-web` (or `$XDG_CONFIG_HOME`),
 * `~/Library/Application Support/tikscope-web`, `%APPDATA%\tikscope-web`.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'tikscope-web');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'tikscope-web');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'tikscope-web');
}

/**
 * `out/renderer` relative to this module: beside the bundle (`out/host/host.mjs` → `out/renderer`)
 * or, when run from source, at the repository root.
 */
export function defaultRendererDir(moduleUrl: string = import.meta.url): string {
  const candidates = [
    fileURLToPath(new URL('../renderer/', moduleUrl)),
    fileURLToPath(new URL('../../../out/renderer/', moduleUrl)),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[1]!;
}

/** The version in package.json (beside the bundle's `out/` or at the repository root). */
export function readAppVersion(moduleUrl: string = import.meta.url): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL(relative, moduleUrl)), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'tikscope' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not there: try the next candidate.
    }
  }
  return '0.0.0';
}
