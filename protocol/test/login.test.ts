import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textCodec } from '../node/codec';
import {
  challengeResponse,
  ConnectionClosedError,
  encodeUtf8,
  FatalError,
  fromHex,
  login,
  LoginError,
  md5,
  redactLoginSentence,
  Session,
  TimeoutError,
  toHex,
  type LoginOptions,
} from '../src/index';
import { ManualTimers, MemoryTransport, text } from './helpers';

/** protocol.md §6.2 worked examples. */
const VECTORS: [string, string, string][] = [
  ['test', '259e0bc05acd6f46926dc2f809ed1bba', '00c7fd865183a43a772dde231f6d0bff13'],
  ['', '93b438ec9b80057c06dd9fe67d56aa9a', '00e134102a9d330dd7b1849fedfea3cb57'],
  ['', '856780b7411eefd3abadee2058c149a3', '005062f7a5ef124d34675bf3e81f56c556'],
  ['passTest', 'abc123', '0021277bff9ac7caf06aa608e46616d47f'],
];

describe('MD5 and the challenge response (protocol.md §6.2)', () => {
  it('md5 matches RFC 1321 test vectors', () => {
    const rfc: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
    ];
    for (const [input, digest] of rfc) expect(toHex(md5(encodeUtf8(input)))).toBe(digest);
  });

  it('md5 agrees with Node crypto on every length around the 64-byte block edges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(toHex(md5(b))).toBe(createHash('md5').update(b).digest('hex'));
      }),
      { seed: 20260803, numRuns: 500 },
    );
  });

  it.each(VECTORS)('password %j, challenge %s → %s', (password, challenge, response) => {
    expect(challengeResponse(password, challenge)).toBe(response);
  });

  it('hashes password bytes, not characters (NODE Buffer.alloc(password.length + 17) bug)', () => {
    const bytes = encodeUtf8('żółw');
    const expected = createHash('md5')
      .update(Buffer.concat([Buffer.of(0), bytes, Buffer.from('259e0bc05acd6f46926dc2f809ed1bba', 'hex')]))
      .digest('hex');
    expect(challengeResponse('żółw', '259e0bc05acd6f46926dc2f809ed1bba')).toBe(`00${expected}`);
    expect(challengeResponse('\u00e9', '00', textCodec('windows-1252'))).toBe(
      `00${createHash('md5')
        .update(Buffer.of(0, 0xe9, 0))
        .digest('hex')}`,
    );
  });

  it('hex helpers round-trip and refuse non-hex, naming it', () => {
    expect(toHex(fromHex('00ff7A'))).toBe('00ff7a');
    expect(() => fromHex('abc')).toThrow('not a hex string: abc');
    expect(() => fromHex('zz')).toThrow('not a hex string: zz');
  });
});

/** A session whose router answers login sentences per `router`. */
function loginAgainst(router: (words: string[], t: MemoryTransport) => void, options: Partial<LoginOptions> = {}) {
  const t = new MemoryTransport();
  const timers = new ManualTimers();
  t.onWrite = router;
  const s = new Session(t, { timers });
  const result = login(s, { user: 'admin', password: 'secret', ...options });
  return { t, s, timers, result };
}

const MODERN = (words: string[], t: MemoryTransport): void => {
  if (words.includes('=password=secret')) t.reply('!done');
  else {
    t.reply('!trap', '=message=invalid user name or password (6)');
    t.reply('!done');
  }
};

const CHALLENGE = '259e0bc05acd6f46926dc2f809ed1bba';
const PRE_643 = (words: string[], t: MemoryTransport): void => {
  const response = words.find((w) => w.startsWith('=response='));
  if (response === undefined) t.reply('!done', `=ret=${CHALLENGE}`);
  else if (response === `=response=${challengeResponse('secret', CHALLENGE)}`) t.reply('!done');
  else {
    t.reply('!trap', '=message=cannot log in');
    t.reply('!done');
  }
};

