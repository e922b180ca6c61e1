import './setup';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { selectedByDefault } from '../src/store/replay';
import { interceptApi, setup, until } from './helpers';
import { connectDemo, renderApp } from './render';

async function send(ws: HTMLElement, text: string) {
  const box = within(ws).getByRole('textbox', { name: 'Sentence' });
  fireEvent.change(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
  await within(ws).findByRole('article', { name: new RegExp(`^${text.split('\n')[0]!.replace(/[/]/g, '\\/')} — (done|trap)`) });
}

const ADD = '/ip/address/add\n=address=10.9.9.1/24\n=interface=ether2';

describe('replay in the store', () => {
  it('selects read-only sentences by default and never the link’s own reads, writes or blocked ones', () => {
    const base = {
      seq: 1,
      words: ['/x/print'],
      readOnly: true,
      streaming: false,
      background: false,
      recorded: { outcome: 'done' as const, replies: 0 },
    };
    expect(selectedByDefault(base)).toBe(true);
    expect(selectedByDefault({ ...base, readOnly: false })).toBe(false);
    expect(selectedByDefault({ ...base, background: true })).toBe(false);
    expect(selectedByDefault({ ...base, blocked: 'redacted' })).toBe(false);
  });

  it('asks for confirmation before a write goes out, and sends only what was confirmed', async () => {
    const { s, bridge } = await setup();
    const id = s().connections[0]!.id;
    await s().connect(id);
    await s().sendCommand(id, ['/interface/print']);
    await s().sendCommand(id, ADD.split('\n'));
    await s().openReplay(id);
    const v = () => s().replays[id]!;
    expect(v().status).toBe('ready');
    expect(v().targetId).toBe(id);
    const print = v().plan!.sentences.find((x) => x.words[0] === '/interface/print')!;
    const add = v().plan!.sentences.find((x) => x.words[0] === '/ip/address/add')!;
    expect(v().selected[print.seq]).toBe(true);
    expect(v().selected[add.seq]).toBeFalsy();

    s().setReplaySelected(id, add.seq, true);
    await s().startReplay(id);
    expect(v().status).toBe('confirming');
    expect(bridge.calls.some((c) => c.channel === 'replay:run')).toBe(false);
    s().cancelReplayConfirm(id);
    expect(v().status).toBe('ready');

    await s().startReplay(id);
    await s().confirmReplayWrites(id);
    const call = bridge.calls.find((c) => c.channel === 'replay:run')!;
    expect(call.args).toMatchObject({
      sourceId: id,
      targetId: id,
      seqs: [print.seq, add.seq],
      confirmedWrites: [add.seq],
      options: { ignoreVolatile: true, strictBooleans: false, maxStreamReplies: 20, maxStreamMs: 3000 },
    });
    expect(v().status).toBe('done');
    expect(v().result!.rows).toHaveLength(2);
  });

  it('sends read-only sentences without a confirmation', async () => {
    const { s, bridge } = await setup();
    const id = s().connections[0]!.id;
    await s().connect(id);
    await s().sendCommand(id, ['/interface/print']);
    await s().openReplay(id);
    await s().startReplay(id);
    expect(s().replays[id]!.status).toBe('done');
    expect(bridge.calls.find((c) => c.channel === 'replay:run')!.args).toMatchObject({ confirmedWrites: [] });
  });

  it('says what is wrong when nothing is selected or no router is connected', async () => {
    const { s } = await setup();
    const id = s().connections[0]!.id;
    await s().connect(id);
    await s().sendCommand(id, ['/interface/print']);
    await s().openReplay(id);
    s().selectReplaySentences(id, 'none');
    await s().startReplay(id);
    expect(s().replays[id]!.error?.message).toMatch(/No sentence is selected/);
    await s().disconnect(id);
    await s().openReplay(id);
    expect(s().replays[id]!.targetId).toBeUndefined();
    await s().startReplay(id);
    expect(s().replays[id]!.error).toMatchObject({ code: 'NOT_CONNECTED', hint: expect.stringMatching(/Connect/) });
  });
});

describe('<ReplayDialog> and <ReproDialog>', () => {
  it('replays from the Trace tab: writes unchecked and marked, an alertdialog naming them, then the comparison', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    await send(ws, '/interface/print');
    await send(ws, ADD);
    fireEvent.click(within(ws).getByRole('tab', { name: 'Trace' }));
    fireEvent.click(within(ws).getByRole('button', { name: 'Replay…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Replay the trace of Demo router' });
    const list = await within(dialog).findByRole('table', { name: 'Sentences to replay' });
    const read = within(list).getByRole('checkbox', { name: 'Replay /interface/print' }) as HTMLInputElement;
    const write = within(list).getByRole('checkbox', {
      name: 'Replay /ip/address/add =address=10.9.9.1/24 =interface=ether2',
    }) as HTMLInputElement;
    expect(read.checked).toBe(true);
    expect(write.checked).toBe(false);
    expect(within(list).getAllByRole('cell', { name: 'write' })).toHaveLength(1);
    expect((within(dialog).getByRole('combobox', { name: 'Target router' }) as HTMLSelectElement).value).toBe('demo');

    fireEvent.click(write);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replay 2 sentences' }));
    const confirm = await screen.findByRole('alertdialog', { name: 'Send 1 write sentence to Demo router?' });
    expect(within(confirm).getByText('/ip/address/add =address=10.9.9.1/24 =interface=ether2')).toBeTruthy();
    expect(bridge.calls.some((c) => c.channel === 'replay:run')).toBe(false);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Back' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();

    fireEvent.click(within(dialog).getByRole('button', { name: 'Replay 2 sentences' }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Send the writes too' }));
    const results = await within(dialog).findByRole('table', { name: 'Replay comparison' });
    // The add answers with the id of the new address: recorded and replayed ids differ.
    expect(within(dialog).getByText(/Replayed 2 sentences on Demo router .*: 1 same, 1 differs\./)).toBeTruthy();
    const rows = within(results).getAllByRole('row');
    expect(
      within(rows[1]!)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['/interface/print', 'done', 'done', expect.any(String), expect.any(String), 'same']);
    const details = within(results).getByRole('button', { name: `differs — details of ${ADD.split('\n').join(' ')}` });
    expect(details.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(details);
    const diff = within(results).getByRole('list', { name: `Differences of ${ADD.split('\n').join(' ')}` });
    expect(
      within(diff)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([expect.stringMatching(/^!done =ret=: recorded \*[0-9A-F]+, replayed \*[0-9A-F]+$/)]);
    expect(bridge.calls.find((c) => c.channel === 'replay:run')!.args).toMatchObject({ confirmedWrites: [expect.any(Number)] });

    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows progress while the replay runs', async () => {
    const { bridge, s } = await renderApp();
    const ws = await connectDemo();
    await send(ws, '/interface/print');
    // A slow router: the replay is under way long enough to be seen.
    bridge.demo.faults.latencyMs = 400;
    fireEvent.click(within(ws).getByRole('tab', { name: 'Trace' }));
    fireEvent.click(within(ws).getByRole('button', { name: 'Replay…' }));
    const dialog = await screen.findByRole('dialog', { name: /^Replay the trace/ });
    await within(dialog).findByRole('table', { name: 'Sentences to replay' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replay 1 sentence' }));
    await until(() => expect(within(dialog).getByText('Replaying 1 of 1: /interface/print…')).toBeTruthy());
    const bar = within(dialog).getByRole('progressbar', { name: 'Replay progress' });
    expect(bar.getAttribute('max')).toBe('1');
    await within(dialog).findByRole('table', { name: 'Replay comparison' }, { timeout: 5000 });
    expect(s().replays.demo!.status).toBe('done');
  });

  it('Stop replay asks main to stop the replay on its target router', async () => {
    const stops: unknown[] = [];
    const { bridge } = await renderApp({
      api: (api) =>
        interceptApi(api, 'replay:cancel', async (real, args) => {
          stops.push(args);
          return real();
        }),
    });
    const ws = await connectDemo();
    await send(ws, '/interface/print');
    // A slow router: the replay is still running when Stop is pressed.
    bridge.demo.faults.latencyMs = 1000;
    fireEvent.click(within(ws).getByRole('tab', { name: 'Trace' }));
    fireEvent.click(within(ws).getByRole('button', { name: 'Replay…' }));
    const dialog = await screen.findByRole('dialog', { name: /^Replay the trace/ });
    await within(dialog).findByRole('table', { name: 'Sentences to replay' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replay 1 sentence' }));
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Stop replay' }));
    await within(dialog).findByRole('table', { name: 'Replay comparison' }, { timeout: 5000 });
    expect(stops).toEqual([{ targetId: 'demo' }]);
    expect(within(dialog).queryByRole('button', { name: 'Stop replay' })).toBeNull();
  });

  it('exports a repro bundle with the description the user typed', async () => {
    const { downloads } = await renderApp();
    const ws = await connectDemo();
    await send(ws, '/interface/print');
    fireEvent.click(within(ws).getByRole('tab', { name: 'Trace' }));
    fireEvent.click(within(ws).getByRole('button', { name: 'Export repro bundle…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export a repro bundle of Demo router' });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'What happened' }), { target: { value: 'MTU is wrong' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Export bundle' }));
    await until(() => expect(downloads).toHaveLength(1));
    expect(downloads[0]!.fileName).toMatch(/^Demo_router-.*\.tikscope-repro\.json$/);
    const doc = JSON.parse(downloads[0]!.data as string);
    expect(doc).toMatchObject({ format: 'tikscope-repro', description: 'MTU is wrong' });
    expect(downloads[0]!.data).not.toContain('=password=demo');
    await until(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('shows what an imported repro bundle says above its trace', async () => {
    // A bundle as main exports it, from a session with the Demo router.
    const { bridge, s } = await renderApp();
    const ws0 = await connectDemo();
    await send(ws0, '/interface/print');
    const bundle = await bridge.api['repro:export']({ connectionId: 'demo', description: 'listen stops\nafter a reboot' });
    if (!bundle.ok) throw new Error(bundle.error.message);
    await act(() => s().importTrace('bug.tikscope-repro.json', bundle.value.data));
    const ws = screen.getByRole('region', { name: 'Trace bug.tikscope-repro.json' });
    const info = within(ws).getByRole('region', { name: 'Repro bundle' });
    expect(info.textContent).toContain('listen stops\nafter a reboot');
    expect(info.textContent).toContain('Tikscope Demo — RouterOS 7.20 (stable), RB5009UG+S+');
    expect(within(ws).getByRole('button', { name: 'Replay…' })).toBeTruthy();
  });
});
