import type { Row } from '../../../app-main/src/common/contract';

/**
 * Helpers over API words (protocol.md §4–5). The renderer only ever sees words as text; it never
 * re-encodes them.
 */

export type WordKind = 'command' | 'reply' | 'attribute' | 'api-attribute' | 'query' | 'other';

export function wordKind(word: string, index: number): WordKind {
  if (index === 0 && word.startsWith('!')) return 'reply';
  if (index === 0 && word.startsWith('/')) return 'command';
  if (word.startsWith('=')) return 'attribute';
  if (word.startsWith('.')) return 'api-attribute';
  if (word.startsWith('?')) return 'query';
  return 'other';
}

/** The reply word kinds we colour; anything else starting with `!` is shown as "unknown" (§5.3). */
export const KNOWN_REPLY_KINDS = ['!re', '!done', '!trap', '!empty', '!fatal'] as const;

export function replyKindClass(kind: string): string {
  switch (kind) {
    case '!re':
      return 'k-re';
    case '!done':
      return 'k-done';
    case '!trap':
      return 'k-trap';
    case '!empty':
      return 'k-empty';
    case '!fatal':
      return 'k-fatal';
    default:
      return 'k-unknown';
  }
}

/**
 * Splits `=name=value` at the first `=` after the leading one: the value may itself contain `=` and
 * may be empty (protocol.md §4.2). Returns undefined for words that are not attribute words.
 */
export function splitAttribute(word: string): [name: string, value: string] | undefined {
  if (!word.startsWith('=')) return undefined;
  const eq = word.indexOf('=', 1);
  if (eq < 0) return [word.slice(1), ''];
  return [word.slice(1, eq), word.slice(eq + 1)];
}

/** The `.tag=` value of a sentence, if it carries one (§7.1). */
export function tagOf(words: readonly string[]): string | undefined {
  for (const w of words) if (w.startsWith('.tag=')) return w.slice(5);
  return undefined;
}

/** The attribute words of a reply sentence as a row (`.tag` is not data and is left out). */
export function replyRow(words: readonly string[]): Row {
  const row: Row = {};
  for (let i = 1; i < words.length; i++) {
    const a = splitAttribute(words[i] ?? '');
    if (a) row[a[0]] = a[1];
  }
  return row;
}

/** Splits a typed sentence into words: one per line, blank lines dropped, CR from pasted text removed. */
export function sentenceWords(text: string): string[] {
  return text
    .split('\n')
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .filter((l) => l.trim() !== '');
}
