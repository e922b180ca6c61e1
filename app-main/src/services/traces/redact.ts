import { bytesEqualAscii } from '../../../../protocol/src/index';

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
 * Stateless; a recorder uses a `SecretScanner`, which remembers names already found harmless.
 */
export function rangesHoldSecret(bytes: Uint8Array, offsets: readonly number[]): boolean {
  for (let i = 0; i < offsets.length; i += 2) {
    if (wordHoldsSecret(bytes, offsets[i]!, offsets[i + 1]!) === SECRET_VALUE) return true;
  }
  return false;
}

// What `wordHoldsSecret` found. (The byte values in the loops below are written as literal numbers,
// not as EQ or Q: module constants are context loads with a type check on every pass in V8's
// optimised code, seen in --print-opt-code, and these loops run for every word a router sends while
// a trace records.)
const NOT_SECRET_NAME = -1;
const SECRET_VALUE = -2;
const SECRET_NAME_EMPTY_VALUE = -3;

/**
 * One word `[a, e)` of a received sentence: SECRET_VALUE when it is a secret property with a value,
 * SECRET_NAME_EMPTY_VALUE when its name is secret but its value empty (nothing to hide, but the name
 * must not be certified harmless), otherwise NOT_SECRET_NAME — or, for an `=name=value` word whose
 * name is harmless, the index of the `=` that ends the name (≥ 0), so a caller can remember it.
 */
function wordHoldsSecret(bytes: Uint8Array, a: number, e: number): number {
  // One pass over the name, stopping at its `=`: only a 'p' or 's' followed by a letter some
  // pattern continues with (see secretValueStart) calls for the exact check.
  let k = a;
  const first = bytes[k];
  let plain = false;
  if (first === 0x3d) {
    k++;
    plain = true;
  } else if (first === 0x3f) {
    k++;
    const op = bytes[k];
    if (op === 0x3d || op === 0x3c || op === 0x3e) k++;
  } else return NOT_SECRET_NAME;
  for (; k < e; k++) {
    const raw = bytes[k]!;
    if (raw === 0x3d) return plain && k > a + 1 ? k : NOT_SECRET_NAME; // the end of a harmless name
    if (k + 2 >= e) continue; // too short for a pattern to start here, but the `=` may still come
    const c = raw | 0x20;
    if (c !== 0x70 && c !== 0x73) continue;
    const next = bytes[k + 1]! | 0x20;
    const hint = c === 0x70 ? next === 0x61 || next === 0x73 || next === 0x72 : next === 0x65 || next === 0x68;
    if (!hint) continue;
    // The exact check of the whole name: -1 when harmless, else where its value starts.
    const at = secretValueStart(bytes, false, a, e);
    if (at < 0) continue;
    return at < e ? SECRET_VALUE : SECRET_NAME_EMPTY_VALUE;
  }
  return NOT_SECRET_NAME; // no `=` at all: a bare name has no value to hide
}

/** Entries of a SecretScanner's table; a power of two. */
const CERTIFIED_ENTRIES = 256;
/** Int32 slots per entry: up to 14 four-byte pieces of a name, its length and its last four bytes. */
const ENTRY_INTS = 16;
/** The longest `name=` kept: 14 pieces before the last four bytes. */
const CERTIFIED_MAX = 60;
/** The most words a template sentence may have. */
const TEMPLATE_MAX_WORDS = 64;

/**
 * The secret scan of a recorder, for one connection: `rangesHoldSecret` with a memory of the
 * property names it has already found harmless.
 *
 * Why: every received sentence is scanned while a trace records, and byte by byte the names cost
 * about as much as decoding the sentence did (callgrind: ≈ 3,000 instructions for a 12-word
 * `/interface/print` reply, a quarter of the engine's own work). But the replies of a print or a
 * listen repeat the same dozen names row after row. So the last fully remembered row is kept as a
 * template and a row of the same word count is compared with it word by word (matchesTemplate);
 * failing that, each harmless name is remembered as little-endian 32-bit pieces of `name=`, keyed
 * by its word position and first four bytes; a later word
 * whose first `length` bytes equal those pieces has the same name — the remembered bytes hold no
 * `=` before the last, so the name ends at the same place — and needs no scan: a few 32-bit
 * comparisons instead of a loop over every byte. A name with a secret pattern is never remembered,
 * whatever its value, and any word that does not match is scanned in full as before; so the answer
 * is always exactly `rangesHoldSecret`'s (a property test checks this over mixed sequences).
 */
export class SecretScanner {
  private readonly table = new Int32Array(CERTIFIED_ENTRIES * ENTRY_INTS);
  private viewOf: Uint8Array | undefined;
  private view: DataView | undefined;

  // The last secret-free sentence whose every word could be remembered, as a template: per word,
  // the length of `=name=` (0 for a word without a property: `!re`, `.tag=…`), its first and last
  // four bytes and, for longer names, the pieces between (up to 14 per word, at word * 16).
  private templateWords = -1;
  private readonly templateLength = new Int32Array(TEMPLATE_MAX_WORDS);
  private readonly templateHead = new Int32Array(TEMPLATE_MAX_WORDS);
  private readonly templateTail = new Int32Array(TEMPLATE_MAX_WORDS);
  private readonly templatePieces = new Int32Array(TEMPLATE_MAX_WORDS * 16);

