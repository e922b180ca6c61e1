import { memo, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useShallow } from 'zustand/react/shallow';
import type { ConsoleReply, HistoryEntry, Row } from '../../../app-main/src/common/contract';
import { useApp, useNow, useRun } from '../hooks';
import { looksLikeCli, translateCli, type CliTranslation } from '../lib/cli';
import { COMMON_COMMANDS, replaceLine, suggest } from '../lib/completion';
import { formatCount, formatElapsed, plural, treeNote } from '../lib/format';
import { replyKindClass, replyRow, sentenceWords, splitAttribute } from '../lib/words';
import { emptyConsole } from '../store/console';
import type { ConsoleCommand } from '../store/types';
import { CompletionList, completionKey } from './Completion';
import { DataGrid } from './DataGrid';
import { ConsoleGraphs } from './Graph';
import { useRouterCompletion } from './RouterCompletion';
import { DetailView, isSingleItem, printedMenu, RawSwitch } from './Values';

const LINE_HEIGHT = 20;
const NO_HISTORY: HistoryEntry[] = [];
/** Replies shown before the list scrolls inside its card. */
const VISIBLE_LINES = 16;

const STATUS_LABEL: Record<ConsoleCommand['status'], string> = {
  sending: 'sending…',
  running: 'running…',
  done: 'done',
  trap: 'trap',
  cancelled: 'cancelled',
  'cancel-unconfirmed': 'cancel unconfirmed',
  timeout: 'timed out',
  fatal: 'fatal',
  'outcome-unknown': 'outcome unknown',
  failed: 'failed',
};

/** One word of a reply, coloured by its part (reply word, attribute name/value, API attribute). */
function Word({ word, index }: { word: string; index: number }) {
  if (index === 0) return <span className={`w-kind ${replyKindClass(word)}`}>{word}</span>;
  if (word.startsWith('.tag=')) return <span className="w-api">{word}</span>;
  const a = splitAttribute(word);
  if (a)
    return (
      <span className="w-attr">
        <span className="w-name">={a[0]}=</span>
        <span className="w-value">{a[1]}</span>
      </span>
    );
  return <span className="w-other">{word}</span>;
}

const ReplyLine = memo(function ReplyLine({ reply, top }: { reply: ConsoleReply; top: number }) {
  return (
    <div
      role="listitem"
      className={`reply-line ${replyKindClass(reply.kind)}-line`}
      style={{ transform: `translateY(${top}px)` }}
    >
      {reply.words.map((w, i) => (
        <Word key={i} word={w} index={i} />
      ))}
    </div>
  );
});

/**
 * The reply sentences of one command as raw words, one sentence per line, virtualised. `matches`
 * (a search inside the result) shows only those replies; `tall` lets the list use the console
 * panel's height instead of VISIBLE_LINES (issue 14: a large result was read 16 lines at a time).
 */
function ReplyLines({ cmd, matches, tall }: { cmd: ConsoleCommand; matches?: readonly number[]; tall?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const count = matches ? matches.length : cmd.log.length;
  const at = (i: number) => (matches ? matches[i] : i);
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; TanStack Virtual is used as documented.
  const v = useVirtualizer({ count, getScrollElement: () => ref.current, estimateSize: () => LINE_HEIGHT, overscan: 10 });
  const lines = tall !== undefined ? Math.max(VISIBLE_LINES, Math.floor(tall / LINE_HEIGHT)) : VISIBLE_LINES;
  const height = Math.min(count, lines) * LINE_HEIGHT + 2;
  // Follow the newest reply of a streaming command while the user has not scrolled up.
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    if (atBottom.current && count > VISIBLE_LINES) v.scrollToIndex(count - 1, { align: 'end' });
  }, [cmd.version, count, v]);
  return (
    <div
      ref={ref}
      className="reply-scroll"
      style={{ height }}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - LINE_HEIGHT * 2;
      }}
    >
      <div
        role="list"
        aria-label={`Replies to ${cmd.words[0] ?? ''}`}
        className="reply-list"
        style={{ height: v.getTotalSize() }}
      >
        {v.getVirtualItems().map((item) => {
          const index = at(item.index);
          const r = index === undefined ? undefined : cmd.log.get(index);
          return r && index !== undefined ? <ReplyLine key={index + cmd.log.dropped} reply={r} top={item.start} /> : null;
        })}
      </div>
    </div>
  );
}

