import type { BridgeHandlers, ConnectionsSnapshot, LinkState } from '../../common/contract';
import type { ConnectionStore } from '../connections/connections';
import { BridgeFailure } from '../core/errors';
import { classifyKeyringError, KeychainUnavailableError, type SecretVault } from '../secrets/secrets';
import type { Link } from './link';
import type { Links } from './links';

export type LinkCalls = 'link:connect' | 'link:disconnect' | 'link:states' | 'link:safe-mode';

/** A keychain that cannot be read: the reason, and the way out (a password for this run only). */
function keychainFailure(e: unknown): BridgeFailure {
  const k = e instanceof KeychainUnavailableError ? e : classifyKeyringError(e);
  return new BridgeFailure('KEYCHAIN_UNAVAILABLE', k.message, `${k.hint} You can also enter the password for this run only.`, {
    reason: k.reason,
  });
}

export function linkHandlers(deps: {
  links: Links;
  /** The link of a saved connection, made and wired on first use. */
  linkFor: (id: string) => Link;
  connections: ConnectionStore;
  vault: SecretVault;
  connectionsChanged: (snapshot: ConnectionsSnapshot) => void;
  checkAlive: () => void;
}): Pick<BridgeHandlers, LinkCalls> {
  const { links, connections, vault, checkAlive } = deps;
  return {
    'link:connect': async (args) => {
      checkAlive();
      const id = args.id;
      const c = connections.get(id);
      let password: string;
      if (args.password !== undefined) {
        password = args.password;
        // "For this run only": kept in memory so that reconnects work, never written anywhere.
        vault.holdForRun(id, password);
        deps.connectionsChanged(connections.snapshot());
      } else if (c.demo) {
        password = '';
      } else {
        try {
          password = (await vault.get(id, connections.inKeychain(id))) ?? '';
        } catch (e) {
          throw keychainFailure(e);
        }
      }
      return deps.linkFor(id).connect(password);
    },
    'link:disconnect': async (args) => {
      const id = args.id;
      const link = links.get(id);
      if (!link) {
        const c = connections.get(id);
        return {
          connectionId: id,
          status: 'offline',
          transport: c.transport,
          encrypted: c.transport !== 'plain',
          authenticated: c.transport === 'tls-verify' || c.transport === 'tls-pinned',
        } satisfies LinkState;
      }
      return link.disconnect();
    },
    'link:states': async () => links.states(),
    'link:safe-mode': async (args) => {
      checkAlive();
      connections.get(args.id); // NOT_FOUND for unknown ids
      const link = links.get(args.id);
      if (!link) {
        if (args.action === 'dismiss') return deps.linkFor(args.id).state;
        links.sessionFor(args.id); // NOT_CONNECTED, in the words every command uses
      }
      return deps.linkFor(args.id).safeMode(args.action, args.takeOver);
    },
  };
}
