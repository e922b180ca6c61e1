/**
 * The Trace tab (issue 11, items 13 and F): link events as entries, the capture scope and buffer
 * size, hiding Tikscope's own traffic, the dropped count, pinned entries the renderer's own log
 * would lose, and imported traces that close.
 */
import './setup';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../app-main/src/common/contract';
import { MAX_TRACE_ENTRIES, traceRows } from '../src/store/trace';
import { setup, until } from './helpers';
import { connectDemo, renderApp } from './render';

const entry = (seq: number, words: string[], extra: Partial<TraceEntry> = {}): TraceEntry => ({
  seq,
  connectionId: 'demo',
  time: 1_767_225_600_000 + seq,
  direction: 'in',
  words,
  bytes: 10,
  ...extra,
});

async function openTrace(): Promise<HTMLElement> {
  const ws = await connectDemo();
  fireEvent.click(within(ws).getByRole('tab', { name: 'Trace' }));
  return ws;
}

describe('Trace tab', () => {
  it('shows link events as entries of their own', async () => {
    await renderApp();
    const ws = await openTrace();
    const list = within(ws).getByRole('list', { name: 'Trace' });
    const loggedIn = await within(list).findByRole('listitem', { name: /^Note: link logged-in =identity=/ });
    expect(within(loggedIn).getByText('---')).toBeTruthy();
    expect(within(list).getByRole('listitem', { name: 'Note: link connecting =attempt=1' })).toBeTruthy();
  });

  it('sets the capture scope of this router and the buffer size, as settings', async () => {
    const { bridge, s } = await renderApp();
    const mainSettings = async () => {
      const r = await bridge.api['settings:get']({});
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    const ws = await openTrace();
    const capture = within(ws).getByRole('combobox', { name: 'Capture' }) as HTMLSelectElement;
    expect(capture.value).toBe('all');
    expect([...capture.options].map((o) => o.text)).toEqual(['Everything', 'All but live-table rows', 'Commands only']);
    fireEvent.change(capture, { target: { value: 'no-rows' } });
    await until(async () => expect((await mainSettings()).traceScopes).toEqual({ demo: 'no-rows' }));
    expect(s().settings.traceScopes).toEqual({ demo: 'no-rows' });
    fireEvent.change(capture, { target: { value: 'all' } });
    await until(async () => expect((await mainSettings()).traceScopes).toEqual({}));

    const buffer = within(ws).getByRole('combobox', { name: 'Buffer' }) as HTMLSelectElement;
    expect(buffer.value).toBe('8');
    fireEvent.change(buffer, { target: { value: '64' } });
    await until(async () => expect((await mainSettings()).traceBufferMiB).toBe(64));
  });

  it("hides Tikscope's own traffic with one toggle", async () => {
    const { s } = await renderApp();
    const ws = await openTrace();
    const list = within(ws).getByRole('list', { name: 'Trace' });
    // The link's own reads after login (identity, resource) are Tikscope's; this print is the user's.
    await act(() => s().sendCommand('demo', ['/interface/print']));
    await within(list).findByText('/interface/print');
    expect(
      s()
        .traces['demo']!.log.toArray()
        .some((e) => e.own && e.words[0] === '/system/identity/print'),
    ).toBe(true);
    expect(within(list).getAllByText('/system/identity/print').length).toBeGreaterThan(0);
    fireEvent.click(within(ws).getByRole('checkbox', { name: "Hide Tikscope's own traffic" }));
    await until(() => expect(within(list).queryAllByText('/system/identity/print')).toHaveLength(0));
    expect(within(list).getByText('/interface/print')).toBeTruthy();
  });

  it('shows the dropped count', async () => {
    // A trace buffer of 16 KiB: a print of the connection-tracking table overflows it.
    const { bridge, s } = await renderApp({ services: { traceCapBytes: 16_384 } });
    const ws = await openTrace();
    await act(() => s().sendCommand('demo', ['/ip/firewall/connection/print']));
    await until(() => expect(s().consoles['demo']?.commands[0]?.status).toBe('done'));
    const held = await bridge.api['trace:get']({ connectionId: 'demo' });
    const dropped = held.ok ? held.value.dropped : 0;
    expect(dropped).toBeGreaterThan(0);
    await act(() => s().loadTrace('demo'));
    expect(within(ws).getByText(new RegExp(`${dropped.toLocaleString('en-US')} dropped`))).toBeTruthy();
  });
});

describe('pinned entries in the renderer', () => {
  it("stay in view when the renderer's own log drops everything around them", async () => {
    const { s } = await setup();
    const first = [
      entry(1, ['link connecting', '=attempt=1'], { direction: 'note', pinned: true, bytes: 0 }),
      entry(2, ['/login', '=name=admin'], { direction: 'out', pinned: true }),
      entry(3, ['!done'], { pinned: true }),
    ];
    s().applyTraceEntries('demo', first);
    const rows: TraceEntry[] = [];
    for (let i = 4; i < MAX_TRACE_ENTRIES + 1000; i++) rows.push(entry(i, ['!re', `=.id=*${i}`]));
    s().applyTraceEntries('demo', rows);
    const view = s().traces['demo']!;
    expect(view.log.get(0)!.seq).toBeGreaterThan(3);
    const shown = traceRows(view);
    expect([0, 1, 2].map((i) => shown.get(i)!.words[0])).toEqual(['link connecting', '/login', '!done']);
    expect(shown.get(3)!.seq).toBe(view.log.get(0)!.seq);
    expect(shown.length).toBe(view.log.length + 3);
  });
});

describe('imported traces', () => {
  it('close: the tab goes, and main and the renderer free the trace', async () => {
    const { bridge, s } = await renderApp();
    const line = JSON.stringify({ seq: 1, connectionId: 'x', time: 1, direction: 'out', words: ['/interface/print'], bytes: 18 });
    await act(() => s().importTrace('capture.jsonl', line + '\n'));
    const id = s().workspaces.find((w) => w.kind === 'import')!.id;
    expect((await bridge.api['trace:get']({ connectionId: id })).ok).toBe(true);
    const close = screen.getByRole('button', { name: 'Close Trace capture.jsonl' });
    expect(close.getAttribute('title')).toBe('Close (frees the imported trace)');
    fireEvent.click(close);
    // Main no longer has it: asking for it is refused.
    await until(async () => expect((await bridge.api['trace:get']({ connectionId: id })).ok).toBe(false));
    expect(s().traces[id]).toBeUndefined();
    expect(s().workspaces.some((w) => w.id === id)).toBe(false);
  });
});
