import { memo, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useShallow } from 'zustand/react/shallow';
import type { ReproBundleInfo, TraceEntry, TraceFormat, TraceScope } from '../../../app-main/src/common/contract';
import { useApp, useRun } from '../hooks';
import { formatClock, formatCount, formatElapsed, plural } from '../lib/format';
import { replyMatches, TraceAnalysis, type ReplyFilter, type SentenceInfo } from '../lib/trace-analysis';
import { replyKindClass, splitAttribute, wordKind } from '../lib/words';
import { DEFAULT_SLOW_MS, emptyTrace, traceRows } from '../store/trace';
import type { TraceFilters, TraceFolding } from '../store/types';

const WORD_HEIGHT = 18;
const GAP = 6;

const LINE_HEIGHT = 20;

/** Exact height of an entry: known from its word count, so the virtualiser never measures. */
export function entryHeight(e: TraceEntry, expanded: boolean): number {
  return expanded ? Math.max(1, e.words.length) * WORD_HEIGHT + GAP : LINE_HEIGHT;
}

export function isFolded(folding: TraceFolding, seq: number): boolean {
  return folding.all !== folding.flipped.has(seq);
}

/** What the filter needs beyond the entries: their commands and times, the folds, the threshold. */
export interface TraceFilterContext {
  analysis?: Pick<TraceAnalysis, 'get'>;
  folding?: TraceFolding;
  slowMs?: number;
}

/**
 * Indices of the entries that pass the filters and are not folded away; undefined when nothing is
 * filtered. A folded command hides its replies only while the command itself is shown: otherwise
 * nothing would be left to unfold them with.
 */
export function filterTrace(
  get: (i: number) => TraceEntry | undefined,
  length: number,
  f: TraceFilters,
  ctx: TraceFilterContext = {},
): number[] | undefined {
  const text = f.text.trim().toLowerCase();
  const command = f.command.trim().toLowerCase();
  const { analysis, folding, slowMs = DEFAULT_SLOW_MS } = ctx;
  const folds = folding !== undefined && (folding.all || folding.flipped.size > 0);
  if (f.direction === 'all' && !f.tag && !text && !f.hideOwn && !command && !f.reply && !f.slowOnly && !folds) return undefined;
  const shownHeads = folds ? new Set<number>() : undefined;
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const e = get(i);
    if (!e) continue;
    if (f.direction !== 'all' && e.direction !== f.direction) continue;
    if (f.hideOwn && e.own) continue;
    if (f.tag && e.tag !== f.tag) continue;
    if (f.reply && (e.direction !== 'in' || !replyMatches(e.words[0] ?? '', f.reply))) continue;
    const info = analysis?.get(e.seq);
    if (command && !info?.command?.toLowerCase().includes(command)) continue;
    if (f.slowOnly && !(info?.ends && (info.elapsedMs ?? 0) >= slowMs)) continue;
    if (text && !e.words.some((w) => w.toLowerCase().includes(text))) continue;
    if (shownHeads && info?.group !== undefined) {
      if (info.group === e.seq) shownHeads.add(e.seq);
      else if (shownHeads.has(info.group) && isFolded(folding!, info.group)) continue;
    }
    out.push(i);
  }
  return out;
}

/** The `=message=` of a `!trap` (protocol.md §5.1), or a `!fatal`'s bare reason word (§5.2). */
function problemText(e: TraceEntry): string | undefined {
  const m = e.words.find((w) => w.startsWith('=message='));
  if (m) return m.slice(9);
  return e.words[0] === '!fatal' ? e.words[1] : undefined;
}

/**
 * The marks of a row, as text (never colour alone): Trap, Fatal, Slow with the time; on a folded
 * command, how many replies it hides and whether a trap or a slow end is among them.
 */
