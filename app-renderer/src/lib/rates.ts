/**
 * Derived rate columns (issue 14): RouterOS counts bytes and packets (`rx-byte`, `tx-packet`,
 * a firewall rule's `bytes`), and a person wants to know how fast they grow. Each time a row
 * arrives with a counter, its rate is the difference from the previous sample of that row divided
 * by the time between the two samples — the time the window received them, because a `!re` carries
 * no time stamp (protocol.md §4). Irregular intervals are fine: the patches come at most ten a
 * second and a row can skip several.
 *
 * Rules (docs/ui.md, "Rates"):
 * - a row's first sample, and every sample from a print (the table loading, or reloading after
 *   a reconnect), is a baseline only: the router counted it up to a tick before it printed it, so
 *   a rate from it overstates (a 1 s tick seen 200 ms after the print reads five times too fast).
 *   The first change after it starts the measured samples; the second change gives the first
 *   rate. Until then the cell is empty;
 * - a sample less than 50 ms after the previous one gives no rate (the division would magnify a
 *   late patch into a spike): the rate shown stays and the next sample measures the whole
 *   interval;
 * - a row re-sent with a counter unchanged (its comment changed) keeps the rate shown, so an
 *   unrelated change does not flash the rate; once a moving counter has stood still for 2 s its
 *   rate is 0;
 * - a counter that goes down was reset (`/interface/reset-counters`, a reboot) unless it was in
 *   the top quarter of 32 bits — then it wrapped at 2^32, as RouterOS 6's 32-bit counters do on
 *   some interfaces; a reset gives no rate for that sample and starts again from the new value;
 * - bytes become bits per second (`rx-byte` → `rx rate`), packets packets per second
 *   (`rx-packet` → `rx packet rate`); `bytes`/`packets` alone become `bit rate`/`packet rate`.
 * Derived names contain a space, which no RouterOS property name has, so they never collide.
 */
import type { Row } from '../../../app-main/src/common/contract';

const WRAP_32 = 2 ** 32;
/** Samples closer than this are merged into the next (see above). */
export const MIN_INTERVAL_MS = 50;
/** A moving counter re-sent unchanged after this long has stopped: its rate is shown as 0. */
export const STILL_MS = 2000;

interface CounterInfo {
  /** The derived column's name. */
  rate: string;
  /** Multiplier from the counter's unit to the rate's: 8 for bytes → bits. */
  scale: number;
}

const COUNTERS = new Map<string, CounterInfo | null>();

/** The derived rate column of a counter column, or undefined when the column is no counter. */
export function counterInfo(column: string): CounterInfo | undefined {
  let info = COUNTERS.get(column);
  if (info === undefined) {
    info = counterOf(column);
    if (COUNTERS.size < 10_000) COUNTERS.set(column, info);
  }
  return info ?? undefined;
}

function counterOf(c: string): CounterInfo | null {
  let m = /^(?:(.+)-)?bytes?$/.exec(c);
  if (m) return { rate: m[1] ? `${m[1]} rate` : 'bit rate', scale: 8 };
  m = /^(?:(.+)-)?packets?$/.exec(c);
  if (m) return { rate: m[1] ? `${m[1]} packet rate` : 'packet rate', scale: 1 };
  return null;
}

/** The rate column derived from `counter`, if it is a counter. */
export function rateColumnOf(counter: string): string | undefined {
  return counterInfo(counter)?.rate;
}

/** Is this a rate column derived here (not one the router sent)? */
export function isDerivedRate(column: string): boolean {
  return column.endsWith(' rate') && column.includes(' ');
}

export interface Sample {
  value: number;
  at: number;
  /**
   * A sample of a print (the table loading, or reloading after a reconnect): the router counted
   * it at some time before it printed it, not when it arrived, so it is a baseline only.
   */
  untimed?: boolean;
}

/**
 * The rate between two samples of one counter, per second, or undefined when there is none (first
 * sample, too close, reset). Pure: the unit test drives it directly.
 */
export function rateBetween(prev: Sample | undefined, next: Sample): number | undefined {
  if (!prev || prev.untimed) return undefined;
  const dt = next.at - prev.at;
  if (dt < MIN_INTERVAL_MS) return undefined;
  let delta = next.value - prev.value;
  if (delta < 0) {
    if (prev.value < WRAP_32 && prev.value >= WRAP_32 * 0.75) delta = WRAP_32 - prev.value + next.value;
    else return undefined;
  }
  return (delta * 1000) / dt;
}

const INTEGER = /^\d+$/;

/** A rate as the cell's raw text: whole bits per second, packets per second to 0.01. */
function rateText(rate: number, scale: number): string {
  return scale === 8 ? String(Math.round(rate * scale)) : String(Math.round(rate * 100) / 100);
}

/**
 * Keeps the last sample of every counter of every row of one live table and adds the rate columns
 * to rows as they arrive. Mutable (one per table run); a row's samples go when the row goes.
 */
export class RateTracker {
  private readonly last = new Map<string, Map<string, Sample>>();

  /**
   * The row with its rate columns added (a new object), or the row itself when it has no counter.
   * `prev` is the row as shown before: a sample that is too close, or a reset, keeps its rate.
   */
  derive(id: string, row: Row, at: number, prev?: Row, untimed = false): Row {
    let out: Row | undefined;
    for (const col in row) {
      const info = counterInfo(col);
      if (!info) continue;
      const raw = row[col] as string;
      if (!INTEGER.test(raw)) continue;
      const value = Number(raw);
      let samples = this.last.get(id);
      if (!samples) {
        samples = new Map();
        this.last.set(id, samples);
      }
      out ??= { ...row };
      const [rate, sample] = this.step(samples.get(col), { value, at }, untimed, prev?.[info.rate] ?? '', info.scale);
      out[info.rate] = rate;
      if (sample) samples.set(col, sample);
    }
    return out ?? row;
  }

  /** The rate to show and the sample to keep (none: keep the one there is), by the rules above. */
  private step(
    before: Sample | undefined,
    next: Sample,
    printed: boolean,
    shown: string,
    scale: number,
  ): [string, Sample | undefined] {
    // First sample, or one from a print: a baseline; what is shown stays.
    if (!before || printed) return [before ? shown : '', { ...next, untimed: true }];
    if (next.value === before.value) {
      // Re-sent unchanged (another property changed): nothing new about this counter, so the
      // rate shown stays — unless it was moving and has stood still for STILL_MS: then it is 0.
      // An unchanged value after a print's baseline dates that baseline.
      if (before.untimed) return [shown, next];
      if (shown !== '' && shown !== '0' && next.at - before.at >= STILL_MS) return ['0', next];
      return [shown, undefined];
    }
    // The first change after a print's baseline starts the measured samples.
    if (before.untimed) return [shown, next];
    const rate = rateBetween(before, next);
    if (rate !== undefined) return [rateText(rate, scale), next];
    // Too close: keep the previous sample (the next one measures the whole interval) and what
    // is shown.
    if (next.at - before.at < MIN_INTERVAL_MS && next.value >= before.value) return [shown, undefined];
    // Reset: no rate until the next change.
    return ['', next];
  }

  forget(id: string): void {
    this.last.delete(id);
  }

  get size(): number {
    return this.last.size;
  }
}
