/**
 * The form builder (issue 14): command-tree arguments → form fields, and a filled form → the exact
 * sentences it sends. Pure: no session, no I/O, so every rule here is unit-tested against the whole
 * shipped tree. `forms.ts` feeds it the tree and the router's live answers.
 *
 * Values are checked with the tree reader's `checkValue`, the same validator the simulator uses, so
 * a value the form accepts is one the simulated router accepts too.
 */
import { checkValue, type SyntaxKind } from '../../../../protocol/src/tree/index';
import type { FieldKind, FormField, FormPlan, FormRequest } from '../../common/contract';

/** What the builder needs of one argument (a `TreeArg`, or a name the router listed that the tree lacks). */
export interface ArgInfo {
  name: string;
  kind: SyntaxKind;
  syntax?: string;
  /** Static completion values (router-specific names are asked live). */
  completions: readonly string[];
  references?: 'interface';
}

/**
 * Arguments a form never shows: item references (`numbers`, `.id`), `copy-from` (clones another
 * item: a different action), `place-before` (an item id, not a property), and the print-style
 * switches some `set` commands carry.
 */
export const SKIPPED_ARGS: ReadonlySet<string> = new Set(['numbers', 'number', '.id', 'copy-from', 'place-before', 'value-name']);

/** Commands of a menu the toolbar cares about. */
export const FORM_COMMANDS = ['add', 'set', 'unset', 'remove', 'enable', 'disable', 'comment'] as const;

/** Every field kind, for the tests and the renderer's exhaustive switch. */
export const FIELD_KINDS: readonly FieldKind[] = [
  'select',
  'combobox',
  'switch',
  'number',
  'ip',
  'ipv6',
  'ip-prefix',
  'ipv6-prefix',
  'ip-range',
  'mac',
  'time',
  'text',
  'hex',
  'script',
];

/** `!` in a completion list says the argument takes a negated value (`in-interface=!ether1`). */
const NEGATION = '!';

function valuesOf(arg: ArgInfo): string[] {
  return arg.completions.filter((c) => c !== NEGATION && c !== '!,' && c !== '');
}

/**
 * The field for one argument. `live` are the router's own names for it (interfaces, lists,
 * chains) from `/console/inspect` completion, which may be incomplete (landscape.md §4.1 caveat 1),
 * so a field that has them is a combobox: the user may type a name the list missed.
 */
export function fieldFor(arg: ArgInfo, live: readonly string[] = []): FormField {
  const field: FormField = { name: arg.name, kind: 'text' };
  if (arg.syntax) field.syntax = arg.syntax;
  if (arg.completions.includes(NEGATION)) field.negatable = true;
  const statics = valuesOf(arg);
  const options = [...new Set([...statics, ...live])];
  const k = arg.kind;
  switch (k.kind) {
    case 'yes-no':
      field.kind = 'switch';
      break;
    case 'enum': {
      const all = [...new Set([...k.values, ...options])].filter((v) => v !== NEGATION);
      // Values from completions only hint (`strict` false: RouterOS takes others, e.g. new names);
      // several values (`a,b`) are typed comma-separated, which one select cannot do.
      field.kind = k.strict && !k.multiple && live.length === 0 && !arg.references ? 'select' : 'combobox';
      field.options = all;
      if (k.multiple) field.multiple = true;
      break;
    }
    case 'integer':
      field.kind = 'number';
      if (k.min !== undefined) field.min = k.min;
      if (k.max !== undefined) field.max = k.max;
      // e.g. mtu's `auto`: a number or one of these words.
      if (options.length) field.options = options;
      break;
    case 'time':
      field.kind = 'time';
      if (k.min !== undefined) field.min = k.min;
      if (k.max !== undefined) field.max = k.max;
      if (options.length) field.options = options;
      break;
    case 'ip':
      field.kind = 'ip';
      if (k.extra?.length || options.length) field.options = [...new Set([...(k.extra ?? []), ...options])];
      break;
    case 'ipv6':
    case 'ip-prefix':
    case 'ipv6-prefix':
    case 'ip-range':
    case 'mac':
    case 'hex':
      field.kind = k.kind;
      if (k.kind === 'hex' && k.maxLength !== undefined) field.maxLength = k.maxLength;
      if (options.length) field.options = options;
      break;
    case 'string':
      field.kind = 'text';
      if (k.maxLength !== undefined) field.maxLength = k.maxLength;
      if (options.length) {
        field.kind = 'combobox';
        field.options = options;
      }
      break;
    case 'script':
      field.kind = 'script';
      break;
    case 'unknown':
      if (options.length || arg.references) {
        field.kind = 'combobox';
        field.options = options;
      }
      break;
    default: {
      const never: never = k;
      throw new Error(`no field kind for syntax ${JSON.stringify(never)}`);
    }
  }
  return field;
}