  holdsSecret(bytes: Uint8Array, offsets: readonly number[]): boolean {
    // One DataView per received chunk (all words of a ranges-form reply lie in it).
    let dv = this.view;
    if (this.viewOf !== bytes || dv === undefined) {
      dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.view = dv;
      this.viewOf = bytes;
    }
    // First the template: the rows of a print or a listen have the same names in the same places,
    // so most sentences are checked word by word in order, with no hashing.
    if (offsets.length === this.templateWords * 2 && this.matchesTemplate(bytes, dv, offsets)) return false;
    const table = this.table;
    let templatable = offsets.length <= TEMPLATE_MAX_WORDS * 2;
    for (let i = 0; i < offsets.length; i += 2) {
      const a = offsets[i]!;
      const e = offsets[i + 1]!;
      const first = bytes[a];
      if (first !== 0x3d) {
        // `!re`, `.tag=`, `.section=`…: no property. A query word (`?`) in a reply is rare:
        // scanned in full, never remembered.
        if (first === 0x3f) {
          templatable = false;
          if (wordHoldsSecret(bytes, a, e) === SECRET_VALUE) return true;
        }
        continue;
      }
      const p = a + 1;
      if (e - p < 4) {
        // `=ab=…` names are too short to remember; scanning them is as cheap.
        templatable = false;
        if (wordHoldsSecret(bytes, a, e) === SECRET_VALUE) return true;
        continue;
      }
      const head = dv.getInt32(p, true);
      const base = (Math.imul(head ^ (i << 16), 0x9e3779b1) >>> 24) * 16; // 256 entries of 16 ints
      const n = table[base + 15]!; // the remembered `name=` length, 0 when empty
      if (n !== 0 && p + n <= e && table[base] === head && sameTail(dv, table, base, p, n)) continue;
      const end = wordHoldsSecret(bytes, a, e);
      if (end === SECRET_VALUE) return true;
      const length = end + 1 - p; // `name=`
      if (end >= 0 && length >= 4 && length <= CERTIFIED_MAX) {
        // Pieces 0..13 at base..base+13 (piece 0 is `head`), the last four bytes at base+14.
        table[base] = head;
        for (let piece = 1; piece * 4 + 4 < length; piece++) table[base + piece] = dv.getInt32(p + piece * 4, true);
        table[base + 14] = dv.getInt32(p + length - 4, true);
        table[base + 15] = length;
      } else templatable = false;
    }
    if (templatable) this.rememberTemplate(bytes, dv, offsets);
    return false;
  }

  /** True when every word has the template's name (or, like it, none). */
  private matchesTemplate(bytes: Uint8Array, dv: DataView, offsets: readonly number[]): boolean {
    const lengths = this.templateLength;
    for (let i = 0, w = 0; i < offsets.length; i += 2, w++) {
      const a = offsets[i]!;
      const n = lengths[w]!; // `=name=` from the lead byte, or 0
      if (n === 0) {
        const first = bytes[a];
        if (first === 0x3d || first === 0x3f) return false;
        continue;
      }
      // The lead `=`, the name and its closing `=` equal the remembered ones, byte for byte.
      if (a + n > offsets[i + 1]! || dv.getInt32(a, true) !== this.templateHead[w]) return false;
      if (dv.getInt32(a + n - 4, true) !== this.templateTail[w]) return false;
      for (let k = 4; k + 4 < n; k += 4) {
        if (dv.getInt32(a + k, true) !== this.templatePieces[w * 16 + (k >> 2)]) return false;
      }
    }
    return true;
  }

  /** Called only for a secret-free sentence whose names all passed the full scan or the table. */
  private rememberTemplate(bytes: Uint8Array, dv: DataView, offsets: readonly number[]): void {
    let w = 0;
    for (let i = 0; i < offsets.length; i += 2, w++) {
      const a = offsets[i]!;
      if (bytes[a] !== 0x3d) {
        this.templateLength[w] = 0;
        continue;
      }
      let end = a + 1;
      while (bytes[end] !== 0x3d) end++; // the name's closing `=`: the scan above found it
      const n = end + 1 - a;
      this.templateLength[w] = n;
      this.templateHead[w] = dv.getInt32(a, true);
      this.templateTail[w] = dv.getInt32(a + n - 4, true);
      for (let k = 4; k + 4 < n; k += 4) this.templatePieces[w * 16 + (k >> 2)] = dv.getInt32(a + k, true);
    }
    this.templateWords = w;
  }
}

/** True when the `n` bytes at `p` equal the entry's pieces after the first (already compared). */
function sameTail(dv: DataView, table: Int32Array, base: number, p: number, n: number): boolean {
  for (let piece = 1; piece * 4 + 4 < n; piece++) {
    if (dv.getInt32(p + piece * 4, true) !== table[base + piece]) return false;
  }
  return dv.getInt32(p + n - 4, true) === table[base + 14];
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