function Marks({ e, info, slowMs, folded }: { e: TraceEntry; info?: SentenceInfo; slowMs: number; folded: boolean }) {
  const marks: { cls: string; text: string; title: string }[] = [];
  const first = e.words[0];
  if (e.direction === 'in' && first === '!trap')
    marks.push({ cls: 'mark-trap', text: 'Trap', title: `Trap: ${problemText(e) ?? 'the command failed'}` });
  if (e.direction === 'in' && first === '!fatal')
    marks.push({ cls: 'mark-fatal', text: 'Fatal', title: `Fatal: ${problemText(e) ?? 'the router closes the session'}` });
  if (info?.ends && info.elapsedMs !== undefined && info.elapsedMs >= slowMs)
    marks.push({
      cls: 'mark-slow',
      text: `Slow ${formatElapsed(info.elapsedMs)}`,
      title: `Ended its command after ${formatElapsed(info.elapsedMs)}`,
    });
  if (folded && e.direction === 'out' && info) {
    marks.push({
      cls: 'mark-folded',
      text: `+${formatCount(info.replies ?? 0)}`,
      title: `${plural(info.replies ?? 0, 'reply', 'replies')} folded`,
    });
    if (info.problems)
      marks.push({
        cls: 'mark-trap',
        text: 'Trap',
        title: `${plural(info.problems, 'trap or fatal', 'traps or fatals')} folded`,
      });
    if (info.tookMs !== undefined && info.tookMs >= slowMs)
      marks.push({ cls: 'mark-slow', text: `Slow ${formatElapsed(info.tookMs)}`, title: `Took ${formatElapsed(info.tookMs)}` });
  }
  return (
    <span className="t-mark">
      {marks.map((m, i) => (
        <span key={i} className={`mark ${m.cls}`} title={m.title}>
          {m.text}
        </span>
      ))}
    </span>
  );
}

function TraceWord({ word, index }: { word: string; index: number }) {
  const kind = wordKind(word, index);
  if (kind === 'reply') return <span className={`w-kind ${replyKindClass(word)}`}>{word}</span>;
  if (kind === 'command') return <span className="w-command">{word}</span>;
  if (kind === 'attribute') {
    const a = splitAttribute(word) as [string, string];
    return (
      <span className="w-attr">
        <span className="w-name">={a[0]}=</span>
        <span className={a[1] === '********' ? 'w-value w-redacted' : 'w-value'}>{a[1]}</span>
      </span>
    );
  }
  if (kind === 'query') return <span className="w-query">{word}</span>;
  if (kind === 'api-attribute') return <span className="w-api">{word}</span>;
  return <span className="w-other">{word}</span>;
}

