/**
 * Completion from the router itself: `/console/inspect` over the connected router's own session
 * (landscape.md §4.1), fetched lazily per path as the user types.
 *
 * The rules it follows, each guarding against a known RouterOS behaviour:
 *
 * - Lists of menus, commands and arguments come from `request=child` (deterministic), their
 *   explanations from `request=syntax` on the same path. Never `request=completion` for these
 *   lists: over the native API it silently drops 25–34 % of entries (caveat 1). Values of an
 *   argument (enumerations, live names such as interfaces) exist only in `completion`, so they are
 *   asked one request at a time, `valuePasses` times, and the union is returned marked
 *   `mayBeIncomplete` — never presented as complete.
 * - Never `do` with syntax/completion, never `input` with `syntax`: both hang some versions
 *   (caveats 3 and 4). Only `child`, `syntax` (without `input`) and `completion` (with `input`,
 *   without `syntax`) are ever sent.
 * - At most ONE inspect request in flight per router; the rest wait in a queue. 25 or more
 *   concurrent inspect requests can stop the router servicing the API connection (caveat 2).
 * - Each request has a time-out. A time-out (or a trap: the router has no `/console/inspect`, or an
 *   empty answer for the root: caveat 5) marks inspect unavailable for that router for
 *   `cooldownMs`; until then every call answers `available: false` at once without asking, and the
 *   console works as before. A new session (reconnect) clears the mark.
 * - The tree is cached per RouterOS version (the `version` of `/system/resource`): a full tree walk
 *   takes minutes and two routers on the same version have the same tree. Answers that say "no
 *   such path" are cached per router session only, so one router with a broken inspect cannot
 *   poison the cache of its version. Values include live names and are cached per router session.
 */
import { TimeoutError, TrapError, type Attributes, type Session } from '../../../../protocol/src/index';
import type { CommandTree, CommandTreeSet } from '../../../../protocol/src/tree/index';
import type { CompletionChildren, CompletionNode, CompletionNodeKind, CompletionValues } from '../../common/contract';
import { BridgeFailure } from '../core/errors';

export interface InspectDeps {
  /** The logged-in session of a router, or a NOT_CONNECTED failure. */
  session(connectionId: string): Session;
  /** RouterOS version of the router's current session (`/system/resource` `version`), '' if unknown. */
  version(connectionId: string): string;
  now(): number;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /**
   * The shipped RouterOS command trees (protocol/node/command-tree.ts), for routers that cannot be
   * inspected (RouterOS 6, inspect disabled or stalled, a user without the policy): completion
   * then comes from the tree nearest the router's version, marked as such (issue 13).
   */
  trees?: () => CommandTreeSet;
}

export interface InspectOptions {
  /** Time-out of one inspect request (default 3000 ms). */
  timeoutMs?: number;
  /** How long inspect stays off for a router after a time-out, trap or empty root (default 60 s). */
  cooldownMs?: number;
  /** `request=completion` passes whose union makes a value list (default 2; caveat 1). */
  valuePasses?: number;
}

export const INSPECT_DEFAULTS: Required<InspectOptions> = { timeoutMs: 3000, cooldownMs: 60_000, valuePasses: 2 };

const KINDS: ReadonlySet<string> = new Set<CompletionNodeKind>(['dir', 'path', 'cmd', 'arg']);

/** A path as it was answered: what the node is (undefined: unknown path) and its children. */
interface PathAnswer {
  kind: CompletionNodeKind | undefined;
  nodes: CompletionNode[];
}

interface RouterState {
  /** The session the state belongs to; a new session (reconnect) starts afresh. */
  session: Session;
  /** Tail of the one-at-a-time queue. */
  tail: Promise<unknown>;
  /** Requests written and not yet answered (0 or 1; kept to prove the rule in tests). */
  inFlight: number;
  unavailableUntil: number;
  reason: string | undefined;
  /** Unknown-path answers (per session, never per version: see the module comment). */
  missing: Map<string, PathAnswer>;
  values: Map<string, string[]>;
  /** Fetches queued or running, by key, so that a second ask waits for the first. */
  pending: Map<string, Promise<unknown>>;
  /** The root was asked on this session (the probe for "inspect answers nothing", caveat 5). */
  probed: boolean;
}

