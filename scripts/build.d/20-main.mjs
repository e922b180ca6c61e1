// The Electron main process, the preload and the browser host, bundled with esbuild
// (design.md §1; engineering-notes §2.1 "Sandboxed preload limits", §4.4):
//   out/main/main.cjs       CommonJS for Electron; `electron` and the native keychain modules stay
//                           external (electron-builder packages and unpacks the .node files)
//   out/preload/preload.cjs one CommonJS file whose only require is `electron` — a sandboxed
//                           preload cannot load anything else, nor be ESM
//   out/host/host.mjs       ESM for Node (`npm run web`); packages resolved from node_modules
import { build as esbuild } from 'esbuild';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Native or Node-only modules the main bundle must not inline. */
const MAIN_EXTERNAL = ['electron', '@napi-rs/keyring', 'dbus-next', 'bufferutil', 'utf-8-validate'];

const common = { bundle: true, sourcemap: false, logLevel: 'warning', legalComments: 'none', charset: 'utf8' };

export async function buildMain({ root, outDir }) {
  await esbuild({
    ...common,
    entryPoints: [join(root, 'app-main/src/electron/main.ts')],
    outfile: join(outDir, 'main/main.cjs'),
    platform: 'node',
    format: 'cjs',
    // Electron 45 runs Node 24 in the main process.
    target: 'node22',
    external: MAIN_EXTERNAL,
    // `await import('@napi-rs/keyring')` in the services becomes a require(): the native module is
    // CommonJS and is loaded from app.asar.unpacked, which the CJS loader handles.
    supported: { 'dynamic-import': false },
    // Bundled ESM code may read import.meta.url; in a CJS bundle it must come from __filename.
    define: { 'import.meta.url': '__tikscopeImportMetaUrl' },
    banner: { js: 'const __tikscopeImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
}

export async function buildPreload({ root, outDir }) {
  await esbuild({
    ...common,
    entryPoints: [join(root, 'app-main/src/electron/preload.ts')],
    outfile: join(outDir, 'preload/preload.cjs'),
    // Not 'node': Node built-ins are unavailable in a sandboxed preload, so any import of one
    // should fail the build instead of turning into a require() that fails at run time.
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
  });
}

export async function buildHost({ root, outDir }) {
  await esbuild({
    ...common,
    entryPoints: [join(root, 'app-main/src/host/entry.ts')],
    outfile: join(outDir, 'host/host.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
  });
}

export async function build(options) {
  // Main and host need the services; until they exist in a checkout only the preload is built.
  if (!existsSync(join(options.root, 'app-main/src/services/index.ts'))) {
    console.warn('20-main: app-main/src/services/index.ts is missing; building the preload only');
    await buildPreload(options);
    return;
  }
  await Promise.all([buildMain(options), buildPreload(options), buildHost(options)]);
}
