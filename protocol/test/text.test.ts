import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeLatin1,
  encodeSentence,
  encodeUtf8,
  isEncodingName,
  isValidUtf8,
  Reply,
  utf8ByteLength,
  UTF8_CODEC,
} from '../src/index';
import { textCodec } from '../node/codec';
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
        if (valid(b)) expect(UTF8_CODEC.decode(b)).toBe(strict.decode(b));
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('decodes valid UTF-8 as UTF-8; alone, protocol/src shows other bytes one character per byte', () => {
    expect(UTF8_CODEC.decode(hex('C5 82 C4 85 C4 87'))).toBe('łąć');
    // No code page table here (the code pages come from protocol/node's textCodec): Latin-1.
    expect(UTF8_CODEC.decode(hex('63 61 66 E9 20 80'))).toBe('café \u0080');
    for (let b = 0x80; b < 256; b++) expect(UTF8_CODEC.decode(Uint8Array.of(b)).charCodeAt(0)).toBe(b);
    expect(decodeLatin1(hex('41 B3 FF'), 1, 3)).toBe('\u00b3\u00ff');
  });

  it('decodes long words (beyond the ASCII fast path and the 4096-unit chunks)', () => {
    const s = 'ż'.repeat(5000) + 'a'.repeat(100);
    expect(UTF8_CODEC.decode(encodeUtf8(s))).toBe(s);
    const latin = new Uint8Array(9000).fill(0xe9);
    expect(UTF8_CODEC.decode(latin)).toBe('é'.repeat(9000));
    expect(UTF8_CODEC.decode(encodeUtf8('x'.repeat(100)))).toBe('x'.repeat(100));
  });

  it('decodes a range of a word', () => {
    expect(UTF8_CODEC.decode(encodeUtf8('=name=łódź'), 6)).toBe('łódź');
    expect(UTF8_CODEC.decode(encodeUtf8('=name=x'), 1, 5)).toBe('name');
  });

  it('encodes as UTF-8 by default', () => {
    expect(UTF8_CODEC.encode('ł')).toEqual(hex('C5 82'));
    expect(UTF8_CODEC.name).toBe('utf-8');
  });

  it('recognises the Encoding names: UTF-8 and windows-1250 to -1258', () => {
    expect(isEncodingName('utf-8')).toBe(true);
    expect(isEncodingName('windows-1251')).toBe(true);
    expect(isEncodingName('windows-1258')).toBe(true);
    expect(isEncodingName('iso-8859-1')).toBe(false);
    expect(isEncodingName('utf-16')).toBe(false);
    expect(isEncodingName(1250)).toBe(false);
  });

  it('keeps raw bytes available on replies while text falls back per word', () => {
    const words = [hex('21 72 65'), hex('3D 6E 3D E9'), hex('3D 75 3D C5 82')];
    const r = new Reply(words, textCodec('windows-1252'));
    expect(r.attributes['n']).toBe('é');
    expect(r.attributes['u']).toBe('ł');
    expect(r.words[1]).toBe(words[1]);
    expect(new Reply(words, textCodec('windows-1251')).attributes['n']).toBe('й');
  });
});
