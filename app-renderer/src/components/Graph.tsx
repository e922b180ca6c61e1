import { memo, useEffect, useId, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Row } from '../../../app-main/src/common/contract';
import { useAppStore } from '../hooks';
import { formatClock } from '../lib/format';
import { graphSeries, rowLabel, SeriesBuffer } from '../lib/series';
import { readableValue, valueKind } from '../lib/values';
import { replyRow } from '../lib/words';
import type { ConsoleCommand } from '../store/types';

/** Samples a live table's graphed rows this often (issue 14: graphs update at 1 Hz). */
export const GRAPH_SAMPLE_MS = 1000;
/** Samples listed in a graph's data table (the newest first); the chart has all of them. */
const DATA_ROWS = 60;
const CHART_HEIGHT = 160;
const COLOURS = ['#3d8ef0', '#e8793a', '#3fb37f', '#c050c8', '#d4b106', '#e5484d', '#20a4b8', '#8b6cf0'];

/**
 * jsdom (the renderer tests) has no canvas: there the chart is only its accessible parts — the
 * `img` with its name and the data table — which is also what a screen reader gets.
 */
function canDraw(): boolean {
  return typeof navigator !== 'undefined' && !navigator.userAgent.includes('jsdom');
}

function readable(col: string, v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  const text = String(Math.round(v * 100) / 100);
  return readableValue(col, text) ?? text;
}

/**
 * One chart (uPlot): a role="img" element named after the row and its series ("ether1: rx rate,
 * tx rate"), and on request a table of the same data for screen readers.
 */
