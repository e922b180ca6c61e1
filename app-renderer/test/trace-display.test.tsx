/**
 * The trace display (issue 16): traps and fatals marked in words, slow replies marked against a
 * threshold, the sentences of one command grouped and foldable, and the display filter by command,
 * tag, reply type and word text.
 */
import './setup';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../app-main/src/common/contract';
import { filterTrace } from '../src/components/TracePanel';
import { TraceAnalysis } from '../src/lib/trace-analysis';
import { emptyTrace } from '../src/store/trace';
import type { TraceFilters } from '../src/store/types';
import { until } from './helpers';
import { connectDemo, renderApp } from './render';

let seq = 0;
const at = (time: number, direction: TraceEntry['direction'], words: string[], tag?: string): TraceEntry => ({
  seq: ++seq,
  connectionId: 'x',
  time,
  direction,
  words: tag !== undefined ? [...words, `.tag=${tag}`] : words,
  bytes: direction === 'note' ? 0 : 10,
  ...(tag !== undefined ? { tag } : {}),
});
const rowsOf = (list: TraceEntry[]) => ({ length: list.length, get: (i: number) => list[i] });
const noFilter: TraceFilters = emptyTrace().filters;

/** A session: login (untagged), two tagged commands answered interleaved, a trap, a slow one. */
function session(): TraceEntry[] {
  seq = 0;
  return [
    at(0, 'note', ['link connecting', '=attempt=1']),
    at(10, 'out', ['/login', '=name=admin', '=password=********']),
    at(12, 'in', ['!done']),
    at(20, 'out', ['/interface/print'], 't1'),
    at(21, 'out', ['/ip/route/print'], 't2'),
    at(22, 'in', ['!re', '=name=ether1'], 't1'),
    at(23, 'in', ['!re', '=dst-address=0.0.0.0/0'], 't2'),
    at(24, 'in', ['!done'], 't1'),
    at(30, 'out', ['/no/such'], 't3'),
    at(31, 'in', ['!trap', '=message=no such command'], 't3'),
    at(32, 'in', ['!done'], 't3'),
    at(2521, 'in', ['!done'], 't2'),
  ];
}

describe('TraceAnalysis', () => {
  it('ties replies to their command by tag, untagged ones in order, with the time since the command', () => {
    const list = session();
    const a = new TraceAnalysis().update(rowsOf(list), list);
    const info = (k: number) => a.get(list[k]!.seq)!;
    expect(info(2)).toMatchObject({ group: list[1]!.seq, command: '/login', elapsedMs: 2, ends: true });
    expect(info(6)).toMatchObject({ group: list[4]!.seq, command: '/ip/route/print', elapsedMs: 2, ends: false });
    expect(info(7)).toMatchObject({ command: '/interface/print', elapsedMs: 4, ends: true });
    expect(info(9)).toMatchObject({ command: '/no/such', ends: false });
    expect(info(11)).toMatchObject({ command: '/ip/route/print', elapsedMs: 2500, ends: true });
    // The command's own summary: replies, problems, how long it took and what ended it.
    expect(info(4)).toMatchObject({ group: list[4]!.seq, replies: 2, problems: 0, tookMs: 2500, endedBy: '!done' });
    expect(info(8)).toMatchObject({ replies: 2, problems: 1, tookMs: 2, endedBy: '!done' });
    expect(a.get(list[0]!.seq)).toBeUndefined();
  });

  it('grows entry by entry to the same result as all at once, and starts over on a new log', () => {
    const list = session();
    const whole = new TraceAnalysis().update(rowsOf(list), list);
    const grown = new TraceAnalysis();
    for (let n = 1; n <= list.length; n++) grown.update(rowsOf(list.slice(0, n)), list);
    for (const e of list) expect(grown.get(e.seq), `seq ${e.seq}`).toEqual(whole.get(e.seq));
    // A replaced log (a load) is analysed afresh: nothing of the old one stays.
    const other = [at(5000, 'in', ['!done'], 't1')];
    grown.update(rowsOf(other), other);
    expect(grown.get(other[0]!.seq)).toEqual({});
    expect(grown.get(list[3]!.seq)).toBeUndefined();
  });

  it('forgets open tags when the link starts a new session (tags are per session)', () => {
    seq = 0;
    const list = [
      at(0, 'out', ['/interface/listen'], 't1'),
      at(1, 'note', ['link dropped', '=reason=connection lost']),
      at(2, 'in', ['!done'], 't1'),
    ];
    const a = new TraceAnalysis().update(rowsOf(list), list);
    expect(a.get(list[2]!.seq)).toEqual({});
  });
});

