import { performance } from 'node:perf_hooks';
import type {
  BridgeError,
  BroadcastAnswer,
  BroadcastOutcome,
  BroadcastProgress,
  BroadcastReply,
  BroadcastRouterResult,
  BroadcastSendArgs,
  ConsoleCommandRef,
  ConsoleEnd,
  ConsoleOutcome,
  ConsoleReply,
} from '../../common/contract';
import { classifyCommand } from '../core/command-class';
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
}

export const DEFAULT_BROADCAST_TIMEOUT_SECONDS = 15;

interface ValidBroadcast {
  broadcastId?: string;
  connectionIds: string[];
  words: string[];
  stopOnFirstError: boolean;
  confirmed: boolean;
  timeoutMs: number;
}

/** `args` as parsed by the bridge schema (distinct routers, the console's word rules), with defaults. */
function broadcastArgs(args: BroadcastSendArgs): ValidBroadcast {
  return {
    ...(args.broadcastId !== undefined ? { broadcastId: args.broadcastId } : {}),
    connectionIds: args.connectionIds,
    words: args.words,
    stopOnFirstError: args.stopOnFirstError ?? false,
    confirmed: args.confirmed ?? false,
    timeoutMs: (args.timeoutSeconds ?? DEFAULT_BROADCAST_TIMEOUT_SECONDS) * 1000,
  };
}

function fromConsole(outcome: ConsoleOutcome, error: BridgeError | undefined): BroadcastOutcome {
  // A write refused because the link had already gone: the sentence never left, so "not connected".
  if (outcome === 'failed' && error?.code === 'NOT_CONNECTED') return 'not-connected';
  // Like the broadcast's own grace period: cancelled, with the error saying the router did not
  // confirm it.
  if (outcome === 'cancel-unconfirmed') return 'cancelled';
  return outcome;
}

/**
 * One sentence to many routers. Each router's command is an ordinary console command — its own
 * tag on its own session, recorded in that router's trace and history — whose replies come back
 * here through a tap instead of the console events. Concurrent by default; with
 * `stopOnFirstError` one after another, the rest `skipped` after the first that does not end
 * `done`. Every router settles: done, trap, fatal, outcome unknown (the link dropped after the
 * write; never repeated), not connected (nothing was sent), or timeout (cancelled with `/cancel`).
 */
/** A broadcast in flight: what `cancel()` needs to stop it. */
interface Running {
  cancelled: boolean;
  /** One per router whose command is running now: stops it. */
  cancellers: Set<() => void>;
}

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

  async send(args: BroadcastSendArgs): Promise<BroadcastAnswer> {
    const v = broadcastArgs(args);
    // Unknown ids fail the whole call before anything is sent (NOT_FOUND names the id).
    const infos = v.connectionIds.map((id) => ({ id, ...this.deps.routerInfo(id) }));
    const cls = classifyCommand(v.words);
    if (cls.refused) throw validationError('words', cls.refused, 'Send it to one router from its console instead.');
    if (!cls.readOnly && !v.confirmed) {
      return { status: 'needs-confirmation', command: cls.command, reason: cls.reason, routers: infos.map((i) => i.name) };
    }
    let broadcastId = v.broadcastId ?? `b${this.nextId++}`;
    while (v.broadcastId === undefined && this.running.has(broadcastId)) broadcastId = `b${this.nextId++}`;
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
      this.deps.emitProgress?.({ broadcastId, total: infos.length, result: r });
      return r;
    };
    let results: BroadcastRouterResult[];
    try {
      if (v.stopOnFirstError) {
        results = [];
        let stopper: BroadcastRouterResult | undefined;
        for (const info of infos) {
          if (run.cancelled) {
            results.push(report(this.cancelledBeforeSending(info)));
            continue;
          }
          if (stopper) {
            results.push(report(this.skipped(info, stopper)));
            continue;
          }
          const r = report(await this.runOne(info, v.words, v.timeoutMs, run));
          results.push(r);
          if (r.outcome !== 'done') stopper = r;
        }
      } else {
        results = await Promise.all(infos.map(async (info) => report(await this.runOne(info, v.words, v.timeoutMs, run))));
      }
    } finally {
      this.running.delete(broadcastId);
    }
    return {
      status: 'sent',
      result: {
        broadcastId,
        words: v.words,
        readOnly: cls.readOnly,
        stopOnFirstError: v.stopOnFirstError,
        startedAt,
        elapsedMs: performance.now() - t0,
        results,
      },
    };
  }

  /**
   * Stops a running broadcast: `/cancel` for every command still running (those routers end
   * `cancelled` once the router confirms, or after the grace period), and no router not yet sent
   * to gets the command (`skipped`). What already went out is not undone.
   */
  async cancel({ broadcastId }: { broadcastId: string }): Promise<{ broadcastId: string; running: boolean }> {
    const run = this.running.get(broadcastId);
    if (!run) return { broadcastId, running: false };
    run.cancelled = true;
    for (const stop of [...run.cancellers]) stop();
    return { broadcastId, running: true };
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
