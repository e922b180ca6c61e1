import {
  ConnectionClosedError,
  FatalError,
  FramingError,
  type CommandStream,
  type Reply,
  type Session,
} from '../../../../protocol/src/index';
import type { BridgeError, Row, TablePatch, TableSnapshot, TableStartArgs, TableStatus } from '../../common/contract';
import { toBridgeError } from '../core/errors';
import { DEAD, NO_SHAPE, ROW, RowEncoder, ShapeRegistry } from './row-json';
import { RowStore } from './row-store';
import { RateMeter, Throttle } from '../core/throttle';

export interface ValidTableArgs {
  connectionId: string;
  path: string;
  query: string[];
  proplist: string[];
  mode: 'listen' | 'follow';
  resyncSeconds: number;
}

/** `args` as parsed by the bridge schema (path in API form, query words, property names), with defaults. */
export function tableArgs(args: TableStartArgs): ValidTableArgs {
  return {
    connectionId: args.connectionId,
    path: args.path,
    query: args.query ?? [],
    proplist: args.proplist ?? [],
    mode: args.mode ?? 'listen',
    resyncSeconds: args.resyncSeconds ?? 0,
  };
}

export interface TableDeps {
  emit(patch: TablePatch): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /** Minimum interval between two patches (100 ms = at most 10 per second). */
  patchIntervalMs: number;
  /**
   * A print with no reply for this long is cancelled and the table ends with "no final reply"
   * (default 30 s; docs/main-process.md, "Live tables"). Counted from the print's last reply, so
   * a long print that keeps sending rows is never cut.
   */
  printTimeoutMs?: number;
  /** Listen changes held during a print at most (default 50,000); past it the print is repeated. */
  maxHeldChanges?: number;
}

export const DEFAULT_PRINT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_HELD_CHANGES = 50_000;

function isDead(attrs: Record<string, string>): boolean {
  const d = attrs['.dead'];
  return d === 'yes' || d === 'true';
}

/**
 * A live table: `print` plus `listen` (or `print =follow=`) merged by `.id` (design.md §2).
 *
 * - `listen` is started before the print and its changes are buffered until the print's `!done`,
 *   then applied in order: nothing that changed in between is lost, and a change older than the
 *   printed row is superseded by the later ones that follow it on the same stream.
 * - A listen `!re` may carry only the changed properties: it is merged into the existing row.
 * - `.dead=yes` (or `true`, protocol.md §5.4) removes the row.
 * - Patches are coalesced by a Throttle: at most one per `patchIntervalMs`, each carrying the full
 *   current row for every id changed since the previous one.
 * - Rows are replaced, never mutated, so a patch already handed out never changes under its reader.
 */
export class LiveTable {
  readonly connectionId: string;
  /**
   * Rows by `.id`, as JSON bytes outside the heap (row-store.ts). Forty 10k-row tables are 400k
   * rows; as objects they were millions of heap objects, and even as one string each they kept the
   * collector busy on the main thread. A row is written once when it changes — straight from the
   * sentence's bytes in the usual case (row-json.ts) — and patches are assembled from those bytes:
   * nothing is parsed or serialised again on the way out (`upsertsJson`).
   */
  private readonly rows = new RowStore();
  private readonly shapes = new ShapeRegistry();
  private readonly encoder = new RowEncoder(this.shapes);
  private columns: string[] = [];
  private columnSet = new Set<string>();
  private columnsChanged = false;
  /** The last shape whose names are known to be in `columns` (skips the per-name check). */
  private knownShape = -1;
  private pendingUpserts = new Set<string>();
  private pendingRemoves = new Set<string>();
  private pendingReset = false;
  private statusChanged = false;
  private statusValue: TableStatus = 'loading';
  private error: BridgeError | undefined;
  private loaded = 0;
  private generation = 0;
  private listen: CommandStream | undefined;
  private print: CommandStream | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly throttle: Throttle;
  private readonly rate = new RateMeter();
  private ended = false;
  /** Listen changes that arrived during the current print (applied after its `!done`). */
  private held: Reply[] | undefined;
  /** More changes arrived during the print than `maxHeldChanges`: they were let go. */
  private heldOverflow = false;
  private printTimer: NodeJS.Timeout | undefined;
  private readonly printTimeoutMs: number;
  private readonly maxHeld: number;

