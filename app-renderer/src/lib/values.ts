/**
 * Values a person can read (issue 14): RouterOS sends every value as text — `rx-byte=5143003087`,
 * `uptime=3d4h12m5s`, `running=true` — and the tables show them as people read them (`4.79 GiB`,
 * `3d 4h 12m`, `yes`). Only the display changes: sorting, filtering and exports keep the raw text,
 * and the raw value is on hover and behind the **Raw values** switch.
 *
 * Which columns get which format is decided by the property name, because RouterOS has no type
 * on the wire (protocol.md §4: every value is a string). The rules, in order (docs/ui.md, "Values
 * a person can read"):
 *
 *   1. derived rate columns (`rx rate`, `rx packet rate`, lib/rates.ts): bits or packets per second;
 *   2. `…-bits-per-second`, `…-bps`: bits per second (`9.1 Mbps`);
 *   3. `…-packets-per-second`: packets per second;
 *   4. `…-byte`, `…-bytes`, `bytes`, `…-memory`, `…-hdd-space`: bytes, binary units (`4.79 GiB`);
 *   5. `…-packet`, `…-packets`, `packets`: a count with thousands separators;
 *   6. `uptime`, `…-time`, `…-timeout`, `…-after`, `…-interval`, `…-duration`, `age`, `last-seen`:
 *      a duration, when the value parses as a RouterOS duration (`last-link-up-time` is a date on
 *      RouterOS 7 and is left alone);
 *   7. any column: `true`/`false` as `yes`/`no`, so RouterOS 6 and 7 spellings read the same.
 *
 * A value that does not fit its column's format (not a number, a list such as `1000/2000`) is
 * shown as sent.
 */

export type ValueKind = 'bytes' | 'bps' | 'pps' | 'count' | 'duration' | 'text';

const KIND_CACHE = new Map<string, ValueKind>();

/** The format of a column, from its name alone (the rules above). */
export function valueKind(column: string): ValueKind {
  let k = KIND_CACHE.get(column);
  if (k === undefined) {
    k = kindOf(column);
    if (KIND_CACHE.size < 10_000) KIND_CACHE.set(column, k);
  }
  return k;
}