/** RouterOS prints booleans as `true`/`false` (7.x) or `yes`/`no` (6.x) and takes `yes`/`no`. */
export function switchValue(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const l = v.toLowerCase();
  if (l === 'true' || l === 'yes') return 'yes';
  if (l === 'false' || l === 'no') return 'no';
  return v;
}

/**
 * Why `value` is not valid for `arg`, or undefined. An empty value is valid (not sent on add,
 * cleared on edit). A value the router itself offers (a completion such as `auto`) is valid.
 */
export function checkField(arg: ArgInfo, value: string): string | undefined {
  if (value === '') return undefined;
  let v = value;
  if (v.startsWith(NEGATION) && arg.completions.includes(NEGATION)) v = v.slice(1);
  if (v === '') return 'a "!" needs a value after it';
  if (arg.completions.includes(v)) return undefined;
  const k = arg.kind;
  if (k.kind === 'yes-no') return switchValue(v) === 'yes' || switchValue(v) === 'no' ? undefined : 'must be yes or no';
  // Live names may be missing from the static list: an enumeration of them is not checked.
  if (k.kind === 'enum' && arg.references) return undefined;
  return checkValue(k, v)?.reason;
}

/** What the builder knows of the menu's command for a request. */
export interface CommandShape {
  /** Arguments of `add`/`set` (undefined: no tree knew them, a generic name/value form). */
  args: readonly ArgInfo[] | undefined;
  /** The menu has `unset`. */
  canUnset: boolean;
}

const ARG_NAME = /^[A-Za-z0-9.][A-Za-z0-9._-]*$/;

/** `=numbers=` takes ids (or names) separated by commas (RouterOS accepts the list in one word). */
function numbers(ids: readonly string[] | undefined): string[] {
  return ids && ids.length ? [`=numbers=${ids.join(',')}`] : [];
}

/**
 * The sentences a request sends, or why it cannot be sent (`fieldErrors`). Nothing is sent by an
 * add or edit with any field error. Remove, enable, disable and comment of several rows are one
 * sentence with a `=numbers=` list.
 */
