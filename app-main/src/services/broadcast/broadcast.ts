import { performance } from 'node:perf_hooks';
import type {
  BridgeError,
  BroadcastAnswer,
  BroadcastOutcome,
  BroadcastProgress,
  BroadcastReply,
  BroadcastRouterResult,
  BroadcastSendArgs,
  BroadcastWave,
  BroadcastWaveProgress,
  BroadcastWaves,
  ConsoleCommandRef,
  ConsoleEnd,
  ConsoleOutcome,
  ConsoleReply,
} from '../../common/contract';
import { classifyCommand, type CommandClass } from '../core/command-class';
import type { ConsoleTap } from '../console/console';
import { toBridgeError, validationError } from '../core/errors';

// ---------------------------------------------------------------------------------------------
// Which commands change things: command-class.ts (shared with trace replay)

export { classifyCommand, READ_ONLY_COMMANDS, READ_ONLY_VERBS, type CommandClass } from '../core/command-class';

// ---------------------------------------------------------------------------------------------
// The service

export interface BroadcastConsole {
  send(args: unknown, tap?: ConsoleTap): Promise<ConsoleCommandRef>;
  cancel(commandId: unknown): Promise<{ commandId: string }>;
}

export interface BroadcastDeps {
  /** The console service: the commands are console commands (history, trace) with a tap. */
  console: BroadcastConsole;
  /** Name and router identity of a saved connection; throws NOT_FOUND for an unknown id. */
  routerInfo(connectionId: string): { name: string; identity?: string; version?: string };
  now(): number;
  /** `!re` replies kept per router (default 500); the count stays exact. */
  maxRows?: number;
  /** Other reply sentences kept per router (default 200). */
  maxOther?: number;
  /** After a time-out's `/cancel`, how long to wait for the router's `!done` (default 3000 ms). */
  cancelGraceMs?: number;
  /** Each router's result as soon as it settles (`broadcast:progress`). */
  emitProgress?(progress: BroadcastProgress): void;
  /** Each change of a wave's state (`broadcast:wave`). */
  emitWaves?(progress: BroadcastWaveProgress): void;
  /**
   * The one hook before a change reaches a router: called for each router, just before the first
   * sentence of a command that writes is sent to it (never for read-only commands). Throwing keeps
   * the command from that router (it ends `failed` with the error). Config history (issue 16) takes
   * its snapshot here.
   */
  beforeWrite?(step: BeforeWriteStep): Promise<void>;
}

/** What `beforeWrite` learns about the change about to be made. */
export interface BeforeWriteStep {
  broadcastId: string;
  connectionId: string;
  /** The sentences this router is about to get. */
  sentences: string[][];
  /** A library command's name, when one is run. */
  commandName?: string;
  /** The caller's "snapshot before write" choice (`broadcast:send` `snapshotBefore`); absent: the setting. */
  snapshotBefore?: boolean;
}

export const DEFAULT_BROADCAST_TIMEOUT_SECONDS = 15;

/** One router of a broadcast and what it gets. */
interface Target {
  info: RouterInfo;
  sentences: string[][];
}

type RouterInfo = { id: string; name: string; identity?: string; version?: string };

/**
 * A broadcast to run: `broadcast:send` makes one with the same sentence for every router; a library
 * command (library.ts) one with each router's own filled sentences.
 */
export interface BroadcastPlan {
  broadcastId?: string;
  targets: { connectionId: string; sentences: string[][] }[];
  stopOnFirstError?: boolean;
  confirmed?: boolean;
  timeoutSeconds?: number;
  waves?: BroadcastWaves;
  /** A library command's name (shown in the confirmation and the result). */
  commandName?: string;
  /** The caller's "snapshot before write" choice, handed to `beforeWrite` (absent: its default). */
  snapshotBefore?: boolean;
}

