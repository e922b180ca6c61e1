import './setup';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikeCli, tokenize, translateCli } from '../src/lib/cli';
import { suggest } from '../src/lib/completion';
import { errorField } from '../src/lib/errors';
import { base64ToBytes, fileSafe, rowsToCsv, rowsToJson } from '../src/lib/exporters';
import { formatElapsed, linkStatusText, linkWarning } from '../src/lib/format';
import { RingLog } from '../src/lib/ring';
import { replyKindClass, replyRow, sentenceWords, splitAttribute, tagOf, wordKind } from '../src/lib/words';
import type { LinkState } from '../../app-main/src/common/contract';

describe('CLI → API translation', () => {
  it('detects CLI syntax only on a space-separated first line', () => {
    expect(looksLikeCli('/interface print')).toBe(true);
    expect(looksLikeCli('/interface/print')).toBe(false);
    expect(looksLikeCli('=comment=two words')).toBe(false);
    expect(looksLikeCli('')).toBe(false);
  });

  it('joins the path with "/" (protocol.md §4.1)', () => {
    expect(translateCli('/interface print').words).toEqual(['/interface/print']);
    expect(translateCli('ip address print').words).toEqual(['/ip/address/print']);
    expect(translateCli('/ip/address print').words).toEqual(['/ip/address/print']);
  });

  it('turns where into query words and explains them', () => {
    const t = translateCli('/ip address print where interface=ether1');
    expect(t.words).toEqual(['/ip/address/print', '?interface=ether1']);
    expect(t.explanations.find((e) => e.word === '?interface=ether1')?.text).toMatch(/query word.*interface equals ether1/);
  });

  it('combines AND implicitly and OR with ?#| left to right (§4.4)', () => {
    expect(translateCli('/interface print where type=ether and running=true').words).toEqual([
      '/interface/print',
      '?type=ether',
      '?running=true',
    ]);
    expect(translateCli('/interface print where type=ether or type=vlan').words).toEqual([
      '/interface/print',
      '?type=ether',
      '?type=vlan',
      '?#|',
    ]);
    expect(translateCli('/interface print where type=ether or type=vlan and disabled=false').words).toEqual([
      '/interface/print',
      '?type=ether',
      '?type=vlan',
      '?#|',
      '?disabled=false',
      '?#&',
    ]);
  });

  it('writes != and not as ?#!', () => {
    expect(translateCli('/interface print where type!=ether').words).toEqual(['/interface/print', '?type=ether', '?#!']);
    expect(translateCli('/interface print where not disabled').words).toEqual(['/interface/print', '?disabled=true', '?#!']);
    expect(translateCli('/ip route print where distance>1').words).toEqual(['/ip/route/print', '?>distance=1']);
  });

  it('maps arguments, flags and the unnamed argument', () => {
    expect(translateCli('/interface set ether1 comment="uplink port"').words).toEqual([
      '/interface/set',
      '=.id=ether1',
      '=comment=uplink port',
    ]);
    expect(translateCli('/interface print detail proplist=name,type').words).toEqual([
      '/interface/print',
      '=detail=',
      '=.proplist=name,type',
    ]);
    expect(translateCli('/interface monitor-traffic ether1 once').words).toEqual([
      '/interface/monitor-traffic',
      '=interface=ether1',
      '=once=',
    ]);
  });

  it('refuses what the API cannot express, naming the problem', () => {
    expect(() => translateCli('/log print where message~"link"')).toThrow(/regular expressions/);
    expect(() => translateCli('/interface set comment="open')).toThrow(/unclosed double quote/);
    expect(() => translateCli('/interface print where type=ether and')).toThrow(/condition is missing/);
  });

  it('tokenizes quoted stretches and escapes', () => {
    expect(tokenize('a "b c" d="x \\"y\\""')).toEqual(['a', 'b c', 'd=x "y"']);
    expect(tokenize('x=""')).toEqual(['x=']);
  });
});

describe('words', () => {
  it('splits attribute words at the first "=" after the leading one (§4.2)', () => {
    expect(splitAttribute('=comment=a=b')).toEqual(['comment', 'a=b']);
    expect(splitAttribute('=comment=')).toEqual(['comment', '']);
    expect(splitAttribute('=flag')).toEqual(['flag', '']);
    expect(splitAttribute('?type=ether')).toBeUndefined();
  });

  it('builds rows from replies without the tag', () => {
    expect(replyRow(['!re', '=.id=*1', '=name=ether1', '.tag=t3'])).toEqual({ '.id': '*1', name: 'ether1' });
    expect(tagOf(['!re', '.tag=t3'])).toBe('t3');
    expect(tagOf(['!re'])).toBeUndefined();
  });

  it('classifies words and reply kinds, unknown ones included (§5.3)', () => {
    expect(wordKind('/interface/print', 0)).toBe('command');
    expect(wordKind('!re', 0)).toBe('reply');
    expect(wordKind('?type=ether', 1)).toBe('query');
    expect(wordKind('.tag=1', 1)).toBe('api-attribute');
    expect(replyKindClass('!empty')).toBe('k-empty');
    expect(replyKindClass('!surprise')).toBe('k-unknown');
  });

  it('reads one word per line, dropping blank lines and CRs', () => {
    expect(sentenceWords('/interface/print\r\n\n=.proplist=name\n')).toEqual(['/interface/print', '=.proplist=name']);
  });
});