describe('filterTrace', () => {
  const list = session();
  const analysis = new TraceAnalysis().update(rowsOf(list), list);
  const shown = (f: Partial<TraceFilters>, ctx: Parameters<typeof filterTrace>[3] = {}) =>
    filterTrace((i) => list[i], list.length, { ...noFilter, ...f }, { analysis, ...ctx })?.map((i) => list[i]!.words[0]);

  it('filters nothing when nothing is asked', () => {
    expect(shown({})).toBeUndefined();
  });

  it('by command: the command and every reply to it', () => {
    expect(shown({ command: 'ROUTE' })).toEqual(['/ip/route/print', '!re', '!done']);
  });

  it('by reply type, traps and fatals together, and by tag and word text', () => {
    expect(shown({ reply: '!trap' })).toEqual(['!trap']);
    expect(shown({ reply: '!done' })).toHaveLength(4);
    expect(shown({ reply: 'problems' })).toEqual(['!trap']);
    expect(shown({ tag: 't3' })).toEqual(['/no/such', '!trap', '!done']);
    expect(shown({ text: 'ether1' })).toEqual(['!re']);
  });

  it('slow only: the replies that ended their command later than the threshold', () => {
    expect(shown({ slowOnly: true })).toEqual(['!done']);
    expect(shown({ slowOnly: true }, { slowMs: 3 })).toEqual(['!done', '!done']);
  });

  it("folding hides a command's replies while the command is shown", () => {
    const folding = { all: false, flipped: new Set([list[3]!.seq]) };
    expect(shown({}, { folding })).toEqual(list.filter((_, k) => k !== 5 && k !== 7).map((e) => e.words[0]));
    const all = shown({}, { folding: { all: true, flipped: new Set() } });
    expect(all).toEqual(['link connecting', '/login', '/interface/print', '/ip/route/print', '/no/such']);
    // The command filtered out: its replies show, or nothing would be left to unfold them with.
    expect(shown({ direction: 'in' }, { folding: { all: true, flipped: new Set() } })).toHaveLength(7);
  });
});

async function openTrace(): Promise<HTMLElement> {
  const ws = await connectDemo();
  fireEvent.click(within(ws).getByRole('tab', { name: 'Trace' }));
  return ws;
}

/** The Demo router's Trace tab after a print and a failed command, gaps filled, own reads hidden. */
async function printAndTrap() {
  const { s } = await renderApp();
  const ws = await openTrace();
  const list = within(ws).getByRole('list', { name: 'Trace' });
  await act(() => s().sendCommand('demo', ['/interface/print']));
  await act(() => s().sendCommand('demo', ['/no/such/menu']));
  await until(() =>
    expect(s().consoles['demo']?.commands.every((c) => c.status !== 'sending' && c.status !== 'running')).toBe(true),
  );
  // Live batches are bounded (main sends the newest of a burst); the tab fills gaps on load.
  await act(() => s().loadTrace('demo'));
  // The view is virtualised (30 rows in jsdom's 600 px): leave out Tikscope's own reads.
  fireEvent.click(within(ws).getByRole('checkbox', { name: "Hide Tikscope's own traffic" }));
  const items = () => within(list).queryAllByRole('listitem');
  const itemWith = (text: string) => items().find((li) => within(li).queryByText(text) !== null);
  /** The print's rows on screen (ether1 is in the first). */
  const rows = () => items().filter((li) => within(li).queryAllByText('ether1', { exact: true }).length > 0).length;
  await until(() => expect(rows()).toBe(1));
  return { ws, list, items, itemWith, rows };
}

