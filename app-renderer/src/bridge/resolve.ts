import type { Api } from '../../../app-main/src/common/contract';
import { createHostClient, type HostClient } from './host-client';

/**
 * Picks the bridge: the Electron preload's `window.tikscope` when present, otherwise the browser
 * host's WebSocket with the token from `#token=…`. Without either, the app explains how to start.
 */
export type ResolvedBridge =
  { kind: 'preload'; api: Api } | { kind: 'host'; api: Api; host: HostClient } | { kind: 'none'; reason: string };

export function tokenFromHash(hash: string): string | undefined {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const t = params.get('token');
  return t ? t : undefined;
}

/** Where the token waits for a reload of this tab (per tab, per origin; never in the address). */
const TOKEN_KEY = 'tikscope.token';

/**
 * The browser host's token: read once from `#token=…`, then removed from the address with
 * `history.replaceState`, so it is not left in the address bar, the history or a copied link
 * (issue 11). Kept in this tab's session storage, so a reload still connects.
 */
export function takeToken(
  win: Pick<Window, 'location'> & Partial<Pick<Window, 'history' | 'sessionStorage'>>,
): string | undefined {
  const fromHash = tokenFromHash(win.location.hash);
  let storage: Storage | undefined;
  try {
    storage = win.sessionStorage;
  } catch {
    // Storage refused (privacy settings): the token still works for this page load.
  }
  if (fromHash === undefined) return storage?.getItem(TOKEN_KEY) ?? undefined;
  storage?.setItem(TOKEN_KEY, fromHash);
  if (win.history) {
    const params = new URLSearchParams(win.location.hash.replace(/^#/, ''));
    params.delete('token');
    const rest = params.toString();
    win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}${rest ? `#${rest}` : ''}`);
  }
  return fromHash;
}

export function resolveBridge(win: Window & { tikscope?: Api }): ResolvedBridge {
  if (win.tikscope) return { kind: 'preload', api: win.tikscope };
  const token = takeToken(win);
  if (!token) {
    return {
      kind: 'none',
      reason: win.location.protocol === 'file:' ? 'opened-as-file' : 'no-token',
    };
  }
  const url = `ws://${win.location.host}/bridge?token=${encodeURIComponent(token)}`;
  const host = createHostClient({ url });
  return { kind: 'host', api: host.api, host };
}
