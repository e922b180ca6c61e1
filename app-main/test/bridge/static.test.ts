import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveStaticFile } from '../../src/bridge/static';
import { APP_CSP, contentSecurityPolicy, META_CSP, securityHeaders } from '../../src/bridge/security';
import { metaCspPolicy, withCspMeta } from '../../../scripts/build.d/30-renderer.mjs';

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

  // Issue 11 (15): index.html carried a hand-written second policy that had drifted from the
  // header (no object-src 'none', no font-src).
  it('the <meta> policy of the built pages comes from the same function as the header', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ')[0]!, d]));
    const meta = directives(META_CSP);
    const header = directives(APP_CSP);
    expect(meta.get('object-src')).toBe("object-src 'none'");
    // A <meta> policy cannot hold frame-ancestors; the browser host's port is only known at run time.
    expect(meta.has('frame-ancestors')).toBe(false);
    expect(meta.get('connect-src')).toBe("connect-src 'self' ws://127.0.0.1:*");
    for (const [name, directive] of header)
      if (name !== 'frame-ancestors' && name !== 'connect-src') expect(meta.get(name), name).toBe(directive);

    for (const page of ['index.html', 'bench.html']) {
      const source = readFileSync(join(root, 'app-renderer', page), 'utf8');
      expect(source, `${page} has no hand-written policy`).not.toMatch(/Content-Security-Policy/i);
      const built = withCspMeta(source, await metaCspPolicy(root));
      const tags = built.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/g) ?? [];
      expect(tags).toEqual([`<meta http-equiv="Content-Security-Policy" content="${META_CSP}"`]);
      // Right after the charset, before anything the policy governs.
      expect(built.indexOf('Content-Security-Policy')).toBeLessThan(built.search(/<link|<script/));
    }
    expect(() => withCspMeta('<html><head></head></html>', META_CSP)).toThrow(/charset/);
  });
});