describe('errorField', () => {
  it('maps bridge argument paths and plain service names to the form field', () => {
    expect(errorField({ code: 'VALIDATION', message: '', detail: { field: 'input.host' } })).toBe('host');
    expect(errorField({ code: 'VALIDATION', message: '', detail: { field: 'query[2]' } })).toBe('query');
    expect(errorField({ code: 'VALIDATION', message: '', detail: { field: 'port' } })).toBe('port');
    expect(errorField({ code: 'NETWORK', message: '' })).toBeUndefined();
  });
});

describe('exporters', () => {
  it('quotes CSV fields per RFC 4180', () => {
    const csv = rowsToCsv(['name', 'comment'], [{ name: 'ether1', comment: 'a, "b"\nc' }, { name: 'ether2' }]);
    expect(csv).toBe('name,comment\r\nether1,"a, ""b""\nc"\r\nether2,\r\n');
  });

  it('writes JSON and decodes base64', () => {
    expect(JSON.parse(rowsToJson([{ a: '1' }]))).toEqual([{ a: '1' }]);
    expect([...base64ToBytes(btoa('\x0a\x0d\x0d\x0a'))]).toEqual([10, 13, 13, 10]);
    expect(fileSafe('/ip/firewall/filter')).toBe('ip-firewall-filter');
  });
});

describe('RingLog', () => {
  it('keeps the newest items and counts the dropped ones (model-based, seeded)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.array(fc.integer(), { maxLength: 30 }), { maxLength: 30 }),
        (cap, batches) => {
          const log = new RingLog<number>(cap);
          const all: number[] = [];
          for (const b of batches) {
            log.pushAll(b);
            all.push(...b);
          }
          const kept = all.slice(Math.max(0, all.length - cap));
          expect(log.toArray()).toEqual(kept);
          expect(log.length).toBe(kept.length);
          expect(log.dropped).toBe(all.length - kept.length);
          expect(log.get(0)).toBe(kept[0]);
          expect(log.get(kept.length)).toBeUndefined();
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('rejects a nonsense capacity', () => {
    expect(() => new RingLog(0)).toThrow(/positive integer/);
  });
});

describe('format', () => {
  const base: LinkState = { connectionId: 'a', status: 'offline', transport: 'plain', encrypted: false, authenticated: false };
  it('says Connected, or why not', () => {
    expect(linkStatusText({ ...base, status: 'online' }, 0)).toBe('Connected');
    expect(linkStatusText({ ...base, status: 'backoff', nextAttemptAt: 4000 }, 200)).toBe('Reconnecting in 4 s…');
    expect(linkStatusText({ ...base, status: 'auth-failed', reason: 'invalid user name or password (6)' }, 0)).toBe(
      'Login failed: invalid user name or password (6)',
    );
    expect(linkStatusText({ ...base, status: 'auth-failed', reason: 'login failed: invalid user name or password (6)' }, 0)).toBe(
      'Login failed: invalid user name or password (6)',
    );
    expect(linkStatusText({ ...base, status: 'failed', reason: 'connection refused' }, 0)).toBe('Failed: connection refused');
    expect(
      linkStatusText(
        {
          ...base,
          status: 'failed',
          errorCode: 'TLS_UNTRUSTED',
          reason: 'r1 presented a certificate that is not trusted yet (SHA-256 AB:CD)',
        },
        0,
      ),
    ).toBe('Failed: certificate not trusted yet');
    expect(linkStatusText(undefined, 0)).toBe('Offline');
  });

  it('warns for plain and anonymous links only', () => {
    expect(linkWarning({ encrypted: false, authenticated: false }, 'plain')).toMatch(/Unencrypted/);
    expect(linkWarning({ encrypted: true, authenticated: false }, 'tls-anonymous')).toMatch(/Not authenticated/);
    expect(linkWarning({ encrypted: true, authenticated: true }, 'tls-verify')).toBeUndefined();
  });

  it('formats elapsed times', () => {
    expect(formatElapsed(12.4)).toBe('12 ms');
    expect(formatElapsed(1234)).toBe('1.23 s');
  });

  it('suggests commands by prefix, history first', () => {
    expect(suggest('/interface/pr', ['/interface/print', '/ip/address/print'])).toEqual(['/interface/print']);
    expect(suggest('/x', ['/a'], ['/x/y/print'])).toEqual(['/x/y/print']);
    expect(suggest('interface', ['/interface/print'])).toEqual([]);
  });
});
