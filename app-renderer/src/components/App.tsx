import { Component, useEffect, useState, type ErrorInfo, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ThemeSetting } from '../../../app-main/src/common/contract';
import { useApp, useAppStore, useRun } from '../hooks';
import { Dialogs } from './Dialogs';
import { HelpOverlay } from './HelpOverlay';
import { Sidebar } from './Sidebar';
import { WorkspaceArea } from './WorkspaceArea';

function useSystemDark(): boolean {
  const query =
    typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : undefined;
  const [dark, setDark] = useState(() => query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const on = (e: MediaQueryListEvent) => setDark(e.matches);
    query.addEventListener('change', on);
    return () => query.removeEventListener('change', on);
  }, [query]);
  return dark;
}

function isEditable(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Window-wide shortcuts (listed in the help overlay). */
function useShortcuts() {
  const store = useAppStore();
  const run = useRun();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = store.getState();
      const mod = e.ctrlKey || e.metaKey;
      if (e.key === 'F1' || (e.key === '?' && !isEditable(e.target) && !mod)) {
        e.preventDefault();
        s.setHelpOpen(!s.helpOpen);
        return;
      }
      if (s.dialog || s.helpOpen || s.broadcast.confirm) return;
      const ws = s.workspaces.find((w) => w.id === s.activeWorkspaceId);
      if (mod && (e.key === 'k' || e.key === 'K')) {
        e.preventDefault();
        document.getElementById('connection-search')?.focus();
      } else if (mod && e.key === '.' && ws) {
        e.preventDefault();
        const cmds = s.consoles[ws.id]?.commands ?? [];
        const last = [...cmds].reverse().find((c) => c.status === 'running' || c.status === 'sending');
        if (last) run(s.cancelCommand(ws.id, last.key));
      } else if (e.altKey && !mod && ws && ['1', '2', '3'].includes(e.key)) {
        e.preventDefault();
        const tab = (['console', 'tables', 'trace'] as const)[Number(e.key) - 1];
        if (tab && (ws.kind === 'router' || tab === 'trace')) s.setTab(ws.id, tab);
      } else if (e.altKey && !mod && (e.key === '[' || e.key === ']')) {
        e.preventDefault();
        s.cycleWorkspace(e.key === ']' ? 1 : -1);
      } else if (e.altKey && !mod && (e.key.toLowerCase() === 'n' || e.code === 'KeyN')) {
        e.preventDefault();
        s.openDialog({ kind: 'add' });
      } else if (e.altKey && !mod && (e.key.toLowerCase() === 's' || e.code === 'KeyS') && ws?.kind === 'router') {
        e.preventDefault();
        s.requestFocus(ws.id, 'sentence');
      } else if (e.altKey && !mod && (e.key.toLowerCase() === 't' || e.code === 'KeyT') && ws?.kind === 'router') {
        e.preventDefault();
        if ((s.tables[ws.id]?.path ?? '').trim() === '') s.requestFocus(ws.id, 'path');
        else {
          s.setTab(ws.id, 'tables');
          run(s.startTable(ws.id));
        }
      } else if (e.altKey && !mod && e.key === '\\') {
        e.preventDefault();
        s.setLayout(s.layout === 'split' ? 'tabs' : 'split');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, run]);
}

function TopBar() {
  const { theme, info } = useApp(useShallow((s) => ({ theme: s.settings.theme, info: s.info })));
  const actions = useApp(useShallow((s) => ({ setTheme: s.setTheme, setHelpOpen: s.setHelpOpen, importTrace: s.importTrace })));
  const run = useRun();
  return (
    <header className="topbar">
      <span className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        Tikscope
        {info && <span className="brand-version">{info.version}</span>}
      </span>
      <span className="spacer" />
      <label className="btn btn-small btn-ghost file-btn">
        Import trace…
        <input
          type="file"
          className="visually-hidden"
          accept=".jsonl,.ndjson,.json,application/x-ndjson,application/jsonl,application/json"
          aria-label="Import JSON Lines trace"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) run(file.text().then((text) => actions.importTrace(file.name, text)));
          }}
        />
      </label>
      <label className="inline-field">
        <span>Theme</span>
        <select
          className="input input-small"
          value={theme}
          onChange={(e) => run(actions.setTheme(e.target.value as ThemeSetting))}
        >
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <button type="button" className="btn btn-small btn-ghost" onClick={() => actions.setHelpOpen(true)} title="F1 or ?">
        Keyboard shortcuts
      </button>
    </header>
  );
}

function FatalScreen() {
  const fatal = useApp((s) => s.fatal);
  const init = useApp((s) => s.init);
  const run = useRun();
  return (
    <div className="center-screen" role="alert">
      <h1>Tikscope could not start</h1>
      <p>{fatal?.message ?? 'The bridge did not answer.'}</p>
      {fatal?.hint && <p>{fatal.hint}</p>}
      <button type="button" className="btn btn-primary" onClick={() => run(init())}>
        Try again
      </button>
    </div>
  );
}

export function App() {
  const { phase, themeSetting, dialogOpen, helpOpen } = useApp(
    // A broadcast confirmation is a dialog too (rendered in a portal, outside the inert shell).
    useShallow((s) => ({
      phase: s.phase,
      themeSetting: s.settings.theme,
      dialogOpen: !!s.dialog || !!s.broadcast.confirm,
      helpOpen: s.helpOpen,
    })),
  );
  const systemDark = useSystemDark();
  const theme = themeSetting === 'system' ? (systemDark ? 'dark' : 'light') : themeSetting;
  useShortcuts();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);
  const modal = dialogOpen || helpOpen;
  return (
    <div className="app" data-app-state={phase} data-theme={theme}>
      {phase === 'loading' && (
        <div className="center-screen" role="status">
          Starting Tikscope…
        </div>
      )}
      {phase === 'error' && <FatalScreen />}
      {phase === 'ready' && (
        <>
          <div className="shell" inert={modal}>
            <TopBar />
            <Sidebar />
            <WorkspaceArea />
          </div>
          <Dialogs />
          <HelpOverlay />
        </>
      )}
    </div>
  );
}

/** Last line of defence: a render error shows a message with a way out instead of a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    // Kept for the developer tools; the user sees the message below.
    console.warn('Tikscope render error', error, info.componentStack);
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="app" data-app-state="error">
        <div className="center-screen" role="alert">
          <h1>Something went wrong in this window</h1>
          <p className="mono">{this.state.error.message}</p>
          <p>
            Your router sessions keep running in the background. Reload the window to continue; please report this with the steps
            that led here.
          </p>
          <button type="button" className="btn btn-primary" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      </div>
    );
  }
}

/** Without a bridge (no preload, no token): explain how to start the app. */
export function NoBridge({ reason }: { reason: string }) {
  return (
    <div className="app" data-app-state="no-bridge">
      <div className="center-screen">
        <h1>Tikscope needs its host</h1>
        {reason === 'opened-as-file' ? (
          <p>This page was opened as a file. Tikscope’s window talks to its host process, which serves this page.</p>
        ) : (
          <p>
            This page talks to the Tikscope host over a local WebSocket and needs the access token from the address the host
            printed. The address you opened has no <code>#token=…</code>.
          </p>
        )}
        <p>Start the desktop app with:</p>
        <pre className="example">npm start</pre>
        <p>or the browser host with:</p>
        <pre className="example">npm run web</pre>
        <p>
          and open the address it prints, e.g. <code>http://127.0.0.1:PORT/#token=…</code>, including the part after{' '}
          <code>#</code>.
        </p>
      </div>
    </div>
  );
}
