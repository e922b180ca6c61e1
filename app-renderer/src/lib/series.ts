/**
 * The data behind a graph (issue 14): samples of some columns of one row over the last ten
 * minutes, in the column layout uPlot draws from (one array of times, one array per series).
 */
import type { Row } from '../../../app-main/src/common/contract';
import { GRAPH_PRESETS } from './presets';
import { counterInfo } from './rates';
import { numericValue } from './values';

/** How far back a graph reaches. */
export const GRAPH_WINDOW_MS = 10 * 60_000;
/** Lines on one graph at most: past this a chart is unreadable (and the legend too long). */
export const MAX_SERIES = 12;

/** Columns that are numbers but no measurement: identifiers and configuration. */
const NOT_MEASURED =
  /^(\.id|\.nextid|\.section|mtu|actual-mtu|l2mtu|max-l2mtu|cpu-count|cpu-frequency|total-.*|distance|scope|target-scope|vlan-id|port|dst-port|src-port)$/;

/**
 * What a graph of `row` plots: the path's preset (GRAPH_PRESETS) when the row has those columns;
 * otherwise each numeric column, with a counter's rate column in place of the counter.
 */
export function graphSeries(path: string, row: Row): string[] {
  const preset = GRAPH_PRESETS[path];
  if (preset) {
    const present = preset.filter((c) => c in row);
    if (present.length) return present;
  }
  const out: string[] = [];
  for (const col in row) {
    if (NOT_MEASURED.test(col)) continue;
    const counter = counterInfo(col);
    if (counter && counter.rate in row) continue;
    if (numericValue(col, row[col]) === undefined && !(col.endsWith(' rate') && row[col] === '')) continue;
    out.push(col);
    if (out.length >= MAX_SERIES) break;
  }
  return out;
}

/** The name of a row on a graph: its `name`, else another naming property, else its id. */
export function rowLabel(row: Row, fallback: string): string {
  for (const k of ['name', 'host-name', 'address', 'dst-address', 'comment']) {
    const v = row[k];
    if (v) return v;
  }
  return row['.id'] && !row['.id'].startsWith('#') ? row['.id'] : fallback;
}

/** Samples of `series`, oldest first, at most `windowMs` back from the newest. */
export class SeriesBuffer {
  /** Seconds (uPlot's time unit). */
  readonly times: number[] = [];
  readonly values: (number | null)[][];

  constructor(
    readonly series: readonly string[],
    private readonly windowMs = GRAPH_WINDOW_MS,
  ) {
    this.values = series.map(() => []);
  }

  /** Adds a sample taken at `atMs` from `row`; a column that is not a number is a gap (null). */
  push(atMs: number, row: Row): void {
    this.times.push(atMs / 1000);
    this.series.forEach((c, i) => this.values[i]?.push(numericValue(c, row[c]) ?? null));
    const oldest = (atMs - this.windowMs) / 1000;
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] as number) < oldest) drop++;
    if (drop) {
      this.times.splice(0, drop);
      for (const v of this.values) v.splice(0, drop);
    }
  }

  get length(): number {
    return this.times.length;
  }

  /** uPlot's AlignedData: [times, ...series]. */
  data(): [number[], ...(number | null)[][]] {
    return [this.times, ...this.values];
  }
}
