/**
 * CLI → API translation for the console. People paste what they type in a RouterOS terminal
 * (`/ip address print where interface=ether1`); the API wants one word per line with the path joined
 * by `/` (protocol.md §4.1), arguments as `=name=value` (§4.2), and `where` rewritten as query words
 * on a boolean stack (§4.4) — `print` takes no `where`. The result is a suggestion with an
 * explanation per word; the user decides whether to use it.
 */

export interface Explained {
  word: string;
  text: string;
}

export interface CliTranslation {
  words: string[];
  explanations: Explained[];
  warnings: string[];
}

/** Command verbs that end a CLI path. Unknown verbs fall back to "last token is the command". */
const VERBS = new Set([
  'print',
  'getall',
  'add',
  'set',
  'remove',
  'enable',
  'disable',
  'listen',
  'monitor',
  'monitor-traffic',
  'export',
  'reset-counters',
  'ping',
  'reboot',
  'shutdown',
  'unset',
  'comment',
  'move',
  'get',
  'find',
  'edit',
  'run',
  'upgrade',
  'check-for-updates',
  'release',
  'renew',
  'make-static',
  'torch',
  'traceroute',
  'bandwidth-test',
  'fetch',
  'flush',
  'reset',
  'clear',
  'cancel',
  'take',
  'unroll',
]);

/** Where a verb's unnamed (positional) argument goes. `.id` also accepts item names (§4.2). */
const POSITIONAL: Record<string, string> = {
  set: '.id',
  remove: '.id',
  enable: '.id',
  disable: '.id',
  unset: '.id',
  comment: '.id',
  move: '.id',
  'reset-counters': '.id',
  'monitor-traffic': 'interface',
  monitor: 'numbers',
  ping: 'address',
  traceroute: 'address',
  torch: 'interface',
  get: 'number',
};

/** Print options written bare in the CLI that are flags (empty-valued attributes, §7.4) in the API. */
const PRINT_FLAGS = new Set([
  'detail',
  'terse',
  'count-only',
  'follow',
  'follow-only',
  'without-paging',
  'brief',
  'stats',
  'as-value',
  'once',
]);

/** True when the first line looks like CLI syntax: a path with spaces rather than `/`. */
export function looksLikeCli(firstLine: string): boolean {
  const t = firstLine.trim();
  if (t === '' || t.startsWith('=') || t.startsWith('?') || t.startsWith('.') || t.startsWith('!')) return false;
  return /\s/.test(t);
}

/** Splits at whitespace, keeping double-quoted stretches (`comment="two words"`) together. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '\\' && i + 1 < line.length) {
        cur += line[++i];
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') {
      quoted = true;
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quoted) throw new SyntaxError('unclosed double quote in the command line');
  if (has || cur) out.push(cur);
  return out;
}

interface Condition {
  words: string[];
  text: string[];
}

function condition(tokens: string[], at: number): { cond: Condition; next: number } {
  let i = at;
  let negate = false;
  while (tokens[i] === 'not' || tokens[i] === '!') {
    negate = !negate;
    i++;
  }
  const tok = tokens[i];
  if (tok === undefined) throw new SyntaxError('a condition is missing after "where"/"and"/"or"/"not"');
  i++;
  const cond: Condition = { words: [], text: [] };
  const m = /^([^=<>!~]+)(!=|=|<|>|~)(.*)$/.exec(tok);
  if (!m) {
    // A bare property name in a CLI `where` is a boolean test ("where disabled").
    cond.words.push(`?${tok}=true`);
    cond.text.push(`items whose ${tok} is true (RouterOS 6 reports yes/no: edit to ?${tok}=yes there)`);
  } else {
    const [, name = '', op = '', value = ''] = m;
    if (op === '~') throw new SyntaxError(`regular expressions ("${tok}") are not supported over the API (protocol.md §4.4)`);
    if (op === '=' || op === '!=') {
      cond.words.push(`?${name}=${value}`);
      cond.text.push(value === '' ? `items whose ${name} is empty` : `items whose ${name} equals ${value}`);
      if (op === '!=') {
        cond.words.push('?#!');
        cond.text.push('negates the condition above: "not equal"');
      }
    } else {
      cond.words.push(`?${op}${name}=${value}`);
      cond.text.push(`items whose ${name} is ${op === '<' ? 'less' : 'greater'} than ${value}`);
    }
  }
  if (negate) {
    cond.words.push('?#!');
    cond.text.push('negates the condition above ("not")');
  }
  return { cond, next: i };
}

/**
 * Translates one CLI line. Throws SyntaxError with a message naming the problem for input it cannot
 * translate (unclosed quote, regex match, dangling `and`).
 */
