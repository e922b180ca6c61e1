// The renderer: vite + @vitejs/plugin-react → out/renderer/index.html and hashed assets. Relative
// asset URLs (base './') so the same files load from the browser host and from Electron's app
// protocol; no inline scripts or styles, so the strict CSP (style-src/script-src 'self') holds.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import react from '@vitejs/plugin-react';
import { join } from 'node:path';

/**
 * `META_CSP` of app-main/src/bridge/security.ts, the module that also makes the response header:
 * one policy, written once (a hand-written copy in index.html had drifted from it).
 */
export async function metaCspPolicy(root) {
  const out = await esbuild({
    entryPoints: [join(root, 'app-main/src/bridge/security.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'warning',
  });
  const code = Buffer.from(out.outputFiles[0].contents).toString('base64');
  const { META_CSP } = await import(`data:text/javascript;base64,${code}`);
  return META_CSP;
}

/** The page with its `<meta>` policy right after the charset, before anything the policy governs. */
export function withCspMeta(html, policy) {
  const charset = /<meta charset="[^"]*"\s*\/?>/i;
  if (!charset.test(html)) throw new Error('renderer page: no <meta charset> to put the CSP after');
  const content = policy.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return html.replace(charset, (tag) => `${tag}\n    <meta http-equiv="Content-Security-Policy" content="${content}" />`);
}

/** Vite plugin: every built page gets the policy. */
function cspMeta(root) {
  let policy;
  return {
    name: 'tikscope-csp-meta',
    async transformIndexHtml(html) {
      policy ??= await metaCspPolicy(root);
      return withCspMeta(html, policy);
    },
  };
}

/** The vite configuration, shared with the renderer benchmark (which adds its own entry). */
export function rendererConfig({ root, outDir, input, mode = 'production' }) {
  return {
    configFile: false,
    root: join(root, 'app-renderer'),
    base: './',
    mode,
    logLevel: 'warn',
    plugins: [react(), cspMeta(root)],
    // Whatever NODE_ENV the caller's shell has, the shipped bundle is React's production build.
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'chrome120',
      sourcemap: false,
      // A stylesheet must never be inlined as a data: URL or <style> (CSP).
      assetsInlineLimit: 0,
      cssCodeSplit: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1500,
      rollupOptions: input ? { input } : undefined,
    },
  };
}

/**
 * Runs vite with NODE_ENV set to the mode for the duration of the build: vite and the React plugin
 * read it (not the mode) to choose production JSX, and test runners set it to "test".
 */
export async function buildRenderer(options) {
  const mode = options.mode ?? 'production';
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = mode;
  try {
    await viteBuild(rendererConfig({ ...options, mode }));
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

export async function build({ root, outDir }) {
  await buildRenderer({ root, outDir: join(outDir, 'renderer') });
}
