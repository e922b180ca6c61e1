import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../hooks';
import { Notices } from './Notices';
import { statusClass } from './Sidebar';
import { Tabs } from './Tabs';
import { ToolArea, ToolButtons } from './Tools';
import { WorkspaceView, workspaceTitle } from './Workspace';

/**
 * Side by side: which of the open routers are shown (issue 14: three or four panes at 1440 px are
 * usable, more are not, so the user picks). Unchecking the last one is refused: an empty view helps
 * nobody.
 */
function ShownChooser({
  items,
  hidden,
  setHidden,
}: {
  items: { id: string; name: string }[];
  hidden: ReadonlySet<string>;
  setHidden: (next: Set<string>) => void;
}) {
  const [open, setOpen] = useState(false);
  const uid = useId();
  const shownCount = items.filter((i) => !hidden.has(i.id)).length;
  return (
    <div className="chooser">
      <button
        type="button"
        className="btn btn-small"
        aria-expanded={open}
        aria-controls={`${uid}-shown`}
        onClick={() => setOpen((x) => !x)}
      >
        Routers shown
      </button>
      {open && (
        <fieldset
          id={`${uid}-shown`}
          className="chooser-pop chooser-right"
          onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        >
          <legend>Routers shown side by side</legend>
          <div className="chooser-list">
            {items.map((i) => {
              const shown = !hidden.has(i.id);
              return (
                <label key={i.id} className="check">
                  <input
                    type="checkbox"
                    checked={shown}
                    disabled={shown && shownCount === 1}
                    onChange={(e) => {
                      const next = new Set(hidden);
                      if (e.target.checked) next.delete(i.id);
                      else next.add(i.id);
                      setHidden(next);
                    }}
                  />{' '}
                  {i.name}
                </label>
              );
            })}
          </div>
          <div className="chooser-actions">
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setHidden(new Set())}>
              Show all
            </button>
            <button type="button" className="btn btn-small" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </fieldset>
      )}
    </div>
  );
}

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
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const splitShown = workspaces.filter((w) => !hidden.has(w.id));
  // A choice that hides everything (the shown ones were closed) shows all again.
  const shown =
    layout === 'split' ? (splitShown.length > 0 ? splitShown : workspaces) : workspaces.filter((w) => w.id === active);
  const idOf = (id: string) => `ws-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

  return (
    <main className="main" aria-label="Workspaces">
      <div className="ws-bar">
        {workspaces.length > 0 && (
          <Tabs
            label="Open routers"
            className="tabs ws-tabs"
            revealSelected
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
              // Picking a router hidden from side by side brings it back into view.
              if (hidden.has(id)) {
                const next = new Set(hidden);
                next.delete(id);
                setHidden(next);
              }
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
        {layout === 'split' && workspaces.length > 1 && (
          <ShownChooser
            items={workspaces.map((w) => ({ id: w.id, name: workspaceTitle(w, nameOf(w.id)) }))}
            hidden={hidden}
            setHidden={setHidden}
          />
        )}
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
          style={layout === 'split' ? { gridTemplateColumns: `repeat(${shown.length}, minmax(0, 1fr))` } : undefined}
        >
          {shown.map((w) => (
            <WorkspaceView key={w.id} ws={w} focused={w.id === active} />
          ))}
        </div>
      )}
    </main>
  );
}