function fromConsole(outcome: ConsoleOutcome, error: BridgeError | undefined): BroadcastOutcome {
  // A write refused because the link had already gone: the sentence never left, so "not connected".
  if (outcome === 'failed' && error?.code === 'NOT_CONNECTED') return 'not-connected';
  // Like the broadcast's own grace period: cancelled, with the error saying the router did not
  // confirm it.
  if (outcome === 'cancel-unconfirmed') return 'cancelled';
  return outcome;
}

/** What every router of one broadcast shares while it runs. */
interface Exec {
  broadcastId: string;
  run: Running;
  timeoutMs: number;
  /** Some sentence writes: `beforeWrite` runs for each router. */
  writes: boolean;
  commandName?: string;
  snapshotBefore?: boolean;
}

/** A broadcast in flight: what `cancel()` and `continue()` need. */
interface Running {
  cancelled: boolean;
  /** One per router whose command is running now: stops it. */
  cancellers: Set<() => void>;
  /** Set while the broadcast waits between waves: ends the wait (true: go on, false: cancelled). */
  resume?: (go: boolean) => void;
  /** True while the wait is for `broadcast:continue` (not a timed pause). */
  waitingForContinue?: boolean;
}

/**
 * One sentence (or a library command's sentences) to many routers. Each router's command is an
 * ordinary console command — its own tag on its own session, recorded in that router's trace and
 * history — whose replies come back here through a tap instead of the console events. Concurrent by
 * default; with `stopOnFirstError` one after another, the rest `skipped` after the first that does
 * not end `done`. With waves, the routers go in groups of `size`, with a pause or a wait for
 * `broadcast:continue` between them, and later waves `skipped` once one has too many failures.
 * Every router settles: done, trap, fatal, outcome unknown (the link dropped after the write; never
 * repeated), not connected (nothing was sent), timeout (cancelled with `/cancel`) or skipped.
 */
export class BroadcastService {
  private nextId = 1;
  private readonly running = new Map<string, Running>();
  private readonly maxRows: number;
  private readonly maxOther: number;
  private readonly cancelGraceMs: number;

  constructor(private readonly deps: BroadcastDeps) {
    this.maxRows = deps.maxRows ?? 500;
    this.maxOther = deps.maxOther ?? 200;
    this.cancelGraceMs = deps.cancelGraceMs ?? 3000;
  }

  /** `args` as parsed by the bridge schema (distinct routers, the console's word rules). */
  send(args: BroadcastSendArgs): Promise<BroadcastAnswer> {
    return this.run({
      ...args,
      targets: args.connectionIds.map((connectionId) => ({ connectionId, sentences: [args.words] })),
    });
  }