export function buildSentences(req: FormRequest, shape: CommandShape): FormPlan {
  const fieldErrors: Record<string, string> = {};
  const path = req.path;
  const ids = req.ids ?? [];
  switch (req.action) {
    case 'remove':
    case 'enable':
    case 'disable':
      if (!ids.length) return { sentences: [], fieldErrors: { form: `select the rows to ${req.action}` } };
      return { sentences: [[`${path}/${req.action}`, ...numbers(ids)]], fieldErrors };
    case 'comment':
      if (!ids.length) return { sentences: [], fieldErrors: { form: 'select the rows to comment' } };
      return { sentences: [[`${path}/comment`, ...numbers(ids), `=comment=${req.comment ?? ''}`]], fieldErrors };
    case 'add':
    case 'edit':
      break;
    default: {
      const never: never = req.action;
      throw new Error(`unknown action ${String(never)}`);
    }
  }
  const edit = req.action === 'edit';
  if (edit && ids.length > 1) return { sentences: [], fieldErrors: { form: 'edit one row at a time' } };
  const byName = new Map((shape.args ?? []).map((a) => [a.name, a]));
  const values = req.values ?? {};
  const original = req.original ?? {};
  const words: string[] = [];
  const cleared: string[] = [];
  const sent = new Set<string>();
  for (const [name, raw] of Object.entries(values)) {
    const arg = byName.get(name);
    if (shape.args && !arg) {
      fieldErrors[name] = `the menu's ${edit ? 'set' : 'add'} has no argument "${name}"`;
      continue;
    }
    let value = raw;
    if (arg?.kind.kind === 'yes-no') value = switchValue(raw) ?? raw;
    const problem = arg ? checkField(arg, value) : undefined;
    if (problem) {
      fieldErrors[name] = problem;
      continue;
    }
    sent.add(name);
    if (!edit) {
      if (value !== '') words.push(`=${name}=${value}`);
      continue;
    }
    const before = original[name];
    const same = arg?.kind.kind === 'yes-no' ? switchValue(before) === value : before === value;
    if (same || (before === undefined && value === '')) continue;
    if (value === '') cleared.push(name);
    else words.push(`=${name}=${value}`);
  }
  (req.extra ?? []).forEach((row, i) => {
    const name = row.name.trim();
    if (name === '' && row.value === '') return;
    if (!ARG_NAME.test(name)) {
      fieldErrors[`extra:${i}`] = `"${row.name}" is not an argument name (letters, digits, "-", ".")`;
      return;
    }
    if (sent.has(name) || byName.has(name)) {
      fieldErrors[`extra:${i}`] = `"${name}" is already a field of the form`;
      return;
    }
    sent.add(name);
    words.push(`=${name}=${row.value}`);
  });
  if (Object.keys(fieldErrors).length) return { sentences: [], fieldErrors };
  if (!edit) return { sentences: [[`${path}/add`, ...words]], fieldErrors };
  const target = numbers(ids);
  const sentences: string[][] = [];
  // A cleared field: `unset` where the menu has it; otherwise an empty value, which RouterOS
  // takes as "none" for the arguments that can be empty (comment, optional names).
  if (!shape.canUnset) for (const name of cleared) words.push(`=${name}=`);
  if (words.length) sentences.push([`${path}/set`, ...target, ...words]);
  if (shape.canUnset) for (const name of cleared) sentences.push([`${path}/unset`, ...target, `=value-name=${name}`]);
  if (!sentences.length) return { sentences, fieldErrors: { form: 'nothing changed' } };
  return { sentences, fieldErrors };
}

/**
 * The argument a trap message names, when it names one of `names`. RouterOS words them as
 * "input does not match any value of interface", "value of mtu out of range (68..65535)",
 * "missing value(s) of argument(s) address", "invalid value for argument address".
 */
export function trapField(message: string, names: Iterable<string>): string | undefined {
  const known = new Set(names);
  const patterns = [
    /any value of ([A-Za-z0-9._-]+)/,
    /value of ([A-Za-z0-9._-]+) /,
    /value of ([A-Za-z0-9._-]+)$/,
    /argument\(s\) ([A-Za-z0-9._-]+)/,
    /for argument ([A-Za-z0-9._-]+)/,
    /(?:argument|parameter) ([A-Za-z0-9._-]+)/,
  ];
  for (const re of patterns) {
    const m = re.exec(message);
    if (m && known.has(m[1]!)) return m[1];
  }
  // "failure: already have such address": the last word, when it is a field.
  const last = /([A-Za-z0-9._-]+)\W*$/.exec(message)?.[1];
  return last && known.has(last) ? last : undefined;
}

/** The pre-filled value of a field from a row (a switch from `true`/`false`). */
export function prefill(field: FormField, row: Record<string, string> | undefined): string | undefined {
  const v = row?.[field.name];
  if (v === undefined) return undefined;
  return field.kind === 'switch' ? switchValue(v) : v;
}
