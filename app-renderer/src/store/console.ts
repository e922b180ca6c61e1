import type { ConsoleCardSnapshot, ConsoleEnd, ConsoleReply } from '../../../app-main/src/common/contract';
import { RingLog } from '../lib/ring';
import type { SliceContext } from './context';
import type { AppStoreState, ConsoleCommand, ConsoleState } from './types';

type Keys =
  | 'consoles'
  | 'setDraft'
  | 'sendCommand'
  | 'cancelCommand'
  | 'toggleCommandView'
  | 'clearConsole'
  | 'loadHistory'
  | 'historyStep'
  | 'applyConsoleReplies'
  | 'applyConsoleEnd'
  | 'restoreConsoles';

/** Reply sentences kept per command; older ones are dropped and counted (design.md §5). */
export const MAX_REPLIES_PER_COMMAND = 100_000;
/** Commands kept per console; the oldest finished ones go first. */
export const MAX_COMMANDS = 100;
/** Reply sentences kept per console over all its commands; the oldest finished commands go first. */
export const MAX_REPLIES_PER_CONSOLE = 250_000;
/** Replies for command ids not known yet (the send result is still on its way). */
const MAX_ORPHANS = 50_000;

export function emptyConsole(): ConsoleState {
  return { draft: '', commands: [], history: [], historyIndex: -1, stash: '' };
}

const RUNNING = new Set(['sending', 'running']);

/** Drops the oldest finished commands while the console holds more than its reply budget. */
function withinBudget(commands: ConsoleCommand[], forget: (c: ConsoleCommand) => void): ConsoleCommand[] {
  let total = commands.reduce((n, c) => n + c.log.length, 0);
  if (total <= MAX_REPLIES_PER_CONSOLE) return commands;
  const out = [...commands];
  for (let i = 0; i < out.length - 1 && total > MAX_REPLIES_PER_CONSOLE;) {
    const c = out[i] as ConsoleCommand;
    if (RUNNING.has(c.status)) {
      i++;
      continue;
    }
    total -= c.log.length;
    forget(c);
    out.splice(i, 1);
  }
  return out;
}

