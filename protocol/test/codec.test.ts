/**
 * The per-connection Encoding (protocol.md §9; issue 11 item 7): protocol/node's textCodec, the
 * iconv-lite code pages behind it, and a Session that uses it for every outgoing word.
 */
import { describe, expect, it } from 'vitest';
import { textCodec } from '../node/codec';
import { challengeResponse, encodeSentence, ENCODINGS, login, md5, query, SentenceDecoder, Session, toHex } from '../src/index';
import { ascii, concatBytes, hex, MemoryTransport, toHexString } from './helpers';

const CODE_PAGES = ENCODINGS.filter((e) => e !== 'utf-8');

describe('textCodec (protocol/node)', () => {
  it('offers UTF-8 and the Windows code pages 1250–1258', () => {
    expect(ENCODINGS).toEqual([
      'utf-8',
      'windows-1250',
      'windows-1251',
      'windows-1252',
      'windows-1253',
      'windows-1254',
      'windows-1255',
      'windows-1256',
      'windows-1257',
      'windows-1258',
    ]);
    for (const e of ENCODINGS) expect(textCodec(e).name).toBe(e);
    expect(() => textCodec('utf-16' as never)).toThrow('unknown encoding "utf-16"');
  });

  // One letter per page, from the code page charts (not from the library under test).
  it.each([
    ['windows-1250', 0xb3, 'ł'],
    ['windows-1250', 0xa3, 'Ł'],
    ['windows-1250', 0x9f, 'ź'],
    ['windows-1251', 0xc0, 'А'],
    ['windows-1252', 0x80, '€'],
    ['windows-1253', 0xc1, 'Α'],
    ['windows-1254', 0xf0, 'ğ'],
    ['windows-1255', 0xe0, 'א'],
    ['windows-1256', 0xc7, 'ا'],
    ['windows-1257', 0xe0, 'ą'],
    ['windows-1258', 0xc3, 'Ă'],
  ] as const)('%s: byte %i is %s both ways', (page, byte, text) => {
    const codec = textCodec(page);
    expect(codec.decode(Uint8Array.of(byte))).toBe(text);
    expect(codec.encode(text)).toEqual(Uint8Array.of(byte));
  });

  it.each(CODE_PAGES)('%s: every byte the page defines comes back from encode(decode(byte))', (page) => {
    const codec = textCodec(page);
    const wrong: number[] = [];
    let defined = 0;
    for (let b = 0x80; b < 256; b++) {
      const text = codec.decode(Uint8Array.of(b));
      if (text === '\ufffd') continue; // a byte the page leaves undefined
      defined++;
      const back = codec.encode(text);
      if (back.length !== 1 || back[0] !== b) wrong.push(b);
    }
    expect(wrong).toEqual([]);
    expect(defined).toBeGreaterThan(100);
  });

  it('shows valid UTF-8 as UTF-8 whatever the page (values written by API clients)', () => {
    expect(textCodec('windows-1250').decode(hex('C5 82 C3 B3 64 C5 BA'))).toBe('łódź');
    expect(textCodec('windows-1250').decode(hex('A3 F3 64 9F'))).toBe('Łódź');
    expect(textCodec('windows-1251').decode(hex('3D 6E 3D CF F0 E8 E2 E5 F2'), 3)).toBe('Привет');
  });

  it('utf-8 encodes UTF-8 and shows non-UTF-8 bytes as windows-1252', () => {
    const codec = textCodec('utf-8');
    expect(codec.encode('łódź')).toEqual(hex('C5 82 C3 B3 64 C5 BA'));
    expect(codec.decode(hex('63 61 66 E9 20 80'))).toBe('café €');
    expect(codec.decode(hex('C5 82'))).toBe('ł');
  });

  it('refuses a character the page has no byte for, naming it (no silent "?")', () => {
    expect(() => textCodec('windows-1252').encode('ok ł')).toThrow('character U+0142 (ł) at index 3 has no byte in windows-1252');
    expect(() => textCodec('windows-1250').encode('a😀')).toThrow(
      'character U+1F600 (😀) at index 1 has no byte in windows-1250',
    );
    expect(() => textCodec('windows-1250').encode('\ufffd')).toThrow('U+FFFD');
    expect(textCodec('windows-1250').encode('what? ł')).toEqual(hex('77 68 61 74 3F 20 B3'));
  });

  it('counts length prefixes from the encoded bytes: ?=comment=Łódź in windows-1250 is 14 bytes', () => {
    expect(toHexString(encodeSentence(query().eq('comment', 'Łódź').words(), textCodec('windows-1250')))).toBe(
      '0E 3F 3D 63 6F 6D 6D 65 6E 74 3D A3 F3 64 9F 00',
    );
  });

  it('hashes the challenge with the password bytes of the page', () => {
    const expected = `00${toHex(md5(Uint8Array.of(0, 0xb3, 0xab, 0xcd)))}`;
    expect(challengeResponse('ł', 'abcd', textCodec('windows-1250'))).toBe(expected);
  });
});

describe('a Session with a code page', () => {
  it('sends the login password and query values in the page, and decodes replies with it', async () => {
    const t = new MemoryTransport();
    const session = new Session(t, { codec: textCodec('windows-1250') });
    const sent = (): Uint8Array[][] => t.writes.flatMap((w) => new SentenceDecoder().push(w));
    t.onWrite = (words, peer) => {
      const tag = words.find((w) => w.startsWith('.tag='));
      if (words[0] === '/ip/address/print') {
        // =comment=Łódź as WinBox on a Polish Windows PC stored it
        peer.reply('!re', concatBytes(ascii('=comment='), hex('A3 F3 64 9F')), tag!);
        peer.reply('!done', tag!);
      } else peer.reply('!done');
    };
    await login(session, { user: 'jan', password: 'ł' });
    expect(toHexString(sent()[0]![2]!)).toBe('3D 70 61 73 73 77 6F 72 64 3D B3'); // =password= and cp1250 ł

    const result = await session.command(['/ip/address/print', ...query().eq('comment', 'Łódź').words()]);
    expect(toHexString(sent()[1]![1]!)).toBe('3F 3D 63 6F 6D 6D 65 6E 74 3D A3 F3 64 9F');
    expect(result.rows).toEqual([{ comment: 'Łódź' }]);
    session.close();
  });
});
