import { describe, expect, it } from 'vitest';
import { encodeUtf8, frameSentence, query, Reply, ReplyType } from '../src/index';
import { textCodec } from '../node/codec';

const reply = (...words: string[]): Reply => new Reply(words.map(encodeUtf8));

describe('Reply (protocol.md §5)', () => {
  it('knows the reply words the manual names', () => {
    expect(Object.values(ReplyType)).toEqual(['!re', '!done', '!trap', '!empty', '!fatal']);
    expect(reply('!empty', '.tag=19936').type).toBe('!empty');
  });

  it('keeps an unknown !word as its type, with its words', () => {
    const r = reply('!future', '=x=1');
    expect(r.type).toBe('!future');
    expect(r.attributes['x']).toBe('1');
  });

  it('finds .tag= anywhere in the sentence (Trakkasure/mikronode#26)', () => {
    expect(reply('!trap', '=category=2', '=message=interrupted', '.tag=2').tag).toBe('2');
    expect(reply('!re', '.tag=abc', '=name=ether1').tag).toBe('abc');
    expect(reply('!done').tag).toBeUndefined();
    // An empty .tag= means untagged (protocol.md §7.1).
    expect(reply('!done', '.tag=').tag).toBeUndefined();
  });

  it('splits attributes at the first = after the name; values may be empty or hold =', () => {
    const a = reply('!re', '=comment=', '=formula=a=b=c', '=.id=*1F', '=only-key', '=name=x').attributes;
    expect(a['comment']).toBe('');
    expect(a['formula']).toBe('a=b=c');
    expect(a['.id']).toBe('*1F');
    expect(a['only-key']).toBe('');
    expect(a['name']).toBe('x');
    expect(Object.keys(a)).toEqual(['comment', 'formula', '.id', 'only-key', 'name']);
  });

  it('treats router data named __proto__ as plain data', () => {
    const a = reply('!re', '=__proto__=x', '=constructor=y').attributes;
    expect(a['__proto__']).toBe('x');
    expect(a['constructor']).toBe('y');
    expect(Object.getPrototypeOf(a)).toBeNull();
  });

  it('separates API attributes (other than .tag) and bare words', () => {
    const r = reply('!re', '=.section=3', '.section=3', '.tag=7', 'ether1');
    expect(r.apiAttributes).toEqual(Object.assign(Object.create(null) as object, { section: '3' }));
    expect(r.bareWords).toEqual(['ether1']);
    expect(r.texts()).toEqual(['!re', '=.section=3', '.section=3', '.tag=7', 'ether1']);
    expect(r.text(4)).toBe('ether1');
    expect(r.text(9)).toBe('');
  });

  it('reads a !fatal reason as a bare word (RouterOS) or as =message= (GO tests)', () => {
    expect(reply('!fatal', 'session terminated on request').fatalReason).toBe('session terminated on request');
    expect(reply('!fatal', '=message=too many commands before login').fatalReason).toBe('too many commands before login');
    expect(reply('!fatal').fatalReason).toBe('no reason given');
  });

  it('reads a trap as message and optional numeric category', () => {
    expect(reply('!trap', '=category=2', '=message=interrupted').trap).toEqual({ category: 2, message: 'interrupted' });
    expect(reply('!trap', '=message=no such command prefix').trap).toEqual({
      category: undefined,
      message: 'no such command prefix',
    });
    expect(reply('!trap', '=category=x').trap).toEqual({ category: undefined, message: '' });
  });

  it('an empty !re is a row with no attributes (.proplist of a missing property)', () => {
    expect(Object.keys(reply('!re').attributes)).toEqual([]);
  });
});

