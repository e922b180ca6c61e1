import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join, sep } from 'node:path';
import { resolveStaticFile } from '../../src/bridge/static';
import { APP_CSP, contentSecurityPolicy, securityHeaders } from '../../src/bridge/security';

const ROOT = join(sep, 'srv', 'renderer');

describe('resolveStaticFile', () => {
  it('maps paths under the root, / to index.html', () => {
    expect(resolveStaticFile(ROOT, '/')).toEqual({
      ok: true,
      file: join(ROOT, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveStaticFile(ROOT, '/assets/index-AbC.js')).toMatchObject({
      ok: true,
      file: join(ROOT, 'assets', 'index-AbC.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveStaticFile(ROOT, '/assets/')).toMatchObject({ ok: true, file: join(ROOT, 'assets', 'index.html') });
    expect(resolveStaticFile(ROOT, '/a%20b.css')).toMatchObject({ ok: true, file: join(ROOT, 'a b.css') });
  });

  it('refuses traversal in every spelling', () => {
    const hostile = [
      '/../etc/passwd',
      '/assets/../../etc/passwd',
      '/%2e%2e/etc/passwd',
      '/%2E%2E/%2E%2E/etc/passwd',
      '/..%2fetc%2fpasswd',
      '/assets/%2e%2e%2f%2e%2e%2fetc/passwd',
      '/..%5c..%5cwindows%5cwin.ini',
      '/assets\\..\\..\\x.js',
      '/index.html%00.js',
      '/./index.html',
      '/.env',
      '/.git/config',
      '/C:/Windows/win.ini',
      '/%',
      'index.html',
      '//etc/passwd',
    ];
    for (const path of hostile) {
      const r = resolveStaticFile(ROOT, path);
      expect(r.ok, path).toBe(false);
    }
  });

  it('never resolves outside the root for any input (seeded)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('..', '.', '%2e%2e', '%2e', '%2f', '%5c', '%00', 'a', 'index.html', ''), fc.string()), {
          maxLength: 8,
        }),
        (parts) => {
          const r = resolveStaticFile(ROOT, '/' + parts.join('/'));
          if (r.ok) expect(r.file.startsWith(ROOT + sep)).toBe(true);
        },
      ),
      { seed: 424_242, numRuns: 3000 },
    );
  });

  it('does not serve unknown file types', () => {
    expect(resolveStaticFile(ROOT, '/main.ts')).toMatchObject({ ok: false, status: 404 });
    expect(resolveStaticFile(ROOT, '/index.js.map')).toMatchObject({ ok: false, status: 404 });
  });
});

describe('CSP', () => {
  it('is strict: nothing remote, no inline script or style, no framing', () => {
    const directives = new Map(
      APP_CSP.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values];
      }),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:']);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(APP_CSP).not.toMatch(/unsafe-(inline|eval)|\*|https?:/);
  });

  it('adds only the given connect sources', () => {
    expect(contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:5000'] })).toContain("connect-src 'self' ws://127.0.0.1:5000;");
    expect(securityHeaders(APP_CSP)).toMatchObject({
      'Content-Security-Policy': APP_CSP,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    });
  });
});