function kindOf(c: string): ValueKind {
  if (c.endsWith(' packet rate')) return 'pps';
  if (c.endsWith(' rate')) return 'bps';
  if (/(^|-)(bits-per-second|bps)$/.test(c)) return 'bps';
  if (/(^|-)packets-per-second$/.test(c)) return 'pps';
  if (/(^|-)bytes?$/.test(c) || /-(memory|hdd-space)$/.test(c)) return 'bytes';
  if (/(^|-)packets?$/.test(c)) return 'count';
  if (c === 'uptime' || c === 'age' || c === 'last-seen' || /-(time|timeout|after|interval|duration)$/.test(c)) return 'duration';
  return 'text';
}

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** Three significant digits, trailing zeros dropped: 4.79, 47.9, 479, 9.1, 1. */
function sig3(n: number): string {
  if (n >= 1000) return String(Math.round(n));
  return String(Number(n.toPrecision(3)));
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Bytes in binary units, as WinBox and RouterOS's own CLI count them: 5143003087 → "4.79 GiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  // 1023.9 KiB would print as "1024 KiB": carry to the next unit.
  if (u > 0 && Number(sig3(v)) >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${neg ? '-' : ''}${u === 0 ? String(Math.round(v)) : sig3(v)} ${BYTE_UNITS[u]}`;
}

const BIT_UNITS = ['bps', 'kbps', 'Mbps', 'Gbps', 'Tbps', 'Pbps'];

/** Bits per second in decimal units, as link speeds are given: 9100000 → "9.1 Mbps". */
export function formatBps(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1000 && u < BIT_UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  if (u > 0 && Number(sig3(v)) >= 1000 && u < BIT_UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${neg ? '-' : ''}${sig3(v)} ${BIT_UNITS[u]}`;
}

/** A count with thousands separators: 5143003 → "5,143,003". */
export function formatPackets(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** Packets per second: whole numbers from 100 up, one decimal below (a slow link's 0.4 pps). */
export function formatPps(n: number): string {
  const abs = Math.abs(n);
  const text = abs >= 100 ? n.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(Number(n.toFixed(1)));
  return `${text} pps`;
}

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type DurationUnit = keyof typeof UNIT_MS;
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/;
const CLOCK = /^(?:(\d+)w)?(?:(\d+)d)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

/**
 * A RouterOS duration in milliseconds, or undefined when the text is not one. RouterOS writes
 * `1w2d3h4m5s` (also with `ms`) in version 7 and `1w2d03:04:05` in version 6; a plain number is
 * seconds (as `=timeout=30` is taken).
 */
export function parseDuration(text: string): number | undefined {
  if (!text) return undefined;
  if (INTEGER.test(text)) return Number(text) * 1000;
  const m = DURATION.exec(text);
  if (m) {
    const [, w, d, h, mi, s, ms] = m;
    return (
      Number(w ?? 0) * UNIT_MS.w +
      Number(d ?? 0) * UNIT_MS.d +
      Number(h ?? 0) * UNIT_MS.h +
      Number(mi ?? 0) * UNIT_MS.m +
      Math.round(Number(s ?? 0) * 1000) +
      Number(ms ?? 0)
    );
  }
  const c = CLOCK.exec(text);
  if (c) {
    const [, w, d, h, mi, s, frac] = c;
    return (
      Number(w ?? 0) * UNIT_MS.w +
      Number(d ?? 0) * UNIT_MS.d +
      Number(h) * UNIT_MS.h +
      Number(mi) * UNIT_MS.m +
      Number(s) * UNIT_MS.s +
      (frac ? Number(frac.padEnd(3, '0')) : 0)
    );
  }
  return undefined;
}

/**
 * A duration as a person reads it: the three largest non-zero units, spaced — `3d4h12m5s` →
 * "3d 4h 12m", `1w2d3h` → "1w 2d 3h", `00:05:00` → "5m". Below a second, milliseconds.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let left = Math.floor(ms / 1000) * 1000;
  for (const u of ['w', 'd', 'h', 'm', 's'] as DurationUnit[]) {
    const n = Math.floor(left / UNIT_MS[u]);
    left -= n * UNIT_MS[u];
    if (n > 0 || parts.length) parts.push(`${n}${u}`);
  }
  // Zero units inside ("1d 0h 5m") say nothing a person needs: keep the three largest non-zero.
  return parts
    .filter((p) => !p.startsWith('0'))
    .slice(0, 3)
    .join(' ');
}

/** RouterOS 6 writes `yes`/`no`, RouterOS 7 `true`/`false` (protocol.md §4.3): both read as yes/no. */
export function formatBoolean(text: string): string | undefined {
  if (text === 'true' || text === 'yes') return 'yes';
  if (text === 'false' || text === 'no') return 'no';
  return undefined;
}

/**
 * The readable form of `raw` in `column`, or undefined when it is shown as sent (text, or a value
 * that does not fit the column's format).
 */
export function readableValue(column: string, raw: string): string | undefined {
  if (!raw) return undefined;
  const kind = valueKind(column);
  switch (kind) {
    case 'bytes':
      return INTEGER.test(raw) ? formatBytes(Number(raw)) : undefined;
    case 'bps':
      return NUMBER.test(raw) ? formatBps(Number(raw)) : undefined;
    case 'pps':
      return NUMBER.test(raw) ? formatPps(Number(raw)) : undefined;
    case 'count':
      return INTEGER.test(raw) ? formatPackets(Number(raw)) : undefined;
    case 'duration': {
      if (INTEGER.test(raw)) return undefined;
      const ms = parseDuration(raw);
      return ms === undefined ? undefined : formatDuration(ms);
    }
    default: {
      const b = formatBoolean(raw);
      return b !== undefined && b !== raw ? b : undefined;
    }
  }
}

/** What a cell shows: the readable form, or the raw text when there is none or `raw` is asked for. */
export function displayValue(column: string, raw: string, showRaw: boolean): string {
  if (showRaw) return raw;
  return readableValue(column, raw) ?? raw;
}

/** A number from a value, for graphs: numbers only, and durations as seconds. */
export function numericValue(column: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (NUMBER.test(raw)) return Number(raw);
  if (valueKind(column) === 'duration') {
    const ms = parseDuration(raw);
    return ms === undefined ? undefined : ms / 1000;
  }
  return undefined;
}
