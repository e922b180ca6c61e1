import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eSuite, SCREENSHOTS } from './fixtures';
import { ReplayPage } from './pages/ReplayPage';

/**
 * Trace replay and repro bundles end to end: a trace captured on router A (RouterOS 7.20) is
 * replayed on router B (7.16, other identity, one address changed). The write is not sent without
 * the confirmation — checked on B's data and B's own trace — read-only sentences are compared and
 * the differing ones say so; after confirming, the write reaches B. Then a repro bundle is
 * exported and read byte for byte.
 */
describe('trace replay and repro bundles', () => {
  const suite = e2eSuite();

  it('replays A’s trace on B: writes only after confirmation, differences shown; exports a bundle without passwords', async () => {
    const pwA = 'e2e-replay-A-9c1f';
    const pwB = 'e2e-replay-B-42d7';
    const simA = await suite.router({ rosVersion: '7.20', identity: 'core-A', password: pwA });
    const simB = await suite.router({ rosVersion: '7.16', identity: 'edge-B', password: pwB });
    // B's data differs from A's: its LAN address carries another comment.
    const lanB = simB.menu('/ip/address').items().next().value!;
    simB.menu('/ip/address').update(lanB, { comment: 'lab copy' });

    const t = await suite.open();
    const { app, host } = t;
    await app.addConnection({
      name: 'router-A',
      host: '127.0.0.1',
      port: simA.port as number,
      transport: 'plain',
      user: 'admin',
      password: pwA,
    });
    await app.addConnection({
      name: 'router-B',
      host: '127.0.0.1',
      port: simB.port as number,
      transport: 'plain',
      user: 'admin',
      password: pwB,
    });
    const a = await app.connect('router-A');
    await app.connect('router-B');
    await app.workspaceTab('router-A').click();
    const idB = (await host.services.handlers['connections:list']({})).connections.find((c) => c.name === 'router-B')!.id;

    // Capture on A: console prints, a listen cancelled from its card, and one write.
    const identity = ['/system/identity/print', '=.proplist=name'];
    const interfaces = ['/interface/print', '=.proplist=name,type'];
    const address = ['/ip/address/print'];
    const listen = ['/interface/listen'];
    const write = ['/ip/address/add', '=address=10.77.0.1/24', '=interface=ether3'];
    for (const words of [identity, interfaces, address]) {
      await a.send(words);
      await a.waitForOutcome(words[0]!, 'done');
    }
    await a.send(listen);
    const listenCard = a.command('/interface/listen');
    await listenCard.getByRole('button', { name: 'Cancel', exact: true }).click();
    await a.waitForOutcome('/interface/listen', 'cancelled');
    await a.send(write);
    await a.waitForOutcome('/ip/address/add', 'done');
    expect([...simA.menu('/ip/address').items()].map((i) => i.get('address'))).toContain('10.77.0.1/24');

    // Replay on B: the reads are selected, the write is listed but not.
    const replay = new ReplayPage(a);
    await replay.open();
    await replay.target('router-B');
    await replay.setStreamSeconds(1);
    for (const words of [identity, interfaces, address, listen]) expect(await replay.sentence(words).isChecked()).toBe(true);
    expect(await replay.sentence(write).isChecked()).toBe(false);
    expect(await replay.sentenceRow(write).getByRole('cell', { name: 'write', exact: true }).count()).toBe(1);
    // Tikscope's own reads (login, completion) are hidden; shown on request, never selected.
    expect(await replay.sentence(['/system/resource/print']).count()).toBe(0);
    await replay.showBackground(true);
    expect(await replay.sentence(['/system/resource/print']).isChecked()).toBe(false);
    await replay.showBackground(false);

    // Select the write, press Replay: an alertdialog names it, and Back sends nothing.
    const traceBBefore = (await host.services.handlers['trace:get']({ connectionId: idB })).entries.length;
    await replay.sentence(write).check();
    await replay.replayButton().click();
    const confirm = replay.confirmation();
    await confirm.waitFor();
    expect(await confirm.getAttribute('aria-modal')).toBe('true');
    await confirm.getByRole('heading', { name: 'Send 1 write sentence to router-B?' }).waitFor();
    await confirm.getByText(write.join(' '), { exact: true }).waitFor();
    await confirm.getByRole('button', { name: 'Back', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    const sentToB = async () =>
      (await host.services.handlers['trace:get']({ connectionId: idB })).entries
        .slice(traceBBefore)
        .filter((e) => e.direction === 'out')
        .map((e) => e.words[0]);
    expect(await sentToB()).toEqual([]);

    // Without the write: the read-only sentences run on B and are compared.
    await replay.sentence(write).uncheck();
    await replay.replayButton().click();
    const summary = await replay.waitForResults();
    expect(summary).toMatch(/^Replayed 4 sentences on router-B in [\d.]+ s: 2 same, 2 differ\.$/);
    expect(await replay.resultCells(identity)).toEqual([identity.join(' '), 'done', 'done', '1', '1', 'differs']);
    expect(await replay.resultCells(interfaces)).toEqual([interfaces.join(' '), 'done', 'done', '7', '7', 'same']);
    expect((await replay.resultCells(address)).at(-1)).toBe('differs');
    expect(await replay.resultCells(listen)).toEqual([
      listen.join(' '),
      'cancelled',
      'cancelled (stopped at the limit)',
      expect.any(String),
      '0',
      'same',
    ]);
    expect(await replay.details(identity)).toEqual(['Row #1, name: recorded “core-A”, replayed “edge-B”']);
    expect(await replay.details(address)).toContain('Row *1, comment: recorded “defconf”, replayed “lab copy”');
    // Nothing but reads (and the /cancel that stopped the listen) reached B; B's data is unchanged.
    expect(await sentToB()).toEqual([
      '/system/identity/print',
      '/interface/print',
      '/ip/address/print',
      '/interface/listen',
      '/cancel',
    ]);
    expect([...simB.menu('/ip/address').items()].map((i) => i.get('address'))).not.toContain('10.77.0.1/24');
    await app.screenshot(join(SCREENSHOTS, 'replay.png'));

    // Confirm the write: now it is sent, after the reads, in trace order.
    await replay.sentence(write).check();
    await replay.replayButton().click();
    await confirm.getByRole('button', { name: 'Send the writes too', exact: true }).click();
    await replay
      .dialog()
      .getByRole('status')
      .filter({ hasText: /^Replayed 5 sentences/ })
      .waitFor();
    expect((await replay.resultCells(write)).slice(0, 3)).toEqual([write.join(' '), 'done', 'done']);
    expect([...simB.menu('/ip/address').items()].map((i) => i.get('address'))).toContain('10.77.0.1/24');
    expect((await sentToB()).filter((c) => c === '/ip/address/add')).toHaveLength(1);
    await replay.close();

    // The repro bundle of A: settings without secrets, versions, the trace — and no password.
    const download = await replay.exportBundle('Addresses on B differ from A.\nReplayed with Tikscope.');
    expect(download.suggestedFilename()).toMatch(/^router-A-.*\.tikscope-repro\.json$/);
    const bytes = await readFile((await download.path())!);
    for (const pw of [pwA, pwB]) expect(bytes.includes(Buffer.from(pw, 'utf8'))).toBe(false);
    const bundle = JSON.parse(bytes.toString('utf8'));
    expect(bundle).toMatchObject({
      format: 'tikscope-repro',
      version: 1,
      description: 'Addresses on B differ from A.\nReplayed with Tikscope.',
      application: { name: 'Tikscope', host: 'browser' },
      system: { platform: process.platform },
      connection: {
        name: 'router-A',
        host: '127.0.0.1',
        port: simA.port,
        transport: 'plain',
        user: 'admin',
        encoding: 'utf-8',
      },
      router: { known: true, identity: 'core-A', version: expect.stringMatching(/^7\.20/), board: expect.any(String) },
    });
    expect(bundle.connection).not.toHaveProperty('password');
    expect(bundle.connection).not.toHaveProperty('hasPassword');
    const sent = bundle.trace.slice(1).filter((e: { direction: string }) => e.direction === 'out');
    expect(sent[0].words).toEqual(['/login', '=name=admin', '=password=********']);
    expect(sent.some((e: { words: string[] }) => e.words[0] === '/ip/address/add')).toBe(true);

    // The bundle opens through Import trace…, shows what it says, and replays.
    const imported = await app.importTrace(download.suggestedFilename(), bytes.toString('utf8'));
    const info = imported.region.getByRole('region', { name: 'Repro bundle' });
    await info.getByText(/core-A — RouterOS 7\.20/).waitFor();
    await info.getByText('Addresses on B differ from A.', { exact: false }).waitFor();
    const again = new ReplayPage(imported);
    await again.open();
    await again.target('router-B');
    expect(await again.sentence(write).isChecked()).toBe(false);
    await again.replayButton().click();
    expect(await again.waitForResults()).toMatch(/^Replayed 4 sentences on router-B/);
    await again.close();
  });
});