/** Why a request stopped inspect for this router; thrown inside the queue only. */
class Unavailable extends Error {}

export interface InspectStats {
  /** Inspect requests written to routers, all routers together. */
  requests: number;
  /** Per connection id. */
  perRouter: Record<string, number>;
  /** The most requests ever in flight on one router at once (must stay 1). */
  maxInFlight: number;
  /** Versions with a cached tree, and how many paths each holds. */
  cache: Record<string, number>;
}

export class InspectService {
  private readonly options: Required<InspectOptions>;
  /** version → path key → answer. Only paths the router knows are stored here. */
  private readonly tree = new Map<string, Map<string, PathAnswer>>();
  private readonly routers = new Map<string, RouterState>();
  private requests = 0;
  private readonly perRouter = new Map<string, number>();
  private maxInFlight = 0;

  constructor(
    private readonly deps: InspectDeps,
    options: InspectOptions = {},
  ) {
    this.options = { ...INSPECT_DEFAULTS, ...options };
  }

  /**
   * Children of `path` (menus, commands, or a command's arguments), with explanations. `path` as
   * the bridge schema leaves it: names without "/", ",", "=" or spaces (they would change the node).
   */
  async children(connectionId: string, path: readonly string[]): Promise<CompletionChildren> {
    const session = this.deps.session(connectionId); // NOT_CONNECTED before anything else
    const version = this.deps.version(connectionId);
    const key = cacheKey(version, connectionId);
    const pathKey = path.join(',');
    const hit = this.tree.get(key)?.get(pathKey);
    if (hit) return { available: true, kind: hit.kind, nodes: hit.nodes, version, cached: true };
    const router = this.router(connectionId, session);
    const missing = router.missing.get(pathKey);
    if (missing) return { available: true, kind: undefined, nodes: [], version, cached: true };
    const off = this.offReason(router);
    if (off) return this.childrenFromTree(version, path, off);
    try {
      // The root first, once per session: a router whose inspect answers nothing is found out
      // before any "unknown path" answer from it is believed (landscape.md §4.1 caveat 5).
      if (!router.probed && !this.tree.get(key)?.has('')) await this.fetchPath(connectionId, router, key, []);
      router.probed = true;
      const answer = await this.fetchPath(connectionId, router, key, path);
      return { available: true, kind: answer.kind, nodes: answer.nodes, version, cached: false };
    } catch (e) {
      if (e instanceof Unavailable) return this.childrenFromTree(version, path, e.message);
      throw e;
    }
  }

  /** The shipped tree nearest `version` (the oldest when the version is unknown), if any. */
  private offlineTree(version: string): CommandTree | undefined {
    const set = this.deps.trees?.();
    if (!set) return undefined;
    try {
      return set.nearest(version === '' ? set.versions[0]! : version);
    } catch (e) {
      this.deps.log?.('warn', `command tree for ${version || 'an unknown version'}: ${(e as Error).message}`);
      return undefined;
    }
  }

  private childrenFromTree(version: string, path: readonly string[], reason: string): CompletionChildren {
    const tree = this.offlineTree(version);
    if (!tree) return { available: false, reason, nodes: [], version, cached: false };
    const type = path.length === 0 ? 'dir' : tree.type(path);
    const nodes: CompletionNode[] = tree.children(path).map((c) => {
      const syntax = c.type === 'arg' ? tree.arg(path, c.name)?.syntax : undefined;
      return { name: c.name, kind: c.type, ...(syntax ? { description: syntax } : {}) };
    });
    nodes.sort((a, b) => a.name.localeCompare(b.name));
    return {
      available: true,
      reason,
      ...(type ? { kind: type } : {}),
      nodes,
      version,
      cached: false,
      fromTree: tree.version,
    };
  }

