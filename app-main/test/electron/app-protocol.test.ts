import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppProtocolHandler } from '../../src/electron/app-protocol';
import { APP_CSP } from '../../src/bridge/security';

let base: string;
let rendererDir: string;
let handle: (request: Request) => Promise<Response>;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'tikscope-appproto-'));
  rendererDir = join(base, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Tikscope</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'do not serve');
  handle = createAppProtocolHandler(rendererDir);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('app:// protocol handler', () => {
  it('serves the renderer with the CSP header and the right type', async () => {
    const index = await handle(new Request('app://tikscope/'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('<title>Tikscope</title>');
    const js = await handle(new Request('app://tikscope/assets/app.js?v=1#x'));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log(1)');
  });

  it('refuses other hosts, methods, missing files and traversal', async () => {
    const cases: [Request, number][] = [
      [new Request('app://evil/index.html'), 404],
      [new Request('app://tikscope/index.html', { method: 'POST', body: 'x' }), 405],
      [new Request('app://tikscope/missing.js'), 404],
      [new Request('app://tikscope/..%2fsecret.txt'), 400],
      [new Request('app://tikscope/assets/..%5c..%5csecret.txt'), 400],
      [new Request('app://tikscope/.env'), 403],
      [new Request('app://tikscope/assets'), 404],
    ];
    for (const [request, status] of cases) {
      const response = await handle(request);
      expect(response.status, request.url).toBe(status);
      expect(response.headers.get('content-security-policy')).toBe(APP_CSP);
      expect(await response.text()).not.toContain('do not serve');
    }
  });
});