  async run(plan: BroadcastPlan): Promise<BroadcastAnswer> {
    // Unknown ids fail the whole call before anything is sent (NOT_FOUND names the id).
    const targets: Target[] = plan.targets.map((t) => ({
      info: { id: t.connectionId, ...this.deps.routerInfo(t.connectionId) },
      sentences: t.sentences,
    }));
    const stopOnFirstError = plan.stopOnFirstError ?? false;
    const timeoutMs = (plan.timeoutSeconds ?? DEFAULT_BROADCAST_TIMEOUT_SECONDS) * 1000;
    // The first sentence that writes, on any router, decides the confirmation; all are checked
    // for refused commands first.
    let write: CommandClass | undefined;
    let first: CommandClass | undefined;
    for (const t of targets)
      for (const words of t.sentences) {
        const cls = classifyCommand(words);
        first ??= cls;
        if (cls.refused) throw validationError('words', cls.refused, 'Send it to one router from its console instead.');
        if (!cls.readOnly) write ??= cls;
      }
    if (write && !plan.confirmed) {
      return {
        status: 'needs-confirmation',
        command: write.command,
        reason: write.reason,
        routers: targets.map((t) => t.info.name),
        ...(plan.commandName !== undefined ? { commandName: plan.commandName } : {}),
      };
    }
    let broadcastId = plan.broadcastId ?? `b${this.nextId++}`;
    while (plan.broadcastId === undefined && this.running.has(broadcastId)) broadcastId = `b${this.nextId++}`;
    if (this.running.has(broadcastId))
      throw validationError(
        'broadcastId',
        `a broadcast with the id "${broadcastId}" is still running`,
        'Use a new id for each broadcast.',
      );
    const run: Running = { cancelled: false, cancellers: new Set() };
    this.running.set(broadcastId, run);
    const startedAt = this.deps.now();
    const t0 = performance.now();
    // Every row is reported as it settles, so the window can fill the grid while slow routers run.
    const report = (r: BroadcastRouterResult): BroadcastRouterResult => {
      this.deps.emitProgress?.({ broadcastId, total: targets.length, result: r });
      return r;
    };
    const exec: Exec = {
      broadcastId,
      run,
      timeoutMs,
      writes: write !== undefined,
      ...(plan.commandName !== undefined ? { commandName: plan.commandName } : {}),
      ...(plan.snapshotBefore !== undefined ? { snapshotBefore: plan.snapshotBefore } : {}),
    };
    const byId = new Map<string, BroadcastRouterResult>();
    let waves: BroadcastWave[] | undefined;
    try {
      if (!plan.waves) {
        for (const r of await this.runGroup(targets, exec, stopOnFirstError, report)) byId.set(r.connectionId, r);
      } else {
        waves = await this.runWaves(targets, plan.waves, exec, stopOnFirstError, report, byId);
      }
    } finally {
      this.running.delete(broadcastId);
    }
    const perRouter = plan.commandName !== undefined;
    return {
      status: 'sent',
      result: {
        broadcastId,
        words: first ? (targets[0]?.sentences[0] ?? []) : [],
        readOnly: write === undefined,
        stopOnFirstError,
        ...(plan.commandName !== undefined ? { commandName: plan.commandName } : {}),
        ...(waves ? { waves } : {}),
        startedAt,
        elapsedMs: performance.now() - t0,
        // The answer keeps the order the routers were given in.
        results: targets.map((t) => {
          const r = byId.get(t.info.id)!;
          if (perRouter) r.sentences = t.sentences;
          return r;
        }),
      },
    };
  }

  /** One group of routers (the whole broadcast, or one wave): concurrently, or in turn with stop-on-first-error. */
  private async runGroup(
    targets: Target[],
    exec: Exec,
    stopOnFirstError: boolean,
    report: (r: BroadcastRouterResult) => BroadcastRouterResult,
    wave?: number,
  ): Promise<BroadcastRouterResult[]> {
    const tagged = (r: BroadcastRouterResult): BroadcastRouterResult => {
      if (wave !== undefined) r.wave = wave;
      return report(r);
    };
    if (!stopOnFirstError)
      return Promise.all(
        targets.map(async (t) =>
          tagged(exec.run.cancelled ? this.cancelledBeforeSending(t.info) : await this.runTarget(t, exec)),
        ),
      );
    const results: BroadcastRouterResult[] = [];
    let stopper: BroadcastRouterResult | undefined;
    for (const t of targets) {
      if (exec.run.cancelled) results.push(tagged(this.cancelledBeforeSending(t.info)));
      else if (stopper) results.push(tagged(this.skipped(t.info, stopper)));
      else {
        const r = tagged(await this.runTarget(t, exec));
        results.push(r);
        if (r.outcome !== 'done') stopper = r;
      }
    }
    return results;
  }

