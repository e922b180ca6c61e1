import { useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp, useRun } from '../hooks';
import { UNDO_DELETE_MS } from '../store/connections';
import type { Dialog } from '../store/types';
import { workspaceActivity } from '../store/workspaces';
import { ConnectionForm } from './ConnectionForm';
import { FormDialog } from './FormDialog';
import { Modal } from './Modal';
import { ReplayDialog, ReproDialog } from './ReplayDialog';
import { ROUTER_LIST_ID } from './Sidebar';

/** Delete asks first and says what goes with the connection (issue 11); Undo follows for 10 s. */
function DeleteDialog({ d }: { d: Extract<Dialog, { kind: 'delete' }> }) {
  const conn = useApp((s) => s.connections.find((c) => c.id === d.id));
  const close = useApp((s) => s.openDialog);
  const remove = useApp((s) => s.deleteConnection);
  const keychain = useApp((s) => s.info?.keychain.available ?? true);
  const run = useRun();
  const descId = useId();
  const confirmed = useRef(false);
  const name = conn?.name ?? 'this router';
  return (
    <Modal
      role="alertdialog"
      title={`Delete ${name}?`}
      onClose={() => close(undefined)}
      describedBy={descId}
      returnFocus={() => (confirmed.current ? document.getElementById(ROUTER_LIST_ID) : undefined)}
    >
      <div id={descId} className="modal-body">
        <p>
          <strong>{name}</strong>
          {conn ? ` (${conn.host}:${conn.port})` : ''} is removed from the saved routers
          {conn?.hasPassword
            ? keychain
              ? ', and its stored password is removed from the OS keychain.'
              : ', and its password kept for this run goes too.'
            : '.'}{' '}
          Its command history goes too.
        </p>
        <p className="field-help">You can undo this for {UNDO_DELETE_MS / 1000} seconds.</p>
      </div>
      <CancelOrConfirm
        confirm="Delete"
        onCancel={() => close(undefined)}
        onConfirm={() => {
          confirmed.current = true;
          close(undefined);
          run(remove(d.id));
        }}
      />
    </Modal>
  );
}

