import type { FormAction, Row } from '../../../app-main/src/common/contract';
import type { SliceContext } from './context';
import type { FormsActions, FormsState } from './types';
import { selectedRows } from './tables';

export function menuKey(connectionId: string, path: string): string {
  return `${connectionId}\u0000${path}`;
}

/** Which toolbar action needs which command of the menu. */
export const ACTION_COMMAND: Record<FormAction, string> = {
  add: 'add',
  edit: 'set',
  remove: 'remove',
  enable: 'enable',
  disable: 'disable',
  comment: 'comment',
};

/** Whether an action fits a selection of `count` rows (add needs none, edit exactly one). */
export function fitsSelection(action: FormAction, count: number): boolean {
  if (action === 'add') return true;
  if (action === 'edit') return count === 1;
  return count >= 1;
}

/** How a row is named in a dialog: its name, else its address, else its `.id`. */
export function rowLabel(row: Row): string {
  return row['name'] ?? row['address'] ?? row['.id'] ?? '?';
}

/**
 * A row's router properties, for a form: without what no form takes back (`.id`, `.nextid`,
 * `.dead`) and without the columns the window derives (`rx rate`: a space or "=" is never in a
 * RouterOS property name).
 */
function formRow(row: Row): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) if (!k.startsWith('.') && !/[\s=]/.test(k) && typeof v === 'string') out[k] = v;
  return out;
}

export function formsSlice({ set, get, api }: SliceContext): FormsState & FormsActions {
  return {
    formMenus: {},

    async loadFormMenu(connectionId, path, force = false) {
      const key = menuKey(connectionId, path);
      const known = get().formMenus[key];
      if (known && !force) return;
      set((s) => ({ formMenus: { ...s.formMenus, [key]: { loading: true } } }));
      const r = await api['form:menu']({ connectionId, path });
      set((s) => {
        const formMenus = { ...s.formMenus };
        if (r.ok) formMenus[key] = r.value;
        else delete formMenus[key];
        return { formMenus };
      });
    },

    openRowAction(connectionId, action) {
      const view = get().tables[connectionId];
      const path = view?.runPath;
      if (!view || !path) return;
      const rows = selectedRows(view);
      if (!fitsSelection(action, rows.length)) return;
      const ids = action === 'add' ? [] : rows.map((r) => r['.id']!).filter(Boolean);
      get().openDialog({
        kind: 'row-action',
        connectionId,
        path,
        action,
        ids,
        labels: rows.map(rowLabel),
        ...(action === 'edit' && rows[0] ? { row: rows[0] } : {}),
      });
    },

    openCopyRow(targetId, path, row, routerName, targetRow) {
      const id = targetRow?.['.id'];
      get().openDialog({
        kind: 'row-action',
        connectionId: targetId,
        path,
        action: id ? 'edit' : 'add',
        ids: id ? [id] : [],
        ...(targetRow ? { row: targetRow } : {}),
        copyFrom: { row, routerName },
      });
    },

    describeForm(connectionId, path, action, row) {
      return api['form:describe']({ connectionId, path, action, ...(row ? { row: formRow(row) } : {}) });
    },

    buildForm(request) {
      return api['form:build'](request);
    },

    sendForm(request) {
      return api['form:send'](request);
    },

    openInConsole(connectionId, words) {
      get().openDialog(undefined);
      get().setDraft(connectionId, words.join('\n'));
      get().openWorkspace(connectionId);
      get().setTab(connectionId, 'console');
    },
  };
}

export { formRow };