  private async runWaves(
    targets: Target[],
    options: BroadcastWaves,
    exec: Exec,
    stopOnFirstError: boolean,
    report: (r: BroadcastRouterResult) => BroadcastRouterResult,
    byId: Map<string, BroadcastRouterResult>,
  ): Promise<BroadcastWave[]> {
    const groups: Target[][] = [];
    for (let i = 0; i < targets.length; i += options.size) groups.push(targets.slice(i, i + options.size));
    const maxFailures = options.maxFailures ?? 0;
    const pauseMs = (options.pauseSeconds ?? 0) * 1000;
    const waves: BroadcastWave[] = groups.map((g, i) => ({
      wave: i + 1,
      state: 'pending',
      routers: g.map((t) => t.info.name),
      failed: 0,
    }));
    const emit = (): void =>
      this.deps.emitWaves?.({ broadcastId: exec.broadcastId, waves: waves.map((w) => ({ ...w, routers: [...w.routers] })) });
    emit();
    /** Set once a wave had too many failures, or the broadcast was cancelled: the rest are skipped. */
    let stopped: { reason: string; by?: BroadcastRouterResult } | undefined;
    for (const [i, group] of groups.entries()) {
      const wave = waves[i]!;
      if (i > 0 && !stopped && !exec.run.cancelled) {
        const go = await this.between(exec, wave, options, pauseMs, emit);
        if (!go) stopped = { reason: 'the broadcast was cancelled before this wave' };
      }
      if (exec.run.cancelled && !stopped) stopped = { reason: 'the broadcast was cancelled before this wave' };
      if (stopped) {
        wave.state = exec.run.cancelled ? 'cancelled' : 'skipped';
        wave.message = `not sent: ${stopped.reason}`;
        delete wave.resumeAt;
        for (const t of group) {
          const r = this.base(t.info);
          r.outcome = 'skipped';
          r.wave = wave.wave;
          r.error = {
            code: 'CANCELLED',
            message: `not sent: ${stopped.reason}`,
            hint: exec.run.cancelled
              ? 'Send again to reach the routers that were skipped.'
              : 'Look at the failed routers of the earlier wave, then send again to the rest.',
          };
          byId.set(t.info.id, report(r));
        }
        continue;
      }
      wave.state = 'running';
      delete wave.resumeAt;
      emit();
      const results = await this.runGroup(group, exec, stopOnFirstError, report, wave.wave);
      for (const r of results) byId.set(r.connectionId, r);
      wave.failed = results.filter((r) => r.outcome !== 'done').length;
      if (exec.run.cancelled) {
        wave.state = 'cancelled';
        wave.message = 'cancelled by the user';
      } else if (wave.failed > maxFailures) {
        wave.state = 'stopped';
        wave.message = `${wave.failed} of ${group.length} routers failed, more than the ${maxFailures} allowed: later waves are not sent`;
        stopped = {
          reason: `wave ${wave.wave} had ${wave.failed} failed router${wave.failed === 1 ? '' : 's'}, more than the ${maxFailures} allowed`,
        };
      } else wave.state = 'done';
      emit();
    }
    return waves;
  }