export const GraphChart = memo(function GraphChart({
  id,
  title,
  buffer,
  version,
  phase = 0,
  onClose,
}: {
  /** Passed back to onClose. */
  id?: string;
  title: string;
  buffer: SeriesBuffer;
  /** Changes whenever the buffer got samples. */
  version: number;
  /**
   * Delay of this chart's redraw after a sample, ms: graphs sampled together redraw spread over
   * the sampling interval, not all in one frame (bench: 25 charts in one frame made a long frame).
   */
  phase?: number;
  onClose?: (id: string | undefined) => void;
}) {
  const uid = useId();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Charts scrolled out of view are not redrawn; they catch up when they come back.
  const visible = useRef(true);
  const [showData, setShowData] = useState(false);
  const label = `${title}: ${buffer.series.join(', ')}`;

  useEffect(() => {
    const el = box.current;
    if (!el || !canDraw()) return;
    const first = buffer.series[0] ?? '';
    const kind = valueKind(first);
    const u = new uPlot(
      {
        width: Math.max(280, el.clientWidth || 400),
        height: CHART_HEIGHT,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        // At least a minute wide, so the first samples do not spread over the whole chart.
        scales: {
          x: { time: true, range: (_u, min, max) => [Math.min(min, max - 60), max] },
          // Rates and counts start at 0: a line near the top must not look like a full link.
          y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
        },
        axes: [
          {},
          {
            size: 70,
            // The y axis reads like the cells: bits per second, bytes, packets (lib/values.ts).
            values: (_u, splits) => splits.map((v) => (kind === 'text' ? String(v) : readable(first, v))),
          },
        ],
        series: [
          {},
          ...buffer.series.map((name, i) => ({
            label: name,
            stroke: COLOURS[i % COLOURS.length] as string,
            width: 1.5,
            value: (_u: uPlot, v: number | null) => readable(name, v),
          })),
        ],
      },
      buffer.data(),
      el,
    );
    plot.current = u;
    const ro =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(() => u.setSize({ width: Math.max(280, el.clientWidth), height: CHART_HEIGHT }));
    ro?.observe(el);
    const io =
      typeof IntersectionObserver === 'undefined'
        ? undefined
        : new IntersectionObserver((entries) => {
            const now = entries.some((e) => e.isIntersecting);
            if (now && !visible.current) u.setData(buffer.data());
            visible.current = now;
          });
    io?.observe(el);
    return () => {
      io?.disconnect();
      ro?.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [buffer]);

  useEffect(() => {
    const draw = () => {
      if (visible.current) plot.current?.setData(buffer.data());
    };
    if (phase <= 0) return draw();
    const timer = setTimeout(draw, phase);
    return () => clearTimeout(timer);
  }, [buffer, version, phase]);

  const rows = useMemo(() => {
    if (!showData) return [];
    const out: { t: number; values: (number | null)[] }[] = [];
    for (let i = buffer.length - 1; i >= 0 && out.length < DATA_ROWS; i--)
      out.push({ t: buffer.times[i] as number, values: buffer.values.map((v) => v[i] ?? null) });
    return out;
    // The buffer is mutable; `version` says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [buffer, version, showData]);

  return (
    <figure className="graph" aria-labelledby={`${uid}-title`}>
      <div className="graph-head">
        <span className="graph-title" id={`${uid}-title`}>
          {label}
        </span>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          aria-expanded={showData}
          aria-controls={`${uid}-data`}
          onClick={() => setShowData((x) => !x)}
        >
          {showData ? 'Hide data' : 'Show data'}
        </button>
        {onClose && (
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-label={`Close graph of ${title}`}
            onClick={() => onClose(id)}
          >
            ×
          </button>
        )}
      </div>
      <div ref={box} role="img" aria-label={label} className="graph-chart" />
      {showData && (
        <table id={`${uid}-data`} className="graph-data" aria-label={`Data of ${label}`}>
          <thead>
            <tr>
              <th scope="col">time</th>
              {buffer.series.map((s) => (
                <th scope="col" key={s}>
                  {s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.t}>
                <th scope="row">{formatClock(r.t * 1000).slice(0, 8)}</th>
                {r.values.map((v, i) => (
                  <td key={buffer.series[i]}>{readable(buffer.series[i] as string, v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
});

interface Graphed {
  id: string;
  title: string;
  buffer: SeriesBuffer;
}

/**
 * The graphs of a live table's rows: every GRAPH_SAMPLE_MS the current values of each graphed row
 * (with its derived rates) are sampled from the store, outside React's render, and the charts get
 * the new data. The list of rows is the table panel's; a row that went away keeps its last line.
 */
export const TableGraphs = memo(function TableGraphs({
  connectionId,
  path,
  ids,
  onClose,
}: {
  connectionId: string;
  path: string;
  ids: readonly string[];
  /** Stable (memo): the panel re-renders on every patch, the graphs only on their samples. */
  onClose: (id: string | undefined) => void;
}) {
  const store = useAppStore();
  // Buffers by row id, kept while the row is graphed (a cache, not render state).
  const [cache] = useState(() => new Map<string, Graphed>());
  const [version, setVersion] = useState(0);
  const idsKey = ids.join('\u0000');

  const graphs = useMemo(() => {
    const wanted = idsKey ? idsKey.split('\u0000') : [];
    for (const id of [...cache.keys()]) if (!wanted.includes(id)) cache.delete(id);
    const t = store.getState().tables[connectionId];
    for (const id of wanted) {
      if (cache.has(id)) continue;
      const pos = t?.index.get(id);
      const row: Row | undefined = pos === undefined ? undefined : t?.rows[pos];
      if (!row) continue;
      // A new graph starts with the row as it is now.
      const buffer = new SeriesBuffer(graphSeries(path, row));
      buffer.push(store.getState().now(), row);
      cache.set(id, { id, title: rowLabel(row, path), buffer });
    }
    return wanted.map((id) => cache.get(id)).filter((g): g is Graphed => g !== undefined);
  }, [idsKey, cache, store, connectionId, path]);

  const any = graphs.length > 0;
  useEffect(() => {
    if (!any) return;
    const timer = setInterval(() => {
      const s = store.getState();
      const t = s.tables[connectionId];
      if (!t) return;
      const at = s.now();
      for (const g of graphs) {
        const pos = t.index.get(g.id);
        const row = pos === undefined ? undefined : t.rows[pos];
        if (row) g.buffer.push(at, row);
      }
      setVersion((v) => v + 1);
    }, GRAPH_SAMPLE_MS);
    return () => clearInterval(timer);
  }, [any, graphs, store, connectionId]);

  if (!any) return null;
  return (
    <section className="graphs" aria-label="Graphs">
      {graphs.map((g, i) => (
        <GraphChart
          key={g.id}
          title={g.title}
          buffer={g.buffer}
          version={version}
          id={g.id}
          phase={Math.floor((i * GRAPH_SAMPLE_MS) / graphs.length)}
          onClose={onClose}
        />
      ))}
    </section>
  );
});

/**
 * Graphs of a streaming console command (`/interface/monitor-traffic`, `/system/resource/monitor`):
 * each `!re` is a sample at the time it arrived; replies naming different items (`name=ether1`,
 * `name=ether2`) get a chart each.
 */
export function ConsoleGraphs({ cmd }: { cmd: ConsoleCommand }) {
  const [st] = useState(() => ({ marks: new Map<'seen', number>(), graphs: new Map<string, Graphed>() }));
  const menu = cmd.words[0] ?? '';
  const graphs = useMemo(() => {
    // The log is a bounded ring: `dropped + i` numbers its replies across drops.
    const start = Math.max((st.marks.get('seen') ?? 0) - cmd.log.dropped, 0);
    for (let i = start; i < cmd.log.length; i++) {
      const r = cmd.log.get(i);
      if (r?.kind !== '!re') continue;
      const row = replyRow(r.words);
      const key = row['name'] ?? '';
      let g = st.graphs.get(key);
      if (!g) {
        const series = graphSeries(menu, row);
        if (!series.length) continue;
        g = { id: key, title: key || menu, buffer: new SeriesBuffer(series) };
        st.graphs.set(key, g);
      }
      g.buffer.push(cmd.startedAt + r.elapsedMs, row);
    }
    st.marks.set('seen', cmd.log.dropped + cmd.log.length);
    return [...st.graphs.values()];
    // The log is mutable; its version says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [st, cmd.log, cmd.version, cmd.startedAt, menu]);
  if (!graphs.length) return <p className="empty-note">No numbers in these replies to graph.</p>;
  return (
    <section className="graphs" aria-label={`Graphs of ${menu}`}>
      {graphs.map((g) => (
        <GraphChart key={g.id} title={g.title} buffer={g.buffer} version={cmd.version} />
      ))}
    </section>
  );
}