  constructor(
    readonly id: string,
    readonly args: ValidTableArgs,
    private readonly deps: TableDeps,
  ) {
    this.connectionId = args.connectionId;
    this.throttle = new Throttle(deps.patchIntervalMs, () => this.flush());
    this.printTimeoutMs = deps.printTimeoutMs ?? DEFAULT_PRINT_TIMEOUT_MS;
    this.maxHeld = deps.maxHeldChanges ?? DEFAULT_MAX_HELD_CHANGES;
  }

  /** Listen changes held right now, waiting for the print's `!done` (bounded). */
  get heldChanges(): number {
    return this.held?.length ?? 0;
  }

  get status(): TableStatus {
    return this.statusValue;
  }
  get size(): number {
    return this.rows.size;
  }
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * The table as it is now, for a window that (re)loads (issue 11 item 9): its arguments and every
   * row as one `reset` patch. Changes not yet sent are in it too; the patch that sends them later
   * repeats them, which changes nothing.
   */
  snapshot(): TableSnapshot {
    const rows = this.rows.json(this.rows.ids());
    const patch: TablePatch = {
      tableId: this.id,
      connectionId: this.connectionId,
      reset: true,
      upsertsJson: rows.text,
      upsertCount: rows.count,
      removes: [],
      columns: [...this.columns],
      total: this.rows.size,
      updatesPerSecond: this.rate.perSecond(),
      status: this.statusValue,
    };
    if (this.statusValue === 'loading') patch.loaded = this.loaded;
    if (this.error) patch.error = this.error;
    const { path, query, proplist, mode } = this.args;
    return { tableId: this.id, connectionId: this.connectionId, path, query: [...query], proplist: [...proplist], mode, patch };
  }

  private proplistWord(): string[] {
    if (this.args.proplist.length === 0) return [];
    // Rows are merged by .id, so it must come back even when the user did not ask for it.
    const props = this.args.proplist.includes('.id') ? this.args.proplist : ['.id', ...this.args.proplist];
    return [`=.proplist=${props.join(',')}`];
  }

  private setStatus(s: TableStatus, error?: BridgeError): void {
    if (this.statusValue === s && !error) return;
    this.statusValue = s;
    this.error = error;
    this.statusChanged = true;
  }

  /** Starts (or restarts after a reconnect) on a logged-in session. */
  start(session: Session): void {
    if (this.ended) return;
    const gen = ++this.generation;
    this.clearResync();
    this.rows.clear();
    this.pendingUpserts.clear();
    this.pendingRemoves.clear();
    this.pendingReset = true;
    this.loaded = 0;
    this.setStatus('loading');
    this.throttle.request();
    if (this.args.mode === 'follow') this.startFollow(session, gen);
    else this.startListen(session, gen);
  }

  private startListen(session: Session, gen: number): void {
    const { path, query } = this.args;
    this.held = [];
    this.heldOverflow = false;
    this.listen = session.stream([`${path}/listen`, ...query, ...this.proplistWord()], {
      timeoutMs: 0,
      onReply: (r) => {
        if (gen !== this.generation || r.type !== '!re') return;
        if (this.held) this.hold(r);
        else this.applyChange(r);
      },
    });
    this.watchStream(this.listen, gen, 'listen');
    void this.runPrint(session, gen, true);
  }

  private startFollow(session: Session, gen: number): void {
    const { path, query } = this.args;
    this.held = undefined;
    this.listen = session.stream([`${path}/print`, '=follow=', ...query, ...this.proplistWord()], {
      timeoutMs: 0,
      onReply: (r) => {
        if (gen !== this.generation) return;
        if (r.type === '!empty') {
          // `!empty` is "no rows" (protocol.md §5.3): the empty menu is the whole initial dump,
          // so the table is live (issue 11 item 3: it stayed "loading" for ever).
          if (this.statusValue === 'loading') this.setStatus('live');
          this.throttle.request();
          return;
        }
        if (r.type !== '!re') return;
        this.loaded++;
        this.applyChange(r);
        // `follow` gives no marker between the initial dump and later changes.
        if (this.statusValue === 'loading') this.setStatus('live');
      },
    });
    this.watchStream(this.listen, gen, 'print =follow=');
  }

