/**
 * The fleet view's rows (issue 15): one per saved router, live values for a connected one and the
 * last known values (kept by main across restarts) for the rest; filtering and sorting. Pure, so
 * that 2,000 routers are sorted and filtered without React in the way.
 */
import type { FleetKnown, LinkState, LinkStatus, SavedConnection } from '../../../app-main/src/common/contract';

export type FleetColumn =
  'status' | 'name' | 'group' | 'identity' | 'version' | 'board' | 'uptime' | 'cpu' | 'latency' | 'lastSeen';

export const FLEET_COLUMNS: readonly { id: FleetColumn; label: string; numeric?: boolean }[] = [
  { id: 'status', label: 'Status' },
  { id: 'name', label: 'Name' },
  { id: 'group', label: 'Group' },
  { id: 'identity', label: 'Identity' },
  { id: 'version', label: 'RouterOS' },
  { id: 'board', label: 'Board' },
  { id: 'uptime', label: 'Uptime', numeric: true },
  { id: 'cpu', label: 'CPU', numeric: true },
  { id: 'latency', label: 'Latency', numeric: true },
  { id: 'lastSeen', label: 'Last seen', numeric: true },
];

export type FleetStatusFilter = 'all' | 'online' | 'offline' | 'problem';

export interface FleetRow {
  id: string;
  name: string;
  host: string;
  group: string;
  status: LinkStatus;
  /** The values shown come from the live link (true) or from what was last seen (false). */
  live: boolean;
  identity?: string;
  version?: string;
  board?: string;
  /** Seconds since boot, now (extrapolated from when it was read while live). */
  uptimeSeconds?: number;
  cpuLoad?: number;
  latencyMs?: number;
  lastSeen?: number;
  /** The live link, when there is one (its status text, reason). */
  link?: LinkState;
}

/** Order of statuses when sorting by status: the ones that need attention first. */
const STATUS_RANK: Record<LinkStatus, number> = {
  'auth-failed': 0,
  failed: 1,
  backoff: 2,
  connecting: 3,
  online: 4,
  offline: 5,
};

export function fleetRows(
  connections: readonly SavedConnection[],
  links: Readonly<Record<string, LinkState>>,
  known: Readonly<Record<string, FleetKnown>>,
  now: number,
): FleetRow[] {
  return connections.map((c) => {
    const link = links[c.id];
    const status = link?.status ?? 'offline';
    const k = known[c.id];
    const row: FleetRow = { id: c.id, name: c.name, host: c.host, group: c.group, status, live: false };
    if (link) row.link = link;
    if (status === 'online' && link) {
      row.live = true;
      const r = link.router;
      const h = link.health;
      if (r?.identity) row.identity = r.identity;
      if (r?.version) row.version = r.version;
      if (r?.board) row.board = r.board;
      if (h) {
        if (h.uptimeSeconds !== undefined) row.uptimeSeconds = h.uptimeSeconds + Math.max(0, (now - h.at) / 1000);
        if (h.cpuLoad !== undefined) row.cpuLoad = h.cpuLoad;
        row.latencyMs = h.latencyMs;
        row.lastSeen = h.at;
      } else if (link.connectedAt) row.lastSeen = link.connectedAt;
      return row;
    }
    if (k) {
      if (k.identity) row.identity = k.identity;
      if (k.version) row.version = k.version;
      if (k.board) row.board = k.board;
      // Not extrapolated: nobody knows whether it kept running. Shown as it was last seen.
      if (k.uptimeSeconds !== undefined) row.uptimeSeconds = k.uptimeSeconds;
      if (k.cpuLoad !== undefined) row.cpuLoad = k.cpuLoad;
      if (k.latencyMs !== undefined) row.latencyMs = k.latencyMs;
      if (k.lastSeen !== undefined) row.lastSeen = k.lastSeen;
    }
    return row;
  });
}

function matchesStatus(r: FleetRow, f: FleetStatusFilter): boolean {
  switch (f) {
    case 'all':
      return true;
    case 'online':
      return r.status === 'online';
    case 'offline':
      return r.status === 'offline';
    case 'problem':
      return r.status === 'failed' || r.status === 'auth-failed' || r.status === 'backoff';
  }
}

/** Case-insensitive substring of name, host, group, identity, version or board; every word must match. */
export function filterFleet(rows: readonly FleetRow[], text: string, status: FleetStatusFilter): FleetRow[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length && status === 'all') return rows as FleetRow[];
  return rows.filter((r) => {
    if (!matchesStatus(r, status)) return false;
    if (!words.length) return true;
    const hay =
      `${r.name}\u0000${r.host}\u0000${r.group}\u0000${r.identity ?? ''}\u0000${r.version ?? ''}\u0000${r.board ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** "7.19.2 (stable)" → [7, 19, 2]: versions sort as numbers, 7.9 before 7.10. */
function versionKey(v: string | undefined): number[] | undefined {
  if (!v) return undefined;
  const m = /^(\d+(?:\.\d+)*)/.exec(v);
  return m ? m[1]!.split('.').map(Number) : undefined;
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

function key(r: FleetRow, c: FleetColumn): string | number | number[] | undefined {
  switch (c) {
    case 'status':
      return STATUS_RANK[r.status];
    case 'name':
      return r.name.toLowerCase();
    case 'group':
      return r.group ? r.group.toLowerCase() : undefined;
    case 'identity':
      return r.identity?.toLowerCase();
    case 'version':
      return versionKey(r.version);
    case 'board':
      return r.board?.toLowerCase();
    case 'uptime':
      return r.uptimeSeconds;
    case 'cpu':
      return r.cpuLoad;
    case 'latency':
      return r.latencyMs;
    case 'lastSeen':
      return r.lastSeen;
  }
}

/**
 * Sorted by one column; rows without a value go last in both directions (an unknown version is
 * not "oldest"); ties by name, so the order is stable as live values change.
 */
export function sortFleet(rows: readonly FleetRow[], column: FleetColumn, dir: 'asc' | 'desc'): FleetRow[] {
  const keyed = rows.map((r) => ({ r, k: key(r, column), n: r.name.toLowerCase() }));
  const sign = dir === 'asc' ? 1 : -1;
  keyed.sort((a, b) => {
    if (a.k === undefined || b.k === undefined) {
      if (a.k === undefined && b.k !== undefined) return 1;
      if (b.k === undefined && a.k !== undefined) return -1;
    } else {
      let d: number;
      if (Array.isArray(a.k) && Array.isArray(b.k)) d = compareVersions(a.k, b.k);
      else if (typeof a.k === 'number' && typeof b.k === 'number') d = a.k - b.k;
      else d = String(a.k) < String(b.k) ? -1 : String(a.k) > String(b.k) ? 1 : 0;
      if (d) return d * sign;
    }
    return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
  });
  return keyed.map((x) => x.r);
}

/** "3d 4h", "5h 12m", "42s". */
export function formatUptime(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** "now", "5 min ago", "3 h ago", "2 d ago"; '' for never. */
export function formatAgo(at: number | undefined, now: number): string {
  if (at === undefined) return '';
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