  private valuesFromTree(version: string, path: readonly string[], argument: string, reason: string): CompletionValues {
    const tree = this.offlineTree(version);
    const arg = tree?.arg(path, argument);
    if (!tree) return { available: false, reason, values: [], mayBeIncomplete: true };
    // Static values only: the router's own names (interfaces, lists) are not in the tree.
    const values = (arg?.completions ?? []).filter((c) => c.preference >= 0 && c.style !== 'syntax-meta').map((c) => c.value);
    return { available: true, reason, values, mayBeIncomplete: true, fromTree: tree.version };
  }

  /**
   * Values of a command's argument, from `request=completion` (union of passes; may be
   * incomplete). `path` names the command and `argument` is one name, as the bridge schema checks.
   */
  async values(connectionId: string, path: readonly string[], argument: string): Promise<CompletionValues> {
    const session = this.deps.session(connectionId);
    const router = this.router(connectionId, session);
    const valueKey = `${path.join(',')}\u0000${argument}`;
    const hit = router.values.get(valueKey);
    if (hit) return { available: true, values: hit, mayBeIncomplete: true };
    const off = this.offReason(router);
    if (off) return this.valuesFromTree(this.deps.version(connectionId), path, argument, off);
    try {
      const values = await this.once(router, `v:${valueKey}`, async () => {
        const seen = new Set<string>();
        // CLI input, as a user would type it before pressing Tab; no `path`, no `syntax` with it
        // (caveat 4), and never a `do` argument (caveat 3: the console never offers `do` values).
        const input = `/${path.join(' ')} ${argument}=`;
        for (let pass = 0; pass < this.options.valuePasses; pass++) {
          // `.proplist` naming `completion` is the workaround real routers honour for completion rows
          // dropped at random over the native API (7.22.1; routeros-inspect README).
          const rows = await this.request(connectionId, router, [
            '/console/inspect',
            '=request=completion',
            `=input=${input}`,
            '=.proplist=completion,preference,show,style',
          ]);
          for (const row of rows) {
            const value = row['completion'];
            // Sentinel rows (negative preference, e.g. "unknown parameter") and hidden ones are not values.
            if (value === undefined || value === '' || Number(row['preference'] ?? '0') < 0 || row['show'] === 'false') continue;
            seen.add(value);
          }
        }
        const list = [...seen];
        router.values.set(valueKey, list);
        return list;
      });
      return { available: true, values, mayBeIncomplete: true };
    } catch (e) {
      if (e instanceof Unavailable) return this.valuesFromTree(this.deps.version(connectionId), path, argument, e.message);
      throw e;
    }
  }

  /** Forgets a router (deleted connection); the per-version cache stays. */
  forget(connectionId: string): void {
    this.routers.delete(connectionId);
  }

  stats(): InspectStats {
    const cache: Record<string, number> = {};
    for (const [version, paths] of this.tree) cache[version] = paths.size;
    return { requests: this.requests, perRouter: Object.fromEntries(this.perRouter), maxInFlight: this.maxInFlight, cache };
  }

  private router(connectionId: string, session: Session): RouterState {
    let r = this.routers.get(connectionId);
    if (!r || r.session !== session) {
      r = {
        session,
        tail: Promise.resolve(),
        inFlight: 0,
        unavailableUntil: 0,
        reason: undefined,
        missing: new Map(),
        values: new Map(),
        pending: new Map(),
        probed: false,
      };
      this.routers.set(connectionId, r);
    }
    return r;
  }

  private offReason(router: RouterState): string | undefined {
    return router.reason !== undefined && this.deps.now() < router.unavailableUntil ? router.reason : undefined;
  }

  private markOff(connectionId: string, router: RouterState, reason: string): never {
    router.reason = reason;
    router.unavailableUntil = this.deps.now() + this.options.cooldownMs;
    this.deps.log?.(
      'info',
      `${connectionId}: completion from the router is off for ${Math.round(this.options.cooldownMs / 1000)} s: ${reason}`,
    );
    throw new Unavailable(reason);
  }

