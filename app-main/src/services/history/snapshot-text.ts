/**
 * The text of a snapshot, line by line, and the diff of two (issue 16). Pure: no Node, no sockets,
 * so tests drive it with plain strings.
 *
 * An export wraps long lines with ` \` and four spaces of indentation; those continuations are
 * joined into one logical line before comparing, so a value that moved across the wrap is not a
 * change. The export's first line (`# <date> <time> by RouterOS <version>`) is left out of the
 * comparison: it always differs, and the snapshot's own time and version say the same.
 * Lines are compared with jsdiff (`diff` on npm); each is put in the group of the menu it belongs
 * to: the last `/menu` line above it, or its own path in a terse export (`/ip address add …`).
 */
import { createTwoFilesPatch, diffArrays } from 'diff';
import type { DiffGroup, DiffLine } from '../../common/contract';

/** The group of lines before the first menu (comments: software id, model). */
export const HEADER_GROUP = '(header)';

/** The export's date line, and the one a prints snapshot starts with. */
const DATE_LINE = /^# \S+ \S+ by (RouterOS|Tikscope)\b/;

/** Logical lines of a snapshot: continuations joined, the date line and trailing blanks left out. */
export function logicalLines(text: string): string[] {
  const raw = text.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let pending: string | undefined;
  for (const line of raw) {
    if (pending !== undefined) {
      const joined = pending + line.replace(/^ {4}/, '');
      if (joined.endsWith(' \\')) pending = joined.slice(0, -1);
      else {
        out.push(joined);
        pending = undefined;
      }
      continue;
    }
    if (line.endsWith(' \\')) pending = line.slice(0, -1);
    else out.push(line);
  }
  if (pending !== undefined) out.push(pending.trimEnd());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  if (out.length > 0 && DATE_LINE.test(out[0]!)) out.shift();
  return out;
}

const VERBS = new Set(['add', 'set', 'remove', 'unset', 'enable', 'disable', 'move', 'edit', 'print', '[']);

/** The menu a line names (`/ip firewall filter`), or undefined for a line that names none. */
export function menuOf(line: string): string | undefined {
  if (!line.startsWith('/')) return undefined;
  const words = line.split(' ');
  const path: string[] = [];
  for (const w of words) {
    if (path.length > 0 && (VERBS.has(w) || !/^[a-z0-9][a-z0-9-]*$/.test(w))) break;
    path.push(w);
  }
  return path.join(' ');
}

/** Which menu each line of a snapshot is in. */
class MenuTracker {
  current = HEADER_GROUP;
  next(line: string): string {
    const m = menuOf(line);
    // A bare `/ip address` line opens the menu; a terse line names it only for itself.
    if (m !== undefined && m === line.trim()) this.current = m;
    return m ?? this.current;
  }
}

export interface LineDiff {
  added: number;
  removed: number;
  groups: DiffGroup[];
}

/** Line diff of two snapshot texts, grouped by menu in the order the menus first appear. */
export function diffTexts(a: string, b: string): LineDiff {
  const left = logicalLines(a);
  const right = logicalLines(b);
  const groups = new Map<string, DiffGroup>();
  const group = (menu: string): DiffGroup => {
    let g = groups.get(menu);
    if (!g) groups.set(menu, (g = { menu, added: 0, removed: 0, lines: [] }));
    return g;
  };
  const ta = new MenuTracker();
  const tb = new MenuTracker();
  let added = 0;
  let removed = 0;
  for (const change of diffArrays(left, right)) {
    for (const text of change.value) {
      let line: DiffLine;
      let g: DiffGroup;
      if (change.added) {
        g = group(tb.next(text));
        line = { kind: 'added', text };
        g.added++;
        added++;
      } else if (change.removed) {
        g = group(ta.next(text));
        line = { kind: 'removed', text };
        g.removed++;
        removed++;
      } else {
        tb.next(text);
        g = group(ta.next(text));
        line = { kind: 'same', text };
      }
      g.lines.push(line);
    }
  }
  return { added, removed, groups: [...groups.values()] };
}

/** The comparison as a unified diff of the logical lines (what `diff -u` prints). */
export function unifiedDiff(nameA: string, nameB: string, a: string, b: string, headerA: string, headerB: string): string {
  const join = (lines: string[]): string => (lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  return createTwoFilesPatch(nameA, nameB, join(logicalLines(a)), join(logicalLines(b)), headerA, headerB, { context: 3 });
}