  /**
   * Between two waves: a timed pause, a wait for `broadcast:continue`, or both (pause first).
   * Resolves false when the broadcast was cancelled meanwhile.
   */
  private async between(
    exec: Exec,
    next: BroadcastWave,
    options: BroadcastWaves,
    pauseMs: number,
    emit: () => void,
  ): Promise<boolean> {
    const run = exec.run;
    if (pauseMs > 0) {
      next.state = 'pausing';
      next.resumeAt = this.deps.now() + pauseMs;
      emit();
      const go = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          delete run.resume;
          resolve(true);
        }, pauseMs);
        run.resume = (g) => {
          clearTimeout(timer);
          delete run.resume;
          resolve(g);
        };
      });
      delete next.resumeAt;
      if (!go || run.cancelled) return false;
    }
    if (options.confirmBetween) {
      next.state = 'waiting';
      emit();
      const go = await new Promise<boolean>((resolve) => {
        run.waitingForContinue = true;
        run.resume = (g) => {
          delete run.resume;
          run.waitingForContinue = false;
          resolve(g);
        };
      });
      if (!go || run.cancelled) return false;
    }
    return true;
  }

  /**
   * Starts the next wave of a broadcast waiting for it (`confirmBetween`). `waiting` is false when
   * that broadcast is not waiting (not running, or running a wave or a timed pause).
   */
  async continue({ broadcastId }: { broadcastId: string }): Promise<{ broadcastId: string; waiting: boolean }> {
    const run = this.running.get(broadcastId);
    if (!run?.waitingForContinue || !run.resume) return { broadcastId, waiting: false };
    run.resume(true);
    return { broadcastId, waiting: true };
  }

  /** Quitting: every running broadcast is cancelled, so none is left waiting between waves. */
  cancelAll(): void {
    for (const broadcastId of [...this.running.keys()]) void this.cancel({ broadcastId });
  }

  /**
   * Stops a running broadcast: `/cancel` for every command still running (those routers end
   * `cancelled` once the router confirms, or after the grace period), and no router not yet sent
   * to gets the command (`skipped`); a pause or a wait between waves ends at once. What already
   * went out is not undone.
   */
  async cancel({ broadcastId }: { broadcastId: string }): Promise<{ broadcastId: string; running: boolean }> {
    const run = this.running.get(broadcastId);
    if (!run) return { broadcastId, running: false };
    run.cancelled = true;
    for (const stop of [...run.cancellers]) stop();
    run.resume?.(false);
    return { broadcastId, running: true };
  }

  /**
   * One router: its sentences one after another, each after the previous ended `done`. The row
   * holds every reply; its outcome, tag and error are those of the last sentence sent.
   */
  private async runTarget(t: Target, exec: Exec): Promise<BroadcastRouterResult> {
    if (exec.writes && this.deps.beforeWrite) {
      try {
        await this.deps.beforeWrite({
          broadcastId: exec.broadcastId,
          connectionId: t.info.id,
          sentences: t.sentences,
          ...(exec.commandName !== undefined ? { commandName: exec.commandName } : {}),
          ...(exec.snapshotBefore !== undefined ? { snapshotBefore: exec.snapshotBefore } : {}),
        });
      } catch (e) {
        const r = this.base(t.info);
        r.error = toBridgeError(e);
        return r;
      }
      if (exec.run.cancelled) return this.cancelledBeforeSending(t.info);
    }
    let total: BroadcastRouterResult | undefined;
    for (const words of t.sentences) {
      const r = await this.runOne(t.info, words, exec.timeoutMs, exec.run);
      if (!total) total = r;
      else {
        total.replies.push(...r.replies);
        total.repliesDropped += r.repliesDropped;
        total.rows += r.rows;
        total.elapsedMs += r.elapsedMs;
        total.outcome = r.outcome;
        if (r.commandId !== undefined) total.commandId = r.commandId;
        if (r.tag !== undefined) total.tag = r.tag;
        if (r.error) total.error = r.error;
      }
      if (r.outcome !== 'done') break;
      if (exec.run.cancelled && words !== t.sentences.at(-1)) {
        // Cancelled between two sentences of a library command: the rest are not sent.
        total.outcome = 'cancelled';
        total.error = {
          code: 'CANCELLED',
          message: 'cancelled by the user between two sentences; the later ones were not sent',
          hint: 'Check the router: the earlier sentences did run.',
        };
        break;
      }
    }
    return total ?? this.base(t.info);
  }

  private cancelledBeforeSending(info: { id: string; name: string; identity?: string; version?: string }): BroadcastRouterResult {
    const r = this.base(info);
    r.outcome = 'skipped';
    r.error = {
      code: 'CANCELLED',
      message: 'not sent: the broadcast was cancelled before this router',
      hint: 'Send again to reach the routers that were skipped.',
    };
    return r;
  }

  private base(info: { id: string; name: string; identity?: string; version?: string }): BroadcastRouterResult {
    const r: BroadcastRouterResult = {
      connectionId: info.id,
      name: info.name,
      outcome: 'failed',
      rows: 0,
      replies: [],
      repliesDropped: 0,
      elapsedMs: 0,
    };
    if (info.identity !== undefined) r.identity = info.identity;
    if (info.version !== undefined) r.version = info.version;
    return r;
  }

  private skipped(
    info: { id: string; name: string; identity?: string; version?: string },
    stopper: BroadcastRouterResult,
  ): BroadcastRouterResult {
    const r = this.base(info);
    r.outcome = 'skipped';
    r.error = {
      code: 'CANCELLED',
      message: `not sent: ${stopper.name} ended ${stopper.outcome} and "stop on first error" is on`,
      hint: 'Fix the problem on that router and send again, or turn "stop on first error" off to send to every router.',
    };
    return r;
  }

  private runOne(
    info: { id: string; name: string; identity?: string; version?: string },
    words: string[],
    timeoutMs: number,
    run: Running,
  ): Promise<BroadcastRouterResult> {
    const result = this.base(info);
    let rows = 0;
    let other = 0;
    const keep = (r: ConsoleReply): void => {
      const isRow = r.kind === '!re';
      if (isRow ? rows++ < this.maxRows : other++ < this.maxOther) {
        const reply: BroadcastReply = { kind: r.kind, words: r.words, elapsedMs: r.elapsedMs };
        result.replies.push(reply);
      } else result.repliesDropped++;
    };
    return new Promise<BroadcastRouterResult>((resolve) => {
      let settled = false;
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      let grace: NodeJS.Timeout | undefined;
      const sentAt = performance.now();
      let stop: (() => void) | undefined;
      const settle = (outcome: BroadcastOutcome, elapsedMs: number, error?: BridgeError): void => {
        if (settled) return;
        settled = true;
        if (stop) run.cancellers.delete(stop);
        clearTimeout(timer);
        clearTimeout(grace);
        result.outcome = outcome;
        result.rows = Math.max(result.rows, rows);
        result.elapsedMs = elapsedMs;
        if (error) result.error = error;
        resolve(result);
      };
      const timeoutError = (): BridgeError => ({
        code: 'TIMEOUT',
        message: `no final reply within ${timeoutMs / 1000} s; the command was cancelled with /cancel`,
        hint: 'listen and monitor commands run until cancelled: add =once= or =duration=, or raise the time limit.',
        detail: { timeoutMs },
      });
      const tap: ConsoleTap = {
        onReply: keep,
        onEnd: (end: ConsoleEnd) => {
          result.rows = end.rows;
          if (timedOut) settle('timeout', end.elapsedMs, timeoutError());
          else settle(fromConsole(end.outcome, end.error), end.elapsedMs, end.error);
        },
      };
      this.deps.console.send({ connectionId: info.id, words }, tap).then(
        (ref) => {
          result.commandId = ref.commandId;
          result.tag = ref.tag;
          if (settled) return;
          // Cancel by the user: /cancel, and the router's own !done ends the row `cancelled`; a
          // router that does not answer even that still settles after the grace period.
          stop = () => {
            if (settled) return;
            clearTimeout(timer);
            clearTimeout(grace);
            grace = setTimeout(
              () =>
                settle('cancelled', performance.now() - sentAt, {
                  code: 'CANCELLED',
                  message: 'cancelled by the user; the router did not confirm the /cancel',
                  hint: 'Check the router: the command may still be running there.',
                }),
              this.cancelGraceMs,
            );
            this.deps.console.cancel(ref.commandId).catch(() => undefined);
          };
          run.cancellers.add(stop);
          // Cancelled while this router's command was being written: stop it at once.
          if (run.cancelled) {
            stop();
            return;
          }
          timer = setTimeout(() => {
            timedOut = true;
            // The router's own !done after /cancel ends it; if even that does not come (a stalled
            // router), the row still settles after a grace period — never a hang.
            grace = setTimeout(() => settle('timeout', performance.now() - sentAt, timeoutError()), this.cancelGraceMs);
            this.deps.console.cancel(ref.commandId).catch(() => undefined);
          }, timeoutMs);
        },
        (e: unknown) => {
          const error = toBridgeError(e);
          settle(error.code === 'NOT_CONNECTED' ? 'not-connected' : 'failed', 0, error);
        },
      );
    });
  }
}
