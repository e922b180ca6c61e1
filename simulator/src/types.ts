/**
 * Property types of menu items and command arguments, with the validation RouterOS applies to
 * values sent over the API. All values are byte strings (see bytes.ts).
 */
import { checkValue, routerosValueMessage, type SyntaxKind } from '../../protocol/src/tree/index';

export type PropType =
  | { readonly kind: 'string' }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly multi?: boolean }
  | { readonly kind: 'ip' }
  /** An address with prefix length (`192.168.88.1/24`); a bare address means /32. */
  | { readonly kind: 'ip-prefix' }
  | { readonly kind: 'mac' }
  | { readonly kind: 'duration' }
  /** The name of an item in another menu (e.g. an interface), optionally one of `extra` words. */
  | { readonly kind: 'ref'; readonly menu: string; readonly multi?: boolean; readonly extra?: readonly string[] }
  /** An argument of the real command tree, checked by the validator the app's forms use too. */
  | { readonly kind: 'tree'; readonly syntax: SyntaxKind };

export const T = {
  string: { kind: 'string' },
  bool: { kind: 'bool' },
  ip: { kind: 'ip' },
  ipPrefix: { kind: 'ip-prefix' },
  mac: { kind: 'mac' },
  duration: { kind: 'duration' },
  int: (min?: number, max?: number): PropType => ({
    kind: 'int',
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
  }),
  enumOf: (values: readonly string[], multi = false): PropType => ({ kind: 'enum', values, multi }),
  ref: (menu: string, extra?: readonly string[], multi = false): PropType => ({
    kind: 'ref',
    menu,
    multi,
    ...(extra ? { extra } : {}),
  }),
} as const satisfies Record<string, PropType | ((...a: never[]) => PropType)>;

/** A validation failure; the message follows RouterOS (protocol.md §4.5: category 1). */
export class ValueError extends Error {
  readonly category = 1;
}

export interface ValueContext {
  /** How booleans are written on this version (`true`/`false` on v7, `yes`/`no` before). */
  bool(value: boolean): string;
  /** Whether `name` exists in the menu at `path`. */
  refExists(path: string, name: string): boolean;
}

/**
 * Checks a value against its type and returns it in the form the router prints it.
 * @throws ValueError `input does not match any value of NAME` (category 1), or an out-of-range
 *   message for numbers.
 */
export function normalizeValue(name: string, type: PropType, raw: string, ctx: ValueContext): string {
  const mismatch = (): never => {
    throw new ValueError(`input does not match any value of ${name}`);
  };
  switch (type.kind) {
    case 'string':
      return raw;
    case 'int': {
      if (!/^-?\d{1,15}$/.test(raw)) mismatch();
      const n = Number(raw);
      if ((type.min !== undefined && n < type.min) || (type.max !== undefined && n > type.max)) {
        throw new ValueError(`value of ${name} out of range (${type.min ?? ''}..${type.max ?? ''})`);
      }
      return String(n);
    }
    case 'bool': {
      const b = parseBool(raw);
      if (b === undefined) mismatch();
      return ctx.bool(b!);
    }
    case 'enum': {
      const parts = type.multi ? raw.split(',') : [raw];
      if (type.multi && raw === '') return '';
      for (const p of parts) if (!type.values.includes(p)) mismatch();
      return parts.join(',');
    }
    case 'ip':
      if (parseIp(raw) === undefined) mismatch();
      return raw;
    case 'ip-prefix': {
      const p = parsePrefix(raw);
      if (!p) mismatch();
      return `${formatIp(p!.address)}/${p!.length}`;
    }
    case 'mac':
      if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(raw)) mismatch();
      return raw.toUpperCase();
    case 'duration': {
      const ms = parseDuration(raw);
      if (ms === undefined) mismatch();
      return formatDuration(ms!);
    }
    case 'tree': {
      const problem = checkValue(type.syntax, raw);
      if (problem) throw new ValueError(routerosValueMessage(name, problem, type.syntax));
      return raw;
    }
    case 'ref': {
      const parts = type.multi ? raw.split(',') : [raw];
      for (const p of parts) {
        if (type.extra?.includes(p)) continue;
        if (!ctx.refExists(type.menu, p)) mismatch();
      }
      return parts.join(',');
    }
  }
}

export function parseBool(raw: string): boolean | undefined {
  switch (raw) {
    case 'yes':
    case 'true':
      return true;
    case 'no':
    case 'false':
      return false;
    default:
      return undefined;
  }
}

/** IPv4 dotted quad → 32-bit unsigned, or undefined. */
export function parseIp(raw: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(raw);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

export function formatIp(n: number): string {
  return `${Math.floor(n / 0x1000000) & 0xff}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

export function parsePrefix(raw: string): { address: number; length: number } | undefined {
  const slash = raw.indexOf('/');
  const address = parseIp(slash < 0 ? raw : raw.slice(0, slash));
  if (address === undefined) return undefined;
  if (slash < 0) return { address, length: 32 };
  const lenText = raw.slice(slash + 1);
  if (!/^\d{1,2}$/.test(lenText)) return undefined;
  const length = Number(lenText);
  return length <= 32 ? { address, length } : undefined;
}

/** The network address of a prefix (`192.168.88.1/24` → `192.168.88.0`). */
export function networkOf(address: number, length: number): number {
  if (length === 0) return 0;
  const mask = length === 32 ? 0xffffffff : (0xffffffff << (32 - length)) >>> 0;
  return (address & mask) >>> 0;
}

const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * RouterOS time values: `1w2d3h4m5s`, `500ms`, `00:05:00`, `1d 02:00:00`, or plain seconds
 * (`30`, `0.5`). Returns milliseconds.
 */
export function parseDuration(raw: string): number | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const clock = /^(?:(\d+)d\s*)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text);
  if (clock) {
    return (
      Number(clock[1] ?? 0) * UNIT_MS['d']! +
      Number(clock[2]) * UNIT_MS['h']! +
      Number(clock[3]) * UNIT_MS['m']! +
      Number(clock[4]) * 1000 +
      Number((clock[5] ?? '0').padEnd(3, '0'))
    );
  }
  const re = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index !== consumed) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = m.index + m[0].length;
  }
  return consumed === text.length ? Math.round(total) : undefined;
}

/** `1w2d3h4m5s` style, as RouterOS prints uptimes and timeouts. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) out += `${n}${unit}`;
  }
  if (rest > 0) out += `${rest}ms`;
  return out === '' ? '0s' : out;
}

/** A one-line description of a type, for `/console/inspect` syntax rows. */
export function describeType(type: PropType): string {
  switch (type.kind) {
    case 'string':
      return 'string value';
    case 'int':
      return `integer ${type.min ?? ''}..${type.max ?? ''}`.trimEnd();
    case 'bool':
      return 'yes | no';
    case 'enum':
      return type.values.join(' | ') + (type.multi ? ' (comma-separated list)' : '');
    case 'ip':
      return 'A.B.C.D    (IP address)';
    case 'ip-prefix':
      return 'A.B.C.D/M    (IP address with prefix length)';
    case 'mac':
      return 'AB:CD:EF:01:23:45    (MAC address)';
    case 'duration':
      return 'time interval, e.g. 1d2h3m4s or 500ms';
    case 'ref':
      return `name of ${type.menu.replace(/\//g, ' ')} item${type.extra ? ` or ${type.extra.join(' | ')}` : ''}`;
    case 'tree':
      return type.syntax.kind;
  }
}