  /** `child` then `syntax` for one path, once per key even when asked many times meanwhile. */
  private fetchPath(connectionId: string, router: RouterState, key: string, path: readonly string[]): Promise<PathAnswer> {
    const pathKey = path.join(',');
    return this.once(router, `p:${pathKey}`, async () => {
      // Another router on the same version may have answered while this one waited.
      const cached = this.tree.get(key)?.get(pathKey);
      if (cached) return cached;
      const childRows = await this.request(connectionId, router, ['/console/inspect', '=request=child', `=path=${pathKey}`]);
      let kind: CompletionNodeKind | undefined;
      const nodes: CompletionNode[] = [];
      for (const row of childRows) {
        const name = row['name'];
        const type = row['node-type'];
        if (name === undefined || type === undefined || !KINDS.has(type)) continue;
        if (row['type'] === 'self') kind = type as CompletionNodeKind;
        else nodes.push({ name, kind: type as CompletionNodeKind });
      }
      if (kind === undefined && nodes.length === 0) {
        if (path.length === 0) this.markOff(connectionId, router, 'the router answered /console/inspect with nothing');
        // An unknown path is an empty list, not a trap (landscape.md §4.1).
        const answer: PathAnswer = { kind: undefined, nodes: [] };
        router.missing.set(pathKey, answer);
        return answer;
      }
      kind ??= path.length === 0 ? 'dir' : undefined;
      if (nodes.length > 0) {
        // One syntax call per path gives every child's explanation (landscape.md §4.1).
        const syntaxRows = await this.request(connectionId, router, ['/console/inspect', '=request=syntax', `=path=${pathKey}`]);
        const explained = new Map<string, string>();
        for (const row of syntaxRows) {
          if (row['symbol-type'] === 'explanation' && row['symbol'] && row['text']) explained.set(row['symbol'], row['text']);
        }
        for (const node of nodes) {
          const text = explained.get(node.name);
          if (text) node.description = text;
        }
      }
      nodes.sort((a, b) => a.name.localeCompare(b.name));
      const answer: PathAnswer = { kind, nodes };
      let paths = this.tree.get(key);
      if (!paths) this.tree.set(key, (paths = new Map()));
      paths.set(pathKey, answer);
      return answer;
    });
  }

  private once<T>(router: RouterState, key: string, run: () => Promise<T>): Promise<T> {
    const running = router.pending.get(key);
    if (running) return running as Promise<T>;
    const p = run().finally(() => router.pending.delete(key));
    router.pending.set(key, p);
    return p;
  }

  /**
   * One inspect request through the router's queue: it is written only when the previous one has
   * answered (caveat 2), and fails as Unavailable on a time-out or trap.
   */
  private request(connectionId: string, router: RouterState, words: string[]): Promise<Attributes[]> {
    const run = async (): Promise<Attributes[]> => {
      const off = this.offReason(router);
      if (off) throw new Unavailable(off);
      router.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, router.inFlight);
      this.requests++;
      this.perRouter.set(connectionId, (this.perRouter.get(connectionId) ?? 0) + 1);
      try {
        const result = await router.session.command(words, { timeoutMs: this.options.timeoutMs });
        return result.rows;
      } catch (e) {
        if (e instanceof TimeoutError) {
          // The session already sent /cancel for the stalled tag and absorbs its late replies.
          this.markOff(connectionId, router, `the router did not answer /console/inspect within ${this.options.timeoutMs} ms`);
        }
        if (e instanceof TrapError)
          this.markOff(connectionId, router, `the router has no usable /console/inspect (${e.message})`);
        throw e instanceof Error ? e : new BridgeFailure('INTERNAL', String(e));
      } finally {
        router.inFlight--;
      }
    };
    const p = router.tail.then(run, run);
    router.tail = p.catch(() => undefined);
    return p;
  }
}

function cacheKey(version: string, connectionId: string): string {
  // Without a version the tree cannot be shared: keep it to this router.
  return version === '' ? `?${connectionId}` : version;
}
