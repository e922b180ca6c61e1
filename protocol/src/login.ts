import { LoginError, TrapError } from './errors';
import { fromHex, md5, toHex } from './md5';
import type { Session } from './session';
import { encodeUtf8, UTF8_CODEC, type TextCodec } from './text';

export type LoginMethod = 'auto' | 'plain' | 'challenge';

export interface LoginOptions {
  user: string;
  password: string;
  /**
   * `auto` (default): plain `/login =name= =password=` first, then the MD5 challenge form if the
   * router answers with `=ret=` (protocol.md §6.3). `plain` never answers a challenge; `challenge`
   * sends a bare `/login` first and never sends the password itself.
   */
  method?: LoginMethod;
  timeoutMs?: number;
}

/** Which form logged in. */
export type LoginOutcome = 'plain' | 'challenge';

/**
 * The pre-6.43 response: "00" + hex(MD5(0x00 || password || challenge bytes)) (protocol.md §6.2).
 * Lengths come from bytes, not characters (NODE's Buffer.alloc(password.length + 17) bug); the
 * password bytes are the connection's encoding of it.
 */
export function challengeResponse(password: string | Uint8Array, challengeHex: string, codec: TextCodec = UTF8_CODEC): string {
  const pw = typeof password === 'string' ? codec.encode(password) : password;
  const challenge = fromHex(challengeHex);
  const input = new Uint8Array(1 + pw.length + challenge.length);
  input.set(pw, 1);
  input.set(challenge, 1 + pw.length);
  return `00${toHex(md5(input))}`;
}

/**
 * Logs in. Login sentences are sent untagged and raw, exactly like MikroTik's example client, so
 * traces look the way the manual shows them. The password is encoded by the session's codec, in
 * both forms: RouterOS compares bytes, and a password typed in WinBox on Windows is stored in the
 * PC's code page (protocol.md §9).
 */
export async function login(session: Session, options: LoginOptions): Promise<LoginOutcome> {
  const method = options.method ?? 'auto';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const send = async (words: string[]): Promise<string | undefined> => {
    try {
      const result = await session.command(words, { raw: true, timeoutMs });
      return result.ret;
    } catch (e) {
      if (e instanceof TrapError) {
        throw new LoginError(`login failed: ${e.traps.map((t) => t.message).join('; ') || 'refused'}`, e.traps);
      }
      throw e;
    }
  };
  const answerChallenge = async (challenge: string): Promise<LoginOutcome> => {
    if (!/^[0-9a-fA-F]+$/.test(challenge) || challenge.length % 2 !== 0) {
      throw new LoginError(`login failed: the router sent a malformed challenge (${challenge})`);
    }
    await send(['/login', `=name=${options.user}`, `=response=${challengeResponse(options.password, challenge, session.codec)}`]);
    return 'challenge';
  };

  if (method === 'challenge') {
    const challenge = await send(['/login']);
    if (challenge === undefined)
      throw new LoginError('login failed: the router offered no challenge (it needs the plain login of RouterOS 6.43+)');
    return answerChallenge(challenge);
  }
  const ret = await send(['/login', `=name=${options.user}`, `=password=${options.password}`]);
  if (ret === undefined) return 'plain';
  if (method === 'plain') {
    throw new LoginError(
      'login failed: the router asked for the MD5 challenge login (RouterOS before 6.43) and plain login was required',
    );
  }
  return answerChallenge(ret);
}

/** What traces and the CLI show instead of a password (design.md §5: never in traces or logs). */
export const REDACTED_PASSWORD = '********';

const LOGIN_WORD = [0x2f, 0x6c, 0x6f, 0x67, 0x69, 0x6e]; // '/login'
const PASSWORD_PREFIX = [0x3d, 0x70, 0x61, 0x73, 0x73, 0x77, 0x6f, 0x72, 0x64, 0x3d]; // '=password='

/**
 * A copy of a sentence fit for display: in a `/login` sentence the value of `=password=` becomes
 * `********`; any other sentence is returned unchanged (same array).
 */
export function redactLoginSentence(words: readonly Uint8Array[]): readonly Uint8Array[] {
  const first = words[0];
  if (!first || !startsWith(first, LOGIN_WORD) || first.length !== LOGIN_WORD.length) return words;
  let out: Uint8Array[] | undefined;
  for (let i = 1; i < words.length; i++) {
    if (!startsWith(words[i]!, PASSWORD_PREFIX)) continue;
    out ??= [...words];
    out[i] = encodeUtf8(`=password=${REDACTED_PASSWORD}`);
  }
  return out ?? words;
}

function startsWith(word: Uint8Array, prefix: readonly number[]): boolean {
  if (word.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (word[i] !== prefix[i]) return false;
  return true;
}
