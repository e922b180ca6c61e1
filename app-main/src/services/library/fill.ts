/**
 * Filling a library command's `{{variables}}` for one router. Pure — no Node, no I/O — so the
 * rule is unit-tested on its own and the preview and the run use the very same function: what the
 * form previews is what goes on the wire (docs/library.md, "Variables").
 *
 * Where a value comes from, first match wins:
 *   1. per-router names (`identity`, `version`, `name`, `host`): always the router's own;
 *   2. the value typed in the run form, when not empty;
 *   3. the saved connection's own value (`vars` on the connection);
 *   4. the command's default.
 * Nothing left → a FillError naming the variable and the router; nothing is sent to that router.
 */
import type { LibraryVariable } from '../../common/contract';
import { classifyCommand } from '../core/command-class';

/** Filled per router from the link and the saved connection; cannot be declared by a command. */
export const PER_ROUTER_VARIABLES = ['identity', 'version', 'name', 'host'] as const;
export type PerRouterVariable = (typeof PER_ROUTER_VARIABLES)[number];

/**
 * `{{name}}` with optional spaces inside the braces. Anything else with braces (a RouterOS script's
 * `{ … }` blocks, `{{` followed by something that is not a name) is left as typed: scripts are
 * valid word values and must not be mangled.
 */
const REFERENCE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]{0,63})\s*\}\}/g;

export function isPerRouter(name: string): name is PerRouterVariable {
  return (PER_ROUTER_VARIABLES as readonly string[]).includes(name);
}

/** Every variable name the sentences use, in order of first appearance. */
export function variablesIn(sentences: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  for (const words of sentences) for (const w of words) for (const m of w.matchAll(REFERENCE)) seen.add(m[1]!);
  return [...seen];
}

/** Declared variables first, then the ones only used (no default), per-router names left out. */
export function commandVariables(
  sentences: readonly (readonly string[])[],
  declared: readonly LibraryVariable[] = [],
): LibraryVariable[] {
  const out = declared.map((v) => ({ ...v }));
  const names = new Set(out.map((v) => v.name));
  for (const name of variablesIn(sentences)) if (!names.has(name) && !isPerRouter(name)) out.push({ name });
  return out;
}

/** A router's own values: what the per-router names and the connection's `vars` fill in. */
export interface RouterValues {
  /** The saved connection's name. */
  name: string;
  host: string;
  /** From the router (`/system/identity`), known while it is connected. */
  identity?: string | undefined;
  version?: string | undefined;
  /** The saved connection's own values. */
  vars?: Readonly<Record<string, string>> | undefined;
}

export class FillError extends Error {
  constructor(
    message: string,
    /** The variable that has no value, or that made a word empty. */
    readonly variable: string,
  ) {
    super(message);
    this.name = 'FillError';
  }
}

function valueOf(
  name: string,
  router: RouterValues,
  values: Readonly<Record<string, string>>,
  defaults: ReadonlyMap<string, string>,
): string {
  if (isPerRouter(name)) {
    const v = router[name];
    if (v === undefined || v === '')
      throw new FillError(
        `{{${name}}} is not known for router "${router.name}": it is read from the router while it is connected`,
        name,
      );
    return v;
  }
  const typed = Object.hasOwn(values, name) ? values[name] : undefined;
  if (typed !== undefined && typed !== '') return typed;
  const own = router.vars && Object.hasOwn(router.vars, name) ? router.vars[name] : undefined;
  if (own !== undefined) return own;
  const fallback = defaults.get(name);
  if (fallback !== undefined) return fallback;
  throw new FillError(
    `{{${name}}} has no value for router "${router.name}": none given in the form, none set on the connection, and no default`,
    name,
  );
}

/**
 * The sentences with every `{{name}}` replaced for one router. Replacement is one pass over the
 * template: a value that itself contains `{{x}}` is sent as typed, never filled again.
 * An empty word would end the sentence early on the wire (docs/protocol.md §3), so a word that
 * fills to nothing is refused, naming the variable.
 */
export function fillSentences(
  sentences: readonly (readonly string[])[],
  variables: readonly LibraryVariable[],
  values: Readonly<Record<string, string>>,
  router: RouterValues,
): string[][] {
  const defaults = new Map<string, string>();
  for (const v of variables) if (v.default !== undefined) defaults.set(v.name, v.default);
  return sentences.map((words, s) =>
    words.map((word, w) => {
      let last = '';
      const filled = word.replace(REFERENCE, (_m, name: string) => {
        last = name;
        return valueOf(name, router, values, defaults);
      });
      if (filled === '' && word !== '')
        throw new FillError(
          `sentence ${s + 1}, word ${w + 1} is empty once {{${last}}} is filled in for router "${router.name}"; an empty word would end the sentence`,
          last,
        );
      return filled;
    }),
  );
}

/** Whether the sentences change things, by the broadcast's rule (command-class.ts). */
export function sentencesWrite(sentences: readonly (readonly string[])[]): { writes: boolean; reason: string } {
  for (const words of sentences) {
    const c = classifyCommand(words);
    if (!c.readOnly) return { writes: true, reason: c.reason };
  }
  return { writes: false, reason: sentences.length === 1 ? 'only reads' : 'every sentence only reads' };
}
