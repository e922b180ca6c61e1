/**
 * Issue 11, "The window and the main process": destructive actions ask first (item 10), notices
 * (item 11), and Retry now during reconnect backoff (item 12). The whole app on the fake bridge.
 */
import './setup';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SavedConnection } from '../../app-main/src/common/contract';
import { demoConnection } from '../src/bridge/fake';
import { until } from './helpers';
import { connectDemo, renderApp } from './render';

const edge: SavedConnection = {
  ...demoConnection(0),
  id: 'edge',
  name: 'edge-1',
  host: '10.1.1.1',
  demo: undefined,
  hasPassword: true,
};
delete edge.demo;

async function withEdge() {
  const ctx = await renderApp({ connections: [demoConnection(0), edge] });
  ctx.backend.passwords.set('edge', 's3cret');
  return ctx;
}

const notifications = () => screen.getByRole('region', { name: 'Notifications' });

afterEach(() => {
  vi.useRealTimers();
});

describe('item 10: destructive actions ask first', () => {
  it('Delete opens an alertdialog naming the router and its password; Cancel keeps both', async () => {
    const { backend } = await withEdge();
    fireEvent.click(screen.getByRole('option', { name: 'edge-1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete edge-1?' });
    expect(dialog.textContent).toMatch(/edge-1/);
    expect(dialog.textContent).toMatch(/stored password/);
    // The safe choice has the focus.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByRole('option', { name: 'edge-1' })).toBeTruthy();
    expect(backend.connections.some((c) => c.id === 'edge')).toBe(true);
    expect(backend.passwords.get('edge')).toBe('s3cret');
    expect(backend.calls.some((c) => c.channel === 'connections:delete')).toBe(false);
  });

  it('after confirming, focus is on the router list and Undo restores the connection with its password', async () => {
    const { backend, s } = await withEdge();
    fireEvent.click(screen.getByRole('option', { name: 'edge-1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await until(() => expect(screen.queryByRole('option', { name: 'edge-1' })).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('listbox', { name: 'Routers' }));
    expect(backend.passwords.has('edge')).toBe(false);
    const notice = within(notifications())
      .getByText(/Deleted "edge-1"/)
      .closest('.notice') as HTMLElement;
    fireEvent.click(within(notice).getByRole('button', { name: 'Undo' }));
    await screen.findByRole('option', { name: 'edge-1' });
    expect(backend.passwords.get('edge')).toBe('s3cret');
    expect(s().connections.find((c) => c.id === 'edge')?.hasPassword).toBe(true);
    expect(within(notifications()).queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('listbox', { name: 'Routers' }));
  });

  it('offers Undo for 10 s, then the notice goes', async () => {
    await withEdge();
    vi.useFakeTimers();
    fireEvent.click(screen.getByRole('option', { name: 'edge-1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await act(async () => {
      fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    });
    expect(within(notifications()).getByRole('button', { name: 'Undo' })).toBeTruthy();
    act(() => vi.advanceTimersByTime(9_900));
    expect(within(notifications()).getByRole('button', { name: 'Undo' })).toBeTruthy();
    act(() => vi.advanceTimersByTime(200));
    expect(within(notifications()).queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('closing a workspace with a running command asks first; Cancel keeps it, nothing running closes at once', async () => {
    const { s } = await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/interface/listen' } });
    fireEvent.click(within(ws).getByRole('button', { name: 'Send' }));
    await until(() => expect(s().consoles.demo?.commands[0]?.status).toBe('running'));

    fireEvent.click(screen.getByRole('button', { name: 'Close Demo router' }));
    let dialog = screen.getByRole('alertdialog', { name: 'Close Demo router?' });
    expect(dialog.textContent).toMatch(/1 command is still running/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('region', { name: 'Demo router' })).toBeTruthy();
    expect(s().consoles.demo?.commands[0]?.status).toBe('running');
    expect(s().links.demo?.status).toBe('online');

    fireEvent.click(screen.getByRole('button', { name: 'Close Demo router' }));
    dialog = screen.getByRole('alertdialog', { name: 'Close Demo router?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close and stop' }));
    await until(() => expect(screen.queryByRole('region', { name: 'Demo router' })).toBeNull());
    await until(() => expect(s().links.demo?.status).toBe('offline'));
    // The command was stopped, not left running.
    await until(() => expect(s().consoles.demo?.commands[0]?.status).toBe('cancelled'));

    // Nothing running: the tab closes without a question.
    await connectDemo();
    fireEvent.click(screen.getByRole('button', { name: 'Close Demo router' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await until(() => expect(screen.queryByRole('region', { name: 'Demo router' })).toBeNull());
  });

  it('a live table counts as running too', async () => {
    const { s } = await renderApp();
    await connectDemo();
    s().setTableField('demo', 'path', '/interface');
    await act(() => s().startTable('demo'));
    await until(() => expect(s().tables.demo?.status).toBe('live'));
    fireEvent.click(screen.getByRole('button', { name: 'Close Demo router' }));
    expect(screen.getByRole('alertdialog', { name: 'Close Demo router?' }).textContent).toMatch(/live table/);
  });
});

describe('item 11: notices', () => {
  it('information goes by itself after about 5 s; an error stays until dismissed', async () => {
    const { s } = await renderApp();
    vi.useFakeTimers();
    act(() => {
      s().notify('info', 'Saved.');
      s().reportError({ code: 'STORAGE', message: 'disk full' }, 'Saving');
    });
    act(() => vi.advanceTimersByTime(4_900));
    expect(within(notifications()).getByText('Saved.')).toBeTruthy();
    act(() => vi.advanceTimersByTime(200));
    expect(within(notifications()).queryByText('Saved.')).toBeNull();
    act(() => vi.advanceTimersByTime(120_000));
    const alert = within(notifications()).getByRole('alert');
    expect(alert.textContent).toMatch(/Saving: disk full/);
    fireEvent.click(within(alert).getByRole('button', { name: /^Dismiss/ }));
    expect(within(notifications()).queryByRole('alert')).toBeNull();
  });

  it('identical notices collapse into one with a count', async () => {
    const { s } = await renderApp();
    act(() => {
      for (let i = 0; i < 3; i++) s().reportError({ code: 'NETWORK', message: 'connection refused' }, 'Connecting edge-1');
      s().notify('info', 'Something else.');
    });
    const alerts = within(notifications()).getAllByRole('alert');
    expect(alerts).toHaveLength(1);
    expect(within(alerts[0] as HTMLElement).getByText('×3')).toBeTruthy();
    expect((alerts[0] as HTMLElement).textContent).toMatch(/3 times/);
    expect(s().notices).toHaveLength(2);
  });

  it('a connect error belongs to its router and goes when that router connects', async () => {
    const { backend } = await renderApp();
    backend.connectFailures.set('demo', {
      code: 'TLS',
      message: 'TLS handshake with 127.0.0.1:8729 failed: wrong version number',
    });
    fireEvent.click(screen.getByRole('option', { name: 'Demo router' }));
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    const alert = await within(notifications()).findByRole('alert');
    expect(alert.textContent).toMatch(/TLS handshake .* failed/);
    expect(within(alert).getByText('Demo router')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    await screen.findByText('Connected');
    expect(within(notifications()).queryByRole('alert')).toBeNull();
  });

  it('notices of a deleted router go with it (the Undo notice stays)', async () => {
    const { s } = await withEdge();
    act(() => s().reportError({ code: 'NETWORK', message: 'connection refused' }, 'Connecting edge-1', { connectionId: 'edge' }));
    await act(() => s().deleteConnection('edge'));
    expect(within(notifications()).queryByText(/connection refused/)).toBeNull();
    expect(within(notifications()).getByRole('button', { name: 'Undo' })).toBeTruthy();
  });
});

describe('item 12: reconnect gives control', () => {
  it('during backoff the header and the sidebar show the drop reason and Retry now, which reconnects', async () => {
    const { backend } = await renderApp();
    const ws = await connectDemo();
    act(() => backend.dropLink('demo', 600_000));
    const header = ws.querySelector('.ws-head') as HTMLElement;
    await within(header).findByText(/the router closed the connection/);
    const details = screen.getByRole('region', { name: 'Selected router' });
    expect(within(details).getByText(/the router closed the connection/)).toBeTruthy();
    expect(within(details).getByRole('button', { name: 'Retry now' })).toBeTruthy();
    fireEvent.click(within(header).getByRole('button', { name: 'Retry now' }));
    await until(() => expect(within(header).queryByRole('button', { name: 'Retry now' })).toBeNull());
    expect(screen.getByRole('option', { name: 'Demo router' }).textContent).toMatch(/Connected/);
    expect(within(details).queryByRole('button', { name: 'Retry now' })).toBeNull();
  });
});
