/**
 * What kind of value an argument takes, read from the syntax line RouterOS shows for it
 * (`A.B.C.D    (IP address)`, `0..4294967295`, `1s..1d    (time interval)`, `a|b|c[,Name*]`) and
 * from its static completions; and the one validator of such values, shared by the simulator (its
 * traps) and the app (form fields), so both accept exactly the same input.
 */
import type { CompletionEntry } from './types';

export type SyntaxKind =
  | { kind: 'yes-no' }
  /** `strict`: the values come from the syntax line (RouterOS refuses others); from completions, a hint. */
  | { kind: 'enum'; values: string[]; multiple: boolean; strict: boolean }
  /** Decimal strings: RouterOS ranges go past 2^53. */
  | { kind: 'integer'; min?: string; max?: string }
  /** `extra`: words accepted besides an address (`unspecified | A.B.C.D`). */
  | { kind: 'ip'; extra?: string[] }
  | { kind: 'ipv6' }
  | { kind: 'ip-prefix' }
  | { kind: 'ipv6-prefix' }
  | { kind: 'ip-range' }
  | { kind: 'mac' }
  /** RouterOS time interval text, e.g. `1s`, `7101w3d6h28m15s`, `00:00:00.200`. */
  | { kind: 'time'; min?: string; max?: string }
  | { kind: 'string'; minLength?: number; maxLength?: number }
  | { kind: 'hex'; minLength?: number; maxLength?: number }
  | { kind: 'script' }
  | { kind: 'unknown' };

export type SyntaxKindName = SyntaxKind['kind'];
export const SYNTAX_KIND_NAMES: readonly SyntaxKindName[] = [
  'yes-no',
  'enum',
  'integer',
  'ip',
  'ipv6',
  'ip-prefix',
  'ipv6-prefix',
  'ip-range',
  'mac',
  'time',
  'string',
  'hex',
  'script',
  'unknown',
];

/** `a|b|c`, or a list `a|b[,Name*]` — which may offer one value only (`json.pretty[,JsonOptions*]`). */
const ENUM_LINE = /^([^\s|[\]]+(?:\|[^\s|[\]]+)+)(\[,[A-Za-z0-9]+\*\])?$|^([^\s|[\]]+)(\[,[A-Za-z0-9]+\*\])$/;
const RANGE = /^(-?\d*)\.\.(-?\d*)(?:\s+\(integer number\))?$/;
const TIME_LINE = /^(\S*)\.\.(\S*)\s+\(time interval\)$/;
const LENGTHS = /(min length (\d+))|(max length (\d+))/g;

function lengths(text: string): { minLength?: number; maxLength?: number } {
  const out: { minLength?: number; maxLength?: number } = {};
  for (const m of text.matchAll(LENGTHS)) {
    if (m[2] !== undefined) out.minLength = Number(m[2]);
    if (m[4] !== undefined) out.maxLength = Number(m[4]);
  }
  return out;
}

/** The kind of value an argument takes; `unknown` when neither the syntax nor completions say. */
export function syntaxKind(syntax: string | undefined, completions: readonly CompletionEntry[] = []): SyntaxKind {
  const s = (syntax ?? '').trim();
  const values = completions.map((c) => c.value);
  if (values.length === 2 && values.includes('yes') && values.includes('no')) return { kind: 'yes-no' };
  if (s !== '') {
    const e = ENUM_LINE.exec(s);
    if (e) {
      const values = (e[1] ?? e[3]!).split('|');
      return { kind: 'enum', values, multiple: (e[2] ?? e[4]) !== undefined, strict: true };
    }
    if (s.endsWith('(IP address)')) {
      const extra = s
        .slice(0, -'(IP address)'.length)
        .split('|')
        .map((w) => w.trim())
        .filter((w) => w !== '' && w !== 'A.B.C.D');
      return extra.length > 0 ? { kind: 'ip', extra } : { kind: 'ip' };
    }
    if (s.endsWith('(IPv6 address)')) return { kind: 'ipv6' };
    if (s.endsWith('(IP prefix)')) return { kind: 'ip-prefix' };
    if (s.endsWith('(IPv6 prefix)')) return { kind: 'ipv6-prefix' };
    if (s.endsWith('(IP address range)')) return { kind: 'ip-range' };
    if (s.endsWith('(MAC address)')) return { kind: 'mac' };
    const t = TIME_LINE.exec(s);
    if (t) {
      return {
        kind: 'time',
        ...(t[1] ? { min: t[1] } : {}),
        ...(t[2] ? { max: t[2] } : {}),
      };
    }
    if (s === 'time interval') return { kind: 'time' };
    const r = RANGE.exec(s);
    if (r && (r[1] !== '' || r[2] !== '')) {
      return { kind: 'integer', ...(r[1] ? { min: r[1] } : {}), ...(r[2] ? { max: r[2] } : {}) };
    }
    if (s.startsWith('hexadecimal string value')) return { kind: 'hex', ...lengths(s) };
    if (s.startsWith('string value')) return { kind: 'string', ...lengths(s) };
    if (s === 'script') return { kind: 'script' };
  }
  // Static completions name the values a menu knows; the router may accept others (a new chain
  // name, a list not yet created), so these are offered, not enforced.
  const offered = completions.filter((c) => c.style === 'arg' || c.style === 'none' || c.style.startsWith('obj-'));
  const words = offered.map((c) => c.value).filter((v) => v !== '!' && v !== ',');
  if (words.length > 0) return { kind: 'enum', values: words, multiple: false, strict: false };
  return { kind: 'unknown' };
}