describe('Reply as ranges of a received chunk', () => {
  /** The words framed one after another in one array, as a chunk holds them. */
  function chunkOf(words: Uint8Array[]): { bytes: Uint8Array; offsets: number[] } {
    const framed = frameSentence(words);
    const bytes = new Uint8Array(framed.length + 7);
    bytes.set(framed, 3); // not at the start of its array, like a sentence mid-chunk
    const offsets: number[] = [];
    let i = 3;
    for (;;) {
      const b = bytes[i]!;
      const size = b < 0x80 ? 1 : b < 0xc0 ? 2 : 3;
      const len =
        size === 1
          ? b
          : size === 2
            ? ((b & 0x3f) << 8) | bytes[i + 1]!
            : ((b & 0x1f) << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      i += size;
      if (len === 0) break;
      offsets.push(i, i + len);
      i += len;
    }
    return { bytes, offsets };
  }

  it('reads the same as the words form: type, tag, attributes, bare words, texts, views', () => {
    const words = ['!re', '=name=eth=er1', '.tag=t9', '=comment=', 'bare', '=flag', '.section=2', '=x=' + 'é'.repeat(100)].map(
      (w) => encodeUtf8(w),
    );
    words.push(new Uint8Array([0x3d, 0x6e, 0x3d, 0xe9])); // =n=é in windows-1252
    const { bytes, offsets } = chunkOf(words);
    const a = Reply.fromRanges(bytes, offsets, textCodec('windows-1252'));
    const b = new Reply(words, textCodec('windows-1252'));
    expect(a.bytes).toBe(bytes);
    expect(a.wordCount).toBe(words.length);
    expect(a.type).toBe(b.type);
    expect(a.tag).toBe('t9');
    expect({ ...a.attributes }).toEqual({ ...b.attributes });
    expect({ ...a.apiAttributes }).toEqual({ ...b.apiAttributes });
    expect(a.bareWords).toEqual(b.bareWords);
    expect(a.texts()).toEqual(b.texts());
    expect(a.text(1)).toBe('=name=eth=er1');
    expect(a.text(99)).toBe('');
    expect(a.words.map((w) => [...w])).toEqual(words.map((w) => [...w]));
    expect(a.words).toBe(a.words); // made once
  });
});

describe('query builder (protocol.md §4.4)', () => {
  it('emits the plain condition words', () => {
    expect(query().has('comment').lacks('disabled').eq('type', 'ether').lt('mtu', '1500').gt('comment', '').words()).toEqual([
      '?comment',
      '?-disabled',
      '?=type=ether',
      '?<mtu=1500',
      '?>comment=',
    ]);
  });

  it('builds OR, AND, NOT and raw stack operations with ?#', () => {
    expect(query().eq('type', 'ether').eq('type', 'vlan').or().words()).toEqual(['?=type=ether', '?=type=vlan', '?#|']);
    expect(query().ne('disabled', 'yes').words()).toEqual(['?=disabled=yes', '?#!']);
    expect(query().has('a').has('b').and().not().words()).toEqual(['?a', '?b', '?#&', '?#!']);
    expect(query().ops('0.1|').words()).toEqual(['?#0.1|']);
  });

  it('oneOf is n ?= words and n−1 ORs (LR "in")', () => {
    expect(query().oneOf('name', ['a', 'b', 'c']).words()).toEqual(['?=name=a', '?=name=b', '?=name=c', '?#||']);
    expect(query().oneOf('name', ['a']).words()).toEqual(['?=name=a']);
  });

  it('values may hold = and be empty', () => {
    expect(query().eq('comment', 'a=b').eq('comment', '').words()).toEqual(['?=comment=a=b', '?=comment=']);
  });

  it('returns a copy of its words', () => {
    const q = query().has('a');
    q.words().push('?x');
    expect(q.words()).toEqual(['?a']);
  });

  it('refuses bad input with a clear error', () => {
    expect(() => query().eq('', 'x')).toThrow('not a property name: ""');
    expect(() => query().has('a=b')).toThrow('not a property name: "a=b"');
    expect(() => query().ops('&x')).toThrow('not a ?# operation string: &x');
    expect(() => query().oneOf('a', [])).toThrow('oneOf needs at least one value');
  });
});
