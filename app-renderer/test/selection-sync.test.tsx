import './setup';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { router } from './helpers';
import { DEMO_CONNECTION, routerConnection, startDemoRouter } from './inprocess-bridge';
import { renderApp } from './render';

/**
 * The sidebar's selected router and the workspace on screen follow each other, so Disconnect and
 * Edit act on the router you are looking at; the active workspace tab is scrolled into view.
 */
describe('selection follows the workspace and the other way round', () => {
  it('tab click selects the router; picking a router shows its workspace; the active tab is scrolled into view', async () => {
    const edge = await router({ identity: 'edge' });
    const demo = await startDemoRouter();
    const scrolled: string[] = [];
    const original = Element.prototype.scrollIntoView;
    Element.prototype.scrollIntoView = vi.fn(function (this: Element) {
      scrolled.push(this.getAttribute('aria-label') ?? this.textContent ?? '');
    });
    try {
      const { s } = await renderApp({ demo, connections: [DEMO_CONNECTION, routerConnection('edge', 'Edge', edge)] });
      await s().connect('demo');
      await s().connect('edge');
      const wsTab = (name: string) => screen.getByRole('tab', { name });
      const option = (name: string) => screen.getByRole('option', { name });
      await waitFor(() => expect(wsTab('Edge').getAttribute('aria-selected')).toBe('true'));
      expect(option('Edge').getAttribute('aria-selected')).toBe('true');

      // The workspace tab → the sidebar.
      fireEvent.click(wsTab('Demo router'));
      expect(option('Demo router').getAttribute('aria-selected')).toBe('true');
      expect(scrolled).toContain('Demo router');
      // The sidebar → the workspace on screen.
      fireEvent.click(option('Edge'));
      expect(wsTab('Edge').getAttribute('aria-selected')).toBe('true');
      expect(screen.getByRole('region', { name: 'Edge' })).toBeTruthy();
      // Alt+[ cycles the workspace; the sidebar follows.
      fireEvent.keyDown(window, { key: '[', altKey: true });
      expect(option('Demo router').getAttribute('aria-selected')).toBe('true');
    } finally {
      Element.prototype.scrollIntoView = original;
      await demo.close();
    }
  });
});
