/**
 * The per-connection Encoding (issue 11 item 7; protocol.md §9) end to end: saved connection →
 * link → Session → simulated router holding windows-1250 bytes, as one configured from WinBox on
 * a Polish Windows PC does. Every wait is on an event.
 */
import { describe, expect, it } from 'vitest';
import { fromBytes } from '../../../../simulator/src/index';
import type { Simulator } from '../../../../simulator/src/index';
import type { Encoding } from '../../common/contract';
import type { Services } from '../index';
import { failure, FAST_TIMINGS, servicesRig, upsertsOf } from '../test-support/helpers';

const rig = servicesRig({
  services: { timings: FAST_TIMINGS, random: () => 0.5 },
  // Jan's password is `ł` typed in WinBox on Windows: stored as the cp1250 byte B3.
  sim: () => ({ users: [{ name: 'jan', password: Uint8Array.of(0xb3), group: 'full' }] }),
});

/** `Łódź` in windows-1250: Ł = A3, ó = F3, d, ź = 9F. */
const LODZ_CP1250 = fromBytes(0xa3, 0xf3, 0x64, 0x9f);

async function connectAs(s: Services, router: Simulator, encoding: Encoding | undefined): Promise<string> {
  const c = await s.handlers['connections:save']({
    input: {
      name: 'PL',
      host: '127.0.0.1',
      port: router.port!,
      transport: 'plain',
      user: 'jan',
      password: 'ł',
      ...(encoding ? { encoding } : {}),
    },
  });
  return c.id;
}

/** Puts the comment on the first address, as bytes (the simulator stores what it is given). */
function commentFirstAddress(router: Simulator, bytes: string): void {
  const menu = router.menu('/ip/address');
  const first = menu.items().next().value!;
  menu.update(first, { comment: bytes });
}

describe('Encoding: windows-1250', () => {
  it('a password ł stored as cp1250 byte B3 logs in', async () => {
    const router = await rig.sim();
    const s = await rig.start();
    const id = await connectAs(s, router, 'windows-1250');
    const state = await s.handlers['link:connect']({ id });
    expect(state.status).toBe('online');
    // The same password sent as UTF-8 (C5 82) is refused: the bytes are what RouterOS compares.
    const utf8 = await connectAs(s, router, 'utf-8');
    expect((await s.handlers['link:connect']({ id: utf8 })).status).toBe('auth-failed');
  });

  it('?comment=Łódź matches a comment stored as cp1250 bytes; console, table and trace show Łódź', async () => {
    const router = await rig.sim();
    commentFirstAddress(router, LODZ_CP1250);
    const s = await rig.start();
    const id = await connectAs(s, router, 'windows-1250');
    expect((await s.handlers['link:connect']({ id })).status).toBe('online');

    const ended = rig.events.wait('console:end', (e) => e.connectionId === id);
    const { commandId } = await s.handlers['console:send']({ connectionId: id, words: ['/ip/address/print', '?comment=Łódź'] });
    const end = await ended;
    expect(end.outcome).toBe('done');
    expect(end.rows).toBe(1);
    const rows = rig.events
      .of('console:replies')
      .flat()
      .filter((r) => r.commandId === commandId && r.kind === '!re');
    expect(rows[0]!.words).toContain('=comment=Łódź');

    // The trace shows the query as text and keeps the bytes that went out (cp1250: 14-byte word).
    const trace = await s.handlers['trace:get']({ connectionId: id });
    const sent = trace.entries.find((e) => e.direction === 'out' && e.words[0] === '/ip/address/print')!;
    expect(sent.words).toContain('?comment=Łódź');
    // /ip/address/print (1+17), ?comment=Łódź (1+13 in cp1250, 1+16 in UTF-8), .tag=…, terminator
    const tagWord = sent.words.find((w) => w.startsWith('.tag='))!;
    expect(sent.bytes).toBe(1 + 17 + 1 + 13 + 1 + tagWord.length + 1);

    // Live tables: the row is not UTF-8, so it takes the general path through the codec.
    const { tableId } = await s.handlers['table:start']({ connectionId: id, path: '/ip/address' });
    const live = await rig.events.wait('table:patch', (p) => p.tableId === tableId && p.status === 'live');
    const all = rig.events
      .of('table:patch')
      .filter((p) => p.tableId === tableId)
      .flatMap(upsertsOf);
    expect(live.total).toBeGreaterThan(0);
    expect(all.filter((r) => r['comment'] === 'Łódź')).toHaveLength(1);
  });

  it('a UTF-8 connection still shows cp1250 bytes through windows-1252 and cannot match them', async () => {
    const router = await rig.sim({ users: [{ name: 'jan', password: 'ł', group: 'full' }] });
    commentFirstAddress(router, LODZ_CP1250);
    const s = await rig.start();
    const id = await connectAs(s, router, undefined); // default: utf-8
    expect((await s.handlers['link:connect']({ id })).status).toBe('online');
    const ended = rig.events.wait('console:end', (e) => e.connectionId === id);
    await s.handlers['console:send']({ connectionId: id, words: ['/ip/address/print', '?comment=Łódź'] });
    expect((await ended).rows).toBe(0);
    const done = rig.events.wait('console:end', (e) => e.connectionId === id);
    const { commandId } = await s.handlers['console:send']({ connectionId: id, words: ['/ip/address/print'] });
    await done;
    const words = rig.events
      .of('console:replies')
      .flat()
      .filter((r) => r.commandId === commandId)
      .flatMap((r) => r.words);
    expect(words).toContain('=comment=£ódŸ'); // A3 F3 64 9F in windows-1252
  });

  it('a query value the code page cannot spell is refused with the character named', async () => {
    const router = await rig.sim();
    const s = await rig.start();
    const id = await connectAs(s, router, 'windows-1250');
    expect((await s.handlers['link:connect']({ id })).status).toBe('online');
    const f = await failure(() =>
      s.handlers['console:send']({ connectionId: id, words: ['/ip/address/print', '?comment=Привет'] }),
    );
    expect(f.code).toBe('VALIDATION');
    expect(f.detail?.['field']).toBe('words');
    expect(f.message).toBe('character U+041F (П) at index 9 has no byte in windows-1250');
  });
});