describe('Trace tab display', () => {
  it('marks a trap in words and folds a command', async () => {
    const { list, items, itemWith, rows } = await printAndTrap();
    // The traps: a mark in words, with the router's message.
    const trap = itemWith('!trap')!;
    const mark = within(trap).getAllByText('Trap')[0]!;
    expect(mark.getAttribute('title')).toMatch(/^Trap: no such command/);
    expect(trap.className).toContain('sev-trap');

    // Folding: the command's replies go, and come back.
    const fold = within(list).getByRole('button', { name: /^Replies of \/interface\/print \(tag t\d+\)$/ });
    expect(fold.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(fold);
    await until(() => expect(rows()).toBe(0));
    const folded = within(list).getByRole('button', { name: /^Replies of \/interface\/print/ });
    expect(folded.getAttribute('aria-expanded')).toBe('false');
    const head = items().find((li) => li.contains(folded))!;
    expect(
      within(head)
        .getByText(/^\+\d+$/)
        .getAttribute('title'),
    ).toMatch(/replies folded$/);
    expect(itemWith('!trap')).toBeDefined();
    fireEvent.click(folded);
    await until(() => expect(rows()).toBe(1));
  });

  it('folds and unfolds every command at once', async () => {
    const { ws, items, itemWith, rows } = await printAndTrap();
    fireEvent.click(within(ws).getByRole('button', { name: 'Fold all' }));
    await until(() => expect(rows()).toBe(0));
    expect(itemWith('!trap')).toBeUndefined();
    // A folded command that hides a trap says so.
    const failed = items().find((li) => within(li).queryByText('/no/such/menu') !== null)!;
    expect(within(failed).getByText('Trap').getAttribute('title')).toBe('2 traps or fatals folded');
    fireEvent.click(within(ws).getByRole('button', { name: 'Unfold all' }));
    await until(() => expect(rows()).toBe(1));
  });

  it('filters by reply type and by command', async () => {
    const { ws, items, itemWith, rows } = await printAndTrap();
    const replyType = within(ws).getByRole('combobox', { name: 'Reply type' });
    fireEvent.change(replyType, { target: { value: 'problems' } });
    await until(() => expect(items().map((li) => within(li).queryByText('!trap') !== null)).toEqual([true, true]));
    fireEvent.change(replyType, { target: { value: '' } });

    // Command: the print and its replies, nothing of the failed command.
    const command = within(ws).getByRole('searchbox', { name: 'Command' });
    fireEvent.change(command, { target: { value: '/interface' } });
    await until(() => expect(itemWith('/no/such/menu')).toBeUndefined());
    expect(itemWith('/interface/print')).toBeDefined();
    expect(rows()).toBe(1);
    expect(items().every((li) => within(li).queryByText('!trap') === null)).toBe(true);
  });

  it('marks replies that ended their command later than the threshold', async () => {
    const { ws, list, items } = await printAndTrap();
    const threshold = within(ws).getByRole('spinbutton', { name: 'Slow after (ms)' });
    fireEvent.change(threshold, { target: { value: '600000' } });
    await until(() => expect(within(list).queryAllByText(/^Slow /)).toHaveLength(0));
    fireEvent.change(threshold, { target: { value: '0' } });
    // At 0 ms every end is slow: the print's, the failed command's and the login's.
    await until(() => expect(within(list).queryAllByText(/^Slow \d/).length).toBeGreaterThanOrEqual(3));
    fireEvent.click(within(ws).getByRole('checkbox', { name: 'Slow only' }));
    await until(() => expect(items().every((li) => li.className.split(' ').includes('slow'))).toBe(true));
    expect(items().map((li) => within(li).getByText(/^!/).textContent)).toEqual(expect.arrayContaining(['!done']));
  });

  it('marks a fatal in an imported trace, and the pcapng export names the Wireshark dissector', async () => {
    const { s } = await renderApp();
    const ws = await openTrace();
    const pcapng = within(ws).getByRole('button', { name: 'Export pcapng' });
    expect(pcapng.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(pcapng.getAttribute('aria-describedby')!)!.textContent).toMatch(/routeros-api\.lua/);

    const lines = [
      { seq: 1, time: 1, direction: 'out', words: ['/quit'] },
      { seq: 2, time: 2, direction: 'in', words: ['!fatal', 'session terminated on request'] },
    ].map((l) => JSON.stringify({ connectionId: 'x', bytes: 10, ...l }));
    await act(() => s().importTrace('fatal.jsonl', lines.join('\n') + '\n'));
    const list = await screen.findByRole('list', { name: 'Imported trace' });
    const fatal = (await within(list).findByText('!fatal')).closest('[role="listitem"]') as HTMLElement;
    expect(fatal.className).toContain('sev-fatal');
    expect(within(fatal).getByText('Fatal').getAttribute('title')).toBe('Fatal: session terminated on request');
  });
});
