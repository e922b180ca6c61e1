import { useShallow } from 'zustand/react/shallow';
import { useApp, useNow, useRun } from '../hooks';
import { linkWarning, TRANSPORT_LABEL } from '../lib/format';
import type { PanelTab, Workspace as WorkspaceModel } from '../store/types';
import { CompareVersionsButton } from './CompareVersions';
import { ConsolePanel } from './ConsolePanel';
import { HistoryPanel } from './HistoryPanel';
import { SafeMode } from './SafeMode';
import { statusClass } from './Sidebar';
import { TablesPanel } from './TablesPanel';
import { Tabs } from './Tabs';
import { TracePanel } from './TracePanel';

const PANELS: { key: PanelTab; label: string }[] = [
  { key: 'console', label: 'Console' },
  { key: 'tables', label: 'Tables' },
  { key: 'trace', label: 'Trace' },
  { key: 'history', label: 'History' },
];

export function workspaceTitle(ws: WorkspaceModel, name: string | undefined): string {
  return ws.kind === 'import' ? `Trace ${ws.title ?? ws.id}` : (name ?? ws.id);
}

function Header({ ws }: { ws: WorkspaceModel }) {
  const { conn, link } = useApp(useShallow((s) => ({ conn: s.connections.find((c) => c.id === ws.id), link: s.links[ws.id] })));
  const now = useNow(500, link?.status === 'backoff');
  const connect = useApp((s) => s.connect);
  const run = useRun();
  if (ws.kind === 'import') {
    return (
      <header className="ws-head">
        <span className="ws-name">{ws.title}</span>
        <span className="ws-meta">imported trace, read only</span>
      </header>
    );
  }
  const transport = link?.transport ?? conn?.transport ?? 'plain';
  const warning = linkWarning(link, transport);
  const router = link?.router;
  const notOnline = link?.status !== 'online';
  let why = '';
  if (notOnline) {
    if (link?.status === 'backoff') {
      // The drop reason stays in view while waiting, next to Retry now (issue 11).
      const wait = link.nextAttemptAt !== undefined ? Math.max(0, Math.ceil((link.nextAttemptAt - now) / 1000)) : 0;
      why = `reconnecting in ${wait} s${link.reason ? ` — ${link.reason}` : ''}`;
    } else if (link?.status === 'connecting') why = 'logging in…';
    else why = link?.reason ? `offline — ${link.reason}` : 'offline';
  }
  return (
    <header className="ws-head">
      <span className={statusClass(link)} aria-hidden="true" />
      <span className="ws-name">{conn?.name ?? ws.id}</span>
      {router && (
        <span className="ws-meta">
          <span className="ws-identity" title="/system/identity">
            {router.identity}
          </span>
          <span>RouterOS {router.version}</span>
          {router.board && <span>{router.board}</span>}
        </span>
      )}
      <span className="ws-meta">
        <span>{TRANSPORT_LABEL[transport]}</span>
        {conn && (
          <span className="mono">
            {conn.host}:{conn.port}
          </span>
        )}
      </span>
      {warning && (
        <span className={`ws-warning ${link?.encrypted === false || transport === 'plain' ? 'danger' : ''}`} role="note">
          ⚠ {warning}
        </span>
      )}
      {notOnline && <span className="ws-offline">{why}</span>}
      <CompareVersionsButton connectionId={ws.id} />
      {link?.status === 'backoff' && (
        <button type="button" className="btn btn-small" onClick={() => run(connect(ws.id))}>
          Retry now
        </button>
      )}
      <SafeMode connectionId={ws.id} base={`ws-${ws.id.replace(/[^A-Za-z0-9_-]/g, '_')}`} />
    </header>
  );
}

export function WorkspaceView({ ws, focused }: { ws: WorkspaceModel; focused: boolean }) {
  const name = useApp((s) => s.connections.find((c) => c.id === ws.id)?.name);
  const setTab = useApp((s) => s.setTab);
  const focus = useApp((s) => s.focusWorkspace);
  const title = workspaceTitle(ws, name);
  const base = `ws-${ws.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const panels = ws.kind === 'import' ? PANELS.filter((p) => p.key === 'trace') : PANELS;
  return (
    <section
      className={`workspace${focused ? ' focused' : ''}`}
      aria-label={title}
      id={base}
      onFocusCapture={() => !focused && focus(ws.id)}
      onMouseDown={() => !focused && focus(ws.id)}
    >
      <Header ws={ws} />
      <Tabs
        label={`${title} views`}
        className="tabs panel-tabs"
        items={panels.map((p) => ({ key: p.key, label: p.label, id: `${base}-tab-${p.key}`, panelId: `${base}-panel-${p.key}` }))}
        selected={ws.tab}
        onSelect={(k) => setTab(ws.id, k)}
      />
      <div role="tabpanel" id={`${base}-panel-${ws.tab}`} aria-labelledby={`${base}-tab-${ws.tab}`} className="panel">
        {ws.tab === 'console' && <ConsolePanel connectionId={ws.id} />}
        {ws.tab === 'tables' && <TablesPanel connectionId={ws.id} />}
        {ws.tab === 'trace' && <TracePanel connectionId={ws.id} imported={ws.kind === 'import'} />}
        {ws.tab === 'history' && <HistoryPanel connectionId={ws.id} />}
      </div>
    </section>
  );
}
