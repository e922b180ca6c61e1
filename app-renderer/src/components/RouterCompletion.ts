import { useEffect, useReducer } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../hooks';
import {
  childItems,
  commandPath,
  routerCompletionContext,
  unknownArguments,
  valueItems,
  type RouterCompletionContext,
  type RouterCompletionItem,
  type UnknownArgument,
} from '../lib/completion';
import type { CompletionAnswer, CompletionRequest } from '../store/types';

export interface RouterCompletionView {
  /** What the caret is on, when it is something the router can complete. */
  ctx?: RouterCompletionContext;
  /** The router answered for `ctx`: its options replace the built-in suggestions (even when none). */
  answered: boolean;
  items: RouterCompletionItem[];
  /** Value lists come from `request=completion`, which may drop entries (landscape.md §4.1). */
  mayBeIncomplete: boolean;
  /** Why the router cannot complete (quiet hint), when it said so. */
  unavailable?: string;
  /**
   * The router could not be inspected and the items come from the shipped command tree of this
   * RouterOS version (e.g. `7.12.2`), not from the router.
   */
  fromTree?: string;
  /** Argument words the command does not have, according to the router. */
  warnings: UnknownArgument[];
}

function requestFor(ctx: RouterCompletionContext, connectionId: string, version: string): CompletionRequest {
  if (ctx.kind === 'path') return { kind: 'children', connectionId, version, path: ctx.parent };
  if (ctx.kind === 'argument') return { kind: 'children', connectionId, version, path: ctx.command };
  return { kind: 'values', connectionId, version, path: ctx.command, argument: ctx.argument };
}

/**
 * Completion of the Sentence box from the connected router's own /console/inspect: the path on
 * the first line, argument names and values on the lines below, and the check of argument names
 * before sending. Asks main lazily (one path at a time, as the user types); when the router cannot
 * answer, everything here is empty and the console works as before.
 */
export function useRouterCompletion(connectionId: string, draft: string, caret: number): RouterCompletionView {
  const { online, version } = useApp(
    useShallow((s) => ({
      online: s.links[connectionId]?.status === 'online',
      version: s.links[connectionId]?.router?.version ?? '',
    })),
  );
  const { peek, load } = useApp(useShallow((s) => ({ peek: s.peekCompletion, load: s.loadCompletion })));
  const [, answered] = useReducer((n: number) => n + 1, 0);

  const ctx = online ? routerCompletionContext(draft, caret) : undefined;
  const ctxReq = ctx ? requestFor(ctx, connectionId, version) : undefined;
  // The command's own argument list, for the unknown-argument check, once an argument word exists.
  const nl = draft.indexOf('\n');
  const command = online && nl > 0 && /\n=[^=\n.][^=\n]*=/.test(draft) ? commandPath(draft.slice(0, nl)) : undefined;
  const checkReq: CompletionRequest | undefined = command
    ? { kind: 'children', connectionId, version, path: command }
    : undefined;

  const ctxAnswer = ctxReq ? peek(ctxReq) : undefined;
  const checkAnswer = checkReq ? peek(checkReq) : undefined;
  const ctxKey = ctxReq ? JSON.stringify(ctxReq) : '';
  const checkKey = checkReq ? JSON.stringify(checkReq) : '';

  useEffect(() => {
    let live = true;
    for (const key of [ctxKey, checkKey]) {
      if (!key) continue;
      const req = JSON.parse(key) as CompletionRequest;
      const known = peek(req);
      if (known !== undefined && known !== 'loading') continue;
      // Also while loading: the promise may have been started by an earlier render whose effect
      // is gone, and this render must still learn when it settles.
      void load(req).then(() => {
        if (live) answered();
      });
    }
    return () => {
      live = false;
    };
  }, [ctxKey, checkKey, peek, load]);

  const view: RouterCompletionView = { answered: false, items: [], mayBeIncomplete: false, warnings: [] };
  if (ctx) view.ctx = ctx;
  const settled = (a: CompletionAnswer | 'loading' | undefined): CompletionAnswer | undefined =>
    a && a !== 'loading' ? a : undefined;
  const a = settled(ctxAnswer);
  if (ctx && a) {
    if (a.available) {
      view.answered = true;
      if (a.fromTree) {
        view.fromTree = a.fromTree;
        if (a.reason) view.unavailable = a.reason;
      }
      const current = draft.split('\n')[ctx.line] ?? '';
      if (ctx.kind === 'value') {
        view.items = valueItems(ctx, a.values);
        view.mayBeIncomplete = a.mayBeIncomplete;
      } else if (ctx.kind === 'path' || a.node === 'cmd') {
        view.items = childItems(ctx, a.nodes).filter((i) => i.line !== current);
      }
    } else if (a.reason) view.unavailable = a.reason;
  }
  const c = settled(checkAnswer);
  if (command && c) {
    if (c.available && c.node === 'cmd') {
      view.warnings = unknownArguments(
        draft,
        command,
        c.nodes.filter((n) => n.kind === 'arg').map((n) => n.name),
      );
    } else if (!c.available && c.reason) view.unavailable ??= c.reason;
  }
  return view;
}
