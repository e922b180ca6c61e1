import type { LinkState, TransportKind } from '../../../app-main/src/common/contract';

export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** HH:MM:SS.mmm in local time. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export const TRANSPORT_LABEL: Record<TransportKind, string> = {
  plain: 'Plain TCP',
  'tls-verify': 'TLS (verified certificate)',
  'tls-pinned': 'TLS (pinned certificate)',
  'tls-anonymous': 'TLS (anonymous DH)',
};

export const DEFAULT_PORT: Record<TransportKind, number> = {
  plain: 8728,
  'tls-verify': 8729,
  'tls-pinned': 8729,
  'tls-anonymous': 8729,
};

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The words the sidebar shows for a link: "Connected" when logged in, otherwise why not. These
 * strings are part of the product (issue 5) — tests look for them.
 */
export function linkStatusText(link: LinkState | undefined, now: number): string {
  if (!link) return 'Offline';
  switch (link.status) {
    case 'online':
      return 'Connected';
    case 'connecting':
      return 'Connecting…';
    case 'backoff': {
      if (link.nextAttemptAt === undefined) return 'Reconnecting…';
      const s = Math.ceil((link.nextAttemptAt - now) / 1000);
      return s > 0 ? `Reconnecting in ${s} s…` : 'Reconnecting…';
    }
    case 'auth-failed': {
      const r = link.reason ?? 'the router refused the user name or password';
      const m = /^login failed:?\s*/i.exec(r);
      return `Login failed: ${m ? r.slice(m[0].length) : r}`;
    }
    case 'failed':
      // The full reason (with the fingerprint) is in the trust dialog; the list stays short.
      if (link.errorCode === 'TLS_UNTRUSTED')
        return /changed/i.test(link.reason ?? '') ? 'Failed: the certificate CHANGED' : 'Failed: certificate not trusted yet';
      if (!link.reason) return 'Failed';
      return /^(connection )?failed/i.test(link.reason) ? capitalise(link.reason) : `Failed: ${link.reason}`;
    default:
      return 'Offline';
  }
}

/** The warning a workspace header shows for links that are not both encrypted and authenticated. */
export function linkWarning(
  link: Pick<LinkState, 'encrypted' | 'authenticated'> | undefined,
  transport: TransportKind,
): string | undefined {
  const encrypted = link?.encrypted ?? transport !== 'plain';
  const authenticated = link?.authenticated ?? (transport === 'tls-verify' || transport === 'tls-pinned');
  if (!encrypted) return 'Unencrypted: the password and every word cross the network in clear text.';
  if (!authenticated) return 'Not authenticated: anonymous DH encrypts the link but cannot prove it is your router.';
  return undefined;
}

/**
 * Where completion came from when the router could not be inspected (issue 13): "from the RouterOS
 * 7.12 command tree, not from this router". The minor release is what admins name versions by.
 */
export function treeNote(treeVersion: string): string {
  const minor = /^(\d+\.\d+)/.exec(treeVersion)?.[1] ?? treeVersion;
  return `from the RouterOS ${minor} command tree, not from this router`;
}
