/**
 * The `app://tikscope/` protocol handler (engineering-notes §2.1 #7 and #18): serves only files
 * under the renderer output and sends the CSP as a response header. Written against the Fetch
 * API's `Request`/`Response` (what `protocol.handle` uses), so it runs in plain Node tests.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { APP_CSP, securityHeaders } from '../bridge/security';
import { resolveStaticFile } from '../bridge/static';
import { APP_HOST, APP_SCHEME } from './policy';

export type ReadFile = (file: string) => Promise<Uint8Array>;

function plain(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { ...securityHeaders(APP_CSP), 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

export function createAppProtocolHandler(
  rendererDir: string,
  readFile: ReadFile = fsReadFile,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'Bad request');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password)
      return plain(404, 'Not found');
    const resolved = resolveStaticFile(rendererDir, url.pathname);
    if (!resolved.ok) return plain(resolved.status, resolved.reason);
    let body: Uint8Array;
    try {
      body = await readFile(resolved.file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return plain(404, 'Not found');
      return plain(500, 'Could not read the file');
    }
    const headers = { ...securityHeaders(APP_CSP), 'Content-Type': resolved.contentType };
    return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers });
  };
}
