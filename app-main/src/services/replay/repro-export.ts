import { arch, release } from 'node:os';
import type { AppHost, ReproConnection, RouterInfo, TraceExport } from '../../common/contract';
import type { ConnectionStore } from '../connections/connections';
import type { SecretVault } from '../secrets/secrets';
import type { Traces } from '../traces/traces';
import { buildReproBundle } from './repro';

export interface ReproExportDeps {
  traces: Traces;
  connections: ConnectionStore;
  vault: SecretVault;
  /** The router last seen on a connection (kept past a disconnect), if any. */
  routerOf: (connectionId: string) => RouterInfo | undefined;
  appVersion: string;
  host: AppHost;
  now: () => number;
}

/**
 * Assembles a repro bundle for `repro:export` (docs/main-process.md): the trace of a saved
 * connection or of an imported file, the connection's settings without secrets, the router last
 * seen and the system; buildReproBundle redacts and checks it.
 */
export async function exportRepro(deps: ReproExportDeps, connectionId: string, description: string): Promise<TraceExport> {
  const { traces, connections, vault } = deps;
  const buffer = traces.bufferFor(connectionId);
  const imp = traces.importedTrace(connectionId);
  let connection: ReproConnection;
  let router: RouterInfo | undefined;
  let unknownReason: string;
  const secrets: string[] = [];
  if (imp) {
    connection = imp.repro?.connection ?? { name: imp.name, host: imp.host, port: imp.port, transport: imp.transport };
    const r = imp.repro?.router;
    router = r?.known
      ? {
          identity: r.identity,
          version: r.version,
          ...(r.board ? { board: r.board } : {}),
          ...(r.architecture ? { architecture: r.architecture } : {}),
        }
      : undefined;
    unknownReason = r && !r.known ? r.reason : 'an imported trace: the router was not connected from here';
  } else {
    const c = connections.get(connectionId);
    // Settings without secrets: never the password, not even whether one is stored.
    connection = { name: c.name, host: c.host, port: c.port, transport: c.transport, user: c.user, encoding: c.encoding };
    if (c.fingerprint256) connection.fingerprint256 = c.fingerprint256;
    router = deps.routerOf(connectionId);
    unknownReason = router
      ? 'the router did not let this user read /system/resource (no "read" policy)'
      : 'not connected since Tikscope started, so /system/resource was not read';
    if (!c.demo) {
      // Only to check the bundle once more; a keychain that cannot be read skips the check.
      const pw = await vault.get(connectionId, connections.inKeychain(connectionId)).catch(() => null);
      if (pw) secrets.push(pw);
    }
  }
  const entries = (function* () {
    for (const v of buffer.iterate()) yield buffer.toEntry(v);
  })();
  const system = {
    platform: process.platform,
    arch: arch(),
    release: release(),
    node: process.versions.node,
    ...(process.versions['electron'] ? { electron: process.versions['electron'] } : {}),
  };
  const { file } = buildReproBundle({
    connectionId,
    description,
    connection,
    router,
    routerUnknownReason: unknownReason,
    appVersion: deps.appVersion,
    host: deps.host,
    system,
    createdAt: new Date(deps.now()).toISOString(),
    encoding: buffer.codec.name,
    dropped: buffer.dropped,
    entries,
    secrets,
  });
  return file;
}