/** The footer of a destructive confirmation: Cancel first (it keeps things), then the action. */
function CancelOrConfirm(props: { confirm: string; onCancel: () => void; onConfirm: () => void }) {
  return (
    <div className="modal-actions">
      <button type="button" className="btn" onClick={props.onCancel}>
        Cancel
      </button>
      <button type="button" className="btn btn-danger" onClick={props.onConfirm}>
        {props.confirm}
      </button>
    </div>
  );
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Closing a workspace stops what runs there: ask first (issue 11). */
function CloseWorkspaceDialog({ d }: { d: Extract<Dialog, { kind: 'close-workspace' }> }) {
  const name = useApp((s) => s.connections.find((c) => c.id === d.id)?.name ?? d.id);
  const activity = useApp(useShallow((s) => workspaceActivity(s, d.id)));
  const close = useApp((s) => s.openDialog);
  const closeWorkspace = useApp((s) => s.closeWorkspace);
  const descId = useId();
  const running = [
    activity.tables ? plural(activity.tables, 'live table', 'live tables') : '',
    activity.commands ? plural(activity.commands, 'command', 'commands') : '',
  ].filter(Boolean);
  const total = activity.tables + activity.commands;
  return (
    <Modal role="alertdialog" title={`Close ${name}?`} onClose={() => close(undefined)} describedBy={descId}>
      <div id={descId} className="modal-body">
        <p>
          {running.length
            ? `${running.join(' and ')} ${total === 1 ? 'is' : 'are'} still running in ${name}.`
            : `Nothing runs in ${name} any more.`}{' '}
          Closing stops {total === 1 ? 'it' : 'them'} and disconnects the router.
        </p>
      </div>
      <CancelOrConfirm
        confirm="Close and stop"
        onCancel={() => close(undefined)}
        onConfirm={() => {
          close(undefined);
          closeWorkspace(d.id);
        }}
      />
    </Modal>
  );
}

/** TLS trust on first use (tls-pinned): show what the router presented and ask. */
function TrustDialog({ d }: { d: Extract<Dialog, { kind: 'trust' }> }) {
  const conn = useApp((s) => s.connections.find((c) => c.id === d.connectionId));
  const close = useApp((s) => s.openDialog);
  const trust = useApp((s) => s.trust);
  const run = useRun();
  const descId = useId();
  return (
    <Modal
      title={d.changed ? 'The router’s certificate changed' : 'Trust this router’s certificate?'}
      onClose={() => close(undefined)}
      describedBy={descId}
    >
      <div id={descId} className="modal-body">
        {d.changed ? (
          <p className="warn-text">
            <strong>{conn?.name}</strong> presented a different certificate from the one you trusted before. This happens after a
            certificate renewal — or when someone intercepts the connection. Trust it only if you know why it changed.
          </p>
        ) : (
          <p>
            <strong>{conn?.name}</strong> ({conn?.host}:{conn?.port}) presented a certificate Tikscope has not seen before.
            Compare its fingerprint with the one on the router (<code>/certificate print detail</code>) before trusting it.
          </p>
        )}
        <p className="fp-label">SHA-256 fingerprint</p>
        <p className="fingerprint mono" aria-label="Presented fingerprint">
          {d.fingerprint}
        </p>
      </div>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={() => close(undefined)}>
          Close
        </button>
        <button type="button" className="btn btn-primary" onClick={() => run(trust(d.connectionId, d.fingerprint))}>
          Trust and connect
        </button>
      </div>
    </Modal>
  );
}

/** No keychain (or nothing stored): ask for a password used for this run only. */
function PasswordDialog({ d }: { d: Extract<Dialog, { kind: 'password' }> }) {
  const conn = useApp((s) => s.connections.find((c) => c.id === d.connectionId));
  const keychain = useApp((s) => s.info?.keychain);
  const close = useApp((s) => s.openDialog);
  const connect = useApp((s) => s.connect);
  const run = useRun();
  const [pw, setPw] = useState('');
  const uid = useId();
  return (
    <Modal title={`Password for ${conn?.name ?? 'the router'}`} onClose={() => close(undefined)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          close(undefined);
          run(connect(d.connectionId, pw));
        }}
      >
        <div className="modal-body">
          <p>{d.reason}</p>
          <p className="field-help">
            {keychain && !keychain.available
              ? `There is no usable OS keychain${keychain.reason ? ` (${keychain.reason})` : ''}, so Tikscope cannot store passwords. ${keychain.hint ?? ''} The password you enter here is kept in memory for this run only.`
              : 'The password you enter here is used for this run only; use Edit to store one in the keychain.'}
          </p>
          <div className="field">
            <label htmlFor={`${uid}-pw`}>Password</label>
            <input
              id={`${uid}-pw`}
              className="input mono"
              type="password"
              value={pw}
              onChange={(e) => setPw(e.target.value)}
              autoComplete="current-password"
              data-autofocus
            />
          </div>
        </div>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={() => close(undefined)}>
            Close
          </button>
          <button type="submit" className="btn btn-primary">
            Connect for this run
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function Dialogs() {
  const dialog = useApp((s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'add':
      return dialog.prefill ? <ConnectionForm prefill={dialog.prefill} /> : <ConnectionForm />;
    case 'edit':
      return <ConnectionForm editId={dialog.id} key={dialog.id} />;
    case 'trust':
      return <TrustDialog d={dialog} />;
    case 'password':
      return <PasswordDialog d={dialog} />;
    case 'delete':
      return <DeleteDialog d={dialog} key={dialog.id} />;
    case 'close-workspace':
      return <CloseWorkspaceDialog d={dialog} key={dialog.id} />;
    case 'replay':
      return <ReplayDialog sourceId={dialog.sourceId} key={dialog.sourceId} />;
    case 'repro':
      return <ReproDialog sourceId={dialog.sourceId} key={dialog.sourceId} />;
    case 'row-action':
      return <FormDialog d={dialog} />;
  }
}
