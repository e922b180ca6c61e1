/**
 * The renderer's half of the safe-mode version rule (main's is services/links/safe-mode.ts; the
 * renderer may not import main's code, design.md §1): `/safe-mode` came in RouterOS 7.18.
 */
export const SAFE_MODE_SINCE = '7.18';

/** Why the router cannot do safe mode, for the disabled button; undefined when it can. */
export function safeModeUnavailable(version: string | undefined): string | undefined {
  if (version === undefined || version.trim() === '')
    return 'Safe mode needs RouterOS 7.18 or later; this router’s version is not known';
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  const ok = m !== null && (Number(m[1]) > 7 || (Number(m[1]) === 7 && Number(m[2]) >= 18));
  return ok ? undefined : `Safe mode needs RouterOS ${SAFE_MODE_SINCE} or later; this router runs ${version.trim()}`;
}
