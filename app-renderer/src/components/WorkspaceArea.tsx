import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../hooks';
import { Notices } from './Notices';
import { statusClass } from './Sidebar';
import { Tabs } from './Tabs';
import { ToolArea, ToolButtons } from './Tools';
import { WorkspaceView, workspaceTitle } from './Workspace';

/** Open workspaces as tabs, or all of them side by side. */
export function WorkspaceArea() {
  const { workspaces, active, layout, connections, links } = useApp(
    useShallow((s) => ({
      workspaces: s.workspaces,
      active: s.activeWorkspaceId,
      layout: s.layout,
      connections: s.connections,
      links: s.links,
    })),
  );
  const actions = useApp(
    useShallow((s) => ({
      focus: s.focusWorkspace,
      close: s.requestCloseWorkspace,
      setLayout: s.setLayout,
      openTool: s.openTool,
    })),
  );
  const tool = useApp((s) => s.tool);
  const nameOf = (id: string) => connections.find((c) => c.id === id)?.name;
  const shown = layout === 'split' ? workspaces : workspaces.filter((w) => w.id === active);
  const idOf = (id: string) => `ws-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

  return (
    <main className="main" aria-label="Workspaces">
      <div className="ws-bar">
        {workspaces.length > 0 && (
          <Tabs
            label="Open routers"
            className="tabs ws-tabs"
            items={workspaces.map((w) => ({
              key: w.id,
              name: workspaceTitle(w, nameOf(w.id)),
              label: (
                <>
                  {w.kind === 'router' ? (
                    <span className={statusClass(links[w.id])} aria-hidden="true" />
                  ) : (
                    <span className="ws-import-icon" aria-hidden="true">
                      ⇩
                    </span>
                  )}
                  {workspaceTitle(w, nameOf(w.id))}
                </>
              ),
              panelId: idOf(w.id),
            }))}
            selected={active}
            onSelect={(id) => {
              actions.openTool(undefined);
              actions.focus(id);
            }}
            after={(item) => (
              <button
                type="button"
                className="tab-close"
                aria-label={`Close ${item.name}`}
                title={
                  workspaces.find((w) => w.id === item.key)?.kind === 'import'
                    ? 'Close (frees the imported trace)'
                    : 'Close (disconnects the router)'
                }
                onClick={() => actions.close(item.key)}
              >
                ×
              </button>
            )}
          />
        )}
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-small"
          aria-pressed={layout === 'split'}
          onClick={() => actions.setLayout(layout === 'split' ? 'tabs' : 'split')}
          disabled={workspaces.length < 2 && layout !== 'split'}
          title="Alt+\"
        >
          Side by side
        </button>
        <ToolButtons />
      </div>
      {/* In the flow above the workspaces, never over them: the Sentence box and Send stay visible. */}
      <Notices />
      {tool ? (
        <ToolArea />
      ) : shown.length === 0 ? (
        <div className="welcome">
          <h1>Tikscope</h1>
          <p>A workbench for the RouterOS API: sentences, live tables and exact wire traces.</p>
          <ol>
            <li>
              Select a router on the left — <strong>Demo router</strong> is a simulated RouterOS that runs inside Tikscope.
            </li>
            <li>
              Press <strong>Connect</strong>. Each router you log in to opens here as a workspace with <strong>Console</strong>,{' '}
              <strong>Tables</strong> and <strong>Trace</strong>.
            </li>
            <li>
              Connect a second router and press <strong>Side by side</strong> to compare them.
            </li>
          </ol>
          <p className="muted">Press F1 or ? for keyboard shortcuts.</p>
        </div>
      ) : (
        <div
          className={`ws-grid ${layout}`}
          style={layout === 'split' ? { gridTemplateColumns: `repeat(${shown.length}, minmax(360px, 1fr))` } : undefined}
        >
          {shown.map((w) => (
            <WorkspaceView key={w.id} ws={w} focused={w.id === active} />
          ))}
        </div>
      )}
    </main>
  );
}
