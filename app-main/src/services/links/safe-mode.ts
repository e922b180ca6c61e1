/**
 * Safe mode on a link's session (RouterOS 7.18+; docs/ui.md "Safe mode"). The semantics, as far as
 * they are known (docs/simulator.md "Safe mode" gives the sources and what is unverified):
 * while a session holds safe mode the router records configuration changes and undoes them when
 * that session ends without `/safe-mode/release`, or at once on `/safe-mode/unroll`. The link's
 * own session takes it because console commands run on that session: their changes are covered,
 * and the link's end is what the router watches.
 */
import type { SafeModeAction, SafeModeTakeOver } from '../../common/contract';
import { BridgeFailure } from '../core/errors';

/** The first RouterOS with `/safe-mode` over the API (routeros-inspect: 7.18 is the first tree with it). */
export const SAFE_MODE_SINCE = [7, 18] as const;

/** A `/safe-mode/*` command gets this long for its `!done`; it is a quick command on the router. */
export const SAFE_MODE_TIMEOUT_MS = 10_000;

/** True for `7.18`, `7.18.2`, `7.20 (stable)`; false for older, RouterOS 6 and unknown versions. */
export function safeModeSupported(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > SAFE_MODE_SINCE[0] || (major === SAFE_MODE_SINCE[0] && minor >= SAFE_MODE_SINCE[1]);
}

/** Why a router cannot do safe mode over the API, or undefined when it can. */
export function safeModeUnsupportedReason(version: string | undefined): string | undefined {
  if (version === undefined || version === '') return 'the RouterOS version is not known (it could not be read at login)';
  if (safeModeSupported(version)) return undefined;
  return `RouterOS ${version} has no /safe-mode command; it came in RouterOS ${SAFE_MODE_SINCE.join('.')}`;
}

/** The sentence of an action (never `dismiss`, which sends nothing). */
export function safeModeWords(action: Exclude<SafeModeAction, 'dismiss'>, takeOver?: SafeModeTakeOver): string[] {
  if (action !== 'take') {
    if (takeOver !== undefined)
      throw new BridgeFailure('VALIDATION', `takeOver is only for take, not ${action}`, undefined, { field: 'takeOver' });
    return [`/safe-mode/${action}`];
  }
  return ['/safe-mode/take', ...(takeOver ? [`=on-error=${takeOver}`] : [])];
}
