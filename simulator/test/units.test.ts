/**
 * Pure parts of the simulator: the query stack machine, value types, version quirks, framing,
 * command-line arguments and the model's validated operations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reply, SentenceDecoder } from '../../protocol/src/index';
import { parseArgs, UsageError } from '../src/args';
import { fromBytes, fromText, toText } from '../src/bytes';
import { encodeAttributes, frame, RE_WORD, SentenceBatch, sentenceTail } from '../src/encode';
import { CommandError, RouterModel } from '../src/model';
import { compileQuery, QueryError } from '../src/query';
import { Rng } from '../src/rng';
import { formatDuration, normalizeValue, parseDuration, parsePrefix, T } from '../src/types';
import { atLeast, parseRosVersion, quirksOf } from '../src/version';

describe('query stack machine (protocol.md §4.4)', () => {
  const rows: Record<string, string>[] = [
    { name: 'a', type: 'ether', mtu: '1500' },
    { name: 'b', type: 'vlan', mtu: '1400', comment: 'x' },
    { name: 'c', type: 'bridge', mtu: '9000' },
  ];
  const run = (...words: string[]): string[] => {
    const q = compileQuery(words);
    return rows.filter((r) => q.matches(r)).map((r) => r['name']!);
  };

  it('combines plain conditions as AND and pushes presence, absence, equality, order', () => {
    expect(run()).toEqual(['a', 'b', 'c']);
    expect(run('?type=ether')).toEqual(['a']);
    expect(run('?=type=vlan', '?mtu=1400')).toEqual(['b']);
    expect(run('?type=vlan', '?mtu=1500')).toEqual([]);
    expect(run('?comment')).toEqual(['b']);
    expect(run('?-comment')).toEqual(['a', 'c']);
    expect(run('?<mtu=1500')).toEqual(['b']);
    expect(run('?>mtu=1500')).toEqual(['c']);
    expect(run('?>comment=')).toEqual(['b']);
  });

  it('runs ?# operations: | & ! and the unbounded true floor', () => {
    expect(run('?type=ether', '?type=vlan', '?#|')).toEqual(['a', 'b']);
    expect(run('?type=ether', '?type=vlan', '?type=bridge', '?#||')).toEqual(['a', 'b', 'c']);
    expect(run('?type=ether', '?#!')).toEqual(['b', 'c']);
    expect(run('?type=ether', '?mtu=1500', '?#&')).toEqual(['a']);
    // On the floor: & of two `true`, | of two `true`, ! of `true`.
    expect(run('?#&')).toEqual(['a', 'b', 'c']);
    expect(run('?#|')).toEqual(['a', 'b', 'c']);
    expect(run('?#!')).toEqual([]);
    // One real entry and the floor: `?type=ether ?#|` ORs with an implicit true.
    expect(run('?type=ether', '?#|')).toEqual(['a', 'b', 'c']);
  });

  it('copies an indexed entry when another character follows, replaces the stack at the end', () => {
    // Stack [ether, vlan] (top vlan): `1` at the end replaces the stack with entry 1 (ether).
    expect(run('?type=ether', '?type=vlan', '?#1')).toEqual(['a']);
    // `0|`: push a copy of the top, then OR it with the top — the stack keeps `ether` below.
    expect(run('?type=ether', '?type=vlan', '?#0|')).toEqual([]);
    // `1|`: push a copy of entry 1 (ether), OR with vlan → [ether, ether|vlan].
    expect(run('?type=ether', '?type=vlan', '?#1|')).toEqual(['a']);
    // `1|0` ends with an index: replace the stack with its top (ether|vlan).
    expect(run('?type=ether', '?type=vlan', '?#1|0')).toEqual(['a', 'b']);
    // An index beyond the real entries reads the floor (`true`).
    expect(run('?type=ether', '?#5')).toEqual(['a', 'b', 'c']);
  });

  it('treats . as a no-op right after an index and as "copy the top" elsewhere', () => {
    expect(run('?type=ether', '?#.!|')).toEqual(['a', 'b', 'c']); // ether | !ether
    expect(run('?type=ether', '?#0.!&')).toEqual([]); // copy top (index), no-op, negate, and
    expect(run('?type=vlan', '?#.&')).toEqual(['b']);
  });

  it('obeys De Morgan and double negation for any pair of conditions (seeded)', () => {
    const cond = fc.constantFrom('?type=ether', '?type=vlan', '?comment', '?-comment', '?<mtu=1450', '?>mtu=1450', '?mtu=9000');
    fc.assert(
      fc.property(cond, cond, (a, b) => {
        expect(run(a, b, '?#&!')).toEqual(run(a, '?#!', b, '?#!', '?#|'));
        expect(run(a, b, '?#|!')).toEqual(run(a, '?#!', b, '?#!', '?#&'));
        expect(run(a, '?#!!')).toEqual(run(a));
        expect(run(a, b)).toEqual(run(a, b, '?#&'));
      }),
      { seed: 77, numRuns: 60 },
    );
  });

  it('answers .id queries from the id and rejects malformed words by name', () => {
    expect(compileQuery(['?.id=*1']).matches({}, '*1')).toBe(true);
    expect(compileQuery(['?.id=*1']).matches({}, '*2')).toBe(false);
    for (const bad of ['?', '?#', '?#x', '?-', '?=novalue', '?<=1', 'name'])
      expect(() => compileQuery([bad])).toThrow(QueryError);
    expect(() => compileQuery(['?#&x'])).toThrow('unknown operation "x"');
  });
});

describe('value types', () => {
  const ctx = { bool: (b: boolean) => (b ? 'true' : 'false'), refExists: (_p: string, n: string) => n === 'ether1' };
  it('normalizes or refuses values with the RouterOS message', () => {
    expect(normalizeValue('address', T.ipPrefix, '10.0.0.1', ctx)).toBe('10.0.0.1/32');
    expect(normalizeValue('address', T.ipPrefix, '10.0.0.1/8', ctx)).toBe('10.0.0.1/8');
    expect(normalizeValue('disabled', T.bool, 'yes', ctx)).toBe('true');
    expect(normalizeValue('mac', T.mac, 'aa:bb:cc:dd:ee:ff', ctx)).toBe('AA:BB:CC:DD:EE:FF');
    expect(normalizeValue('timeout', T.duration, '90s', ctx)).toBe('1m30s');
    expect(normalizeValue('states', T.enumOf(['a', 'b'], true), 'a,b', ctx)).toBe('a,b');
    expect(normalizeValue('interface', T.ref('interface', ['all']), 'all', ctx)).toBe('all');
    for (const [name, type, raw] of [
      ['address', T.ipPrefix, '10.0.0.256/8'],
      ['address', T.ipPrefix, '10.0.0.1/'],
      ['disabled', T.bool, 'on'],
      ['mtu', T.int(68, 65535), '1e3'],
      ['mac', T.mac, 'aa-bb-cc-dd-ee-ff'],
      ['states', T.enumOf(['a', 'b'], true), 'a,c'],
      ['interface', T.ref('interface'), 'ether2'],
      ['timeout', T.duration, 'soon'],
    ] as const) {
      expect(() => normalizeValue(name, type, raw, ctx)).toThrow(`input does not match any value of ${name}`);
    }
    expect(() => normalizeValue('mtu', T.int(68, 65535), '67', ctx)).toThrow('value of mtu out of range (68..65535)');
  });

  it('parses and prints RouterOS durations', () => {
    expect(parseDuration('1w2d3h4m5s')).toBe(((7 + 2) * 24 * 3600 + 3 * 3600 + 4 * 60 + 5) * 1000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('0.25')).toBe(250);
    expect(parseDuration('00:05:00')).toBe(300_000);
    expect(parseDuration('1d 02:00:00')).toBe(26 * 3600_000);
    expect(parseDuration('5x')).toBeUndefined();
    expect(parseDuration('s5')).toBeUndefined();
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(3_723_000)).toBe('1h2m3s');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 11 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
      { seed: 5, numRuns: 200 },
    );
    expect(parsePrefix('1.2.3.4/33')).toBeUndefined();
  });
});

describe('versions', () => {
  it('parses versions and derives the quirks', () => {
    expect(parseRosVersion('6.45.1')).toEqual({ major: 6, minor: 45, patch: 1, text: '6.45.1' });
    expect(() => parseRosVersion('seven')).toThrow('is not of the form');
    const q = (v: string): ReturnType<typeof quirksOf> => quirksOf(parseRosVersion(v));
    expect(q('6.42.12')).toEqual({ challengeLogin: true, plainLogin: false, emptyReply: false, trueFalse: false });
    expect(q('6.43')).toMatchObject({ challengeLogin: true, plainLogin: true });
    expect(q('6.45.0')).toMatchObject({ challengeLogin: true, plainLogin: true });
    expect(q('6.45.1')).toMatchObject({ challengeLogin: false, plainLogin: true });
    expect(q('7.17')).toMatchObject({ emptyReply: false, trueFalse: true });
    expect(q('7.18')).toMatchObject({ emptyReply: true });
    expect(atLeast(parseRosVersion('7.9'), 7, 18)).toBe(false);
  });
});

describe('framing', () => {
  it('frames byte strings that the protocol decoder reads back exactly (seeded)', () => {
    const byteString = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => fromBytes(...b));
    fc.assert(
      fc.property(
        fc.array(byteString, { minLength: 1, maxLength: 6 }),
        fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }),
        (words, tag) => {
          const bytes = frame(words, tag);
          const [sentence, ...rest] = new SentenceDecoder().push(bytes);
          expect(rest).toEqual([]);
          const back = sentence!.map((w) => Buffer.from(w).toString('latin1'));
          expect(back).toEqual(tag === undefined ? words : [...words, `.tag=${tag}`]);
        },
      ),
      { seed: 99, numRuns: 200 },
    );
  });

  it('batches rows as !re + body + tail, byte-identical to framing each row', () => {
    const batch = new SentenceBatch(64);
    const tail = sentenceTail('t9');
    const expected: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      const pairs: [string, string][] = [
        ['.id', `*${i}`],
        ['name', 'x'.repeat(i * 7)],
      ];
      batch.addRow(encodeAttributes(pairs), tail);
      expected.push(frame(['!re', ...pairs.map(([k, v]) => `=${k}=${v}`)], 't9'));
    }
    expect(batch.count).toBe(50);
    const all = batch.take()!;
    expect(all.equals(Buffer.concat(expected))).toBe(true);
    expect(batch.take()).toBeUndefined();
    expect(RE_WORD.equals(Buffer.from([3, 0x21, 0x72, 0x65]))).toBe(true);
    const replies = new SentenceDecoder().push(all).map((s) => new Reply(s));
    expect(replies.map((r) => r.tag)).toEqual(Array(50).fill('t9'));
  });

  it('keeps non-UTF-8 bytes as they are and shows text through the fallback code page', () => {
    const cp1252 = fromBytes(0x4a, 0x6f, 0x73, 0xe9);
    expect(toText(cp1252)).toBe('José');
    expect(toText(fromText('Büro'))).toBe('Büro');
    expect(fromText('Büro')).toHaveLength(5);
  });
});

describe('command-line arguments', () => {
  it('maps flags to options', () => {
    const c = parseArgs([
      '--port',
      '0',
      '--tls-port=8729',
      '--tls-mode',
      'certificate',
      '--user',
      'me',
      '--password',
      '',
      '--ros-version',
      '6.40',
      '--extra-user',
      'ro:pw:read',
      '--no-activity',
      '--connections',
      '100000',
      '--chunk-bytes',
      '2',
      '--latency-ms=5',
      '--stall-after',
      '3',
      '--close-after',
      '9',
      '--control-byte-after',
      '4',
      '--late-after-cancel',
      '2',
      '--refuse-login',
      '--no-done-after-empty',
      '--inspect',
      'stall',
      '--seed',
      '7',
    ]);
    expect(c.options).toEqual({
      port: 0,
      tlsCertPort: 8729,
      user: 'me',
      password: '',
      rosVersion: '6.40',
      users: [{ name: 'ro', password: 'pw', group: 'read' }],
      activity: false,
      connections: 100000,
      inspect: 'stall',
      seed: 7,
      faults: {
        chunkBytes: 2,
        latencyMs: 5,
        stallAfterSentences: 3,
        closeAfterSentences: 9,
        controlByteAfterSentences: 4,
        cancelLateSentences: 2,
        refuseLogin: true,
        noDoneAfterEmpty: true,
      },
    });
    expect(parseArgs(['--tls-port', '0']).options).toEqual({ tlsPort: 0 });
    expect(parseArgs(['--help']).help).toBe(true);
  });

  it('names the bad flag or value', () => {
    const bad: [string[], string][] = [
      [['--prot', '1'], 'unknown option "--prot"'],
      [['--port'], '--port needs a value'],
      [['--port', 'x'], '--port needs a whole number, got "x"'],
      [['--port', '70000'], '--port must be between 0 and 65535'],
      [['--ros-version', '7'], '--ros-version: RouterOS version "7"'],
      [['--tls-mode', 'rsa'], '--tls-mode must be anonymous or certificate'],
      [['--extra-user', 'bob'], '--extra-user must look like NAME:PASSWORD:GROUP'],
      [['--inspect', 'maybe'], '--inspect must be one of'],
      [['--stall=yes'], '--stall takes no value'],
      [['--user', ''], '--user must not be empty'],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseArgs(argv)).toThrow(UsageError);
      expect(() => parseArgs(argv)).toThrow(message);
    }
  });
});

describe('model', () => {
  function model(): RouterModel {
    const m = new RouterModel({ version: parseRosVersion('7.20'), rng: new Rng(1), now: () => 0 });
    m.addMenu({
      path: '/test/items',
      description: 'test',
      nameProp: 'name',
      noun: 'thing',
      canAdd: true,
      props: [
        { name: 'name', type: T.string, description: 'n', required: true },
        { name: 'size', type: T.int(0, 10), description: 's', default: '1' },
        { name: 'on', type: T.bool, description: 'o', default: 'no' },
        { name: 'count', type: T.int(0), description: 'c', readOnly: true },
      ],
    });
    return m;
  }

  it('adds with defaults and ids, finds by id or name, and refuses bad input with CommandError', () => {
    const m = model();
    const menu = m.menu('test items');
    const a = menu.add({ name: 'a' });
    expect(a.id).toBe('*1');
    expect({ ...a.values }).toEqual({ name: 'a', size: '1', on: 'false' });
    expect(menu.find('a')).toBe(a);
    expect(menu.find('*1')).toBe(a);
    const attempt = (args: Record<string, string>): string => {
      try {
        menu.add(args);
      } catch (e) {
        expect(e).toBeInstanceOf(CommandError);
        return (e as CommandError).traps.map((t) => `${t.message}/${t.category ?? '-'}`).join(';');
      }
      return 'added';
    };
    expect(attempt({ name: 'a' })).toBe('failure: already have thing with such name/-');
    expect(attempt({ size: '3' })).toBe('missing value(s) of argument(s) name/-');
    expect(attempt({ name: 'b', size: '11' })).toBe('value of size out of range (0..10)/1');
    expect(attempt({ name: 'b', count: '1' })).toBe('unknown parameter count/-');
    expect(attempt({ name: 'b', on: 'yes' })).toBe('added');
    expect(menu.find('b')!.get('on')).toBe('true');
    expect(() => m.menu('/no/such')).toThrow('no menu /no/such');
  });

  it('reports changes to subscribers after the current task, in order', async () => {
    const m = model();
    const menu = m.menu('/test/items');
    const seen: string[] = [];
    const off = menu.subscribe((c) => seen.push(`${c.kind}:${c.item.get('name') ?? ''}`));
    const a = menu.add({ name: 'a' });
    menu.set(a, { size: '5' });
    menu.set(a, { size: '5' }); // no change, no report
    menu.remove(a);
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual(['add:a', 'set:a', 'remove:a']);
    off();
    menu.add({ name: 'z' });
    await Promise.resolve();
    expect(seen).toHaveLength(3);
  });
});
