/**
 * Response headers shared by the Electron `app://` protocol handler and the browser host's static
 * files. The renderer loads nothing remote: scripts, styles, images and connections come only
 * from its own origin (engineering-notes §2.1 #7). The policy travels as a header, so it holds even
 * if a `<meta>` tag is lost from the built HTML.
 */

export interface CspOptions {
  /** Extra `connect-src` sources, e.g. the browser host's `ws://127.0.0.1:PORT`. */
  connectSrc?: readonly string[];
  /** For a `<meta>` tag: without `frame-ancestors`, which browsers ignore there (with a warning). */
  meta?: boolean;
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connectSrc ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    // No CSS-in-JS runtime in the renderer, so no 'unsafe-inline' for styles.
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    ...(options.meta ? [] : ["frame-ancestors 'none'"]),
    "object-src 'none'",
  ].join('; ');
}

/** The policy of the packaged app. */
export const APP_CSP = contentSecurityPolicy();

/**
 * The same policy as a `<meta>` tag, which the build writes into the renderer's pages
 * (scripts/build.d/30-renderer.mjs): it holds where no header comes with the file. The browser
 * host's WebSocket port is only known at run time, hence any loopback port; the header narrows it.
 */
export const META_CSP = contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:*'], meta: true });

/** Headers sent with every file: the CSP plus the usual hardening for a page that is never framed. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
    'Cache-Control': 'no-store',
  };
}
