import type { Session } from '../../../../protocol/src/index';
import type { LinkState, RouterInfo } from '../../common/contract';
import type { ConnectionStore } from '../connections/connections';
import { BridgeFailure } from '../core/errors';
import type { Link } from './link';

/** The links of the process, one per saved connection that was connected, by connection id. */
export class Links {
  private readonly links = new Map<string, Link>();
  /** Kept past a disconnect: a repro bundle names the RouterOS version last seen. */
  private readonly lastRouter = new Map<string, RouterInfo>();

  constructor(private readonly connections: ConnectionStore) {}

  get(id: string): Link | undefined {
    return this.links.get(id);
  }

  /** The link of a saved connection (NOT_FOUND for unknown ids), made by `make` on first use. */
  obtain(id: string, make: () => Link): Link {
    let link = this.links.get(id);
    if (link) return link;
    this.connections.get(id); // NOT_FOUND for unknown ids
    link = make();
    this.links.set(id, link);
    return link;
  }

  /** Disconnects and forgets the link of a deleted connection. */
  async remove(id: string, reason: string): Promise<void> {
    const link = this.links.get(id);
    if (!link) return;
    await link.disconnect(reason);
    this.links.delete(id);
  }

  states(): LinkState[] {
    return [...this.links.values()].map((l) => l.state);
  }

  /** The session of a connected link; NOT_CONNECTED otherwise (commands are never queued). */
  sessionFor(connectionId: string): Session {
    const link = this.links.get(connectionId);
    if (!link) {
      const c = this.connections.get(connectionId);
      throw new BridgeFailure(
        'NOT_CONNECTED',
        `${c.name} is not connected`,
        'Connect to the router first; commands are never queued while offline.',
        {
          status: 'offline',
        },
      );
    }
    return link.requireSession();
  }

  noteState(id: string, state: LinkState): void {
    if (state.router) this.lastRouter.set(id, state.router);
  }

  /** The router as the link sees it now (online), if any. */
  currentRouter(id: string): RouterInfo | undefined {
    return this.links.get(id)?.state.router;
  }

  /** The router now, or the one last seen since Tikscope started. */
  lastSeenRouter(id: string): RouterInfo | undefined {
    return this.currentRouter(id) ?? this.lastRouter.get(id);
  }

  /** Name and, when online, identity and version of a saved connection (NOT_FOUND otherwise). */
  routerInfo(connectionId: string): { name: string; identity?: string; version?: string } {
    const c = this.connections.get(connectionId);
    const r = this.currentRouter(connectionId);
    return r ? { name: c.name, identity: r.identity, version: r.version } : { name: c.name };
  }

  disconnectAll(reason: string): Promise<unknown>[] {
    return [...this.links.values()].map((l) => l.disconnect(reason));
  }

  /** Past the quit deadline: sockets go now. */
  destroyAll(): void {
    for (const l of this.links.values()) l.destroy();
  }
}
