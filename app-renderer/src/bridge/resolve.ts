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

export function resolveBridge(win: Window & { tikscope?: Api }): ResolvedBridge {
  if (win.tikscope) return { kind: 'preload', api: win.tikscope };
  const token = tokenFromHash(win.location.hash);
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
