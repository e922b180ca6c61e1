import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CODE_PAGES,
  decodeText,
  encodeSentence,
  encodeText,
  encodeUtf8,
  isCodePage,
  isValidUtf8,
  Reply,
  utf8ByteLength,
} from '../src/index';
import { hex, toHexString } from './helpers';

const SEED = 20260802;

describe('text at the edge (protocol.md §9)', () => {
  it('=comment=łąć is 12 characters but 15 bytes: prefix 0F', () => {
    expect(toHexString(encodeSentence(['=comment=łąć']))).toBe('0F 3D 63 6F 6D 6D 65 6E 74 3D C5 82 C4 85 C4 87 00');
    expect(utf8ByteLength('=comment=łąć')).toBe(15);
  });

  it('encodes UTF-8 exactly like Node, lone surrogates included (as U+FFFD)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const ours = encodeUtf8(s);
        expect(Buffer.from(ours).equals(Buffer.from(s, 'utf8'))).toBe(true);
        expect(utf8ByteLength(s)).toBe(ours.length);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('accepts exactly the byte strings a fatal TextDecoder accepts as UTF-8', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const valid = (b: Uint8Array): boolean => {
      try {
        strict.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    // Bias towards the bytes that matter: leads, continuations, overlongs, surrogates, > U+10FFFF.
    const interesting = fc.constantFrom(
      0x00,
      0x41,
      0x7f,
      0x80,
      0xbf,
      0xc0,
      0xc1,
      0xc2,
      0xdf,
      0xe0,
      0xed,
      0xef,
      0xf0,
      0xf4,
      0xf5,
      0xff,
      0x9f,
      0xa0,
      0x8f,
      0x90,
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(interesting, fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), (bytes) => {
        const b = Uint8Array.from(bytes);
        expect(isValidUtf8(b)).toBe(valid(b));
        if (valid(b)) expect(decodeText(b)).toBe(strict.decode(b));
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('decodes valid UTF-8 as UTF-8 and anything else through the fallback code page', () => {
    expect(decodeText(hex('C5 82 C4 85 C4 87'))).toBe('łąć');
    // windows-1252: 0xE9 is é, 0x80 is €
    expect(decodeText(hex('63 61 66 E9 20 80'))).toBe('café €');
    // windows-1250 (Polish): 0xB3 is ł; windows-1251 (Cyrillic): 0xC0 is А
    expect(decodeText(hex('B3'), 'windows-1250')).toBe('ł');
    expect(decodeText(hex('C0 E1'), 'windows-1251')).toBe('Аб');
    expect(decodeText(hex('80'), 'iso-8859-1')).toBe('\u0080');
  });

  it('decodes long words (beyond the ASCII fast path and the 4096-unit chunks)', () => {
    const s = 'ż'.repeat(5000) + 'a'.repeat(100);
    expect(decodeText(encodeUtf8(s))).toBe(s);
    const latin = new Uint8Array(9000).fill(0xe9);
    expect(decodeText(latin)).toBe('é'.repeat(9000));
    expect(decodeText(encodeUtf8('x'.repeat(100)))).toBe('x'.repeat(100));
  });

  it('decodes a range of a word', () => {
    expect(decodeText(encodeUtf8('=name=łódź'), 'windows-1252', 6)).toBe('łódź');
    expect(decodeText(encodeUtf8('=name=x'), 'windows-1252', 1, 5)).toBe('name');
  });

  // Node 20's TextDecoder('windows-1252') decodes as Latin-1 (0x80 → U+0080), so 1252 is checked
  // against the WHATWG index by hand below instead.
  it.each(['windows-1250', 'windows-1251'] as const)('%s matches the WHATWG decoder for every byte', (cp) => {
    const reference = new TextDecoder(cp);
    for (let b = 0; b < 256; b++) {
      // A lone byte ≥ 0x80 is never valid UTF-8, so the code page is what decodes it.
      expect([b, decodeText(Uint8Array.of(b), cp)]).toEqual([b, reference.decode(Uint8Array.of(b))]);
    }
  });

  it('windows-1252 follows the WHATWG index: C1 block remapped, the rest Latin-1', () => {
    const c1: Record<number, string> = {
      0x80: '€',
      0x81: '\u0081',
      0x85: '…',
      0x8a: 'Š',
      0x8d: '\u008d',
      0x91: '‘',
      0x99: '™',
      0x9c: 'œ',
      0x9f: 'Ÿ',
    };
    for (const [b, s] of Object.entries(c1)) expect(decodeText(Uint8Array.of(Number(b)), 'windows-1252')).toBe(s);
    for (let b = 0xa0; b < 256; b++) expect(decodeText(Uint8Array.of(b), 'windows-1252').charCodeAt(0)).toBe(b);
  });

  it('iso-8859-1 maps every byte to the same code point', () => {
    for (let b = 0x80; b < 256; b++) expect(decodeText(Uint8Array.of(b), 'iso-8859-1').charCodeAt(0)).toBe(b);
  });

  it.each(CODE_PAGES)('%s: encode(decode(byte)) gives the byte back', (cp) => {
    const wrong: number[] = [];
    for (let b = 0; b < 256; b++) {
      const back = encodeText(decodeText(Uint8Array.of(b), cp), cp);
      if (back.length !== 1 || back[0] !== b) wrong.push(b);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses to encode a character the code page lacks, naming it', () => {
    expect(() => encodeText('ok ł', 'windows-1252')).toThrow('character U+0142 at index 3 has no byte in windows-1252');
    expect(encodeText('ł', 'windows-1250')).toEqual(hex('B3'));
  });

  it('recognises code page names', () => {
    expect(isCodePage('windows-1251')).toBe(true);
    expect(isCodePage('utf-16')).toBe(false);
  });

  it('keeps raw bytes available on replies while text falls back per word', () => {
    const words = [hex('21 72 65'), hex('3D 6E 3D E9')];
    const r = new Reply(words, 'windows-1252');
    expect(r.attributes['n']).toBe('é');
    expect(r.words[1]).toBe(words[1]);
    expect(new Reply(words, 'windows-1251').attributes['n']).toBe('й');
  });
});
