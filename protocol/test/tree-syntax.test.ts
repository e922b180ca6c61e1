import { describe, expect, it } from 'vitest';
import { checkValue, parseTimeInterval, routerosValueMessage, syntaxKind, SYNTAX_KIND_NAMES } from '../src/tree/index';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCommandTreeFolder, loadCommandTrees } from '../node/command-tree';

describe('syntaxKind: the syntax lines real routers show', () => {
  it.each([
    ['A.B.C.D    (IP address)', { kind: 'ip' }],
    ['unspecified | A.B.C.D    (IP address)', { kind: 'ip', extra: ['unspecified'] }],
    ['A.B.C.D/M    (IP prefix)', { kind: 'ip-prefix' }],
    ['IPv6/0..128    (IPv6 prefix)', { kind: 'ipv6-prefix' }],
    ['A.B.C.D[-A.B.C.D |0..32 |/A.B.C.D ]    (IP address range)', { kind: 'ip-range' }],
    ['AB[:|-|.]CD[:|-|.]EF[:|-|.]GH[:|-|.]IJ[:|-|.]KL    (MAC address)', { kind: 'mac' }],
    ['00:00:00.200..    (time interval)', { kind: 'time', min: '00:00:00.200' }],
    ['1s..7101w3d6h28m15s    (time interval)', { kind: 'time', min: '1s', max: '7101w3d6h28m15s' }],
    ['..30s    (time interval)', { kind: 'time', max: '30s' }],
    ['time interval', { kind: 'time' }],
    ['0..4294967295', { kind: 'integer', min: '0', max: '4294967295' }],
    ['string value', { kind: 'string' }],
    ['string value, min length 1, max length 3', { kind: 'string', minLength: 1, maxLength: 3 }],
    ['hexadecimal string value, max length 16', { kind: 'hex', maxLength: 16 }],
    ['script', { kind: 'script' }],
    ['see documentation', { kind: 'unknown' }],
    ['forward|output[,Chain*]', { kind: 'enum', values: ['forward', 'output'], multiple: true, strict: true }],
    ['ip|ipv6', { kind: 'enum', values: ['ip', 'ipv6'], multiple: false, strict: true }],
    // 7.16.2 /serialize/options: a list that offers one value.
    ['json.pretty[,JsonOptions*]', { kind: 'enum', values: ['json.pretty'], multiple: true, strict: true }],
  ])('%s', (line, kind) => {
    expect(syntaxKind(line)).toEqual(kind);
  });

  it('yes/no from completions; other completions are offered, not enforced', () => {
    const yn = [
      { value: 'no', style: 'arg', preference: 96 },
      { value: 'yes', style: 'arg', preference: 96 },
    ];
    expect(syntaxKind(undefined, yn)).toEqual({ kind: 'yes-no' });
    const chain = [
      { value: 'forward', style: 'none', preference: 96 },
      { value: '!', style: 'syntax-meta', preference: 96 },
    ];
    const k = syntaxKind(undefined, chain);
    expect(k).toEqual({ kind: 'enum', values: ['forward'], multiple: false, strict: false });
    expect(checkValue(k, 'my-own-chain')).toBeUndefined();
  });

  it('every argument of the 7.22.3 tree, and every syntax line of the other versions, has a kind from the list', () => {
    const set = loadCommandTrees();
    const seen = new Set<string>();
    const wrong: string[] = [];
    const check = (where: string, syntax: string | undefined, kind: string): void => {
      seen.add(kind);
      if (!SYNTAX_KIND_NAMES.includes(kind as never)) wrong.push(`${where}: kind ${kind}`);
      // A syntax line that says something must not fall through to "unknown".
      if (syntax && syntax !== 'see documentation' && kind === 'unknown') wrong.push(`${where}: ${syntax}`);
    };
    const tree = set.get('7.22.3');
    let count = 0;
    for (const menu of tree.menus()) {
      for (const cmd of tree.commands(menu)) {
        for (const a of tree.argsOf(`${menu}/${cmd}`)) {
          count += 1;
          check(`${menu}/${cmd} ${a.name}`, a.syntax, a.kind.kind);
        }
      }
    }
    expect(count).toBeGreaterThan(25_000);
    // The other versions differ from the base only in the syntax lines their difference files
    // hold (decoding all 160,000 arguments of six versions took a minute on a busy machine).
    const dir = findCommandTreeFolder();
    for (const v of set.versions.filter((x) => x !== set.base)) {
      const diff = JSON.parse(readFileSync(join(dir, `diff-${v}.json`), 'utf8')) as { syntax: [string, string | 0][] };
      for (const [path, syntax] of diff.syntax) {
        if (syntax !== 0) check(`${v} ${path}`, syntax, syntaxKind(syntax).kind);
      }
    }
    expect(wrong).toEqual([]);
    expect([...seen].sort()).toEqual(SYNTAX_KIND_NAMES.filter((k) => k !== 'ipv6').sort());
  });
});

