import type { Session } from '../../../../protocol/src/index';
import type { TableSnapshot } from '../../common/contract';
import { notFound } from '../core/errors';
import { LiveTable, type TableDeps, type ValidTableArgs } from './tables';

/**
 * Every live table of the process by id (`tbl1`, `tbl2` …), and what happens to them when a
 * link comes up or goes down. An ended table is dropped from the map; its id stays stoppable.
 */
export class LiveTables {
  private readonly tables = new Map<string, LiveTable>();
  private count = 0;

  /** `deps()` is read per table: the print time-out follows the setting in force. */
  constructor(private readonly deps: () => TableDeps) {}

  /** A new table, registered; the caller starts it on a session. */
  add(args: ValidTableArgs): LiveTable {
    const tableId = `tbl${++this.count}`;
    const table = new LiveTable(tableId, args, this.deps());
    this.tables.set(tableId, table);
    return table;
  }

  async stop(tableId: string): Promise<void> {
    const table = this.tables.get(tableId);
    if (!table) {
      if (/^tbl\d+$/.test(tableId) && Number(tableId.slice(3)) <= this.count) return; // already ended
      throw notFound('table', tableId);
    }
    this.tables.delete(tableId);
    await table.stop();
  }

  /** The link of `connectionId` is up again: its tables resubscribe on the new session. */
  linkUp(connectionId: string, session: (table: LiveTable) => Session): void {
    for (const t of this.tables.values()) if (t.connectionId === connectionId && !t.isEnded) t.start(session(t));
  }

  linkDown(connectionId: string, reason: string, willRetry: boolean): void {
    for (const [tid, t] of this.tables) {
      if (t.connectionId !== connectionId) continue;
      t.linkDown(willRetry, reason);
      if (t.isEnded) this.tables.delete(tid);
    }
  }

  /** The running tables with their rows, for a window that (re)loads (app:snapshot). */
  snapshots(): TableSnapshot[] {
    return [...this.tables.values()].filter((t) => !t.isEnded).map((t) => t.snapshot());
  }

  /** How many tables run now. */
  running(): number {
    let n = 0;
    for (const t of this.tables.values()) if (!t.isEnded) n++;
    return n;
  }

  /** Stops every running table (nobody can see them any more). */
  stopRunning(): void {
    const running = [...this.tables.entries()].filter(([, t]) => !t.isEnded);
    for (const [tid, t] of running) {
      this.tables.delete(tid);
      void t.stop();
    }
  }

  /** Stops all (a clean quit). */
  stopAll(): Promise<void>[] {
    const stops = [...this.tables.values()].map((t) => t.stop());
    this.tables.clear();
    return stops;
  }
}
