import { useApp } from '../hooks';
import { Modal } from './Modal';

export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: 'F1 or ?', what: 'Show this list of shortcuts' },
  { keys: 'Ctrl+Enter (⌘+Enter)', what: 'Send the sentence in the console' },
  { keys: '↑ / ↓ in Sentence', what: 'Previous / next command from the history (on the first / last line)' },
  { keys: 'Tab in Sentence or Path', what: 'Accept the highlighted completion; ↑/↓ move through the list, Esc closes it' },
  { keys: 'Ctrl+. (⌘+.)', what: 'Cancel the newest running command of the focused workspace' },
  { keys: 'Alt+1 / Alt+2 / Alt+3', what: 'Console / Tables / Trace of the focused workspace' },
  { keys: 'Alt+[ / Alt+]', what: 'Previous / next workspace' },
  { keys: 'Alt+\\', what: 'Toggle side-by-side view' },
  { keys: 'Ctrl+K (⌘+K)', what: 'Search saved routers; then ↑ / ↓ pick one and Enter connects it' },
  { keys: '↑ / ↓, Enter in the router list', what: 'Select a router, connect it (or go to its Sentence box when connected)' },
  { keys: 'Alt+N', what: 'Add connection' },
  { keys: 'Alt+S', what: 'Focus the Sentence box of the focused workspace' },
  { keys: 'Alt+T', what: 'Start the live table of the focused workspace (focuses Path while it is empty)' },
  { keys: '← / → in a tab list', what: 'Move between tabs' },
  { keys: 'Esc', what: 'Close a dialog or this overlay' },
];

export function HelpOverlay() {
  const open = useApp((s) => s.helpOpen);
  const setOpen = useApp((s) => s.setHelpOpen);
  if (!open) return null;
  return (
    <Modal title="Keyboard shortcuts" onClose={() => setOpen(false)} className="help-modal">
      <table className="shortcuts">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="modal-actions">
        <button type="button" className="btn btn-primary" onClick={() => setOpen(false)} data-autofocus>
          Close
        </button>
      </div>
    </Modal>
  );
}
