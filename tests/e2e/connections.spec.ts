import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eSuite, filesContaining, SCREENSHOTS } from './fixtures';

/**
 * Saved connections with a password. Where the password goes depends on the machine: with a
 * Secret Service it goes to the OS keychain; without one (this suite often runs outside any D-Bus
 * session) the app says so and keeps it for this run only. Either way it must never reach the data
 * directory — that is checked byte for byte. The test reports which case it exercised.
 */
describe('saved connections', () => {
  const suite = e2eSuite();

  it('adds, edits and deletes a connection with a password that never reaches the data directory', async () => {
    const password = 'e2e-Pa55-word-7f3a';
    const sim = await suite.router({ user: 'netops', password, identity: 'core-1' });
    const t = await suite.open();
    const { app, dataDir, keychain } = t;
    console.info(
      `keychain in this run: ${keychain.available ? 'available — checking the keychain path' : `unavailable (${keychain.reason}) — checking the run-only path`}`,
    );

    await app.addConnection({
      name: 'core-1',
      host: '127.0.0.1',
      port: sim.port as number,
      transport: 'plain',
      user: 'netops',
      password,
      group: 'core',
    });
    if (!keychain.available) {
      // The app explains that the password is kept for this run only.
      await app
        .notice(/kept for this run only/)
        .first()
        .waitFor();
    }
    expect(await filesContaining(dataDir, password)).toEqual([]);
    expect(await filesContaining(dataDir, 'core-1')).not.toEqual([]);

    // The stored (or run-only) password logs in.
    const ws = await app.connect('core-1');
    await ws.send(['/system/identity/print']);
    await (await ws.waitForOutcome('/system/identity/print', 'done')).getByText('core-1', { exact: true }).waitFor();
    await app.action('Disconnect').click();
    await app.waitForState('core-1', 'Offline');

    // Edit keeps the password when the field stays empty.
    await app.editConnection('core-1', { name: 'core-1a' });
    await app.router('core-1a').waitFor();
    await app.connect('core-1a');
    await app.action('Disconnect').click();
    await app.waitForState('core-1a', 'Offline');
    expect(await filesContaining(dataDir, password)).toEqual([]);

    const saved = (await t.host.services.handlers['connections:list']({})).connections.find((c) => c.name === 'core-1a');
    expect(saved?.hasPassword).toBe(true);
    const { Entry } = await import('@napi-rs/keyring');
    const entry = new Entry('com.tikscope.app', saved?.id as string);
    if (keychain.available) expect(entry.getPassword()).toBe(password);

    await app.deleteConnection('core-1a');
    if (keychain.available) expect(entry.getPassword() ?? null).toBeNull();
    const left = (await t.host.services.handlers['connections:list']({})).connections.map((c) => c.name);
    expect(left).toEqual(['Demo router']);
    expect(await filesContaining(dataDir, password)).toEqual([]);
  });

  it('explains invalid input next to the field and saves nothing', async () => {
    const t = await suite.open({ colorScheme: 'light' });
    const { app } = t;
    await app.page.getByRole('button', { name: 'Add connection', exact: true }).click();
    const dialog = app.dialog('Add connection');
    await app.fillConnectionForm(dialog, { name: 'bad one', host: 'http://router', port: '70000' });
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const host = dialog.getByLabel('Host', { exact: true });
    await expect(host.getAttribute('aria-invalid')).resolves.toBe('true');
    const described = await host.getAttribute('aria-describedby');
    await expect(dialog.locator(`#${described}`).textContent()).resolves.toMatch(/without "http:\/\/"/);
    await dialog.getByText('The port must be between 1 and 65535.').waitFor();
    await dialog
      .getByRole('alert')
      .getByText(/Please correct 2 marked fields/)
      .waitFor();
    await app.screenshot(join(SCREENSHOTS, 'add-connection.png'));
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    const names = (await t.host.services.handlers['connections:list']({})).connections.map((c) => c.name);
    expect(names).toEqual(['Demo router']);
  });

  it('asks to trust a TLS certificate on first use, shows its fingerprint, and connects once trusted', async () => {
    const sim = await suite.router({ port: null, tlsCertPort: 0, user: 'admin', password: 'tls-pw' });
    const t = await suite.open();
    const { app } = t;
    await app.addConnection({
      name: 'tls-router',
      host: '127.0.0.1',
      transport: 'tls-pinned',
      port: sim.tlsCertPort as number,
      user: 'admin',
      password: 'tls-pw',
    });
    await app.select('tls-router');
    await app.action('Connect').click();
    const dialog = app.dialog('Trust this router’s certificate?');
    await dialog.waitFor();
    const shown = await dialog.getByLabel('Presented fingerprint').textContent();
    const hex = (s: string | null | undefined) => (s ?? '').replace(/[^0-9a-f]/gi, '').toUpperCase();
    expect(hex(shown)).toBe(hex(sim.certificate?.fingerprint256));
    await app.screenshot(join(SCREENSHOTS, 'trust-certificate.png'));
    await dialog.getByRole('button', { name: 'Trust and connect', exact: true }).click();
    await app.waitForState('tls-router', 'Connected');
    const ws = app.workspace('tls-router');
    await expect(ws.header().textContent()).resolves.toContain('TLS (pinned certificate)');
    await expect(ws.header().getByRole('note').count()).resolves.toBe(0);
    const saved = (await t.host.services.handlers['connections:list']({})).connections.find((c) => c.name === 'tls-router');
    expect(hex(saved?.fingerprint256)).toBe(hex(sim.certificate?.fingerprint256));
  });

  it('shows a login failure in words, with the router state', async () => {
    const sim = await suite.router({ user: 'admin', password: 'right' });
    const t = await suite.open();
    const { app } = t;
    await app.addConnection({ name: 'wrong-pw', host: '127.0.0.1', port: sim.port as number, user: 'admin', password: 'wrong' });
    await app.select('wrong-pw');
    await app.action('Connect').click();
    await app.waitForState('wrong-pw', /^Login failed/);
    await app.page.getByRole('alert').filter({ hasText: 'Connecting wrong-pw' }).first().waitFor();
  });
});
