import { bytesEqualAscii } from '../../../protocol/src/index';

/**
 * Redaction at capture: secrets never enter a trace, an export, the console history or a bridge
 * event (design.md §5). Works on the bytes of each word, without decoding whole sentences, because
 * it runs for every sentence of every connection (100k-row prints included).
 *
 * What counts as secret:
 * - `/login`: `=password=` (plain login, RouterOS ≥ 6.43) and `=response=` (the MD5 challenge
 *   answer, protocol.md §6.2 — replayable against the same challenge, and a password oracle).
 * - Any attribute or query word whose property name contains `password`, `passphrase`, `secret`,
 *   `psk`, `private-key` or `shared-key`: `/user/set =password=`, `/ppp/secret` `=password=`,
 *   RADIUS and IPsec `=secret=`, wireless `=wpa2-pre-shared-key=`, WireGuard `=private-key=` and
 *   `=preshared-key=`, SNMP `=authentication-password=`. Replies are scanned too, because
 *   `/ppp/secret/print` returns passwords in clear.
 */
export const REDACTED = '********';
const REDACTED_BYTES = new Uint8Array([0x2a, 0x2a, 0x2a, 0x2a, 0x2a, 0x2a, 0x2a, 0x2a]);
const EQ = 0x3d;
const Q = 0x3f;

const bytesOf = (p: string): number[] => Array.from(p, (c) => c.charCodeAt(0));
// Grouped by first letter: the scan only tries patterns where a 'p' or an 's' stands.
const P_PATTERNS = ['password', 'passphrase', 'psk', 'private-key'].map(bytesOf);
const S_PATTERNS = ['secret', 'shared-key'].map(bytesOf);
const RESPONSE = bytesOf('response');

function lower(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

function matchesAt(w: Uint8Array, i: number, end: number, pattern: number[]): boolean {
  if (end - i < pattern.length) return false;
  for (let k = 1; k < pattern.length; k++) if (lower(w[i + k]!) !== pattern[k]) return false;
  return true;
}

/** True when the pattern (first letter already matched) continues at `i` within `end`. */
function anyAt(w: Uint8Array, i: number, end: number, patterns: number[][]): boolean {
  for (const p of patterns) if (matchesAt(w, i, end, p)) return true;
  return false;
}

/**
 * Where the value of a secret word starts (index of the first value byte), or -1 when the word
 * is not secret. Handles `=name=value` and the query forms `?name=value`, `?=name=value`,
 * `?<name=value`, `?>name=value`. One pass over the name: it stops at the `=` and tries the
 * patterns only where a 'p' or an 's' stands.
 */
function secretValueStart(w: Uint8Array, login: boolean, a = 0, e = w.length): number {
  if (e - a < 3) return -1;
  let keyStart: number;
  if (w[a] === EQ) keyStart = a + 1;
  else if (w[a] === Q) {
    const op = w[a + 1];
    keyStart = op === EQ || op === 0x3c || op === 0x3e ? a + 2 : a + 1;
  } else return -1;
  let split = -1;
  for (let i = keyStart; i < e; i++) {
    if (w[i] === EQ) {
      split = i;
      break;
    }
  }
  if (split <= keyStart) return -1;
  if (login && split - keyStart === RESPONSE.length && lower(w[keyStart]!) === 0x72 && matchesAt(w, keyStart, split, RESPONSE))
    return split + 1;
  // Every pattern starts "pa", "ps", "pr", "se" or "sh": the byte after a 'p' or an 's' rules out
  // most candidates at once (names such as src-address, repl-packets and protocol are full of
  // them), before any pattern is compared.
  for (let i = keyStart; i + 2 < split; i++) {
    const c = w[i]! | 0x20;
    if (c !== 0x70 && c !== 0x73) continue;
    const next = w[i + 1]! | 0x20;
    if (c === 0x70) {
      if ((next === 0x61 || next === 0x73 || next === 0x72) && anyAt(w, i, split, P_PATTERNS)) return split + 1;
    } else if ((next === 0x65 || next === 0x68) && anyAt(w, i, split, S_PATTERNS)) return split + 1;
  }
  return -1;
}

/**
 * True when a received sentence, given as ranges of one array (Reply `bytes`/`offsets`), holds a
 * secret value: then it must go through `redactWords`. The common answer, false, needs no view.
 */
export function rangesHoldSecret(bytes: Uint8Array, offsets: readonly number[]): boolean {
  for (let i = 0; i < offsets.length; i += 2) {
    const a = offsets[i]!;
    const e = offsets[i + 1]!;
    // One pass over the name, stopping at its `=`: only a 'p' or 's' followed by a letter some
    // pattern continues with (see secretValueStart) calls for the exact check. This runs for every
    // word the router sends while a trace is recorded.
    let k = a;
    const first = bytes[k];
    if (first === EQ) k++;
    else if (first === Q) {
      k++;
      const op = bytes[k];
      if (op === EQ || op === 0x3c || op === 0x3e) k++;
    } else continue;
    for (; k + 2 < e; k++) {
      const raw = bytes[k]!;
      if (raw === EQ) break; // the end of the name
      const c = raw | 0x20;
      if (c !== 0x70 && c !== 0x73) continue;
      const next = bytes[k + 1]! | 0x20;
      const hint = c === 0x70 ? next === 0x61 || next === 0x73 || next === 0x72 : next === 0x65 || next === 0x68;
      if (!hint) continue;
      const at = secretValueStart(bytes, false, a, e);
      if (at >= 0 && at < e) return true;
      break;
    }
  }
  return false;
}

/**
 * Returns the words with secret values replaced by `********`, or `undefined` when nothing had to
 * change (the common case: no copy). `direction` matters only for the `/login` rule.
 */
export function redactWords(words: readonly Uint8Array[], direction: 'in' | 'out'): Uint8Array[] | undefined {
  const login = direction === 'out' && words.length > 0 && words[0]!.length === 6 && bytesEqualAscii(words[0]!, '/login');
  let out: Uint8Array[] | undefined;
  for (let i = direction === 'out' ? 1 : 0; i < words.length; i++) {
    const w = words[i]!;
    const first = w[0];
    if (first !== EQ && first !== Q) continue;
    const at = secretValueStart(w, login);
    if (at < 0 || at === w.length) continue; // empty values reveal nothing
    const replaced = new Uint8Array(at + REDACTED_BYTES.length);
    replaced.set(w.subarray(0, at));
    replaced.set(REDACTED_BYTES, at);
    out ??= words.slice();
    out[i] = replaced;
  }
  return out;
}

/** The same rules for words as text (console history, imported traces). */
export function redactTextWords(words: readonly string[], direction: 'in' | 'out'): string[] {
  const login = direction === 'out' && words[0] === '/login';
  return words.map((word, i) => {
    if ((direction === 'out' && i === 0) || (word[0] !== '=' && word[0] !== '?')) return word;
    const bytes = Uint8Array.from(word.slice(0, Math.min(word.length, 256)), (c) => Math.min(c.charCodeAt(0), 0xff));
    const at = secretValueStart(bytes, login);
    if (at < 0 || at >= word.length) return word;
    return word.slice(0, at) + REDACTED;
  });
}