describe('checkValue: one validator for the simulator and the forms', () => {
  it.each([
    [{ kind: 'ip' }, '192.168.88.1', true],
    [{ kind: 'ip' }, '192.168.88.1/24', true],
    [{ kind: 'ip' }, '192.168.88.256', false],
    [{ kind: 'ip' }, 'ether1', false],
    [{ kind: 'ip', extra: ['unspecified'] }, 'unspecified', true],
    [{ kind: 'ip-prefix' }, '10.0.0.0/8', true],
    [{ kind: 'ip-prefix' }, '10.0.0.0/33', false],
    [{ kind: 'ipv6-prefix' }, '2001:db8::/32', true],
    [{ kind: 'ipv6-prefix' }, '::ffff:10.0.0.1/128', true],
    [{ kind: 'ipv6-prefix' }, '2001:db8:::1/64', false],
    [{ kind: 'ipv6-prefix' }, '1:2:3:4:5:6:7:8:9/64', false],
    [{ kind: 'ip-range' }, '10.0.0.1-10.0.0.9', true],
    [{ kind: 'ip-range' }, '10.0.0.0/255.0.0.0', true],
    [{ kind: 'ip-range' }, '10.0.0.1-', false],
    [{ kind: 'mac' }, 'AA:BB:CC:DD:EE:FF', true],
    [{ kind: 'mac' }, 'aa-bb-cc-dd-ee-ff', true],
    [{ kind: 'mac' }, 'AA:BB:CC:DD:EE', false],
    [{ kind: 'mac' }, 'AA:BB-CC:DD:EE:FF', false],
    [{ kind: 'yes-no' }, 'true', true],
    [{ kind: 'yes-no' }, 'maybe', false],
    [{ kind: 'integer', min: '0', max: '4294967295' }, '4294967295', true],
    [{ kind: 'integer', min: '0', max: '4294967295' }, '4294967296', false],
    [{ kind: 'integer', min: '0', max: '10' }, '0x0a', true],
    [{ kind: 'integer' }, '1.5', false],
    [{ kind: 'time', min: '1s', max: '1d' }, '23h59m59s', true],
    [{ kind: 'time', min: '1s', max: '1d' }, '1d00:00:01', false],
    [{ kind: 'time', min: '00:00:00.200' }, '100ms', false],
    [{ kind: 'time' }, '10', true],
    [{ kind: 'time' }, '10 minutes', false],
    [{ kind: 'string', maxLength: 3 }, 'abcd', false],
    [{ kind: 'hex', maxLength: 4 }, 'beef', true],
    [{ kind: 'hex' }, 'xyz', false],
    [{ kind: 'enum', values: ['a', 'b'], multiple: true, strict: true }, 'a,b', true],
    [{ kind: 'enum', values: ['a', 'b'], multiple: true, strict: true }, 'a,c', false],
    [{ kind: 'enum', values: ['a', 'b'], multiple: false, strict: true }, 'a,b', false],
  ] as const)('%j %s → %s', (kind, value, ok) => {
    expect(checkValue(kind as never, value) === undefined).toBe(ok);
  });

  it('speaks RouterOS when refusing (protocol.md §5.1)', () => {
    const kind = { kind: 'integer', min: '0', max: '10' } as const;
    expect(routerosValueMessage('mtu', checkValue(kind, '11')!, kind)).toBe('value of mtu out of range (0..10)');
    expect(routerosValueMessage('mtu', checkValue(kind, 'x')!, kind)).toBe('input does not match any value of mtu');
  });

  it('reads RouterOS time intervals', () => {
    expect(parseTimeInterval('1w2d3h4m5s')).toBe(((7 + 2) * 24 * 3600 + 3 * 3600 + 4 * 60 + 5) * 1000);
    expect(parseTimeInterval('00:00:00.200')).toBe(200);
    expect(parseTimeInterval('1d00:10:00')).toBe(86_400_000 + 600_000);
    expect(parseTimeInterval('500ms')).toBe(500);
    expect(parseTimeInterval('1.5s')).toBe(1500);
    expect(parseTimeInterval('s')).toBeUndefined();
    expect(parseTimeInterval('')).toBeUndefined();
  });
});
