import './setup';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { router } from './helpers';
import { routerConnection, startDemoRouter } from './inprocess-bridge';
import { connectDemo, renderApp } from './render';

const addresses = (demo: { menu(p: string): { items(): IterableIterator<{ get(n: string): string | undefined }> } }) =>
  [...demo.menu('ip/address').items()].map((i) => i.get('address'));

/** Sends one word per line, as the Sentence box takes them, and waits for the card's `done`. */
async function sendFromConsole(ws: HTMLElement, words: string[]): Promise<void> {
  const box = within(ws).getByRole('textbox', { name: 'Sentence' });
  fireEvent.change(box, { target: { value: words.join('\n') } });
  fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
  await within(ws).findByRole('article', { name: `${words[0]!} — done` });
}

describe('Safe mode in the router header', () => {
  it('take → add from the console → Unroll: the address is gone; the button is pressed while on', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    const toggle = within(ws).getByRole('button', { name: 'Safe mode' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    const banner = await within(ws).findByRole('status', { name: 'Safe mode' });
    expect(banner.textContent).toMatch(/If this session drops, the router undoes every change/);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    await sendFromConsole(ws, ['/ip/address/add', '=address=10.99.0.1/24', '=interface=ether2']);
    expect(addresses(bridge.demo)).toContain('10.99.0.1/24');
    fireEvent.click(within(banner).getByRole('button', { name: 'Unroll' }));
    await within(ws).findByRole('button', { name: 'Safe mode', pressed: false });
    expect(addresses(bridge.demo)).not.toContain('10.99.0.1/24');
    expect(within(ws).queryByRole('status', { name: 'Safe mode' })).toBeNull();
  });

  it('Release keeps the change; the link dropping while on says the router will undo the changes', async () => {
    const { bridge } = await renderApp();
    const ws = await connectDemo();
    fireEvent.click(within(ws).getByRole('button', { name: 'Safe mode' }));
    const banner = await within(ws).findByRole('status', { name: 'Safe mode' });
    await sendFromConsole(ws, ['/ip/address/add', '=address=10.99.0.1/24', '=interface=ether2']);
    fireEvent.click(within(banner).getByRole('button', { name: 'Release' }));
    const toggle = await within(ws).findByRole('button', { name: 'Safe mode', pressed: false });
    expect(addresses(bridge.demo)).toContain('10.99.0.1/24');

    // The button is disabled while a safe-mode command is on its way.
    await waitFor(() => expect((toggle as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(toggle);
    expect((await within(ws).findByRole('status', { name: 'Safe mode' })).textContent).toMatch(/Safe mode is on/);
    await sendFromConsole(ws, ['/ip/address/add', '=address=10.98.0.1/24', '=interface=ether2']);
    bridge.demo.dropConnections();
    const alert = await within(ws).findByRole('alert', { name: 'Safe mode' });
    expect(alert.textContent).toMatch(/the router will undo the changes made in safe mode/);
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    await screen.findByText('Connected');
    expect(addresses(bridge.demo)).not.toContain('10.98.0.1/24');
  });

  it('before RouterOS 7.18 the button is disabled and says why', async () => {
    const old = await router({ rosVersion: '7.16.2' });
    const demo = await startDemoRouter();
    try {
      await renderApp({ demo, connections: [routerConnection('old', 'Old router', old)] });
      fireEvent.click(screen.getByRole('option', { name: 'Old router' }));
      fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
      await screen.findByText('Connected');
      const ws = screen.getByRole('region', { name: 'Old router' });
      const toggle = within(ws).getByRole('button', { name: 'Safe mode' }) as HTMLButtonElement;
      expect(toggle.disabled).toBe(true);
      const why = document.getElementById(toggle.getAttribute('aria-describedby')!);
      expect(why?.textContent).toBe('Safe mode needs RouterOS 7.18 or later; this router runs 7.16.2 (stable)');
    } finally {
      await demo.close();
    }
  });
});