  /** A listen/follow stream never ends on its own; if it does, the table says why. */
  private watchStream(stream: CommandStream, gen: number, what: string): void {
    stream.done.then(
      () => {
        if (gen !== this.generation || this.ended) return;
        this.fail(gen, {
          code: 'INTERNAL',
          message: `the router ended ${this.args.path}/${what.split(' ')[0]} unexpectedly`,
          hint: 'Restart the table.',
        });
      },
      (e: unknown) => {
        if (gen !== this.generation || this.ended) return;
        // A dropped link is handled by the link (resubscribe); everything else stops the table.
        if (e instanceof ConnectionClosedError || e instanceof FatalError || e instanceof FramingError) return;
        this.fail(gen, toBridgeError(e));
      },
    );
  }

  /**
   * Holds a listen change until the print's `!done`. Bounded: past `maxHeldChanges` the held
   * changes are let go and the print is repeated once it ends (a re-sync, which holds the
   * changes made during it again), so a busy table cannot pile changes up without bound while a
   * slow print runs (issue 11 item 2).
   */
  private hold(r: Reply): void {
    if (this.heldOverflow) return;
    if (this.held!.length >= this.maxHeld) {
      this.heldOverflow = true;
      this.held = [];
      this.deps.log('info', `table ${this.args.path}: more than ${this.maxHeld} changes during the print; it will be repeated`);
      return;
    }
    this.held!.push(r);
  }

  /**
   * The print's time-out, restarted at each of its replies. RouterOS 7.23.3 was seen to send
   * `!empty` and never the `!done` (protocol.md §5.3): without it the table stayed "loading" for
   * ever while held listen changes piled up.
   */
  private armPrintTimer(gen: number, command: string): void {
    this.clearPrintTimer();
    if (this.printTimeoutMs <= 0) return;
    this.printTimer = setTimeout(() => {
      this.printTimer = undefined;
      if (gen !== this.generation || this.ended) return;
      const seconds = this.printTimeoutMs / 1000;
      this.fail(gen, {
        code: 'TIMEOUT',
        message: `no final reply to ${command} within ${seconds} s: the router sent no !done, so the command was cancelled`,
        hint: 'Start the table again; if it keeps happening, record a trace and report the RouterOS version.',
        detail: { command, timeoutSeconds: seconds },
      });
    }, this.printTimeoutMs);
  }

  private clearPrintTimer(): void {
    if (this.printTimer) clearTimeout(this.printTimer);
    this.printTimer = undefined;
  }

  private async runPrint(session: Session, gen: number, initial: boolean): Promise<void> {
    const { path, query } = this.args;
    const fresh = initial ? undefined : new Map<string, StoredRow>();
    if (!initial) {
      this.held = [];
      this.heldOverflow = false;
    }
    let index = 0;
    const command = `${path}/print`;
    this.print = session.stream([command, ...query, ...this.proplistWord()], {
      timeoutMs: 0,
      onReply: (r: Reply) => {
        if (gen !== this.generation) return;
        this.armPrintTimer(gen, command);
        if (r.type !== '!re') return;
        const i = index++;
        if (!fresh) this.loaded++;
        if (this.encoder.encode(r) === ROW) {
          const id = this.encoder.id!;
          if (fresh) fresh.set(id, { json: this.encodedText(), shape: this.encoder.shape!.index });
          else this.putEncoded(id);
          return;
        }
        const attrs = r.attributes;
        // Singleton menus (/system/resource) have no .id: the row is numbered.
        const id = attrs['.id'] ?? `#${i}`;
        const row = this.stored(attrs, attrs['.id'] === undefined ? id : undefined);
        if (fresh) fresh.set(id, row);
        else this.putText(id, row);
      },
    });
    this.armPrintTimer(gen, command);
    try {
      await this.print.done;
    } catch (e) {
      if (gen !== this.generation || this.ended) return;
      if (e instanceof ConnectionClosedError || e instanceof FatalError || e instanceof FramingError) return;
      this.fail(gen, toBridgeError(e));
      return;
    } finally {
      if (gen === this.generation) {
        this.print = undefined;
        this.clearPrintTimer();
      }
    }
    if (gen !== this.generation || this.ended) return;
    const held = this.held ?? [];
    const overflowed = this.heldOverflow;
    this.held = undefined;
    this.heldOverflow = false;
    if (fresh) this.applyResync(fresh, held);
    else for (const r of held) this.applyChange(r);
    this.setStatus('live');
    this.throttle.request();
    // Changes were let go during this print: print again to catch up with them.
    if (overflowed && !session.closed) void this.runPrint(session, gen, false);
    else this.scheduleResync(session, gen);
  }

