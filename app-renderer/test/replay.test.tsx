import './setup';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ReplayResult, TraceSnapshot } from '../../app-main/src/common/contract';
import { selectedByDefault } from '../src/store/replay';
import { setup, until } from './helpers';
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
    const { s, backend } = await setup();
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
    expect(backend.calls.some((c) => c.channel === 'replay:run')).toBe(false);
    s().cancelReplayConfirm(id);
    expect(v().status).toBe('ready');

    await s().startReplay(id);
    await s().confirmReplayWrites(id);
    const call = backend.calls.find((c) => c.channel === 'replay:run')!;
    expect(call.args).toMatchObject({
      sourceId: id,
      targetId: id,
      seqs: [print.seq, add.seq],
      confirmedWrites: [add.seq],
      options: { ignoreVolatile: true, maxStreamReplies: 20, maxStreamMs: 3000 },
    });
    expect(v().status).toBe('done');
    expect(v().result!.rows).toHaveLength(2);
  });

  it('sends read-only sentences without a confirmation', async () => {
    const { s, backend } = await setup();
    const id = s().connections[0]!.id;
    await s().connect(id);
    await s().sendCommand(id, ['/interface/print']);
    await s().openReplay(id);
    await s().startReplay(id);
    expect(s().replays[id]!.status).toBe('done');
    expect(backend.calls.find((c) => c.channel === 'replay:run')!.args).toMatchObject({ confirmedWrites: [] });
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
    const { backend } = await renderApp();
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
    expect((within(dialog).getByRole('combobox', { name: 'Target router' }) as HTMLSelectElement).value).toBe(
      backend.connections[0]!.id,
    );

    fireEvent.click(write);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replay 2 sentences' }));
    const confirm = await screen.findByRole('alertdialog', { name: 'Send 1 write sentence to Demo router?' });
    expect(within(confirm).getByText('/ip/address/add =address=10.9.9.1/24 =interface=ether2')).toBeTruthy();
    expect(backend.calls.some((c) => c.channel === 'replay:run')).toBe(false);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Back' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();

    // A different answer from main: one sentence differs, with details to open.
    const realRun = backend.handlers['replay:run'];
    backend.handlers['replay:run'] = async (args) => {
      const r = (await realRun(args)) as ReplayResult;
      const rows = r.rows.map((row, i) =>
        i === 0
          ? {
              ...row,
              verdict: 'differs' as const,
              differences: [{ kind: 'field' as const, key: '*1', field: 'mtu', recorded: '1500', replayed: '9000' }],
              notes: ['a note'],
            }
          : row,
      );
      return { ...r, rows, same: 1, differs: 1 };
    };
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replay 2 sentences' }));
    fireEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Send the writes too' }));
    const results = await within(dialog).findByRole('table', { name: 'Replay comparison' });
    expect(within(dialog).getByText(/Replayed 2 sentences on Demo router .*: 1 same, 1 differs\./)).toBeTruthy();
    const rows = within(results).getAllByRole('row');
    expect(
      within(rows[1]!)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['/interface/print', 'done', 'done', expect.any(String), expect.any(String), 'differs']);
    expect(within(rows[2]!).getByRole('cell', { name: 'same' })).toBeTruthy();
    const details = within(results).getByRole('button', { name: 'differs — details of /interface/print' });
    expect(details.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(details);
    const diff = within(results).getByRole('list', { name: 'Differences of /interface/print' });
    expect(
      within(diff)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Row *1, mtu: recorded “1500”, replayed “9000”', 'Note: a note']);
    expect(backend.calls.find((c) => c.channel === 'replay:run')!.args).toMatchObject({ confirmedWrites: [expect.any(Number)] });

    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows progress while the replay runs', async () => {
    const { backend, s } = await renderApp();
    const ws = await connectDemo();
    await send(ws, '/interface/print');
    let release!: () => void;
    const realRun = backend.handlers['replay:run'];
    backend.handlers['replay:run'] = (args) =>
      new Promise((resolve) => {
        backend.emit('replay:progress', {
          replayId: 'r9',
          sourceId: args.sourceId,
          targetId: args.targetId,
          done: 0,
          total: 1,
          command: '/interface/print',
        });
        release = () => resolve(realRun(args));
      });
    fireEvent.click(within(ws).getByRole('tab', { name: 'Trace' }));
    fireEvent.click(within(ws).getByRole('button', { name: 'Replay…' }));
    const dialog = await screen.findByRole('dialog', { name: /^Replay the trace/ });
    await within(dialog).findByRole('table', { name: 'Sentences to replay' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replay 1 sentence' }));
    await until(() => expect(within(dialog).getByText('Replaying 1 of 1: /interface/print…')).toBeTruthy());
    const bar = within(dialog).getByRole('progressbar', { name: 'Replay progress' });
    expect(bar.getAttribute('max')).toBe('1');
    await act(async () => release());
    await within(dialog).findByRole('table', { name: 'Replay comparison' });
    expect(s().replays[backend.connections[0]!.id]!.status).toBe('done');
  });

  it('Stop replay asks main to stop the replay on its target router', async () => {
    const { backend } = await renderApp();
    const ws = await connectDemo();
    await send(ws, '/interface/print');
    let release!: () => void;
    const realRun = backend.handlers['replay:run'];
    backend.handlers['replay:run'] = (args) => new Promise((resolve) => (release = () => resolve(realRun(args))));
    const stops: unknown[] = [];
    backend.handlers['replay:cancel'] = (args) => {
      stops.push(args);
      release();
      return { targetId: args.targetId, running: true };
    };
    fireEvent.click(within(ws).getByRole('tab', { name: 'Trace' }));
    fireEvent.click(within(ws).getByRole('button', { name: 'Replay…' }));
    const dialog = await screen.findByRole('dialog', { name: /^Replay the trace/ });
    await within(dialog).findByRole('table', { name: 'Sentences to replay' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replay 1 sentence' }));
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Stop replay' }));
    await within(dialog).findByRole('table', { name: 'Replay comparison' });
    expect(stops).toEqual([{ targetId: backend.connections[0]!.id }]);
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
    expect(downloads[0]!.fileName).toBe('Demo router.tikscope-repro.json');
    const doc = JSON.parse(downloads[0]!.data as string);
    expect(doc).toMatchObject({ format: 'tikscope-repro', description: 'MTU is wrong' });
    expect(downloads[0]!.data).not.toContain('=password=secret');
    await until(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('shows what an imported repro bundle says above its trace', async () => {
    const { backend, s } = await renderApp();
    const realImport = backend.handlers['trace:import'];
    backend.handlers['trace:import'] = async (args) => ({
      ...((await realImport({
        ...args,
        content: '{"seq":1,"direction":"out","words":["/interface/print"],"time":1,"bytes":18}\n',
      })) as TraceSnapshot),
      repro: {
        version: 1,
        createdAt: '2026-11-26T01:00:00.000Z',
        description: 'listen stops\nafter a reboot',
        appVersion: '0.1.0',
        platform: 'linux x64 6.8',
        connection: { name: 'core-1', host: '192.0.2.1', port: 8728, transport: 'plain', user: 'admin' },
        router: { known: true, identity: 'core-1', version: '7.16', board: 'RB5009UG+S+' },
      },
    });
    await act(() => s().importTrace('bug.tikscope-repro.json', '{}'));
    const ws = screen.getByRole('region', { name: 'Trace bug.tikscope-repro.json' });
    const info = within(ws).getByRole('region', { name: 'Repro bundle' });
    expect(info.textContent).toContain('listen stops\nafter a reboot');
    expect(info.textContent).toContain('core-1 — RouterOS 7.16, RB5009UG+S+');
    expect(within(ws).getByRole('button', { name: 'Replay…' })).toBeTruthy();
  });
});
