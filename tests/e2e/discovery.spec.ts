import dgram from 'node:dgram';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostOptions, parseHostArgs } from '../../app-main/src/host/cli';
import { parseArgs } from '../../simulator/src/args';
import { e2eSuite, SCREENSHOTS } from './fixtures';

/** A UDP port free on loopback just now (never 5678: tests must not take the real MNDP port). */
async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Neighbour discovery end to end (issue 15): the browser host started as `npm run web --
 * --mndp-port N` and a simulator as `npm run sim -- --mndp 127.0.0.1:N` (their own argument
 * parsers, in this process); the simulator appears under Discovered, Add fills in the connection
 * form, and the router connects. Discover is not pressed: it would broadcast beyond loopback.
 */
describe('neighbour discovery', () => {
  const suite = e2eSuite();

  it('a simulator announcing over MNDP appears under Discovered; Add pre-fills the form; it connects', async () => {
    const port = await freeUdpPort();
    const host = hostOptions(parseHostArgs(['--mndp-port', String(port)]));
    expect(host.mndp).toEqual({ port });
    const sim = await suite.router(
      parseArgs(['--mndp', `127.0.0.1:${port}`, '--mndp-interval-ms', '200', '--identity', 'branch-gw', '--seed', '5']).options,
    );
    const { app } = await suite.open({ mndp: host.mndp! });
    const page = app.page;

    const section = page.getByRole('region', { name: 'Discovered routers' });
    await section.getByRole('button', { name: /^Discovered/ }).click();
    const entry = section.getByRole('listitem', { name: 'branch-gw', exact: true });
    await entry.waitFor();
    const mac = sim.menu('interface').findByName('ether1')!.get('mac-address')!;
    for (const text of ['127.0.0.1', mac, '7.20 (stable)', 'RB5009UG+S+', 'ether1'])
      await entry.getByText(text, { exact: true }).waitFor();
    await app.screenshot(join(SCREENSHOTS, 'discovered.png'));

    await entry.getByRole('button', { name: 'Add branch-gw' }).click();
    const dialog = app.dialog('Add connection');
    await expect(dialog.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('branch-gw');
    await expect(dialog.getByLabel('Host', { exact: true }).inputValue()).resolves.toBe('127.0.0.1');
    await app.fillConnectionForm(dialog, { port: sim.port as number });
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    await section.getByRole('listitem', { name: 'branch-gw (saved)', exact: true }).waitFor();
    const ws = await app.connect('branch-gw');
    await ws.send(['/system/identity/print']);
    await (await ws.waitForOutcome('/system/identity/print', 'done')).getByText('branch-gw', { exact: true }).waitFor();
  });
});
