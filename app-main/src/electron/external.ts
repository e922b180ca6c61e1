/**
 * The one module that opens URLs outside the app (engineering-notes §2.1 #15). Router data can
 * contain URLs; only `https:` links to a short list of documentation hosts are handed to the OS.
 * A unit test keeps `openExternal` from being called anywhere else.
 */
import { shell } from 'electron';
import { hasUnsafeUrlChars } from './policy';

export const EXTERNAL_HOSTS: ReadonlySet<string> = new Set([
  'help.mikrotik.com',
  'wiki.mikrotik.com',
  'mikrotik.com',
  'www.mikrotik.com',
  'forum.mikrotik.com',
  'tikscope.invalid',
]);

/**
 * Exact host match on the parsed URL (the parser lower-cases and punycodes `https:` hosts, so
 * `HELP.MikroTik.com` matches and a look-alike IDN does not); no user-info, no explicit port, and
 * no trailing-dot host.
 */
export function isAllowedExternalUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length > 2048 || hasUnsafeUrlChars(url)) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.username === '' && u.password === '' && u.port === '' && EXTERNAL_HOSTS.has(u.hostname);
}

/** Opens an allowlisted URL in the user's browser; returns false (and does nothing) otherwise. */
export async function openExternalUrl(url: unknown): Promise<boolean> {
  if (!isAllowedExternalUrl(url)) return false;
  await shell.openExternal(url as string, { activate: true });
  return true;
}
