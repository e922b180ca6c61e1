/**
 * The sidebar's Discovered section (issue 15; docs/ui.md, "Discovered routers") on the real
 * services: simulators announce over MNDP on loopback to the services' listener (an ephemeral UDP
 * port, never 5678); Discover sends only to the targets the test gives.
 */
import './setup';
import dgram from 'node:dgram';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiscoveryTarget } from '../../app-main/src/services/discovery/discovery';
import { lastSeenText, REDISCOVER_MS } from '../src/components/Discovered';
import { router, until } from './helpers';
import { renderApp } from './render';

async function withDiscovery(targets: DiscoveryTarget[] = [], port = 0) {
  const ctx = await renderApp({ services: { mndp: { port, bindAddress: '127.0.0.1', targets: () => targets } } });
  const state = await ctx.bridge.services.handlers['discovery:list']({});
  return { ...ctx, port: state.port };
}

function openSection(): void {
  const toggle = screen.getByRole('button', { name: /^Discovered/ });
  expect(toggle.getAttribute('aria-expanded')).toBe('false');
  fireEvent.click(toggle);
  expect(toggle.getAttribute('aria-expanded')).toBe('true');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Discovered routers', () => {
  it('lists an announcing router with its details; Add opens the form filled in; once saved it is marked', async () => {
    const { port } = await withDiscovery();
    const sim = await router({ identity: 'edge-7', seed: 7, mndp: { host: '127.0.0.1', port, intervalMs: 50 } });
    openSection();
    const item = await screen.findByRole('listitem', { name: 'edge-7' }, { timeout: 5000 });
    const mac = sim.menu('interface').findByName('ether1')!.get('mac-address')!;
    for (const text of ['127.0.0.1', mac, '7.20 (stable)', 'RB5009UG+S+', 'ether1'])
      expect(within(item).getByText(text)).toBeTruthy();
    expect(within(item).getByText(/just now|\d+ s ago/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Discovered (1)' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe(`Listening on UDP ${port}`);

    fireEvent.click(within(item).getByRole('button', { name: 'Add edge-7' }));
    const dialog = screen.getByRole('dialog', { name: 'Add connection' });
    expect((within(dialog).getByLabelText('Name') as HTMLInputElement).value).toBe('edge-7');
    expect((within(dialog).getByLabelText('Host') as HTMLInputElement).value).toBe('127.0.0.1');
    fireEvent.change(within(dialog).getByLabelText('Port'), { target: { value: String(sim.port) } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await until(() => expect(screen.queryByRole('dialog')).toBeNull());
    await screen.findByRole('option', { name: 'edge-7' }, { timeout: 5000 });
    const saved = await screen.findByRole('listitem', { name: 'edge-7 (saved)' }, { timeout: 5000 });
    expect(within(saved).getByText('saved')).toBeTruthy();
  });

  it('Discover asks the targets, and the router that answers appears', async () => {
    const targets: DiscoveryTarget[] = [];
    const { port, bridge } = await withDiscovery(targets);
    // Announces to a socket of its own: only its answer to Discover reaches the services.
    const sink = dgram.createSocket('udp4');
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    try {
      const quiet = await router({
        identity: 'quiet',
        seed: 8,
        mndp: { host: '127.0.0.1', port: sink.address().port, intervalMs: 60_000 },
      });
      targets.push({ address: '127.0.0.1', port: quiet.mndp!.port });
      expect(port).toBeGreaterThan(0);
      fireEvent.click(screen.getByRole('button', { name: 'Discover' }));
      // Discover opens the section.
      expect(screen.getByRole('button', { name: /^Discovered/ }).getAttribute('aria-expanded')).toBe('true');
      await screen.findByRole('listitem', { name: 'quiet' }, { timeout: 5000 });
      expect(quiet.mndp!.counts.answered).toBe(1);
      expect(bridge.calls.filter((c) => c.channel === 'discovery:discover')).toHaveLength(1);
    } finally {
      sink.close();
    }
  });

  it('says in words why nothing can be heard when the port is taken, and Discover reports it', async () => {
    const holder = dgram.createSocket('udp4');
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', r));
    const taken = holder.address().port;
    try {
      await withDiscovery([], taken);
      openSection();
      expect((await screen.findByRole('alert', {}, { timeout: 5000 })).textContent).toMatch(
        new RegExp(`^UDP port ${taken} is in use by another program`),
      );
      fireEvent.click(screen.getByRole('button', { name: 'Discover' }));
      await until(() => expect(screen.getAllByText(new RegExp(`UDP port ${taken} is in use`)).length).toBeGreaterThan(1));
      // The rest of the app works.
      expect(screen.getByRole('option', { name: 'Demo router' })).toBeTruthy();
    } finally {
      holder.close();
    }
  });

  it('repeats Discover every 30 s while the section is open, and stops when it is closed', async () => {
    const { bridge } = await withDiscovery([]);
    const sent = () => bridge.calls.filter((c) => c.channel === 'discovery:discover').length;
    // Intervals only: the services' sockets and throttles run on real turns of the event loop.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    fireEvent.click(screen.getByRole('button', { name: 'Discover' }));
    expect(sent()).toBe(1);
    act(() => vi.advanceTimersByTime(REDISCOVER_MS - 1));
    expect(sent()).toBe(1);
    act(() => vi.advanceTimersByTime(1));
    expect(sent()).toBe(2);
    // Renders in between (each announcement renders the list) do not restart the 30 s.
    act(() => vi.advanceTimersByTime(REDISCOVER_MS / 2));
    const state = await bridge.services.handlers['discovery:list']({});
    act(() => bridge.deliver('discovery:changed', { ...state, refused: 1 }));
    act(() => bridge.deliver('discovery:changed', { ...state, refused: 2 }));
    act(() => vi.advanceTimersByTime(REDISCOVER_MS / 2));
    expect(sent()).toBe(3);
    fireEvent.click(screen.getByRole('button', { name: /^Discovered/ }));
    act(() => vi.advanceTimersByTime(3 * REDISCOVER_MS));
    expect(sent()).toBe(3);
    // Opened again without pressing Discover: no repeats.
    fireEvent.click(screen.getByRole('button', { name: /^Discovered/ }));
    act(() => vi.advanceTimersByTime(3 * REDISCOVER_MS));
    expect(sent()).toBe(3);
    await until(() => expect(screen.getByRole('button', { name: 'Discover' }).hasAttribute('disabled')).toBe(false));
  });

  it('"Listen for routers (MNDP)" turns the listener off and on (the mndpListen setting)', async () => {
    const { bridge, port } = await withDiscovery([]);
    openSection();
    const box = screen.getByRole('checkbox', { name: 'Listen for routers (MNDP)' }) as HTMLInputElement;
    expect(box.checked).toBe(true);
    await until(() => expect(screen.getByRole('status').textContent).toBe(`Listening on UDP ${port}`));
    fireEvent.click(box);
    await until(() => expect(screen.getByRole('status').textContent).toBe('Discovery is off.'));
    expect(box.checked).toBe(false);
    expect((await bridge.services.handlers['settings:get']({})).mndpListen).toBe(false);
    expect((await bridge.services.handlers['discovery:list']({})).listening).toBe(false);
    fireEvent.click(box);
    await until(() => expect(screen.getByRole('status').textContent).toMatch(/^Listening on UDP \d+$/));
    expect((await bridge.services.handlers['discovery:list']({})).listening).toBe(true);
  });

  it('shows last seen in seconds, then minutes', () => {
    expect(lastSeenText(1000, 1500)).toBe('just now');
    expect(lastSeenText(0, 42_000)).toBe('42 s ago');
    expect(lastSeenText(0, 185_000)).toBe('3 min ago');
  });
});