/** Why a value was refused: `mismatch` is RouterOS's "input does not match", `range` out of range. */
export interface ValueProblem {
  problem: 'mismatch' | 'range';
  /** For people: what was expected. */
  reason: string;
}

/** RouterOS's own words for a refused value (protocol.md §5.1: category 1). */
export function routerosValueMessage(name: string, p: ValueProblem, kind: SyntaxKind): string {
  if (p.problem === 'range' && (kind.kind === 'integer' || kind.kind === 'time')) {
    return `value of ${name} out of range (${kind.min ?? ''}..${kind.max ?? ''})`;
  }
  if (p.problem === 'range' && (kind.kind === 'string' || kind.kind === 'hex')) {
    return `value of ${name} is too ${p.reason.includes('at most') ? 'long' : 'short'}`;
  }
  return `input does not match any value of ${name}`;
}

const mismatch = (reason: string): ValueProblem => ({ problem: 'mismatch', reason });
const range = (reason: string): ValueProblem => ({ problem: 'range', reason });

export function isIPv4(v: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

export function isIPv6(v: string): boolean {
  if (v.length < 2 || v.length > 45 || !/^[0-9a-fA-F:.]+$/.test(v)) return false;
  const double = v.indexOf('::');
  if (double !== -1 && v.indexOf('::', double + 1) !== -1) return false;
  let groups = v.split(':');
  let extra = 0;
  const last = groups[groups.length - 1]!;
  if (last.includes('.')) {
    if (!isIPv4(last)) return false;
    groups = groups.slice(0, -1);
    extra = 2;
  }
  const parts = groups.filter((g, i) => !(g === '' && (double !== -1 || i === 0)));
  if (!parts.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = parts.length + extra;
  return double === -1 ? count === 8 && groups.every((g) => g !== '') : count < 8;
}

function prefixLength(v: string, max: number): boolean {
  return /^\d{1,3}$/.test(v) && Number(v) <= max;
}

function isIPv4Prefix(v: string): boolean {
  const [a, len, more] = v.split('/');
  return isIPv4(a ?? '') && more === undefined && (len === undefined || prefixLength(len, 32));
}

function isIPv6Prefix(v: string): boolean {
  const [a, len, more] = v.split('/');
  return isIPv6(a ?? '') && more === undefined && (len === undefined || prefixLength(len, 128));
}

function isMac(v: string): boolean {
  return /^[0-9a-fA-F]{2}([:.-]?)[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/.test(v);
}

const TIME_UNITS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * Milliseconds in a RouterOS time interval: unit form (`1w2d3h4m5s`, `500ms`, `1.5s`), clock form
 * (`00:00:00.200`, `1d00:10:00`), or a bare number of seconds. Undefined when it is neither.
 */
export function parseTimeInterval(v: string): number | undefined {
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const clock = /^(?:(\d+)([wd]))?(?:(\d+)w)?(?:(\d+)d)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(v);
  if (clock) {
    const [, n1, u1, w, d, h, m, s, frac] = clock;
    let ms = (n1 ? Number(n1) * TIME_UNITS[u1!]! : 0) + (w ? Number(w) * TIME_UNITS.w! : 0);
    ms += (d ? Number(d) * TIME_UNITS.d! : 0) + Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000;
    if (frac) ms += Number(`0.${frac}`) * 1000;
    return ms;
  }
  const unit = /(\d+(?:\.\d+)?)(ms|us|ns|w|d|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of v.matchAll(unit)) {
    if (m.index !== consumed) return undefined;
    consumed += m[0].length;
    const n = Number(m[1]);
    const u = m[2]!;
    total += u === 'us' ? n / 1000 : u === 'ns' ? n / 1e6 : n * TIME_UNITS[u]!;
  }
  return consumed === v.length ? total : undefined;
}

function isInteger(v: string): boolean {
  return /^-?\d+$/.test(v) || /^0x[0-9a-fA-F]+$/.test(v);
}

function bigOf(v: string): bigint {
  return BigInt(v);
}

/**
 * Undefined when RouterOS would take `value` for an argument of this kind, else what is wrong.
 * Kinds the syntax says little about (`string` without limits, `script`, `unknown`, hinted enums)
 * take anything.
 */
export function checkValue(kind: SyntaxKind, value: string): ValueProblem | undefined {
  switch (kind.kind) {
    case 'yes-no':
      return ['yes', 'no', 'true', 'false'].includes(value) ? undefined : mismatch('expected yes or no');
    case 'enum': {
      if (!kind.strict) return undefined;
      const parts = kind.multiple ? (value === '' ? [] : value.split(',')) : [value];
      const bad = parts.find((p) => !kind.values.includes(p));
      return bad === undefined
        ? undefined
        : mismatch(`expected ${kind.multiple ? 'some of' : 'one of'}: ${kind.values.join(', ')}`);
    }
    case 'integer': {
      if (!isInteger(value)) return mismatch('expected a whole number');
      const n = bigOf(value);
      if ((kind.min !== undefined && n < bigOf(kind.min)) || (kind.max !== undefined && n > bigOf(kind.max))) {
        return range(`expected a number in ${kind.min ?? ''}..${kind.max ?? ''}`);
      }
      return undefined;
    }
    case 'ip':
      // The crawl keeps the first line of the syntax RouterOS shows; where there are several
      // alternatives the others are lost. `/ip/address/add address` says `A.B.C.D (IP address)` yet
      // takes `192.168.88.1/24`, so an address with a prefix length passes too.
      return isIPv4(value) || isIPv4Prefix(value) || kind.extra?.includes(value) === true
        ? undefined
        : mismatch(`expected an IPv4 address (A.B.C.D)${kind.extra ? ` or ${kind.extra.join(', ')}` : ''}`);
    case 'ipv6':
      return isIPv6(value) || isIPv6Prefix(value) ? undefined : mismatch('expected an IPv6 address');
    case 'ip-prefix':
      return isIPv4Prefix(value) ? undefined : mismatch('expected an IPv4 address with an optional prefix length (A.B.C.D/M)');
    case 'ipv6-prefix':
      return isIPv6Prefix(value) ? undefined : mismatch('expected an IPv6 prefix (IPv6/0..128)');
    case 'ip-range': {
      const ok =
        isIPv4(value) ||
        (() => {
          const dash = value.split('-');
          if (dash.length === 2) return isIPv4(dash[0]!) && isIPv4(dash[1]!);
          const slash = value.split('/');
          return slash.length === 2 && isIPv4(slash[0]!) && (prefixLength(slash[1]!, 32) || isIPv4(slash[1]!));
        })();
      return ok ? undefined : mismatch('expected an address, a range A.B.C.D-A.B.C.D, or A.B.C.D/M');
    }
    case 'mac':
      return isMac(value) ? undefined : mismatch('expected a MAC address (AB:CD:EF:01:23:45)');
    case 'time': {
      const ms = parseTimeInterval(value);
      if (ms === undefined) return mismatch('expected a time interval (e.g. 30s, 5m, 1d2h, 00:01:00)');
      const min = kind.min !== undefined ? parseTimeInterval(kind.min) : undefined;
      const max = kind.max !== undefined ? parseTimeInterval(kind.max) : undefined;
      if ((min !== undefined && ms < min) || (max !== undefined && ms > max)) {
        return range(`expected a time interval in ${kind.min ?? ''}..${kind.max ?? ''}`);
      }
      return undefined;
    }
    case 'string':
    case 'hex': {
      if (kind.kind === 'hex' && !/^[0-9a-fA-F]*$/.test(value)) return mismatch('expected hexadecimal digits');
      if (kind.maxLength !== undefined && value.length > kind.maxLength) {
        return range(`expected at most ${kind.maxLength} characters`);
      }
      if (kind.minLength !== undefined && value.length < kind.minLength) {
        return range(`expected at least ${kind.minLength} characters`);
      }
      return undefined;
    }
    case 'script':
    case 'unknown':
      return undefined;
  }
}
