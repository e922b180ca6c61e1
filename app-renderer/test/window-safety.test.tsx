/**
 * Issue 11, "The window and the main process": destructive actions ask first (item 10), notices
 * (item 11), and Retry now during reconnect backoff (item 12). The whole app on the in-process bridge.
 */
import './setup';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { until } from './helpers';
import { DEMO_CONNECTION } from './inprocess-bridge';
import { connectDemo, renderApp } from './render';

/** The Demo router and edge-1, whose password is in the keychain. */
async function withEdge() {
  return renderApp({ connections: [DEMO_CONNECTION, { id: 'edge', name: 'edge-1', host: '10.1.1.1', password: 's3cret' }] });
}

/** The connections as main holds them. */
async function saved(ctx: Awaited<ReturnType<typeof withEdge>>) {
  const r = await ctx.bridge.api['connections:list']({});
  if (!r.ok) throw new Error(r.error.message);
  return r.value.connections;
}

const notifications = () => screen.getByRole('region', { name: 'Notifications' });

afterEach(() => {
  vi.useRealTimers();
});

describe('item 10: destructive actions ask first', () => {
  it('Delete opens an alertdialog naming the router and its password; Cancel keeps both', async () => {
    const ctx = await withEdge();
    const { bridge } = ctx;
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
    expect((await saved(ctx)).some((c) => c.id === 'edge')).toBe(true);
    expect(bridge.keychain.items.get('edge')).toBe('s3cret');
    expect(bridge.calls.some((c) => c.channel === 'connections:delete')).toBe(false);
  });

  it('after confirming, focus is on the router list and Undo restores the connection with its password', async () => {
    const { bridge, s } = await withEdge();
    fireEvent.click(screen.getByRole('option', { name: 'edge-1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await until(() => expect(screen.queryByRole('option', { name: 'edge-1' })).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('listbox', { name: 'Routers' }));
    expect(bridge.keychain.items.has('edge')).toBe(false);
    const notice = within(notifications())
      .getByText(/Deleted "edge-1"/)
      .closest('.notice') as HTMLElement;
    fireEvent.click(within(notice).getByRole('button', { name: 'Undo' }));
    await screen.findByRole('option', { name: 'edge-1' });
    expect(bridge.keychain.items.get('edge')).toBe('s3cret');
    expect(s().connections.find((c) => c.id === 'edge')?.hasPassword).toBe(true);
    expect(within(notifications()).queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('listbox', { name: 'Routers' }));
  });

  it('offers Undo for 10 s, then the notice goes', async () => {
    await withEdge();
    // Timers only: the services' file writes and keychain still run, and their answers are awaited
    // below on real turns of the event loop, without moving the clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    fireEvent.click(screen.getByRole('option', { name: 'edge-1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    for (let i = 0; i < 500 && !within(notifications()).queryByRole('button', { name: 'Undo' }); i++)
      await act(() => new Promise<void>((r) => setImmediate(r)));
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
    const { bridge } = await renderApp();
    // The router's API port is closed at first: the connection is refused.
    await bridge.demo.stop();
    fireEvent.click(screen.getByRole('option', { name: 'Demo router' }));
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    const alert = await within(notifications()).findByRole('alert');
    expect(alert.textContent).toMatch(/cannot connect to 127\.0\.0\.1:\d+: connection refused/);
    expect(within(alert).getByText('Demo router')).toBeTruthy();
    await bridge.demo.start();
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
    // A long backoff, so the link is still waiting when Retry now is pressed.
    const { bridge, s } = await renderApp({ timings: { backoffStartMs: 600_000, backoffCapMs: 600_000 } });
    const ws = await connectDemo();
    // The router drops the connection without a word, as one that lost power.
    act(() => bridge.demo.dropConnections());
    await until(() => expect(s().links.demo?.status).toBe('backoff'));
    const reason = s().links.demo!.reason!;
    expect(reason).toMatch(/connection lost/);
    const header = ws.querySelector('.ws-head') as HTMLElement;
    // Shown as a sentence: its first letter capitalised.
    await until(() => expect(header.textContent?.toLowerCase()).toContain(reason.toLowerCase()));
    const details = screen.getByRole('region', { name: 'Selected router' });
    expect(details.textContent?.toLowerCase()).toContain(reason.toLowerCase());
    expect(within(details).getByRole('button', { name: 'Retry now' })).toBeTruthy();
    fireEvent.click(within(header).getByRole('button', { name: 'Retry now' }));
    await until(() => expect(within(header).queryByRole('button', { name: 'Retry now' })).toBeNull());
    await until(() => expect(screen.getByRole('option', { name: 'Demo router' }).textContent).toMatch(/Connected/));
    expect(within(details).queryByRole('button', { name: 'Retry now' })).toBeNull();
  });
});