const TraceItem = memo(function TraceItem({
  e,
  top,
  expanded,
  onFollow,
  info,
  slowMs,
  folded,
  onToggle,
}: {
  e: TraceEntry;
  top: number;
  expanded: boolean;
  onFollow: (tag: string) => void;
  info: SentenceInfo | undefined;
  slowMs: number;
  folded: boolean;
  onToggle: (seq: number) => void;
  /**
   * A command's summary, changed in place by the analysis: passed as numbers too, so that the
   * memoised row renders again when they change.
   */
  replies?: number;
  problems?: number;
  tookMs?: number;
}) {
  const out = e.direction === 'out';
  const note = e.direction === 'note';
  const first = e.words[0];
  const severity = !out && !note && (first === '!trap' || first === '!fatal') ? ` sev-${first.slice(1)}` : '';
  const slow = info?.ends && info.elapsedMs !== undefined && info.elapsedMs >= slowMs ? ' slow' : '';
  const head = out && info !== undefined && (info.replies ?? 0) > 0;
  const grouped = !out && !note && info?.group !== undefined ? ' in-group' : '';
  return (
    <div
      role="listitem"
      aria-label={note ? `Note: ${e.words.join(' ')}` : undefined}
      className={`trace-item ${out ? 'dir-out' : note ? 'dir-note' : 'dir-in'} ${expanded ? 'expanded' : 'compact'}${e.pinned ? ' pinned' : ''}${e.own ? ' own' : ''}${severity}${slow}${grouped}${head ? ' group-head' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: expanded ? entryHeight(e, true) - GAP : LINE_HEIGHT }}
    >
      <span className="t-fold">
        {head && (
          <button
            type="button"
            className="fold-btn"
            aria-expanded={!folded}
            aria-label={`Replies of ${first}${e.tag !== undefined ? ` (tag ${e.tag})` : ''}`}
            title={folded ? 'Show the replies' : 'Fold the replies'}
            onClick={() => onToggle(e.seq)}
          >
            {folded ? '▸' : '▾'}
          </button>
        )}
      </span>
      <span className="t-time" title={e.pinned ? 'pinned: kept however much traffic follows' : undefined}>
        {formatClock(e.time)}
      </span>
      <span
        className="t-dir"
        title={out ? 'sent to the router' : note ? 'noted by Tikscope (not on the wire)' : 'received from the router'}
      >
        {out ? '<<<' : note ? '---' : '>>>'}
      </span>
      <span className="t-tag">
        {e.tag !== undefined ? (
          <button type="button" className="tag-btn" onClick={() => onFollow(e.tag as string)} title={`Follow tag ${e.tag}`}>
            {e.tag}
          </button>
        ) : (
          <span className="muted">—</span>
        )}
      </span>
      <Marks e={e} info={info} slowMs={slowMs} folded={head && folded} />
      <span className="t-words">
        {e.words.map((w, i) => (
          <span className="t-word" key={i}>
            {note && i === 0 ? <span className="note-event">{w}</span> : <TraceWord word={w} index={i} />}
          </span>
        ))}
      </span>
      <span className="t-bytes">{note ? '' : `${e.bytes} B`}</span>
    </div>
  );
});

/** What an imported repro bundle says besides its trace. */
function ReproSummary({ info }: { info: ReproBundleInfo }) {
  const r = info.router;
  const c = info.connection;
  return (
    <section className="repro-summary" aria-label="Repro bundle">
      <dl>
        <dt>Description</dt>
        <dd className="repro-description">{info.description || <span className="muted">(none given)</span>}</dd>
        <dt>Router</dt>
        <dd>
          {r.known
            ? `${r.identity || 'unnamed'} — RouterOS ${r.version}${r.board ? `, ${r.board}` : ''}${r.architecture ? ` (${r.architecture})` : ''}`
            : `unknown: ${r.reason}`}
        </dd>
        <dt>Connection</dt>
        <dd className="mono">
          {c.name} — {c.host}:{c.port}, {c.transport}
          {c.user ? `, user ${c.user}` : ''}
          {c.encoding ? `, ${c.encoding}` : ''}
        </dd>
        <dt>Made with</dt>
        <dd>
          Tikscope {info.appVersion} on {info.platform}, {info.createdAt}
        </dd>
      </dl>
    </section>
  );
}

const SCOPES: { scope: TraceScope; label: string }[] = [
  { scope: 'all', label: 'Everything' },
  { scope: 'no-rows', label: 'All but live-table rows' },
  { scope: 'commands', label: 'Commands only' },
];
const BUFFER_MIB = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

const FORMATS: { format: TraceFormat; label: string }[] = [
  { format: 'text', label: 'Export text' },
  { format: 'jsonl', label: 'Export JSON Lines' },
  { format: 'pcapng', label: 'Export pcapng' },
];

const REPLY_FILTERS: { value: ReplyFilter; label: string }[] = [
  { value: '', label: 'Any' },
  { value: '!re', label: '!re' },
  { value: '!done', label: '!done' },
  { value: '!trap', label: '!trap' },
  { value: '!fatal', label: '!fatal' },
  { value: '!empty', label: '!empty' },
  { value: 'problems', label: '!trap or !fatal' },
];

/** The slow-reply threshold as typed: kept as text while it is being edited, applied when valid. */
function SlowThreshold({ value, onChange }: { value: number; onChange: (ms: number) => void }) {
  const [text, setText] = useState(String(value));
  return (
    <label className="inline-field">
      <span>Slow after (ms)</span>
      <input
        className="input input-small slow-input"
        type="number"
        min={0}
        step={100}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() !== '') onChange(Number(e.target.value));
        }}
      />
    </label>
  );
}

export function TracePanel({ connectionId, imported }: { connectionId: string; imported?: boolean }) {
  const view = useApp((s) => s.traces[connectionId]) ?? emptyTrace();
  const actions = useApp(
    useShallow((s) => ({
      setFilters: s.setTraceFilters,
      setFollow: s.setTraceFollow,
      setExpanded: s.setTraceExpanded,
      setSlowMs: s.setTraceSlowMs,
      toggleGroup: s.toggleTraceGroup,
      setFoldAll: s.setTraceFoldAll,
      exportTrace: s.exportTrace,
      clear: s.clearTrace,
      openReplay: s.openReplay,
      openRepro: s.openReproExport,
      setScope: s.setTraceScope,
      setBufferMiB: s.setTraceBufferMiB,
    })),
  );
  const scope = useApp((s) => s.settings.traceScopes[connectionId] ?? 'all');
  const bufferMiB = useApp((s) => s.settings.traceBufferMiB);
  const run = useRun();
  const uid = useId();
  const ref = useRef<HTMLDivElement>(null);
  const { log, version, filters, pinned } = view;
  // The pinned entries the log no longer holds come first (main pins them; so does this view).
  const rows = useMemo(
    () => traceRows({ log, pinned }),
    // The log is mutable; `version` says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [log, pinned, version],
  );
  // Commands, reply times and groups, updated with the entries that are new since the last render.
  const [analysis] = useState(() => new TraceAnalysis());
  const revision = useMemo(() => analysis.update(rows, log).revision, [analysis, rows, log]);
  const { folding, slowMs } = view;
  const indices = useMemo(
    () => filterTrace(rows.get, rows.length, filters, { analysis, folding, slowMs }),
    // `revision` says when the analysis changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, filters, analysis, revision, folding, slowMs],
  );
  const toggle = useCallback((seq: number) => actions.toggleGroup(connectionId, seq), [actions, connectionId]);
  const count = indices ? indices.length : rows.length;
  const at = useCallback((i: number) => rows.get(indices ? (indices[i] as number) : i), [rows, indices]);
  // A stable key function: the virtualiser rebuilds its measurements whenever it changes identity.
  const getItemKey = useCallback((i: number) => at(i)?.seq ?? i, [at]);
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; TanStack Virtual is used as documented.
  const v = useVirtualizer({
    count,
    getScrollElement: () => ref.current,
    estimateSize: (i) => {
      const e = at(i);
      return e ? entryHeight(e, view.expanded) : LINE_HEIGHT;
    },
    overscan: 8,
    getItemKey,
  });
  useEffect(() => {
    if (view.follow && count > 0) v.scrollToIndex(count - 1, { align: 'end' });
  }, [view.follow, count, version, v]);
  // Sizes depend on the filtered entries and the layout: re-measure when either changes.
  useEffect(() => v.measure(), [indices, view.expanded, v]);

  const tags = useMemo(() => {
    const s = new Set<string>();
    for (let i = Math.max(0, rows.length - 2000); i < rows.length; i++) {
      const t = rows.get(i)?.tag;
      if (t !== undefined) s.add(t);
    }
    return [...s];
  }, [rows]);

  // Following a tag clears a text filter, which would hide the tag's replies (its !re and !done
  // rarely contain the text that found the command), and says so (issue 14).
  const [clearedText, setClearedText] = useState<string | undefined>(undefined);
  const follow = (tag: string) => {
    setClearedText(filters.text || undefined);
    actions.setFilters(connectionId, { tag, text: '' });
  };
  // Live batches are capped by main; opening the Trace fills any gaps from main's ring buffer.
  const load = useApp((s) => s.loadTrace);
  useEffect(() => {
    if (!imported) run(load(connectionId));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connectionId, imported]);

  return (
    <div className="trace">
      <div className="trace-bar" role="toolbar" aria-label="Trace filters and export">
        <label className="inline-field">
          <span>Direction</span>
          <select
            className="input input-small"
            value={filters.direction}
            onChange={(e) => actions.setFilters(connectionId, { direction: e.target.value as TraceFilters['direction'] })}
          >
            <option value="all">Both</option>
            <option value="out">Sent</option>
            <option value="in">Received</option>
          </select>
        </label>
        <label className="inline-field">
          <span>Tag</span>
          <input
            className="input input-small mono tag-input"
            value={filters.tag}
            list={`${uid}-tags`}
            placeholder="any"
            onChange={(e) => actions.setFilters(connectionId, { tag: e.target.value.trim() })}
          />
          <datalist id={`${uid}-tags`}>
            {tags.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </label>
        <label className="inline-field">
          <span>Text</span>
          <input
            className="input input-small"
            type="search"
            value={filters.text}
            placeholder="word or value"
            onChange={(e) => actions.setFilters(connectionId, { text: e.target.value })}
          />
        </label>
        <label className="inline-field">
          <span>Command</span>
          <input
            className="input input-small mono"
            type="search"
            value={filters.command}
            placeholder="any"
            onChange={(e) => actions.setFilters(connectionId, { command: e.target.value })}
          />
        </label>
        <label className="inline-field">
          <span>Reply type</span>
          <select
            className="input input-small"
            value={filters.reply}
            onChange={(e) => actions.setFilters(connectionId, { reply: e.target.value as ReplyFilter })}
          >
            {REPLY_FILTERS.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <SlowThreshold value={slowMs} onChange={(ms) => actions.setSlowMs(connectionId, ms)} />
        <label className="check">
          <input
            type="checkbox"
            checked={filters.slowOnly}
            onChange={(e) => actions.setFilters(connectionId, { slowOnly: e.target.checked })}
          />{' '}
          Slow only
        </label>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => actions.setFoldAll(connectionId, true)}>
          Fold all
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => actions.setFoldAll(connectionId, false)}>
          Unfold all
        </button>
        <label className="check">
          <input
            type="checkbox"
            checked={filters.hideOwn}
            onChange={(e) => actions.setFilters(connectionId, { hideOwn: e.target.checked })}
          />{' '}
          Hide Tikscope&apos;s own traffic
        </label>
        <label className="check">
          <input type="checkbox" checked={view.follow} onChange={(e) => actions.setFollow(connectionId, e.target.checked)} />{' '}
          Follow newest
        </label>
        <label className="check">
          <input type="checkbox" checked={view.expanded} onChange={(e) => actions.setExpanded(connectionId, e.target.checked)} />{' '}
          One word per line
        </label>
        {filters.tag && (
          <span className="following">
            Following tag <code>{filters.tag}</code>
            {clearedText !== undefined && !filters.text && <> (text filter “{clearedText}” cleared)</>}
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => actions.setFilters(connectionId, { tag: '' })}
            >
              Show all tags
            </button>
          </span>
        )}
        {!imported && (
          <label className="inline-field">
            <span>Capture</span>
            <select
              className="input input-small"
              value={scope}
              title="What this router's trace records from now on"
              onChange={(e) => run(actions.setScope(connectionId, e.target.value as TraceScope))}
            >
              {SCOPES.map((s) => (
                <option key={s.scope} value={s.scope}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {!imported && (
          <label className="inline-field">
            <span>Buffer</span>
            <select
              className="input input-small"
              value={bufferMiB}
              title="Trace buffer size of each router; the oldest sentences go first, the pinned ones never"
              onChange={(e) => run(actions.setBufferMiB(Number(e.target.value)))}
            >
              {(BUFFER_MIB.includes(bufferMiB) ? BUFFER_MIB : [...BUFFER_MIB, bufferMiB].sort((a, b) => a - b)).map((m) => (
                <option key={m} value={m}>
                  {m} MiB
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="spacer" />
        <span className="metric">
          {indices ? `${formatCount(count)} of ${plural(rows.length, 'sentence')}` : plural(rows.length, 'sentence')}
          {view.dropped > 0 ? ` · ${formatCount(view.dropped)} dropped` : ''}
          {view.skipped > 0 ? ` · ${formatCount(view.skipped)} not recorded (scope)` : ''}
        </span>
        {!imported &&
          FORMATS.map((f) => (
            <button
              key={f.format}
              type="button"
              className="btn btn-small"
              aria-describedby={f.format === 'pcapng' ? `${uid}-wireshark` : undefined}
              onClick={() => run(actions.exportTrace(connectionId, f.format))}
            >
              {f.label}
            </button>
          ))}
        {!imported && (
          <span id={`${uid}-wireshark`} className="export-note">
            Wireshark shows pcapng sentence by sentence with routeros-api.lua (docs/wireshark.md)
          </span>
        )}
        {!imported && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => run(actions.clear(connectionId))}>
            Clear trace
          </button>
        )}
        <button type="button" className="btn btn-small" onClick={() => run(actions.openReplay(connectionId))}>
          Replay…
        </button>
        <button type="button" className="btn btn-small" onClick={() => actions.openRepro(connectionId)}>
          Export repro bundle…
        </button>
      </div>
      {view.repro && <ReproSummary info={view.repro} />}
      <div className="trace-head" aria-hidden="true">
        <span className="t-fold" />
        <span className="t-time">time</span>
        <span className="t-dir">dir</span>
        <span className="t-tag">tag</span>
        <span className="t-mark">marks</span>
        <span className="t-words">words</span>
        <span className="t-bytes">bytes</span>
      </div>
      <div ref={ref} className="trace-scroll" onWheel={() => view.follow && actions.setFollow(connectionId, false)}>
        <div
          role="list"
          aria-label={imported ? 'Imported trace' : 'Trace'}
          className="trace-list"
          style={{ height: v.getTotalSize() }}
        >
          {v.getVirtualItems().map((item) => {
            const e = at(item.index);
            const info = e && analysis.get(e.seq);
            return e ? (
              <TraceItem
                key={item.key}
                e={e}
                top={item.start}
                expanded={view.expanded}
                onFollow={follow}
                info={info}
                replies={info?.replies}
                problems={info?.problems}
                tookMs={info?.tookMs}
                slowMs={slowMs}
                folded={isFolded(folding, e.seq)}
                onToggle={toggle}
              />
            ) : null;
          })}
        </div>
        {count === 0 && (
          <p className="empty-note grid-empty">
            {rows.length
              ? 'No sentence matches the filters.'
              : 'No sentences yet. Everything sent and received on this connection appears here.'}
          </p>
        )}
      </div>
    </div>
  );
}
