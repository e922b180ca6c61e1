/**
 * The security decisions of the shell as pure functions, testable in plain Node without an
 * Electron binary (engineering-notes §2.2). Nothing here imports `electron` at run time.
 */
import { isAbsolute } from 'node:path';
import type { WebPreferences } from 'electron';
import type { BridgeError } from '../common/contract';

/** The renderer is served from `app://tikscope/` by our protocol handler (engineering-notes §2.1 #18). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'tikscope';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Privileges of the `app:` scheme; registered before `ready`. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

/**
 * Settings of every window (engineering-notes §2.1 #2–#4, #6, #8–#12). `webSecurity`,
 * `allowRunningInsecureContent`, `experimentalFeatures` and `enableBlinkFeatures` are left out on
 * purpose so Electron's safe defaults apply.
 */
export function buildWebPreferences(preloadPath: string): WebPreferences {
  if (!isAbsolute(preloadPath)) throw new Error(`preload path must be absolute, got ${JSON.stringify(preloadPath)}`);
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // The spell checker downloads dictionaries from a Google CDN, and API words are not prose.
    spellcheck: false,
  };
}

/**
 * Control characters and spaces: a URL parser silently drops tabs and newlines (`java\tscript:`),
 * so a URL that needs them is refused before parsing.
 */
export function hasUnsafeUrlChars(url: string): boolean {
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

function parse(url: unknown, maxLength = 4096): URL | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > maxLength || hasUnsafeUrlChars(url)) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True only for our own origin, compared on the **parsed** URL: a prefix check lets
 * `app://tikscope.evil/` or `app://tikscope@evil/` through (engineering-notes §2.1 #13). `app:` is
 * not a WHATWG special scheme, so `URL.origin` is `"null"` in Node; scheme and host are compared
 * instead. Hosts of non-special schemes are not lower-cased by the parser, so `app://TIKSCOPE/` is
 * refused too — Chromium itself always reports the canonical lower-case form.
 */
export function isAppUrl(url: unknown): boolean {
  const u = parse(url);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.host === APP_HOST &&
    u.username === '' &&
    u.password === '' &&
    u.port === ''
  );
}

/** `will-navigate` / `will-redirect`: the renderer may only move within its own origin. */
export function isAllowedNavigation(url: unknown): boolean {
  return isAppUrl(url);
}

export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

export interface SenderEventLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}

/**
 * IPC sender validation (engineering-notes §2.1 #17): the frame must exist (Electron gives `null`
 * once it navigated away or was destroyed), be a top frame — an iframe never gets the bridge —
 * belong to one of our windows, and show our origin.
 */
export function checkSender(event: SenderEventLike, isOurWebContents: (sender: unknown) => boolean): BridgeError | null {
  const frame = event.senderFrame;
  const forbidden = (why: string): BridgeError => ({
    code: 'FORBIDDEN',
    message: `Bridge call refused: ${why}`,
    hint: 'Only the Tikscope window itself may use the bridge.',
  });
  if (frame === null || frame === undefined) return forbidden('the sending frame is gone');
  if (frame.parent !== null) return forbidden('sent from a sub-frame');
  if (!isOurWebContents(event.sender)) return forbidden('sent from a window Tikscope did not create');
  if (!isAppUrl(frame.url)) return forbidden('sent from a foreign origin');
  return null;
}
