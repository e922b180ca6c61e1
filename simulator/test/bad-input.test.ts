/**
 * Bad input: whatever bytes a client sends get a RouterOS-like answer or a clean close; the
 * simulator never crashes, never hangs another connection, and bounds what one connection can
 * make it hold (1 MiB before login, the decoder caps after).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SentenceDecoder, encodeLengthPrefix, encodeSentence } from '../../protocol/src/index';
import { Resources, RawClient, login, sim, within } from './helpers';
import type { Simulator } from '../src/index';

const res = new Resources();
afterEach(() => res.run());

/** Another client still gets a prompt answer. */
async function stillServes(s: Simulator): Promise<void> {
  const { session } = await login(res, s);
  const r = await within(session.command(['/system/identity/print']), 2000, 'another connection to be answered');
  expect(r.rows).toEqual([{ name: 'MikroTik' }]);
  session.close();
}

describe('bad input', () => {
  it('answers reserved and undefined length prefixes with !fatal and closes', async () => {
    const s = await sim(res);
    for (const byte of [0xf8, 0xff, 0xf3]) {
      const c = await RawClient.open(s.port!);
      res.add(() => c.close());
      c.sendBytes(Uint8Array.of(byte, 1, 2, 3));
      const r = await c.next();
      expect(r.type).toBe('!fatal');
      expect(r.fatalReason).toContain(`0x${byte.toString(16).toUpperCase()}`);
      await c.waitClosed();
    }
    await stillServes(s);
  });

  it('closes a connection that sends more than 1 MiB before logging in', async () => {
    const s = await sim(res);
    const c = await RawClient.open(s.port!);
    res.add(() => c.close());
    // One word announced as 8 MiB, then 1.1 MiB of it: nothing ever completes a sentence.
    c.sendBytes(encodeLengthPrefix(8 * 1024 * 1024));
    c.sendBytes(new Uint8Array(1_100_000).fill(0x41));
    const r = await c.next(5000);
    expect(r.texts()).toEqual(['!fatal', 'too much data before login']);
    await c.waitClosed();
    await stillServes(s);
  });

  it('closes a connection whose word exceeds the cap after login, before storing it', async () => {
    const s = await sim(res, { limits: { maxWordBytes: 4096 } });
    const c = await RawClient.loggedIn(res, s.port!);
    c.send(['/system/identity/set', `=name=${'x'.repeat(4000)}`]);
    expect((await c.untilDone()).map((r) => r.type)).toEqual(['!done']);
    c.sendBytes(encodeLengthPrefix(5000));
    const r = await c.next();
    expect(r.type).toBe('!fatal');
    expect(r.fatalReason).toContain('exceeds the 4096-byte limit');
    await c.waitClosed();
  });

  it('keeps serving others while one connection holds half a sentence', async () => {
    const s = await sim(res);
    const c = await RawClient.loggedIn(res, s.port!);
    const sentence = encodeSentence(['/system/identity/print', '.tag=half']);
    c.sendBytes(sentence.subarray(0, 7));
    await stillServes(s);
    c.sendBytes(sentence.subarray(7));
    expect((await c.untilDone('half')).map((r) => r.type)).toEqual(['!re', '!done']);
  });

  it('stops reading from a client that sends but never reads, without slowing others down', async () => {
    const s = await sim(res, { connections: 2000 });
    const greedy = await RawClient.loggedIn(res, s.port!);
    greedy.socket.pause(); // never read again
    const many = encodeSentence(['/ip/firewall/connection/print']);
    for (let i = 0; i < 300; i++) greedy.sendBytes(many);
    await stillServes(s);
    expect(s.sessions()).toHaveLength(2);
  });

  it('survives seeded random bytes before login: an answer or a clean close, never a hang or crash', async () => {
    const s = await sim(res);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 4 }),
        async (chunks) => {
          const c = await RawClient.open(s.port!);
          try {
            for (const chunk of chunks) c.sendBytes(chunk);
            // Count the complete sentences the bytes hold, as the server's decoder sees them.
            const decoder = new SentenceDecoder();
            let complete = 0;
            let broken = false;
            for (const chunk of chunks) {
              try {
                complete += decoder.push(chunk).length;
              } catch {
                broken = true;
                break;
              }
            }
            c.socket.end(); // our FIN: the server must close its side too
            await c.waitClosed(3000);
            if (broken) expect(c.replies.at(-1)?.type).toBe('!fatal');
            // Every complete sentence was answered (a reply ends in !done or !fatal) until a !fatal.
            const ends = c.replies.filter((r) => r.type === '!done' || r.type === '!fatal').length;
            const fatal = c.replies.some((r) => r.type === '!fatal');
            if (!fatal) expect(ends).toBe(complete);
            else expect(ends).toBeLessThanOrEqual(complete + 1);
          } finally {
            c.close();
          }
        },
      ),
      { seed: 20260301, numRuns: 60 },
    );
    await stillServes(s);
  });

  it('answers seeded random sentences after login with exactly one !done per tag', async () => {
    const s = await sim(res);
    const c = await RawClient.loggedIn(res, s.port!);
    // Commands that end by themselves (no listen, follow, interval, monitors, ping, reboot, quit).
    const commands = [
      '/ip/address/print',
      '/ip/address/add',
      '/ip/address/set',
      '/ip/address/remove',
      '/interface/get',
      '/interface/set',
      '/ip/firewall/filter/add',
      '/user/add',
      '/system/identity/set',
      '/console/inspect',
      '/nope/print',
      'print',
      '/ip/route/unset',
      '/cancel',
    ];
    const names = [
      '.id',
      'numbers',
      'address',
      'interface',
      'comment',
      'name',
      'mtu',
      'disabled',
      'value-name',
      'count-only',
      '.proplist',
      'request',
      'path',
      'input',
      'group',
      'place-before',
      'chain',
      'bogus',
      'tag',
    ];
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('*1', '*2', 'ether1', 'yes', 'no', '1500', '10.0.0.1/24', 'child', 'ip,address', 'a,b', ''),
    );
    const word = fc.oneof(
      fc.tuple(fc.constantFrom(...names), value).map(([n, v]) => `=${n}=${v}`),
      fc.tuple(fc.constantFrom('?', '?-', '?=', '?<', '?>', '?#'), fc.string({ maxLength: 8 })).map(([a, b]) => a + b),
      fc.string({ minLength: 1, maxLength: 6 }),
    );
    const sentence = fc.tuple(fc.constantFrom(...commands), fc.array(word, { maxLength: 5 }));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(sentence, async ([command, words]) => {
        const tag = `r${++n}`;
        c.send([command, ...words.filter((w) => !w.startsWith('.tag')), `.tag=${tag}`]);
        const replies = await c.untilDone(tag);
        for (const r of replies) expect(r.tag).toBe(tag);
        expect(replies.filter((r) => r.type === '!done')).toHaveLength(1);
        expect(replies.every((r) => ['!re', '!trap', '!empty', '!done'].includes(r.type))).toBe(true);
      }),
      { seed: 4242, numRuns: 250 },
    );
    c.send(['/system/identity/print', '.tag=last']);
    expect((await c.untilDone('last')).map((r) => r.type)).toEqual(['!re', '!done']);
  });
});
