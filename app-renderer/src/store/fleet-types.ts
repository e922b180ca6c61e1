/**
 * Types of the fleet slice (fleet.ts), apart from types.ts: types.ts extends the store with them,
 * and this file imports nothing of the store (no import cycle, issue 12 item 5).
 */
import type { ConnectionsFileFormat, FleetKnown, LinkState } from '../../../app-main/src/common/contract';
import type { FleetColumn, FleetStatusFilter } from '../lib/fleet';

export interface FleetView {
  /** Last known values from main (`fleet:list`), by connection id. */
  known: Record<string, FleetKnown>;
  sort: { column: FleetColumn; dir: 'asc' | 'desc' };
  filter: string;
  status: FleetStatusFilter;
  /** Selected connection ids. */
  selected: string[];
  /** Where a Shift+click range starts. */
  anchor?: string;
  /** Routers connected from the fleet view: they do not each open a workspace. */
  background: Record<string, true>;
  /** A bulk connect or disconnect in progress: how many of how many have answered. */
  progress?: { verb: 'Connecting' | 'Disconnecting'; done: number; total: number };
}

export interface FleetState {
  fleet: FleetView;
}

export interface FleetActions {
  /**
   * A window that opens while more than AUTO_WORKSPACES routers are connected shows the Fleet
   * view instead of a workspace (a tab) per router.
   */
  adoptFleet(states: readonly LinkState[]): void;
  loadFleet(): Promise<void>;
  setFleetFilter(patch: Partial<Pick<FleetView, 'filter' | 'status'>>): void;
  sortFleetBy(column: FleetColumn): void;
  /** `only`: this row alone; `toggle`: add or remove it; `range`: from the anchor to it in `order`. */
  selectFleetRow(id: string, mode: 'only' | 'toggle' | 'range', order: readonly string[]): void;
  setFleetSelection(ids: string[]): void;
  /** Connects these routers (through main's concurrency limit) without opening a workspace each. */
  connectMany(ids: string[]): Promise<void>;
  disconnectMany(ids: string[]): Promise<void>;
  /** Opens Broadcast (or Compare tables) with these routers chosen. */
  fleetTo(tool: 'broadcast' | 'diff', ids: string[]): void;
  moveToGroup(ids: string[], group: string): Promise<boolean>;
  exportConnections(format: ConnectionsFileFormat, ids?: string[]): Promise<void>;
  importConnections(fileName: string, content: string): Promise<void>;
}
