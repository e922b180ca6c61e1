import './setup';
import { fireEvent, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { connectDemo, renderApp } from './render';

describe('Trace: following a tag', () => {
  it('clears the text filter that would hide the tag’s replies, and says so', async () => {
    await renderApp();
    const ws = await connectDemo();
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/interface/print' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await within(ws).findByRole('article', { name: /^\/interface\/print — done/ });
    fireEvent.click(within(ws).getByRole('tab', { name: 'Trace' }));
    const list = within(ws).getByRole('list', { name: 'Trace' });
    const text = within(ws).getByLabelText('Text') as HTMLInputElement;
    fireEvent.change(text, { target: { value: 'interface/print' } });
    const item = await within(list).findByText('/interface/print');
    const row = item.closest('[role=listitem]') as HTMLElement;
    fireEvent.click(within(row).getByTitle(/^Follow tag /));
    expect(text.value).toBe('');
    expect(within(ws).getByText(/Following tag/).textContent).toMatch(/text filter “interface\/print” cleared/);
    // The tag's replies are in view now: its rows and its !done.
    expect(within(list).getAllByText('!re').length).toBeGreaterThan(0);
    expect(within(list).getAllByText('!done').length).toBeGreaterThan(0);
  });
});