/**
 * `!re` replies as a table (attribute names as columns), values readable unless **Raw values** is
 * on; the one item of a single-item menu's print as a detail view (issue 14).
 */
function ReplyTable({ cmd, connectionId }: { cmd: ConsoleCommand; connectionId: string }) {
  const [sorting, setSorting] = useState<{ id: string; desc: boolean }[]>([]);
  const [raw, setRaw] = useState(false);
  const { rows, columns } = useMemo(() => {
    const rows: Row[] = [];
    const cols = new Set<string>();
    for (let i = 0; i < cmd.log.length; i++) {
      const r = cmd.log.get(i);
      if (r?.kind !== '!re') continue;
      const row = replyRow(r.words);
      for (const k in row) cols.add(k);
      rows.push(row);
    }
    return { rows, columns: [...cols] };
    // The log is mutable; its version says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cmd.log, cmd.version]);
  if (!rows.length) return <p className="empty-note">No !re replies to show as a table.</p>;
  const menu = printedMenu(cmd.words[0]);
  const finished = cmd.status !== 'running' && cmd.status !== 'sending';
  // A query or a property list can make one row without .id out of any menu: such a print is
  // shown as a detail view, but not offered for `set` (it may not be a single-item menu).
  const narrowed = cmd.words.some((w) => w.startsWith('?') || w.startsWith('=.proplist='));
  if (menu && finished && isSingleItem(rows) && rows[0])
    return (
      <div className="reply-detail">
        <RawSwitch on={raw} onChange={setRaw} />
        <DetailView
          label={`Details of ${menu}`}
          row={rows[0]}
          columns={columns}
          readable={!raw}
          {...(narrowed ? {} : { connectionId })}
          path={menu}
        />
      </div>
    );
  return (
    <>
      <RawSwitch on={raw} onChange={setRaw} />
      <div className="reply-table" style={{ height: Math.min(rows.length + 1, VISIBLE_LINES) * 22 + 18 }}>
        <DataGrid
          label={`Rows of ${cmd.words[0] ?? ''}`}
          rows={rows}
          columns={columns}
          sorting={sorting}
          onSortingChange={setSorting}
          filter=""
          readable={!raw}
        />
      </div>
    </>
  );
}

function Elapsed({ cmd }: { cmd: ConsoleCommand }) {
  const running = cmd.status === 'running' || cmd.status === 'sending';
  const now = useNow(200, running);
  const ms = running ? Math.max(cmd.elapsedMs, now - cmd.startedAt) : cmd.elapsedMs;
  return <span className="cmd-elapsed">{formatElapsed(ms)}</span>;
}

const CommandCard = memo(function CommandCard({ cmd, connectionId }: { cmd: ConsoleCommand; connectionId: string }) {
  const cancel = useApp((s) => s.cancelCommand);
  const toggle = useApp((s) => s.toggleCommandView);
  const run = useRun();
  const running = cmd.status === 'running' || cmd.status === 'sending';
  const [first, ...rest] = cmd.words;
  const dropped = cmd.log.dropped;
  const [graph, setGraph] = useState(false);
  // Search inside a large result, and let it use the panel's height (issue 14).
  const [query, setQuery] = useState('');
  const [tall, setTall] = useState<number | undefined>(undefined);
  const large = cmd.log.length > VISIBLE_LINES;
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return undefined;
    const out: number[] = [];
    for (let i = 0; i < cmd.log.length; i++) if (cmd.log.get(i)?.words.join(' ').toLowerCase().includes(q)) out.push(i);
    return out;
    // The log is mutable; its version says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, cmd.log, cmd.version]);
  return (
    <article className={`cmd cmd-${cmd.status}`} aria-label={`${first ?? ''} — ${STATUS_LABEL[cmd.status]}`}>
      <header className="cmd-head">
        <code className="cmd-words" title={cmd.words.join('\n')}>
          <span className="cmd-command">{first}</span>
          {rest.map((w, i) => (
            <span key={i} className="cmd-arg">
              {' '}
              {w}
            </span>
          ))}
        </code>
        <span className="cmd-meta">
          {cmd.tag !== undefined && (
            <span className="cmd-tag" title="Tag on the wire">
              tag {cmd.tag}
            </span>
          )}
          <span className={`cmd-status s-${cmd.status}`}>{STATUS_LABEL[cmd.status]}</span>
          <span className="cmd-rows">{plural(cmd.rows, 'row')}</span>
          <Elapsed cmd={cmd} />
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-pressed={cmd.view === 'table'}
            onClick={() => toggle(connectionId, cmd.key)}
            disabled={cmd.rows === 0}
          >
            Table view
          </button>
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-pressed={graph}
            onClick={() => setGraph((g) => !g)}
            disabled={cmd.rows === 0}
          >
            Graph
          </button>
          {running && (
            <button
              type="button"
              className="btn btn-small btn-danger"
              onClick={() => run(cancel(connectionId, cmd.key))}
              disabled={!cmd.commandId}
            >
              Cancel
            </button>
          )}
        </span>
      </header>
      {cmd.error && (
        <p
          className="cmd-error"
          role={
            cmd.status === 'failed' || cmd.status === 'outcome-unknown' || cmd.status === 'cancel-unconfirmed'
              ? 'alert'
              : undefined
          }
        >
          {cmd.error.message}
          {cmd.error.hint && <span className="hint"> {cmd.error.hint}</span>}
        </p>
      )}
      {dropped > 0 && (
        <p className="cmd-note">
          {formatCount(dropped)} earlier replies were dropped to keep memory bounded; the row count still includes them.
        </p>
      )}
      {graph && cmd.rows > 0 && <ConsoleGraphs cmd={cmd} />}
      {large && cmd.view !== 'table' && (
        <div className="cmd-find">
          <input
            className="input input-small"
            type="search"
            aria-label="Search the replies"
            placeholder="Search the replies"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          {matches && (
            <span role="status" className="metric">
              {formatCount(matches.length)} of {plural(cmd.log.length, 'reply', 'replies')} match
            </span>
          )}
          <button
            type="button"
            className="btn btn-small btn-ghost"
            aria-pressed={tall !== undefined}
            onClick={(e) => {
              if (tall !== undefined) return setTall(undefined);
              // The console log's visible height, less room for this card's header.
              const panel = e.currentTarget.closest('.console-log');
              setTall(Math.max(VISIBLE_LINES * LINE_HEIGHT, (panel?.clientHeight ?? 0) - 90, window.innerHeight * 0.5));
            }}
          >
            Use the panel’s height
          </button>
        </div>
      )}
      {cmd.log.length > 0 &&
        (cmd.view === 'table' ? (
          <ReplyTable cmd={cmd} connectionId={connectionId} />
        ) : (
          <ReplyLines cmd={cmd} {...(matches ? { matches } : {})} {...(tall !== undefined ? { tall } : {})} />
        ))}
    </article>
  );
});

function CliHint({
  t,
  error,
  onUse,
  held,
  onSendApi,
  onSendTyped,
}: {
  t?: CliTranslation;
  error?: string;
  onUse: () => void;
  /** Send was pressed on CLI syntax: nothing went out; the user chooses. */
  held: boolean;
  onSendApi: () => void;
  onSendTyped: () => void;
}) {
  return (
    <section className="cli-hint" aria-label="API form">
      {held && (
        <div className="cli-held" role="alert">
          <span>
            Not sent: this is CLI syntax, which the API does not understand
            {t ? '. Send the API form shown below, or edit the sentence.' : ' — and it cannot be translated.'}
          </span>
          {t && (
            <button type="button" className="btn btn-small btn-primary" onClick={onSendApi}>
              Send API form
            </button>
          )}
          <button type="button" className="btn btn-small" onClick={onSendTyped}>
            Send as typed
          </button>
        </div>
      )}
      {error ? (
        <p>This looks like CLI syntax, but it cannot be turned into API words: {error}</p>
      ) : t ? (
        <>
          <div className="cli-hint-head">
            <span>
              This looks like CLI syntax. The API wants one word per line: <strong>{t.words[0]}</strong>
            </span>
            <button type="button" className="btn btn-small btn-primary" onClick={onUse}>
              Use API form
            </button>
          </div>
          <ul className="cli-words">
            {t.explanations.map((x, i) => (
              <li key={i}>
                <code>{x.word}</code> <span className="muted">{x.text}</span>
              </li>
            ))}
          </ul>
          {t.warnings.map((w) => (
            <p key={w} className="warn-text">
              {w}
            </p>
          ))}
        </>
      ) : null}
    </section>
  );
}

function HistoryPanel({ connectionId, onPick }: { connectionId: string; onPick: (words: string[]) => void }) {
  const history = useApp((s) => s.consoles[connectionId]?.history ?? NO_HISTORY);
  const [q, setQ] = useState('');
  const uid = useId();
  const { openTool, editLibraryCommand } = useApp(
    useShallow((s) => ({ openTool: s.openTool, editLibraryCommand: s.editLibraryCommand })),
  );
  // The library form, prefilled with the sentence (issue 15: the history offers Save as command).
  const saveAsCommand = (words: string[]) => {
    editLibraryCommand({ sentences: [words] });
    openTool('library');
  };
  const shown = useMemo(() => {
    const s = q.toLowerCase();
    return (s ? history.filter((h) => h.words.join(' ').toLowerCase().includes(s)) : history).slice(0, 200);
  }, [history, q]);
  return (
    <div className="history-panel">
      <input
        className="input"
        type="search"
        aria-label="Search history"
        placeholder="Search history"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <ul aria-label="Command history" className="history-list" id={`${uid}-list`}>
        {shown.map((h) => (
          <li key={h.id} className="history-row">
            <button type="button" className="history-item" onClick={() => onPick(h.words)}>
              <code>{h.words.join(' ')}</code>
              <span className="muted">
                {h.outcome ? ` ${h.outcome}` : ''}
                {h.rows !== undefined ? ` · ${plural(h.rows, 'row')}` : ''}
              </span>
            </button>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              aria-label={`Save ${h.words[0] ?? 'command'} as a library command`}
              title="Save as command"
              onClick={() => saveAsCommand(h.words)}
            >
              Save as command
            </button>
          </li>
        ))}
        {!shown.length && <li className="empty-note">{q ? 'Nothing in the history matches.' : 'No commands sent yet.'}</li>}
      </ul>
    </div>
  );
}

export function ConsolePanel({ connectionId }: { connectionId: string }) {
  const state = useApp((s) => s.consoles[connectionId]) ?? emptyConsole();
  const actions = useApp(
    useShallow((s) => ({
      setDraft: s.setDraft,
      sendCommand: s.sendCommand,
      historyStep: s.historyStep,
      clearConsole: s.clearConsole,
    })),
  );
  const run = useRun();
  const uid = useId();
  const textRef = useRef<HTMLTextAreaElement>(null);
  // After connecting, Alt+S, Enter on a connected router: the Sentence box gets the focus.
  const focusRequest = useApp((s) => s.focusRequest);
  const focusDone = useApp((s) => s.focusDone);
  useEffect(() => {
    if (focusRequest?.id !== connectionId || focusRequest.target !== 'sentence' || !textRef.current) return;
    textRef.current.focus();
    focusDone(focusRequest.seq);
  }, [focusRequest, connectionId, focusDone]);
  const logRef = useRef<HTMLDivElement>(null);
  const [showHistory, setShowHistory] = useState(false);
  const [active, setActive] = useState(-1);
  const [closedFor, setClosedFor] = useState<string | null>(null);
  const { draft, commands } = state;
  // Where the caret is: completion from the router depends on the line being typed.
  const [caret, setCaret] = useState(draft.length);
  const pendingCaret = useRef<number | null>(null);

  const firstLine = draft.split('\n')[0] ?? '';
  const historyCommands = useMemo(() => state.history.map((h) => h.words[0] ?? ''), [state.history]);
  const router = useRouterCompletion(connectionId, draft, caret);
  const listKey = `${draft}\u0000${caret}`;
  // The router's own options when it answered for this line; otherwise the built-in suggestions
  // while the command itself is being typed (a single line, no CLI spaces), exactly as before.
  const fromRouter = router.answered;
  const routerItems = fromRouter && closedFor !== listKey ? router.items : [];
  const suggestions = fromRouter
    ? routerItems.map((i) => i.label)
    : !draft.includes('\n') && !looksLikeCli(firstLine) && closedFor !== firstLine
      ? suggest(firstLine.trim(), COMMON_COMMANDS, historyCommands)
      : [];

  // Keep the caret state in step with the text box (history recall and "Use API form" replace
  // the draft from outside), and put it after an accepted completion.
  useLayoutEffect(() => {
    const el = textRef.current;
    if (!el) return;
    if (pendingCaret.current !== null) {
      el.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
    setCaret(el.selectionStart);
  }, [draft]);

  const cli = useMemo(() => {
    if (!looksLikeCli(firstLine)) return undefined;
    try {
      const t = translateCli(firstLine);
      const rest = sentenceWords(draft).slice(1);
      return { t: { ...t, words: [...t.words, ...rest] } };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }, [firstLine, draft]);

  // Keep the newest command in view, unless the user scrolled up to read.
  const stick = useRef(true);
  const totalVersion = commands.reduce((n, c) => n + c.version, commands.length);
  useLayoutEffect(() => {
    const el = logRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [totalVersion]);

  // CLI syntax is never sent as typed without a word (issue 14): Send holds it and asks.
  const [heldFor, setHeldFor] = useState<string | undefined>(undefined);
  const held = cli !== undefined && heldFor === draft;
  const sendWords = (words: string[]) => {
    if (!words.length) return;
    setHeldFor(undefined);
    stick.current = true;
    run(actions.sendCommand(connectionId, words));
  };
  const send = () => {
    const words = sentenceWords(draft);
    if (!words.length) return;
    if (cli) {
      setHeldFor(draft);
      return;
    }
    sendWords(words);
  };

  const accept = (item: string) => {
    if (fromRouter && router.ctx) {
      const picked = routerItems.find((i) => i.label === item);
      if (!picked) return;
      const next = replaceLine(draft, router.ctx.line, picked.line);
      pendingCaret.current = next.caret;
      actions.setDraft(connectionId, next.draft);
      setActive(-1);
      setClosedFor(null);
      textRef.current?.focus();
      return;
    }
    const lines = draft.split('\n');
    lines[0] = item;
    actions.setDraft(connectionId, lines.join('\n'));
    setActive(-1);
    setClosedFor(item);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send();
      return;
    }
    if (
      completionKey(
        e,
        { open: suggestions.length > 0, count: suggestions.length, active },
        { setActive, accept: (i) => accept(suggestions[i] ?? ''), close: () => setClosedFor(fromRouter ? listKey : firstLine) },
      )
    )
      return;
    const el = e.currentTarget;
    if (e.key === 'ArrowUp' && !e.shiftKey && !el.value.slice(0, el.selectionStart).includes('\n')) {
      e.preventDefault();
      actions.historyStep(connectionId, -1);
    } else if (e.key === 'ArrowDown' && !e.shiftKey && !el.value.slice(el.selectionEnd).includes('\n')) {
      e.preventDefault();
      actions.historyStep(connectionId, 1);
    }
  };

  const running = commands.some((c) => c.status === 'running' || c.status === 'sending');
  const lines = draft ? draft.split('\n').length : 1;

  return (
    <div className="console">
      <div
        ref={logRef}
        className="console-log"
        role="log"
        aria-live="off"
        aria-label="Console replies"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 40;
        }}
      >
        {commands.length === 0 ? (
          <div className="console-empty">
            <p>Type a sentence below: the command on the first line, then one word per line, e.g.</p>
            <pre className="example">{'/interface/print\n?type=ether\n=.proplist=name,running'}</pre>
            <p className="muted">
              Ctrl+Enter sends. CLI syntax such as “/ip address print” is shown in API form first, and sent that way when you
              accept it.
            </p>
          </div>
        ) : (
          commands.map((c) => <CommandCard key={c.key} cmd={c} connectionId={connectionId} />)
        )}
      </div>
      {cli && (
        <CliHint
          t={cli.t}
          error={cli.error}
          onUse={() => cli.t && actions.setDraft(connectionId, cli.t.words.join('\n'))}
          held={held}
          onSendApi={() => cli.t && sendWords(cli.t.words)}
          onSendTyped={() => sendWords(sentenceWords(draft))}
        />
      )}
      {showHistory && (
        <HistoryPanel
          connectionId={connectionId}
          onPick={(w) => {
            actions.setDraft(connectionId, w.join('\n'));
            setShowHistory(false);
            textRef.current?.focus();
          }}
        />
      )}
      <div className="composer">
        <div className="composer-field">
          <label htmlFor={`${uid}-sentence`} className="composer-label">
            Sentence
          </label>
          <textarea
            ref={textRef}
            id={`${uid}-sentence`}
            className="input mono sentence"
            rows={Math.min(8, Math.max(3, lines))}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            placeholder={'/interface/print\n=.proplist=name,type'}
            value={draft}
            aria-autocomplete="list"
            aria-controls={suggestions.length ? `${uid}-complete` : undefined}
            aria-activedescendant={active >= 0 && suggestions.length ? `${uid}-complete-${active}` : undefined}
            aria-describedby={`${uid}-hint`}
            onChange={(e) => {
              actions.setDraft(connectionId, e.target.value);
              setCaret(e.target.selectionStart);
              setClosedFor(null);
              setActive(-1);
            }}
            onSelect={(e) => {
              const at = e.currentTarget.selectionStart;
              if (at !== caret) {
                setCaret(at);
                setActive(-1);
              }
            }}
            onKeyDown={onKeyDown}
          />
          <CompletionList
            id={`${uid}-complete`}
            label={
              fromRouter
                ? router.fromTree
                  ? `Completions ${treeNote(router.fromTree)}`
                  : 'Completions from the router'
                : 'Command suggestions'
            }
            items={suggestions}
            details={fromRouter ? routerItems.map((i) => i.description) : undefined}
            active={active}
            onPick={accept}
          />
          {fromRouter && router.fromTree && (
            <p className="complete-note" role="note">
              {`Suggestions ${treeNote(router.fromTree)}`}
              {router.unavailable ? ` (${router.unavailable}).` : '.'}
            </p>
          )}
          {fromRouter && !router.fromTree && router.mayBeIncomplete && routerItems.length > 0 && (
            <p className="complete-note">Values suggested by the router; the list may be incomplete.</p>
          )}
          <div className="complete-warnings" role="status" aria-label="Sentence check">
            {router.warnings.map((w) => (
              <p key={`${w.line}:${w.name}`} className="warn-text">
                {w.message}
              </p>
            ))}
          </div>
        </div>
        <div className="composer-actions">
          <button type="button" className="btn btn-primary" onClick={send} disabled={!draft.trim()}>
            Send
          </button>
          <button type="button" className="btn" aria-expanded={showHistory} onClick={() => setShowHistory((x) => !x)}>
            History
          </button>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => actions.clearConsole(connectionId)}
            disabled={!commands.length || commands.every((c) => c.status === 'running')}
          >
            Clear
          </button>
          <span id={`${uid}-hint`} className="composer-hint">
            Ctrl+Enter to send · ↑/↓ history{running ? ' · Ctrl+. cancels' : ''}
          </span>
          {router.unavailable && !router.fromTree && (
            // Quiet on purpose: a router without /console/inspect is normal, not an error.
            <span className="complete-off" title={router.unavailable}>
              No completion from this router ({router.unavailable}).
            </span>
          )}
        </div>
      </div>
    </div>
  );
}
