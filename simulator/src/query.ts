/**
 * Query words of `print`/`getall`/`listen` (protocol.md §4.4), implemented literally: each item is
 * evaluated against a stack of booleans that starts with an unbounded number of `true` values; the
 * item matches when no `false` is left on the stack. The unbounded floor is modelled by treating
 * every pop or index below the real entries as `true`.
 */
import { parseIp } from './types';

export type Row = Readonly<Record<string, string>>;

type StackOp =
  | { readonly t: 'copy'; readonly index: number }
  | { readonly t: 'replace'; readonly index: number }
  | { readonly t: 'not' }
  | { readonly t: 'and' }
  | { readonly t: 'or' }
  | { readonly t: 'dup' };

type Step =
  | { readonly t: 'has'; readonly name: string }
  | { readonly t: 'lacks'; readonly name: string }
  | { readonly t: 'eq' | 'lt' | 'gt'; readonly name: string; readonly value: string }
  | { readonly t: 'ops'; readonly ops: readonly StackOp[] };

export class QueryError extends Error {}

/** Rewrites a query value the way the router stores it (e.g. `yes` → `true` for booleans on v7). */
export type Normalize = (name: string, value: string) => string;

export interface CompiledQuery {
  /** True when the row passes every word; `id` answers queries on `.id`. */
  matches(row: Row, id?: string): boolean;
  /** Number of words; 0 means "everything matches". */
  readonly size: number;
}

const MATCH_ALL: CompiledQuery = { matches: () => true, size: 0 };

/**
 * Compiles query words (each starting with `?`). Order matters; malformed words are a QueryError
 * naming the word.
 */
export function compileQuery(words: readonly string[], normalize: Normalize = (_n, v) => v): CompiledQuery {
  if (words.length === 0) return MATCH_ALL;
  const steps = words.map((w) => parseWord(w, normalize));
  return { matches: (row, id) => evaluate(steps, row, id), size: steps.length };
}

function parseWord(word: string, normalize: Normalize): Step {
  if (!word.startsWith('?') || word.length < 2) throw new QueryError(`invalid query word "${word}"`);
  const body = word.slice(1);
  const first = body[0]!;
  if (first === '#') return { t: 'ops', ops: parseOps(body.slice(1), word) };
  if (first === '-') {
    const name = body.slice(1);
    if (name === '' || name.includes('=')) throw new QueryError(`invalid query word "${word}"`);
    return { t: 'lacks', name };
  }
  if (first === '=' || first === '<' || first === '>') {
    const rest = body.slice(1);
    const eq = rest.indexOf('=');
    if (eq <= 0) throw new QueryError(`invalid query word "${word}" (expected ${first}name=value)`);
    const name = rest.slice(0, eq);
    const t = first === '=' ? 'eq' : first === '<' ? 'lt' : 'gt';
    return { t, name, value: normalize(name, rest.slice(eq + 1)) };
  }
  const eq = body.indexOf('=');
  if (eq < 0) return { t: 'has', name: body };
  if (eq === 0) throw new QueryError(`invalid query word "${word}"`);
  const name = body.slice(0, eq);
  return { t: 'eq', name, value: normalize(name, body.slice(eq + 1)) };
}

function parseOps(text: string, word: string): StackOp[] {
  if (text === '') throw new QueryError(`invalid query word "${word}" (no operations after ?#)`);
  const ops: StackOp[] = [];
  let i = 0;
  let afterIndex = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c >= '0' && c <= '9') {
      let j = i;
      while (j < text.length && text[j]! >= '0' && text[j]! <= '9') j++;
      const index = Number(text.slice(i, j));
      // An index followed by another character pushes a copy; at the end of the word it
      // replaces the whole stack with that entry.
      ops.push(j === text.length ? { t: 'replace', index } : { t: 'copy', index });
      i = j;
      afterIndex = true;
      continue;
    }
    switch (c) {
      case '!':
        ops.push({ t: 'not' });
        break;
      case '&':
        ops.push({ t: 'and' });
        break;
      case '|':
        ops.push({ t: 'or' });
        break;
      case '.':
        // `.` right after an index is a no-op; anywhere else it pushes a copy of the top.
        if (!afterIndex) ops.push({ t: 'dup' });
        break;
      default:
        throw new QueryError(`invalid query word "${word}" (unknown operation "${c}")`);
    }
    afterIndex = false;
    i++;
  }
  return ops;
}

function evaluate(steps: readonly Step[], row: Row, id: string | undefined): boolean {
  // Own string values only: a query for `constructor` must not find Object.prototype's.
  const value = (name: string): string | undefined => {
    if (name === '.id') return id;
    const v = row[name];
    return typeof v === 'string' && Object.prototype.hasOwnProperty.call(row, name) ? v : undefined;
  };
  const stack: boolean[] = [];
  // Below the real entries lies the unbounded floor of `true`.
  const pop = (): boolean => (stack.length > 0 ? stack.pop()! : true);
  const at = (index: number): boolean => (index < stack.length ? stack[stack.length - 1 - index]! : true);
  for (const s of steps) {
    switch (s.t) {
      case 'has':
        stack.push(value(s.name) !== undefined);
        break;
      case 'lacks':
        stack.push(value(s.name) === undefined);
        break;
      case 'eq':
        stack.push(value(s.name) === s.value);
        break;
      case 'lt':
      case 'gt': {
        const v = value(s.name);
        if (v === undefined) stack.push(false);
        else {
          const c = compare(v, s.value);
          stack.push(s.t === 'lt' ? c < 0 : c > 0);
        }
        break;
      }
      case 'ops':
        for (const op of s.ops) {
          switch (op.t) {
            case 'copy':
              stack.push(at(op.index));
              break;
            case 'replace': {
              const v = at(op.index);
              stack.length = 0;
              stack.push(v);
              break;
            }
            case 'not':
              stack.push(!pop());
              break;
            case 'and': {
              const a = pop();
              const b = pop();
              stack.push(a && b);
              break;
            }
            case 'or': {
              const a = pop();
              const b = pop();
              stack.push(a || b);
              break;
            }
            case 'dup':
              stack.push(at(0));
              break;
          }
        }
        break;
    }
  }
  return !stack.includes(false);
}

/**
 * Ordering for `?<` and `?>`: numbers numerically, IPv4 addresses by value, anything else by
 * bytes (protocol.md §14 leaves the router's rule open; this is the useful choice).
 */
function compare(a: string, b: string): number {
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) return Number(a) - Number(b);
  const ia = parseIp(a);
  const ib = parseIp(b);
  if (ia !== undefined && ib !== undefined) return ia - ib;
  return a < b ? -1 : a > b ? 1 : 0;
}
