import './setup';
import { fireEvent, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { connectDemo, renderApp } from './render';

/** CLI syntax in the Sentence box is never sent as typed without a word (issue 14). */
describe('CLI syntax on send', () => {
  it('Ctrl+Enter on CLI syntax sends nothing and offers the API form; accepting it sends the API words', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/ip address print where interface=ether1' } });
    const sends = () => bridge.calls.filter((c) => c.channel === 'console:send').length;
    const before = sends();
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    const hint = within(ws).getByRole('region', { name: 'API form' });
    expect(within(hint).getByRole('alert').textContent).toMatch(/Not sent: this is CLI syntax/);
    expect(sends()).toBe(before);
    fireEvent.click(within(hint).getByRole('button', { name: 'Send API form' }));
    const card = await within(ws).findByRole('article', { name: '/ip/address/print — done' });
    expect(card.textContent).toContain('?interface=ether1');
    expect(bridge.calls.filter((c) => c.channel === 'console:send').at(-1)!.args).toMatchObject({
      words: ['/ip/address/print', '?interface=ether1'],
    });
  });

  it('Send as typed is there for the rare case the user means it', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/system identity print' } });
    fireEvent.click(within(ws).getByRole('button', { name: 'Send' }));
    const hint = within(ws).getByRole('region', { name: 'API form' });
    fireEvent.click(within(hint).getByRole('button', { name: 'Send as typed' }));
    await within(ws).findByRole('article', { name: /^\/system identity print — trap/ });
    expect(bridge.calls.filter((c) => c.channel === 'console:send').at(-1)!.args).toMatchObject({
      words: ['/system identity print'],
    });
  });
});
