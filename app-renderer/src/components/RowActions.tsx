import { useEffect, useRef } from 'react';
import type { FormAction } from '../../../app-main/src/common/contract';
import { useApp, useRun } from '../hooks';
import { ACTION_COMMAND, fitsSelection, menuKey } from '../store/forms';
import { emptyTable } from '../store/tables';

export const ROW_ACTIONS: readonly { action: FormAction; label: string }[] = [
  { action: 'add', label: 'Add' },
  { action: 'edit', label: 'Edit' },
  { action: 'remove', label: 'Remove' },
  { action: 'enable', label: 'Enable' },
  { action: 'disable', label: 'Disable' },
  { action: 'comment', label: 'Comment' },
];

export interface RowActionState {
  action: FormAction;
  label: string;
  enabled: boolean;
  /** Why it is disabled, in words. */
  reason?: string;
}

/**
 * Which Tables actions are possible now: the menu must have the command (the router's inspect,
 * else the shipped tree; `form:menu`), the user's group the write policy, the link be up and the
 * selection fit (Add: any, Edit: one row, the others: one or more). Asks main for the menu when
 * the table's path or the link's session changes.
 */
export function useRowActions(connectionId: string): { states: RowActionState[]; readOnly?: string; open(a: FormAction): void } {
  const view = useApp((s) => s.tables[connectionId]) ?? emptyTable();
  const path = view.runPath;
  const link = useApp((s) => s.links[connectionId]);
  const online = link?.status === 'online';
  const menu = useApp((s) => (path ? s.formMenus[menuKey(connectionId, path)] : undefined));
  const load = useApp((s) => s.loadFormMenu);
  const openRowAction = useApp((s) => s.openRowAction);
  const run = useRun();
  const session = link?.connectedAt;
  const shown = view.status !== 'idle' && view.status !== 'starting';
  useEffect(() => {
    if (path && online && shown) run(load(connectionId, path, true));
    // A new session may be another user (another policy) or another RouterOS version.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connectionId, path, online, session, shown]);
  const count = view.selected.length;
  const ready = menu && 'commands' in menu ? menu : undefined;
  const readOnly = ready && !ready.write.allowed ? (ready.write.reason ?? 'the user may not write') : undefined;
  const states = ROW_ACTIONS.map(({ action, label }): RowActionState => {
    const no = (reason: string): RowActionState => ({ action, label, enabled: false, reason });
    if (!path || !shown) return no('start a table first');
    if (!online) return no('the router is not connected');
    if (!ready) return no(`reading what ${path} allows…`);
    if (!ready.commands.includes(ACTION_COMMAND[action])) return no(`${path} has no ${ACTION_COMMAND[action]} command`);
    if (readOnly) return no(readOnly);
    if (!fitsSelection(action, count)) return no(action === 'edit' ? 'select one row' : 'select one or more rows');
    return { action, label, enabled: true };
  });
  return { states, ...(readOnly ? { readOnly } : {}), open: (a) => openRowAction(connectionId, a) };
}

/** The Tables toolbar's action buttons (accessible names exactly the labels; the reason as description). */
export function RowActionButtons({ connectionId, noteId }: { connectionId: string; noteId: string }) {
  const { states, readOnly, open } = useRowActions(connectionId);
  return (
    <>
      {states.map((s) => (
        <button
          key={s.action}
          type="button"
          className={s.action === 'remove' ? 'btn btn-small btn-danger-ghost' : 'btn btn-small'}
          disabled={!s.enabled}
          title={s.reason}
          aria-describedby={readOnly ? noteId : undefined}
          onClick={() => open(s.action)}
        >
          {s.label}
        </button>
      ))}
      {readOnly && (
        <span id={noteId} className="metric warn-text" role="note">
          Read-only: {readOnly}
        </span>
      )}
    </>
  );
}

/** The rows' context menu: the same actions, arrow keys to move, Escape or a click elsewhere to close. */
export function RowContextMenu(props: { connectionId: string; at: { x: number; y: number }; onClose(): void }) {
  const { states, open } = useRowActions(props.connectionId);
  const ref = useRef<HTMLDivElement>(null);
  const { onClose } = props;
  useEffect(() => {
    // Focus goes back where it was (the table) when the menu closes, unless a dialog took it.
    const before = document.activeElement as HTMLElement | null;
    const menu = ref.current;
    // The first enabled item, else the first (disabled items stay focusable so they can be read).
    (
      menu?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ??
      menu?.querySelector<HTMLElement>('[role="menuitem"]')
    )?.focus();
    const away = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener('mousedown', away);
    return () => {
      document.removeEventListener('mousedown', away);
      if (!document.activeElement || document.activeElement === document.body || menu?.contains(document.activeElement))
        before?.focus?.();
    };
  }, [onClose]);
  const onKey = (e: React.KeyboardEvent) => {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = items[(i + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length];
      next?.focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      items[e.key === 'Home' ? 0 : items.length - 1]?.focus();
    }
  };
  return (
    <div
      ref={ref}
      role="menu"
      aria-label="Row actions"
      className="row-menu"
      style={{ left: props.at.x, top: props.at.y }}
      onKeyDown={onKey}
    >
      {states.map((s) => (
        <button
          key={s.action}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className="row-menu-item"
          aria-disabled={!s.enabled || undefined}
          title={s.reason}
          onClick={() => {
            if (!s.enabled) return;
            onClose();
            open(s.action);
          }}
        >
          {s.label}
        </button>
      ))}
    </div>
  );
}
