import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../hooks';
import type { ToolView } from '../store/types';
import { BroadcastPanel } from './BroadcastPanel';
import { DiffPanel } from './DiffPanel';
import { FleetView } from './FleetView';
import { LibraryPanel } from './LibraryPanel';

const TOOLS: { tool: ToolView; label: string; title: string }[] = [
  { tool: 'fleet', label: 'Fleet', title: 'Every saved router in one table: status, versions, uptime; act on many at once' },
  { tool: 'broadcast', label: 'Broadcast', title: 'Send one sentence to several connected routers' },
  { tool: 'diff', label: 'Compare tables', title: 'Compare the same menu across connected routers' },
  { tool: 'library', label: 'Library', title: 'Saved commands with variables, run on one or many routers' },
];

const TOOL_NAMES: Record<ToolView, string> = {
  broadcast: 'Broadcast',
  diff: 'Compare tables',
  library: 'Library',
  fleet: 'Fleet',
};

/** Toggle buttons for the multi-router tools: Fleet and Library always, the others once a router is connected. */
export function ToolButtons() {
  const { tool, anyOnline } = useApp(
    useShallow((s) => ({ tool: s.tool, anyOnline: Object.values(s.links).some((l) => l.status === 'online') })),
  );
  const open = useApp((s) => s.openTool);
  // The library can be edited, imported and exported with no router connected; the fleet view
  // lists saved routers, connected or not.
  const shown = anyOnline || tool ? TOOLS : TOOLS.filter((t) => t.tool === 'library' || t.tool === 'fleet');
  return (
    <span className="tool-buttons" role="group" aria-label="Multi-router tools">
      {shown.map((t) => (
        <button
          key={t.tool}
          type="button"
          className="btn btn-small"
          aria-pressed={tool === t.tool}
          title={t.title}
          onClick={() => open(tool === t.tool ? undefined : t.tool)}
        >
          {t.label}
        </button>
      ))}
    </span>
  );
}

/** The open tool, in place of the workspaces (their state is kept; closing the tool shows them again). */
export function ToolArea() {
  const tool = useApp((s) => s.tool);
  const open = useApp((s) => s.openTool);
  if (!tool) return null;
  return (
    <div className={`tool-area${tool === 'fleet' ? ' fleet-area' : ''}`} role="region" aria-label={TOOL_NAMES[tool]}>
      <div className="tool-close">
        <button type="button" className="btn btn-small btn-ghost" onClick={() => open(undefined)}>
          Back to workspaces
        </button>
      </div>
      {tool === 'broadcast' ? (
        <BroadcastPanel />
      ) : tool === 'library' ? (
        <LibraryPanel />
      ) : tool === 'fleet' ? (
        <FleetView />
      ) : (
        <DiffPanel />
      )}
    </div>
  );
}
