import { utf8SequenceLength, type Reply } from '../../../../protocol/src/index';

/**
 * The JSON of a live-table row, written as UTF-8 bytes straight from the bytes of a `!re` sentence.
 *
 * Why: a live table on a churning menu receives tens of thousands of `!re` per second across
 * routers, and the row is kept and sent as JSON bytes anyway (row-store.ts). Going through
 * `Reply.attributes` first makes two strings per property and a dictionary object per sentence,
 * then `JSON.stringify` walks it all again; here a sentence becomes bytes in a reused buffer and no
 * string at all (but its `.id`). The bytes are exactly the UTF-8 of what `JSON.stringify` of the
 * decoded attributes gives (same escapes, same order), so rows made either way compare equal.
 *
 * The fast path takes sentences whose words are all valid UTF-8 (protocol.md §9: then decoding is
 * the same whatever the connection's Encoding — its code page only decodes non-UTF-8 words), whose property names are plain (no quote, backslash or control
 * byte, not starting with a digit — V8 orders integer-like keys first — never `__proto__`) and
 * whose shape has no repeated name, and that carry an `.id`. Anything else returns GENERAL: the
 * caller takes the general path (`Reply.attributes`), which handles every case.
 */

/** A property-name list, interned per table: rows of one menu share a handful of these. */
export interface Shape {
  readonly index: number;
  readonly names: readonly string[];
  readonly nameSet: ReadonlySet<string>;
  /** False when the name list repeats a name (the fast path then declines). */
  readonly distinct: boolean;
}

const EQ = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = '0123456789abcdef';

/** The short escapes JSON.stringify uses; other control bytes become \u00XX. */
const SHORT_ESCAPE = new Uint8Array(0x20);
SHORT_ESCAPE[0x08] = 0x62; // \b
SHORT_ESCAPE[0x09] = 0x74; // \t
SHORT_ESCAPE[0x0a] = 0x6e; // \n
SHORT_ESCAPE[0x0c] = 0x66; // \f
SHORT_ESCAPE[0x0d] = 0x72; // \r

/** At most this many shapes per table (a table with more is pathological; later ones merge slowly). */
export const MAX_SHAPES = 4096;
/** The shape index of a row whose shape was not registered (past MAX_SHAPES). */
export const NO_SHAPE = 0xffff;

export class ShapeRegistry {
  private readonly list: Shape[] = [];
  private readonly byKey = new Map<string, Shape>();
  /** old.index * MAX_SHAPES + new.index → whether `new` names every property of `old`. */
  private readonly coverCache = new Map<number, boolean>();

  get size(): number {
    return this.list.length;
  }

  at(index: number): Shape | undefined {
    return this.list[index];
  }

  /** The shape of this name list, or undefined when the table already has MAX_SHAPES shapes. */
  intern(names: readonly string[]): Shape | undefined {
    const key = names.join('\n');
    let shape = this.byKey.get(key);
    if (shape) return shape;
    if (this.list.length >= MAX_SHAPES) return undefined;
    const nameSet = new Set(names);
    shape = { index: this.list.length, names, nameSet, distinct: nameSet.size === names.length };
    this.list.push(shape);
    this.byKey.set(key, shape);
    return shape;
  }

  /** True when a row of shape `next` names every property a row of shape `old` had. */
  covers(next: Shape, old: Shape): boolean {
    if (next === old) return true;
    const k = old.index * MAX_SHAPES + next.index;
    let c = this.coverCache.get(k);
    if (c === undefined) {
      c = old.names.every((n) => next.nameSet.has(n));
      // Bounded: a router sending ever-new property names must not grow this without end.
      if (this.coverCache.size >= 65_536) this.coverCache.clear();
      this.coverCache.set(k, c);
    }
    return c;
  }
}

interface HashedShape {
  shape: Shape;
  /** The names as they were on the wire, each followed by a zero byte (hash collision check). */
  signature: Uint8Array;
}

/** `encode` results. */
export const ROW = 1;
export const DEAD = 2;
export const GENERAL = 0;

/**
 * Writes rows as JSON (UTF-8 bytes). One per table (its shapes are the table's). After `encode`
 * returns ROW, the row is `bytes[0, end)` and `id` and `shape` describe it; after DEAD, `id` names
 * the removed row; GENERAL means the caller must take the general path.
 */
export class RowEncoder {
  private out = new Uint8Array(16 * 1024);
  /** End of the row just written in `bytes`. */
  end = 0;
  /** Whether that row is pure ASCII (its text can then be made by a plain byte copy). */
  ascii = true;
  private sig: Uint8Array = new Uint8Array(1024);
  private readonly byHash = new Map<number, HashedShape>();
  id: string | undefined;
  shape: Shape | undefined;
  dead = false;

  constructor(readonly shapes: ShapeRegistry) {}

  /** The buffer the last row was written to (valid until the next `encode`). */
  get bytes(): Uint8Array {
    return this.out;
  }