  private scheduleResync(session: Session, gen: number): void {
    this.clearResync();
    if (this.args.resyncSeconds <= 0 || this.args.mode !== 'listen') return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      if (gen === this.generation && !this.ended && !session.closed) void this.runPrint(session, gen, false);
    }, this.args.resyncSeconds * 1000);
  }

  private clearResync(): void {
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
  }

  /** Re-sync: rows gone from the new print are removed, changed ones updated. */
  private applyResync(fresh: Map<string, StoredRow>, held: Reply[]): void {
    for (const r of held) {
      const attrs = r.attributes;
      const id = attrs['.id'];
      if (id === undefined) continue;
      if (isDead(attrs)) fresh.delete(id);
      else fresh.set(id, this.merged(fresh.get(id), attrs));
    }
    for (const id of [...this.rows.ids()]) if (!fresh.has(id)) this.remove(id);
    for (const [id, row] of fresh) if (this.rows.text(id) !== row.json) this.putText(id, row);
  }

  /**
   * One listen/follow `!re`. RouterOS sends the whole item on every change (protocol.md §7.3): the
   * change then names every property the row had and simply becomes the row, written straight
   * from the sentence's bytes. A change that leaves properties out is merged into the old row
   * (kept: a peer or a future version may send only what changed); `.dead` removes.
   */
  private applyChange(r: Reply): void {
    const code = this.encoder.encode(r);
    if (code === DEAD) {
      this.remove(this.encoder.id!);
      return;
    }
    if (code === ROW) {
      const id = this.encoder.id!;
      const old = this.rows.shapeOf(id);
      const oldShape = old < 0 ? undefined : this.shapes.at(old);
      if (old < 0 || (oldShape !== undefined && this.shapes.covers(this.encoder.shape!, oldShape))) {
        this.putEncoded(id);
        return;
      }
    }
    // The general path: the decoded attributes (code pages, unusual names, partial changes).
    const attrs = r.attributes;
    let id = attrs['.id'];
    if (id === undefined) {
      // Singleton menus (no .id): the change belongs to the one row there is.
      if (this.rows.size !== 1) return;
      id = this.rows.ids().next().value as string;
    }
    if (isDead(attrs)) this.remove(id);
    else {
      const json = this.rows.text(id);
      this.putText(id, this.merged(json === undefined ? undefined : { json, shape: this.rows.shapeOf(id) }, attrs));
    }
  }

  /** The row after a change given as attributes: merged into `old` unless it names all of it. */
  private merged(old: StoredRow | undefined, attrs: Record<string, string>): StoredRow {
    if (old !== undefined) {
      const shape = this.shapes.at(old.shape);
      if (shape === undefined || !shape.names.every((k) => k in attrs)) {
        const row = JSON.parse(old.json) as Row;
        for (const k in attrs) if (k !== '.dead' && k !== '__proto__') row[k] = attrs[k]!;
        return this.stored(row);
      }
    }
    return this.stored(attrs);
  }

  /**
   * A row from attributes: the engine's null-prototype record or a merge. `.dead` is not a property
   * of the row; a property named `__proto__` (which RouterOS does not have) is dropped, so router
   * data can never reach an object's prototype in the renderer. `numberedId` is the `.id` given to
   * the row of a singleton menu.
   */
  private stored(attrs: Record<string, string>, numberedId?: string): StoredRow {
    let source: Record<string, string> = attrs;
    if (numberedId !== undefined || '.dead' in attrs || '__proto__' in attrs) {
      source = {};
      if (numberedId !== undefined) source['.id'] = numberedId;
      for (const k in attrs) if (k !== '.dead' && k !== '__proto__') source[k] = attrs[k]!;
    }
    const names = Object.keys(source);
    return { json: JSON.stringify(source), shape: this.shapes.intern(names)?.index ?? NO_SHAPE, names };
  }

  /** The row the encoder just wrote (fast path), as text: only for a re-sync's comparison. */
  private encodedText(): string {
    const b = this.encoder.bytes;
    return Buffer.from(b.buffer, b.byteOffset, this.encoder.end).toString('utf8');
  }

  private putEncoded(id: string): void {
    const shape = this.encoder.shape!;
    this.rows.set(id, this.encoder.bytes, 0, this.encoder.end, shape.index, this.encoder.ascii);
    this.touched(id, shape.index, shape.names);
  }

  private putText(id: string, row: StoredRow): void {
    this.rows.setText(id, row.json, row.shape);
    this.touched(id, row.shape, row.names ?? this.shapes.at(row.shape)?.names ?? Object.keys(JSON.parse(row.json) as Row));
  }

  private touched(id: string, shape: number, names: readonly string[]): void {
    if (shape !== this.knownShape || shape === NO_SHAPE) {
      for (const k of names) {
        if (!this.columnSet.has(k)) {
          this.columnSet.add(k);
          this.columns.push(k);
          this.columnsChanged = true;
        }
      }
      this.knownShape = shape;
    }
    this.pendingRemoves.delete(id);
    this.pendingUpserts.add(id);
    this.rate.add(1);
    this.throttle.request();
  }

  private remove(id: string): void {
    if (!this.rows.delete(id)) return;
    this.pendingUpserts.delete(id);
    if (!this.pendingReset) this.pendingRemoves.add(id);
    this.rate.add(1);
    this.throttle.request();
  }

  private flush(): void {
    if (
      !this.pendingReset &&
      !this.statusChanged &&
      !this.columnsChanged &&
      this.pendingUpserts.size === 0 &&
      this.pendingRemoves.size === 0
    )
      return;
    const upserts = this.rows.json(this.pendingUpserts);
    const patch: TablePatch = {
      tableId: this.id,
      connectionId: this.connectionId,
      reset: this.pendingReset,
      upsertsJson: upserts.text,
      upsertCount: upserts.count,
      removes: [...this.pendingRemoves],
      total: this.rows.size,
      updatesPerSecond: this.rate.perSecond(),
      status: this.statusValue,
    };
    if (this.columnsChanged || this.pendingReset) patch.columns = [...this.columns];
    if (this.statusValue === 'loading') patch.loaded = this.loaded;
    if (this.error) patch.error = this.error;
    this.pendingReset = false;
    this.statusChanged = false;
    this.columnsChanged = false;
    this.pendingUpserts = new Set();
    this.pendingRemoves = new Set();
    this.deps.emit(patch);
  }

  private fail(gen: number, error: BridgeError): void {
    if (gen !== this.generation) return;
    this.deps.log('warn', `table ${this.args.path} on ${this.connectionId}: ${error.message}`);
    this.generation++;
    this.clearResync();
    const streams = [this.listen, this.print];
    this.listen = undefined;
    this.print = undefined;
    for (const s of streams) if (s && !s.finished) void s.cancel().catch(() => undefined);
    this.end('error', error);
  }

  /** The link dropped: wait for `start()` again (resubscribe), or end here. */
  linkDown(willRetry: boolean, reason: string): void {
    if (this.ended) return;
    this.generation++;
    this.clearResync();
    this.clearPrintTimer();
    this.listen = undefined;
    this.print = undefined;
    this.held = undefined;
    if (willRetry) {
      this.setStatus('resubscribing', { code: 'NOT_CONNECTED', message: `reconnecting: ${reason}` });
      this.throttle.now();
    } else {
      this.end('stopped', { code: 'NOT_CONNECTED', message: `the router was disconnected (${reason})` });
    }
  }

  /** Stops on the router (`/cancel =tag=`) and emits the final patch. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.generation++;
    const streams = [this.listen, this.print];
    this.listen = undefined;
    this.print = undefined;
    this.end('stopped');
    await Promise.all(streams.map((s) => (s && !s.finished ? s.cancel().catch(() => undefined) : undefined)));
  }

  private end(status: TableStatus, error?: BridgeError): void {
    this.ended = true;
    this.clearResync();
    this.clearPrintTimer();
    this.held = undefined;
    this.setStatus(status, error);
    this.throttle.now();
    this.throttle.dispose();
    this.rows.clear();
  }
}

/** A row made on the general path (or kept for a re-sync): its JSON text and shape index. */
interface StoredRow {
  json: string;
  shape: number;
  /** The property names, when at hand (saves a look-up for the column list). */
  names?: readonly string[];
}
