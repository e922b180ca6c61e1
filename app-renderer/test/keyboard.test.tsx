import './setup';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { router } from './helpers';
import { DEMO_CONNECTION, routerConnection, startDemoRouter } from './inprocess-bridge';
import { renderApp } from './render';

/** Keyboard use as a new user tries it (issue 14, "Also"). */
describe('keyboard', () => {
  it('Ctrl+K, then arrows and Enter pick and connect a router; focus then goes to the Sentence box', async () => {
    const edge = await router({ identity: 'edge' });
    const demo = await startDemoRouter();
    try {
      await renderApp({ demo, connections: [DEMO_CONNECTION, routerConnection('edge', 'Edge', edge)] });
      fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
      const search = screen.getByRole('searchbox', { name: 'Search connections' });
      expect(document.activeElement).toBe(search);
      fireEvent.keyDown(search, { key: 'ArrowDown' });
      expect(screen.getByRole('option', { name: 'Edge' }).getAttribute('aria-selected')).toBe('true');
      fireEvent.keyDown(search, { key: 'Enter' });
      const ws = await screen.findByRole('region', { name: 'Edge' });
      const sentence = within(ws).getByRole('textbox', { name: 'Sentence' });
      await waitFor(() => expect(document.activeElement).toBe(sentence));
    } finally {
      await demo.close();
    }
  });

  it('typing in the search box then Enter connects the first match', async () => {
    await renderApp();
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const search = screen.getByRole('searchbox', { name: 'Search connections' });
    fireEvent.change(search, { target: { value: 'demo' } });
    fireEvent.keyDown(search, { key: 'Enter' });
    await screen.findByRole('region', { name: 'Demo router' });
  });

  it('Alt+N adds a connection, Alt+S focuses Sentence, Alt+T starts the table; all listed in the shortcuts', async () => {
    await renderApp();
    fireEvent.keyDown(window, { key: 'F1' });
    const help = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const what of [/Add connection/, /Focus the Sentence box/, /Start the live table/])
      expect(within(help).getByRole('cell', { name: what })).toBeTruthy();
    fireEvent.keyDown(help, { key: 'Escape' });

    fireEvent.keyDown(window, { key: 'n', altKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'Add connection' });
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    fireEvent.keyDown(screen.getByRole('listbox', { name: 'Routers' }), { key: 'Enter' });
    const ws = await screen.findByRole('region', { name: 'Demo router' });
    screen.getByRole('button', { name: 'Add connection' }).focus();
    fireEvent.keyDown(window, { key: 's', altKey: true });
    expect(document.activeElement).toBe(within(ws).getByRole('textbox', { name: 'Sentence' }));

    // Alt+T: the Tables tab, with the Path box focused while it is empty…
    fireEvent.keyDown(window, { key: 't', altKey: true });
    const path = await within(ws).findByRole('textbox', { name: 'Path' });
    await waitFor(() => expect(document.activeElement).toBe(path));
    fireEvent.change(path, { target: { value: '/interface' } });
    // …and it starts the table once a path is there.
    fireEvent.keyDown(window, { key: 't', altKey: true });
    await within(ws).findByRole('grid', { name: 'Live table /interface' });
  });
});
