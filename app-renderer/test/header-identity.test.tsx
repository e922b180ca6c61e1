import './setup';
import { fireEvent, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { connectDemo, renderApp } from './render';

describe('router header', () => {
  it('shows the new identity after /system/identity/set from the console', async () => {
    await renderApp();
    const ws = await connectDemo();
    const header = ws.querySelector('header.ws-head') as HTMLElement;
    expect(within(header).getByTitle('/system/identity').textContent).toBe('Tikscope Demo');
    const box = within(ws).getByRole('textbox', { name: 'Sentence' });
    fireEvent.change(box, { target: { value: '/system/identity/set\n=name=core-renamed' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await within(ws).findByRole('article', { name: '/system/identity/set — done' });
    await within(header).findByText('core-renamed');
  });
});