export function consoleSlice({ set, get, api, now }: SliceContext): Pick<AppStoreState, Keys> {
  let nextKey = 1;
  /** commandId → where its replies go. */
  const where = new Map<string, { connectionId: string; key: string }>();
  /** Replies and ends that raced ahead of the `console:send` result. */
  const orphanReplies = new Map<string, ConsoleReply[]>();
  const orphanEnds = new Map<string, ConsoleEnd>();
  let orphanCount = 0;
  /** commandId → a big reply whose pieces are still arriving (ConsoleReply.piece). */
  const partial = new Map<string, ConsoleReply>();
  /** Joins the pieces of big replies; everything else passes through. */
  const joinPieces = (batch: ConsoleReply[]): ConsoleReply[] => {
    if (partial.size === 0 && !batch.some((r) => r.piece)) return batch;
    const out: ConsoleReply[] = [];
    for (const r of batch) {
      if (!r.piece) {
        out.push(r);
        continue;
      }
      const { piece, ...reply } = r;
      const before = partial.get(r.commandId);
      let words = r.words;
      if (before) {
        words = before.words;
        let rest = r.words;
        if (piece.continued && words.length > 0 && rest.length > 0) {
          words[words.length - 1] += rest[0]!;
          rest = rest.slice(1);
        }
        for (const w of rest) words.push(w);
      } else words = [...words];
      if (piece.more) partial.set(r.commandId, { ...reply, words });
      else {
        partial.delete(r.commandId);
        out.push({ ...reply, words });
      }
    }
    return out;
  };
  // Routes stay after the end: late sentences for a cancelled tag still arrive (protocol.md §7.1).
  const forget = (cmd: ConsoleCommand | undefined) => {
    if (cmd?.commandId) where.delete(cmd.commandId);
  };

  const update = (connectionId: string, fn: (c: ConsoleState) => ConsoleState) =>
    set((s) => ({ consoles: { ...s.consoles, [connectionId]: fn(s.consoles[connectionId] ?? emptyConsole()) } }));
  const updateCommand = (c: ConsoleState, key: string, fn: (cmd: ConsoleCommand) => ConsoleCommand): ConsoleState => ({
    ...c,
    commands: c.commands.map((cmd) => (cmd.key === key ? fn(cmd) : cmd)),
  });

  return {
    consoles: {},

    setDraft(connectionId, text) {
      update(connectionId, (c) => ({ ...c, draft: text, historyIndex: -1 }));
    },

    async sendCommand(connectionId, words) {
      const key = `k${nextKey++}`;
      const cmd: ConsoleCommand = {
        key,
        words,
        status: 'sending',
        rows: 0,
        elapsedMs: 0,
        startedAt: now(),
        log: new RingLog(MAX_REPLIES_PER_COMMAND),
        version: 0,
        kinds: {},
        view: 'raw',
      };
      const draftBefore = get().consoles[connectionId]?.draft ?? '';
      update(connectionId, (c) => {
        let commands = [...c.commands, cmd];
        if (commands.length > MAX_COMMANDS) {
          const drop = Math.max(
            0,
            commands.findIndex((x) => !RUNNING.has(x.status)),
          );
          forget(commands[drop]);
          commands = commands.filter((_, i) => i !== drop);
        }
        return { ...c, commands, draft: '', historyIndex: -1, stash: '' };
      });
      const r = await api['console:send']({ connectionId, words });
      if (!r.ok) {
        const error = r.error;
        update(connectionId, (c) => ({
          ...updateCommand(c, key, (x) => ({ ...x, status: 'failed', error })),
          // Give the words back so nothing typed is lost when the router was offline.
          draft: c.draft === '' ? draftBefore : c.draft,
        }));
        return;
      }
      const { commandId, tag } = r.value;
      where.set(commandId, { connectionId, key });
      update(connectionId, (c) => {
        const entry = { id: commandId, connectionId, words, sentAt: new Date(now()).toISOString() };
        const last = c.history[0];
        const history = last && last.words.join('\n') === words.join('\n') ? c.history : [entry, ...c.history];
        return {
          ...updateCommand(c, key, (x) => ({ ...x, commandId, tag, status: x.status === 'sending' ? 'running' : x.status })),
          history,
        };
      });
      const early = orphanReplies.get(commandId);
      if (early) {
        orphanReplies.delete(commandId);
        orphanCount -= early.length;
        get().applyConsoleReplies(early);
      }
      const end = orphanEnds.get(commandId);
      if (end) {
        orphanEnds.delete(commandId);
        get().applyConsoleEnd(end);
      }
    },

    async cancelCommand(connectionId, key) {
      const cmd = get().consoles[connectionId]?.commands.find((c) => c.key === key);
      if (!cmd?.commandId) return;
      const r = await api['console:cancel']({ commandId: cmd.commandId });
      if (!r.ok && r.error.code !== 'NOT_FOUND') get().reportError(r.error, 'Cancelling the command');
    },

    toggleCommandView(connectionId, key) {
      update(connectionId, (c) => updateCommand(c, key, (x) => ({ ...x, view: x.view === 'raw' ? 'table' : 'raw' })));
    },

    clearConsole(connectionId) {
      update(connectionId, (c) => {
        c.commands.filter((x) => !RUNNING.has(x.status)).forEach(forget);
        return { ...c, commands: c.commands.filter((x) => RUNNING.has(x.status)) };
      });
      // Main keeps the cards for a reload: cleared ones must not come back.
      void api['console:clear']({ connectionId }).then((r) => {
        if (!r.ok) get().reportError(r.error, 'Clearing the console');
      });
    },

    restoreConsoles(cards: ConsoleCardSnapshot[]) {
      const known = new Set<string>();
      for (const c of Object.values(get().consoles)) for (const cmd of c.commands) if (cmd.commandId) known.add(cmd.commandId);
      for (const card of cards) {
        if (known.has(card.commandId)) continue;
        // Replies and ends that came before the snapshot are in it already.
        const early = orphanReplies.get(card.commandId);
        if (early) {
          orphanReplies.delete(card.commandId);
          orphanCount -= early.length;
        }
        orphanEnds.delete(card.commandId);
        const log = new RingLog<ConsoleReply>(MAX_REPLIES_PER_COMMAND);
        log.pushAll(card.replies);
        log.dropped += card.repliesDropped;
        const kinds: Record<string, number> = {};
        for (const r of card.replies) kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
        const key = `k${nextKey++}`;
        const cmd: ConsoleCommand = {
          key,
          commandId: card.commandId,
          tag: card.tag,
          words: card.words,
          status: card.status,
          rows: card.rows,
          elapsedMs: card.elapsedMs,
          startedAt: card.startedAt,
          log,
          version: 0,
          kinds,
          view: 'raw',
          ...(card.error ? { error: card.error } : {}),
        };
        where.set(card.commandId, { connectionId: card.connectionId, key });
        update(card.connectionId, (c) => ({ ...c, commands: withinBudget([...c.commands, cmd].slice(-MAX_COMMANDS), forget) }));
      }
    },

    async loadHistory(connectionId) {
      const r = await api['console:history']({ connectionId, limit: 500 });
      if (!r.ok) return get().reportError(r.error, 'Loading the command history');
      update(connectionId, (c) => {
        // Keep entries sent while the request was out, newest first.
        const known = new Set(r.value.map((h) => h.id));
        return { ...c, history: [...c.history.filter((h) => !known.has(h.id)), ...r.value] };
      });
    },

    historyStep(connectionId, direction) {
      update(connectionId, (c) => {
        const next = c.historyIndex - direction;
        if (next < -1 || next >= c.history.length) return c;
        const stash = c.historyIndex === -1 ? c.draft : c.stash;
        const draft = next === -1 ? stash : (c.history[next]?.words.join('\n') ?? '');
        return { ...c, historyIndex: next, stash, draft };
      });
    },

    applyConsoleReplies(pieces) {
      const batch = joinPieces(pieces);
      if (batch.length === 0) return;
      const groups = new Map<string, ConsoleReply[]>();
      for (const r of batch) {
        let g = groups.get(r.commandId);
        if (!g) groups.set(r.commandId, (g = []));
        g.push(r);
      }
      set((s) => {
        let consoles = s.consoles;
        for (const [commandId, replies] of groups) {
          const loc = where.get(commandId);
          if (!loc) {
            if (orphanCount + replies.length <= MAX_ORPHANS) {
              orphanReplies.set(commandId, [...(orphanReplies.get(commandId) ?? []), ...replies]);
              orphanCount += replies.length;
            }
            continue;
          }
          const c = consoles[loc.connectionId];
          if (!c) continue;
          const commands = c.commands.map((cmd) => {
            if (cmd.key !== loc.key) return cmd;
            cmd.log.pushAll(replies);
            const kinds = { ...cmd.kinds };
            let rows = cmd.rows;
            for (const r of replies) {
              kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
              if (r.kind === '!re') rows++;
            }
            const last = replies[replies.length - 1] as ConsoleReply;
            return {
              ...cmd,
              kinds,
              rows,
              elapsedMs: last.elapsedMs,
              version: cmd.version + 1,
              status: cmd.status === 'sending' ? 'running' : cmd.status,
            } satisfies ConsoleCommand;
          });
          consoles = { ...consoles, [loc.connectionId]: { ...c, commands: withinBudget(commands, forget) } };
        }
        return consoles === s.consoles ? s : { consoles };
      });
    },

    applyConsoleEnd(end) {
      const loc = where.get(end.commandId);
      if (!loc) {
        orphanEnds.set(end.commandId, end);
        return;
      }
      update(loc.connectionId, (c) =>
        updateCommand(c, loc.key, (x) => ({
          ...x,
          status: end.outcome,
          rows: Math.max(x.rows, end.rows),
          elapsedMs: end.elapsedMs,
          ...(end.error ? { error: end.error } : {}),
        })),
      );
      update(loc.connectionId, (c) => ({
        ...c,
        history: c.history.map((h) =>
          h.id === end.commandId ? { ...h, outcome: end.outcome, rows: end.rows, elapsedMs: end.elapsedMs } : h,
        ),
      }));
    },
  };
}
