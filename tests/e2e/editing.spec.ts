import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eSuite, SCREENSHOTS } from './fixtures';
import { EditPage } from './pages/EditPage';

/**
 * Editing from the tables (issue 14) in Chromium, against the browser host and a simulated router
 * whose data the test reads directly: every change goes through the form dialog, its API sentence
 * is shown before it is sent, and the live table follows.
 */
describe('editing from the tables', () => {
  const suite = e2eSuite({ scope: 'all' });

  async function setUp() {
    const sim = await suite.router({ user: 'admin', password: 'edit-pass', identity: 'lab-1' });
    const { app } = await suite.open();
    await app.addConnection({
      name: 'lab-1',
      host: '127.0.0.1',
      port: sim.port as number,
      transport: 'plain',
      user: 'admin',
      password: 'edit-pass',
    });
    const ws = await app.connect('lab-1');
    return { sim, app, ws, edit: new EditPage(ws) };
  }
  let ctx: Awaited<ReturnType<typeof setUp>> | undefined;
  const get = async () => (ctx ??= await setUp());

  it('disables and re-enables ether5 from the /interface table; the preview names the item and the table follows', async () => {
    const { sim, ws, edit } = await get();
    await ws.startTable('/interface');
    const ether5 = sim.model.menu('interface').findByName('ether5')!;
    await edit.row('/interface', 'ether5').click();
    await expect(edit.row('/interface', 'ether5').getAttribute('aria-selected')).resolves.toBe('true');
    await edit.action('Disable').click();
    await edit.sentence().getByText(`=numbers=${ether5.id}`).waitFor();
    expect(await edit.sentence().textContent()).toBe(`/interface/disable\n=numbers=${ether5.id}`);
    await edit.send().click();
    await edit.dialog().waitFor({ state: 'detached' });
    expect(ether5.get('disabled')).toBe('true');
    await expect.poll(() => edit.cellOf('/interface', 'ether5', 'disabled')).toBe('yes');

    await edit.action('Enable').click();
    await expect.poll(() => edit.sentence().textContent()).toBe(`/interface/enable\n=numbers=${ether5.id}`);
    await edit.send().click();
    await edit.dialog().waitFor({ state: 'detached' });
    expect(ether5.get('disabled')).toBe('false');
    await expect.poll(() => edit.cellOf('/interface', 'ether5', 'disabled')).toBe('no');
  });

  it('edits a comment through the form: only the change is sent', async () => {
    const { sim, ws, app, edit } = await get();
    await ws.startTable('/interface');
    await edit.row('/interface', 'ether3').dblclick();
    await edit.field('comment').fill('rack 4, port 3');
    const id = sim.model.menu('interface').findByName('ether3')!.id;
    await expect.poll(() => edit.sentence().textContent()).toBe(`/interface/set\n=numbers=${id}\n=comment=rack 4, port 3`);
    await app.screenshot(join(SCREENSHOTS, 'editing.png'));
    await edit.send().click();
    await edit.dialog().waitFor({ state: 'detached' });
    expect(sim.model.menu('interface').findByName('ether3')!.get('comment')).toBe('rack 4, port 3');
    await edit.row('/interface', 'rack 4, port 3').waitFor();
  });

  it('adds an address on /ip/address after a validation error shown before anything is sent, then removes it', async () => {
    const { sim, ws, edit } = await get();
    await ws.startTable('/ip/address');
    await edit.row('/ip/address', '192.168.88.1/24').waitFor();
    const addresses = sim.model.menu('ip/address');
    const before = addresses.size;
    await edit.action('Add').click();
    await edit.field('address').fill('10.60.0.256/24');
    await edit.field('interface').fill('ether5');
    await edit
      .dialog()
      .getByText(/expected an IPv4 address/)
      .waitFor();
    await expect(edit.field('address').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(edit.send().isDisabled()).resolves.toBe(true);
    expect(addresses.size).toBe(before);

    await edit.field('address').fill('10.60.0.1/24');
    await expect.poll(() => edit.sentence().textContent()).toBe('/ip/address/add\n=address=10.60.0.1/24\n=interface=ether5');
    await edit.send().click();
    await edit.dialog().waitFor({ state: 'detached' });
    expect(addresses.size).toBe(before + 1);
    await edit.row('/ip/address', '10.60.0.1/24').click();
    await edit.action('Remove').click();
    const id = [...addresses.items()].find((i) => i.get('address') === '10.60.0.1/24')!.id;
    await expect.poll(() => edit.sentence().textContent()).toBe(`/ip/address/remove\n=numbers=${id}`);
    await edit.send().click();
    await edit.dialog().waitFor({ state: 'detached' });
    expect(addresses.size).toBe(before);
    await edit.row('/ip/address', '10.60.0.1/24').waitFor({ state: 'detached' });
  });
});