describe('login paths (protocol.md §6)', () => {
  it('plain first: one /login with name and password, untagged', async () => {
    const { t, result } = loginAgainst(MODERN);
    expect(await result).toBe('plain');
    expect(t.sentences).toEqual([['/login', '=name=admin', '=password=secret']]);
  });

  it('a refused plain login is a LoginError with the router’s message', async () => {
    const { result } = loginAgainst(MODERN, { password: 'wrong' });
    await expect(result).rejects.toThrow(LoginError);
    await expect(result).rejects.toThrow('login failed: invalid user name or password (6)');
  });

  it('auto: answers =ret= with the MD5 challenge form (pre-6.43 router)', async () => {
    const { t, result } = loginAgainst(PRE_643);
    expect(await result).toBe('challenge');
    expect(t.sentences).toEqual([
      ['/login', '=name=admin', '=password=secret'],
      ['/login', '=name=admin', `=response=${challengeResponse('secret', CHALLENGE)}`],
    ]);
  });

  it('auto: a wrong password on the challenge form is a LoginError', async () => {
    const { result } = loginAgainst(PRE_643, { password: 'wrong' });
    await expect(result).rejects.toThrow('login failed: cannot log in');
  });

  it('method plain refuses to answer a challenge', async () => {
    const { t, result } = loginAgainst(PRE_643, { method: 'plain' });
    await expect(result).rejects.toThrow(/asked for the MD5 challenge login .* plain login was required/);
    expect(t.sentences).toHaveLength(1);
  });

  it('method challenge never sends the password itself', async () => {
    const { t, result } = loginAgainst(PRE_643, { method: 'challenge' });
    expect(await result).toBe('challenge');
    expect(t.sentences[0]).toEqual(['/login']);
    expect(t.sentences.flat().some((w) => w.includes('secret'))).toBe(false);
  });

  it('method challenge against a modern router (no =ret=) fails clearly', async () => {
    const { result } = loginAgainst((_w, t) => t.reply('!done'), { method: 'challenge' });
    await expect(result).rejects.toThrow(
      'login failed: the router offered no challenge (it needs the plain login of RouterOS 6.43+)',
    );
  });

  it('a malformed challenge is refused, naming it', async () => {
    const { result } = loginAgainst((_w, t) => t.reply('!done', '=ret=xyz'));
    await expect(result).rejects.toThrow('login failed: the router sent a malformed challenge (xyz)');
  });

  it('!fatal during login (e.g. too many commands) surfaces as FatalError', async () => {
    const { result } = loginAgainst((_w, t) => t.reply('!fatal', 'too many commands before login'));
    await expect(result).rejects.toThrow(FatalError);
  });

  it('a router that never answers: TimeoutError after timeoutMs', async () => {
    const { result, timers } = loginAgainst(() => undefined, { timeoutMs: 1000 });
    timers.advance(1000);
    await expect(result).rejects.toThrow(TimeoutError);
  });

  it('a connection that closes during login: ConnectionClosedError', async () => {
    const { result } = loginAgainst((_w, t) => t.peerClose());
    await expect(result).rejects.toThrow(ConnectionClosedError);
  });
});

describe('redacting the password for display (design.md §5)', () => {
  it('masks =password= in /login sentences only', () => {
    const login = ['/login', '=name=admin', '=password=secret'].map(encodeUtf8);
    expect(text(redactLoginSentence(login))).toEqual(['/login', '=name=admin', '=password=********']);
    expect(text(login)).toEqual(['/login', '=name=admin', '=password=secret']);
    const other = ['/user/set', '=password=x'].map(encodeUtf8);
    expect(redactLoginSentence(other)).toBe(other);
    expect(redactLoginSentence(['/loginx', '=password=x'].map(encodeUtf8))[1]).toEqual(encodeUtf8('=password=x'));
    expect(text(redactLoginSentence(['/login', '=password='].map(encodeUtf8)))).toEqual(['/login', '=password=********']);
  });
});
