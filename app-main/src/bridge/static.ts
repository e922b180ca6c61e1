/**
 * Maps a request path to a file under the renderer output, for the `app://` protocol handler and
 * the browser host. Works on the raw path: Node's HTTP server does not normalise `req.url`, so
 * `/../`, `%2e%2e`, encoded slashes and backslashes must be refused here, not trusted to a URL
 * parser (engineering-notes §2.1 #18: "normalise, reject `..`").
 */
import { extname, resolve, sep } from 'node:path';

export type StaticResolution =
  { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string | undefined {
  return CONTENT_TYPES[extname(file).toLowerCase()];
}

/**
 * `rootDir` must be absolute. `rawPath` is the path part of the request (query and fragment
 * already cut off), still percent-encoded.
 */
export function resolveStaticFile(rootDir: string, rawPath: string): StaticResolution {
  if (!rawPath.startsWith('/')) return { ok: false, status: 400, reason: 'path must start with "/"' };
  const rawSegments = rawPath.split('/').slice(1);
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding' };
    }
    // An encoded "/" or "\" would join segments after the ".." check; NUL truncates paths in C APIs.
    if (/[/\\\0]/.test(segment)) return { ok: false, status: 400, reason: 'encoded separator or NUL in path' };
    if (segment === '..' || segment === '.') return { ok: false, status: 403, reason: 'path traversal refused' };
    // Dotfiles are never part of the renderer output; refusing them keeps e.g. `.env` out of reach.
    if (segment.startsWith('.')) return { ok: false, status: 403, reason: 'hidden files are not served' };
    // Windows drive letters ("C:") and alternate data streams ("file:stream").
    if (segment.includes(':')) return { ok: false, status: 403, reason: 'colon in path refused' };
    segments.push(segment);
  }
  const last = segments.at(-1);
  if (last === undefined || last === '') segments.splice(segments.length ? -1 : 0, 1, 'index.html');
  if (segments.some((s, i) => s === '' && i < segments.length - 1)) {
    return { ok: false, status: 400, reason: 'empty path segment' };
  }
  const root = resolve(rootDir);
  const file = resolve(root, ...segments);
  if (!file.startsWith(root + sep)) return { ok: false, status: 403, reason: 'outside the renderer directory' };
  const contentType = contentTypeFor(file);
  if (!contentType) return { ok: false, status: 404, reason: 'unknown file type' };
  return { ok: true, file, contentType };
}
