import type { ConsoleCardSnapshot, ConsoleEnd, ConsoleReply } from '../../common/contract';

/** Reply sentences kept per command; older ones are dropped and counted (as in the window). */
export const MAX_CARD_REPLIES = 100_000;
/** Commands kept per router; the oldest finished ones go first (as in the window). */
export const MAX_CARDS = 100;
/** Reply sentences kept per router over all its commands; the oldest finished commands go first. */
export const MAX_CONSOLE_REPLIES = 250_000;

interface Card {
  snapshot: Omit<ConsoleCardSnapshot, 'replies' | 'repliesDropped'>;
  /** Replies; the kept ones start at `start` (dropped ones are cut off in chunks). */
  replies: ConsoleReply[];
  start: number;
  dropped: number;
}

const kept = (c: Card): number => c.replies.length - c.start;

export interface CardLimits {
  maxCards?: number;
  maxReplies?: number;
  maxConsoleReplies?: number;
}

/**
 * The console cards of every router, kept in main so that a window that (re)loads gets them back
 * (issue 11 item 9: a reload lost every card). Fed from the same `console:replies` and
 * `console:end` events the windows get, so a card holds exactly what a window was shown; bounded
 * like the window's store (app-renderer/src/store/console.ts).
 */
export class ConsoleCards {
  private readonly byRouter = new Map<string, Card[]>();
  private readonly byCommand = new Map<string, Card>();
  private readonly maxCards: number;
  private readonly maxReplies: number;
  private readonly maxConsoleReplies: number;
  /** commandId → a big reply whose pieces are still coming (ConsoleReply.piece), joined as the window does. */
  private readonly partial = new Map<string, ConsoleReply>();

  constructor(limits: CardLimits = {}) {
    this.maxCards = limits.maxCards ?? MAX_CARDS;
    this.maxReplies = limits.maxReplies ?? MAX_CARD_REPLIES;
    this.maxConsoleReplies = limits.maxConsoleReplies ?? MAX_CONSOLE_REPLIES;
  }

  /** A command was sent from a window (`words` already redacted, as in the history). */
  started(connectionId: string, commandId: string, tag: string, words: string[], startedAt: number): void {
    const card: Card = {
      snapshot: { connectionId, commandId, tag, words, startedAt, status: 'running', rows: 0, elapsedMs: 0 },
      replies: [],
      start: 0,
      dropped: 0,
    };
    let cards = this.byRouter.get(connectionId);
    if (!cards) this.byRouter.set(connectionId, (cards = []));
    cards.push(card);
    this.byCommand.set(commandId, card);
    if (cards.length > this.maxCards) {
      const i = Math.max(
        0,
        cards.findIndex((c) => c.snapshot.status !== 'running'),
      );
      this.drop(cards, i);
    }
  }

  replies(batch: readonly ConsoleReply[]): void {
    const touched = new Set<string>();
    for (const piece of batch) {
      const r = this.joined(piece);
      if (!r) continue; // more pieces of it to come
      const card = this.byCommand.get(r.commandId);
      if (!card) continue; // broadcast commands and cards already let go
      card.replies.push(r);
      if (r.kind === '!re') card.snapshot.rows++;
      card.snapshot.elapsedMs = r.elapsedMs;
      if (kept(card) > this.maxReplies) {
        card.start++;
        card.dropped++;
        // Cut the dead prefix off once it is as large as the kept part: amortised O(1) per reply.
        if (card.start >= this.maxReplies) {
          card.replies = card.replies.slice(card.start);
          card.start = 0;
        }
      }
      touched.add(r.connectionId);
    }
    for (const id of touched) this.withinBudget(id);
  }

  /** The reply, once all its pieces are in (a reply sent whole is itself). */
  private joined(r: ConsoleReply): ConsoleReply | undefined {
    if (!r.piece) return r;
    const { piece, ...reply } = r;
    const before = this.partial.get(r.commandId);
    const words = before ? before.words : [];
    let rest = r.words;
    if (before && piece.continued && words.length > 0 && rest.length > 0) {
      words[words.length - 1] += rest[0]!;
      rest = rest.slice(1);
    }
    for (const w of rest) words.push(w);
    if (piece.more) {
      this.partial.set(r.commandId, { ...reply, words });
      return undefined;
    }
    this.partial.delete(r.commandId);
    return { ...reply, words };
  }

  ended(end: ConsoleEnd): void {
    const card = this.byCommand.get(end.commandId);
    if (!card) return;
    card.snapshot.status = end.outcome;
    card.snapshot.rows = Math.max(card.snapshot.rows, end.rows);
    card.snapshot.elapsedMs = end.elapsedMs;
    if (end.error) card.snapshot.error = end.error;
    this.withinBudget(end.connectionId);
  }

  /** Forgets the finished cards of a router (the window's Clear); returns how many. */
  clear(connectionId: string): number {
    const cards = this.byRouter.get(connectionId) ?? [];
    const running = cards.filter((c) => c.snapshot.status === 'running');
    for (const c of cards) if (c.snapshot.status !== 'running') this.byCommand.delete(c.snapshot.commandId);
    if (running.length) this.byRouter.set(connectionId, running);
    else this.byRouter.delete(connectionId);
    return cards.length - running.length;
  }

  /** Forgets every card of a router (the connection was deleted). */
  forget(connectionId: string): void {
    for (const c of this.byRouter.get(connectionId) ?? []) this.byCommand.delete(c.snapshot.commandId);
    this.byRouter.delete(connectionId);
  }

  snapshot(): ConsoleCardSnapshot[] {
    const out: ConsoleCardSnapshot[] = [];
    for (const cards of this.byRouter.values())
      for (const c of cards)
        out.push({
          ...c.snapshot,
          words: [...c.snapshot.words],
          replies: c.replies.slice(c.start),
          repliesDropped: c.dropped,
        });
    return out;
  }

  private drop(cards: Card[], i: number): void {
    const [gone] = cards.splice(i, 1);
    if (gone) this.byCommand.delete(gone.snapshot.commandId);
  }

  /** Drops the oldest finished cards while the router holds more replies than its budget. */
  private withinBudget(connectionId: string): void {
    const cards = this.byRouter.get(connectionId);
    if (!cards) return;
    let total = 0;
    for (const c of cards) total += kept(c);
    for (let i = 0; i < cards.length - 1 && total > this.maxConsoleReplies;) {
      const c = cards[i]!;
      if (c.snapshot.status === 'running') {
        i++;
        continue;
      }
      total -= kept(c);
      this.drop(cards, i);
    }
  }
}