  /**
   * Writes the row of a `!re` sentence; see ROW, DEAD, GENERAL. Reads the words where they lie
   * (Reply `src`/`start`/`end`: ranges of the received chunk), making no view.
   */
  encode(r: Reply): number {
    const count = r.wordCount;
    // Upper bound of the output: every byte escaped as \u00XX (6), plus quotes, colon and comma.
    let need = 2;
    for (let i = 1; i < count; i++) need += (r.end(i) - r.start(i)) * 6 + 6;
    if (need > this.out.length) this.out = new Uint8Array(Math.max(need, this.out.length * 2));
    const out = this.out;
    let o = 0;
    let s = 0; // write position in `sig`
    let hash = 0x811c9dc5; // FNV-1a over the names
    let idStart = -1;
    let idEnd = -1;
    let idWord: Uint8Array | undefined;
    let dead = false;
    let ascii = true;
    out[o++] = 0x7b; // {
    for (let i = 1; i < count; i++) {
      const w = r.src(i);
      const a = r.start(i); // the word is w[a, e)
      const e = r.end(i);
      const n = e - a;
      if (n === 0 || w[a] !== EQ) continue; // reply word, .tag=, bare words: not properties
      if (n < 2) return GENERAL; // `=` alone: an empty name, general path
      // The name: plain printable ASCII, not starting with a digit.
      const first = w[a + 1]!;
      if (first >= 0x30 && first <= 0x39) return GENERAL;
      if (s + n + 1 > this.sig.length) this.sig = grow(this.sig, s + n + 1);
      const sig = this.sig;
      if (o > 1) out[o++] = 0x2c; // ,
      out[o++] = QUOTE;
      let split = a + 1; // absolute index of the `=` after the name (or e)
      for (; split < e; split++) {
        const b = w[split]!;
        if (b === EQ) break;
        if (b < 0x20 || b >= 0x7f || b === QUOTE || b === BACKSLASH) return GENERAL;
        out[o++] = b;
        sig[s++] = b;
        hash = Math.imul(hash ^ b, 0x01000193);
      }
      const nameLength = split - a - 1;
      if (nameLength === 0) return GENERAL;
      sig[s++] = 0;
      hash = Math.imul(hash ^ 0, 0x01000193);
      const c1 = w[a + 1];
      const c2 = w[a + 2];
      // `.id` and `.dead` are recognised by their bytes; `__proto__` is left to the general path.
      if (nameLength === 3 && c1 === 0x2e && c2 === 0x69 && w[a + 3] === 0x64) {
        idWord = w;
        idStart = split + 1;
        idEnd = e;
      } else if (nameLength === 5 && c1 === 0x2e && c2 === 0x64 && w[a + 3] === 0x65 && w[a + 4] === 0x61 && w[a + 5] === 0x64) {
        // `.dead=yes` (manual) or `.dead=true` (protocol.md §5.4) removes the row; any other value
        // is left to the general path, which drops the property and keeps the row.
        const v = e - split - 1;
        const yes = v === 3 && w[split + 1] === 0x79 && w[split + 2] === 0x65 && w[split + 3] === 0x73;
        const yesTrue =
          yes || (v === 4 && w[split + 1] === 0x74 && w[split + 2] === 0x72 && w[split + 3] === 0x75 && w[split + 4] === 0x65);
        if (!yesTrue) return GENERAL;
        dead = true;
        continue;
      } else if (nameLength === 9 && c1 === 0x5f && c2 === 0x5f && w[a + 3] === 0x70) {
        return GENERAL; // __proto__ (and any __p… of the same length: rare, general path)
      }
      out[o++] = QUOTE;
      out[o++] = 0x3a; // :
      out[o++] = QUOTE;
      for (let j = split + 1; j < e;) {
        const b = w[j]!;
        if (b >= 0x20 && b < 0x80) {
          if (b === QUOTE || b === BACKSLASH) out[o++] = BACKSLASH;
          out[o++] = b;
          j++;
        } else if (b < 0x20) {
          out[o++] = BACKSLASH;
          const short = SHORT_ESCAPE[b]!;
          if (short !== 0) out[o++] = short;
          else {
            out[o++] = 0x75; // u
            out[o++] = 0x30;
            out[o++] = 0x30;
            out[o++] = HEX.charCodeAt(b >> 4);
            out[o++] = HEX.charCodeAt(b & 15);
          }
          j++;
        } else {
          const len = utf8SequenceLength(w, j, e);
          if (len === 0) return GENERAL; // not UTF-8: decoded through the code page, general path
          ascii = false;
          for (const stop = j + len; j < stop; j++) out[o++] = w[j]!;
        }
      }
      out[o++] = QUOTE;
    }
    // Rows are keyed by `.id`; one without (a singleton menu) takes the general path.
    if (idWord === undefined) return GENERAL;
    // Decoded as the general path decodes it (Reply.attributes), so both give the same key.
    this.id = r.codec.decode(idWord, idStart, idEnd);
    this.dead = dead;
    if (dead) return DEAD;
    out[o++] = 0x7d; // }
    const shape = this.shapeOf(hash >>> 0, s);
    if (shape === undefined || !shape.distinct) return GENERAL;
    this.shape = shape;
    this.end = o;
    this.ascii = ascii;
    return ROW;
  }

  private shapeOf(hash: number, sigLength: number): Shape | undefined {
    const known = this.byHash.get(hash);
    if (known !== undefined) {
      const k = known.signature;
      if (k.length !== sigLength) return undefined; // a hash collision: general path
      for (let i = 0; i < sigLength; i++) if (k[i] !== this.sig[i]) return undefined;
      return known.shape;
    }
    const signature = this.sig.slice(0, sigLength);
    const names: string[] = [];
    let start = 0;
    for (let i = 0; i < sigLength; i++) {
      if (signature[i] !== 0) continue;
      names.push(String.fromCharCode(...signature.subarray(start, i)));
      start = i + 1;
    }
    const shape = this.shapes.intern(names);
    if (shape !== undefined) this.byHash.set(hash, { shape, signature });
    return shape;
  }
}

function grow(b: Uint8Array, need: number): Uint8Array {
  const n = new Uint8Array(Math.max(need, b.length * 2));
  n.set(b);
  return n;
}
