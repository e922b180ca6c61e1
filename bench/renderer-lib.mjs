// A tiny static server for a built renderer directory on 127.0.0.1:0, sending the app's CSP as a
// header — the benchmark and the screenshot tooling load the page the way the host serves it.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export async function serveStatic(dir) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(dir, path === '/' ? 'bench.html' : path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html; charset=utf-8', 'content-security-policy': CSP });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Builds the renderer with the bench entry (bench.html: the churn source as window.tikscope) into
 * out/renderer-bench. Never part of the shipped build.
 */
export async function buildBenchRenderer(root) {
  const { buildRenderer } = await import(join(root, 'scripts/build.d/30-renderer.mjs'));
  const outDir = join(root, 'out', 'renderer-bench');
  await buildRenderer({ root, outDir, input: { bench: join(root, 'app-renderer', 'bench.html') } });
  return outDir;
}
