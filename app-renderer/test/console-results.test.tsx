import './setup';
import { fireEvent, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { connectDemo, renderApp } from './render';

/** A large console result: search inside it, and let it use the panel's height (issue 14). */
describe('large console results', () => {
  it('searches inside the replies and can grow to the panel’s height', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/ip/firewall/connection/print' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    const card = await within(ws).findByRole('article', { name: '/ip/firewall/connection/print — done' }, { timeout: 10_000 });
    const total = bridge.demo.menu('ip/firewall/connection').size;
    const udp = [...bridge.demo.menu('ip/firewall/connection').items()].filter((i) => i.get('protocol') === 'udp').length;
    expect(udp).toBeGreaterThan(0);

    const search = within(card).getByRole('searchbox', { name: 'Search the replies' });
    fireEvent.change(search, { target: { value: '=protocol=udp' } });
    expect(within(card).getByRole('status').textContent).toBe(`${udp} of ${total + 1} replies match`);
    fireEvent.change(search, { target: { value: '' } });
    expect(within(card).queryByRole('status')).toBeNull();

    const grow = within(card).getByRole('button', { name: 'Use the panel’s height' });
    const scroller = within(card).getByRole('list', { name: 'Replies to /ip/firewall/connection/print' }).parentElement!;
    const small = scroller.style.height;
    fireEvent.click(grow);
    expect(grow.getAttribute('aria-pressed')).toBe('true');
    expect(scroller.style.height).not.toBe(small);
  });
});