export function translateCli(line: string): CliTranslation {
  const tokens = tokenize(line.trim());
  const warnings: string[] = [];
  const explanations: Explained[] = [];
  const path: string[] = [];
  let i = 0;
  // A leading `/` may stand alone or prefix the first segment; `/ip/address print` is also seen.
  for (; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (t.includes('=') || t === 'where') break;
    const segs = t.split('/').filter((s) => s !== '');
    path.push(...segs);
    if (segs.length && VERBS.has(segs[segs.length - 1] as string)) {
      i++;
      break;
    }
  }
  if (path.length === 0) throw new SyntaxError('no menu path or command found on the first line');
  const verb = path[path.length - 1] as string;
  if (!VERBS.has(verb)) warnings.push(`"${verb}" is not a command verb Tikscope knows; it was taken as the command.`);
  const command = '/' + path.join('/');
  const words = [command];
  explanations.push({ word: command, text: 'the command: the CLI path with spaces turned into "/"' });
  let positionalUsed = false;
  for (; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (t === 'where') {
      i++;
      const conds: Condition[] = [];
      const joins: string[] = [];
      let first = condition(tokens, i);
      conds.push(first.cond);
      i = first.next;
      while (tokens[i] === 'and' || tokens[i] === 'or') {
        joins.push(tokens[i] as string);
        first = condition(tokens, i + 1);
        conds.push(first.cond);
        i = first.next;
      }
      const allAnd = joins.every((j) => j === 'and');
      conds.forEach((c, k) => {
        c.words.forEach((w, n) => {
          words.push(w);
          explanations.push({ word: w, text: `query word: ${c.text[n]}` });
        });
        // Plain conditions combine as AND on the stack of `true`s; OR needs an explicit `?#|`,
        // applied left to right (protocol.md §4.4).
        if (k > 0 && !allAnd) {
          const op = joins[k - 1] === 'or' ? '|' : '&';
          words.push(`?#${op}`);
          explanations.push({ word: `?#${op}`, text: `query operation: ${op === '|' ? 'OR' : 'AND'} of the two results above` });
        }
      });
      if (i < tokens.length) {
        // Anything after the conditions is an argument again (`where … detail` is not CLI either).
        i--;
      }
      continue;
    }
    const eq = t.indexOf('=');
    if (eq > 0) {
      let name = t.slice(0, eq);
      const value = t.slice(eq + 1);
      if (name === 'proplist' || name === '.proplist') name = '.proplist';
      const w = `=${name}=${value}`;
      words.push(w);
      explanations.push({ word: w, text: name === '.proplist' ? 'return only these properties (§4.3)' : `argument ${name}` });
    } else if (PRINT_FLAGS.has(t)) {
      words.push(`=${t}=`);
      explanations.push({ word: `=${t}=`, text: `flag ${t}: an argument with an empty value` });
    } else if (!positionalUsed && POSITIONAL[verb]) {
      positionalUsed = true;
      const w = `=${POSITIONAL[verb]}=${t}`;
      words.push(w);
      explanations.push({ word: w, text: `the unnamed argument of ${verb}, named ${POSITIONAL[verb]} over the API` });
    } else {
      const w = `=${t}=`;
      words.push(w);
      explanations.push({ word: w, text: `"${t}" written as a flag; if it is a value, give its argument name` });
      warnings.push(`"${t}" has no argument name; the API needs =name=value.`);
    }
  }
  return { words, explanations, warnings };
}
