import { performance } from 'node:perf_hooks';
import {
  CancelledError,
  ConnectionClosedError,
  FatalError,
  TimeoutError,
  TrapError,
  type Session,
} from '../../../../protocol/src/index';
import type { BridgeError, DiffFetchArgs, DiffFetchResult, DiffRouterRows, Row } from '../../common/contract';
import { toBridgeError } from '../core/errors';

export interface DiffDeps {
  /** The router's session; throws NOT_CONNECTED (BridgeFailure) when it is not online. */
  session(connectionId: string): Session;
  /** Name and router identity of a saved connection; throws NOT_FOUND for an unknown id. */
  routerInfo(connectionId: string): { name: string; identity?: string; version?: string };
  now(): number;
  /**
   * Rows kept per router (default 50,000). Beyond it the print is cancelled with `/cancel` and the
   * router is marked `truncated`: a diff of a 500k-row connection table is a mistake, not a job.
   */
  rowCap?: number;
}

export const DEFAULT_DIFF_TIMEOUT_SECONDS = 30;

interface ValidDiff {
  connectionIds: string[];
  path: string;
  query: string[];
  proplist: string[];
  timeoutMs: number;
}

/** `args` as parsed by the bridge schema (distinct routers, the live tables' path rules), with defaults. */
function diffArgs(args: DiffFetchArgs): ValidDiff {
  return {
    connectionIds: args.connectionIds,
    path: args.path,
    query: args.query ?? [],
    proplist: args.proplist ?? [],
    timeoutMs: (args.timeoutSeconds ?? DEFAULT_DIFF_TIMEOUT_SECONDS) * 1000,
  };
}

/** Router data may name a property `__proto__`; a plain object must not let that reach its prototype. */
function plainRow(attrs: Record<string, string>): Row {
  const row: Row = {};
  for (const k in attrs) if (k !== '__proto__') row[k] = attrs[k]!;
  return row;
}

/**
 * The fetching half of the cross-router diff: one `print` of the same menu per router, all at
 * once, each on the router's own session (so it shows in that router's trace). Matching rows by a
 * key and marking differences is pure and happens in the window (`app-renderer/src/lib/diff.ts`),
 * so changing the key or the ignored columns needs no new print.
 */
export class DiffService {
  private readonly rowCap: number;

  constructor(private readonly deps: DiffDeps) {
    this.rowCap = deps.rowCap ?? 50_000;
  }

  async fetch(args: DiffFetchArgs): Promise<DiffFetchResult> {
    const v = diffArgs(args);
    const infos = v.connectionIds.map((id) => ({ id, ...this.deps.routerInfo(id) }));
    const words = [`${v.path}/print`, ...(v.proplist.length > 0 ? [`=.proplist=${v.proplist.join(',')}`] : []), ...v.query];
    const fetchedAt = this.deps.now();
    const routers = await Promise.all(infos.map((info) => this.printOne(info, words, v.timeoutMs)));
    return { path: v.path, query: v.query, proplist: v.proplist, fetchedAt, rowCap: this.rowCap, routers };
  }

  private async printOne(
    info: { id: string; name: string; identity?: string; version?: string },
    words: string[],
    timeoutMs: number,
  ): Promise<DiffRouterRows> {
    const out: DiffRouterRows = {
      connectionId: info.id,
      name: info.name,
      outcome: 'failed',
      rows: [],
      truncated: false,
      elapsedMs: 0,
    };
    if (info.identity !== undefined) out.identity = info.identity;
    if (info.version !== undefined) out.version = info.version;
    let session: Session;
    try {
      session = this.deps.session(info.id);
    } catch (e) {
      out.outcome = 'not-connected';
      out.error = toBridgeError(e);
      return out;
    }
    const t0 = performance.now();
    let capped = false;
    const stream = session.stream(words, {
      timeoutMs,
      onReply: (r) => {
        if (r.type !== '!re' || capped) return;
        if (out.rows.length >= this.rowCap) {
          capped = true;
          out.truncated = true;
          void stream.cancel().catch(() => undefined);
          return;
        }
        out.rows.push(plainRow(r.attributes));
      },
    });
    try {
      await stream.done;
      out.outcome = 'done';
    } catch (e) {
      if (capped && (e instanceof TrapError || e instanceof CancelledError)) out.outcome = 'done';
      else {
        out.outcome = outcomeOf(e);
        out.error = describe(e, info.name);
        // Rows that arrived before a trap are not a full picture of the menu.
        out.rows = [];
      }
    }
    out.elapsedMs = performance.now() - t0;
    return out;
  }
}

function outcomeOf(e: unknown): DiffRouterRows['outcome'] {
  if (e instanceof TrapError) return 'trap';
  if (e instanceof FatalError) return 'fatal';
  if (e instanceof TimeoutError) return 'timeout';
  // A print changes nothing, so a drop during it is simply "not connected", never "outcome unknown".
  if (e instanceof ConnectionClosedError) return 'not-connected';
  return 'failed';
}

function describe(e: unknown, name: string): BridgeError {
  const error = toBridgeError(e);
  // A print that dropped mid-way changed nothing; "outcome unknown" would only alarm.
  if (e instanceof ConnectionClosedError)
    return {
      code: 'NOT_CONNECTED',
      message: `${name}: the connection dropped during the print`,
      hint: 'Press Refresh once the router is connected again.',
    };
  return { ...error, message: `${name}: ${error.message}` };
}
