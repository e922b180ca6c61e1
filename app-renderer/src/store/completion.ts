import { bridgeFailure, type SliceContext } from './context';
import type { CompletionActions, CompletionAnswer, CompletionRequest } from './types';

/** An unavailable or failed answer is asked again after this long (main has its own cool-down). */
const RETRY_MS = 10_000;

function keyOf(req: CompletionRequest): string {
  const base = `${req.kind}\u0000${req.connectionId}\u0000${req.version}\u0000${req.path.join('/')}`;
  return req.kind === 'values' ? `${base}\u0000${req.argument}` : base;
}

/**
 * Answers of complete:children / complete:values, kept outside the reactive state: a keystroke
 * must not re-render the whole window, and the component that asked re-renders itself when its
 * promise settles. Main caches per RouterOS version; this cache only saves the bridge round trip.
 */
export function completionSlice(ctx: SliceContext): CompletionActions {
  const cache = new Map<string, { answer: CompletionAnswer; at: number }>();
  const loading = new Map<string, Promise<CompletionAnswer>>();

  const fresh = (key: string): CompletionAnswer | undefined => {
    const hit = cache.get(key);
    if (!hit) return undefined;
    // An answer from the shipped tree is asked again too: the router's inspect may be back.
    if ((!hit.answer.available || hit.answer.fromTree !== undefined) && ctx.now() - hit.at > RETRY_MS) {
      cache.delete(key);
      return undefined;
    }
    return hit.answer;
  };

  return {
    peekCompletion(req) {
      const key = keyOf(req);
      return fresh(key) ?? (loading.has(key) ? 'loading' : undefined);
    },
    loadCompletion(req) {
      const key = keyOf(req);
      const hit = fresh(key);
      if (hit) return Promise.resolve(hit);
      const running = loading.get(key);
      if (running) return running;
      const p = (async (): Promise<CompletionAnswer> => {
        let answer: CompletionAnswer;
        try {
          if (req.kind === 'children') {
            const r = await ctx.api['complete:children']({ connectionId: req.connectionId, path: req.path });
            answer = r.ok
              ? {
                  available: r.value.available,
                  nodes: r.value.nodes,
                  values: [],
                  mayBeIncomplete: false,
                  ...(r.value.reason ? { reason: r.value.reason } : {}),
                  ...(r.value.kind ? { node: r.value.kind } : {}),
                  ...(r.value.fromTree ? { fromTree: r.value.fromTree } : {}),
                }
              : { available: false, nodes: [], values: [], mayBeIncomplete: false };
          } else {
            const r = await ctx.api['complete:values']({
              connectionId: req.connectionId,
              path: req.path,
              argument: req.argument,
            });
            answer = r.ok
              ? {
                  available: r.value.available,
                  nodes: [],
                  values: r.value.values,
                  mayBeIncomplete: r.value.mayBeIncomplete,
                  ...(r.value.reason ? { reason: r.value.reason } : {}),
                  ...(r.value.fromTree ? { fromTree: r.value.fromTree } : {}),
                }
              : { available: false, nodes: [], values: [], mayBeIncomplete: true };
          }
        } catch {
          // Completion is a convenience: a failed bridge call falls back quietly to typing by hand.
          answer = { available: false, nodes: [], values: [], mayBeIncomplete: true };
        }
        cache.set(key, { answer, at: ctx.now() });
        loading.delete(key);
        return answer;
      })();
      loading.set(key, p);
      return p;
    },
    async compareVersions(args) {
      try {
        return await ctx.api['tree:compare'](args);
      } catch (e) {
        return { ok: false, error: bridgeFailure(e) };
      }
    },
  };
}
