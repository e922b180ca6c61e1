import type { Trap } from './errors';
import { lengthPrefixSize } from './length';
import { bytesEqualAscii, UTF8_CODEC, type TextCodec } from './text';

/** Reply words the manual names (protocol.md §5). Anything else starting with `!` is passed on. */
export const ReplyType = {
  Re: '!re',
  Done: '!done',
  Trap: '!trap',
  Empty: '!empty',
  Fatal: '!fatal',
} as const;

export type Attributes = Record<string, string>;

const EQ = 0x3d; // '='
const DOT = 0x2e; // '.'

/**
 * One sentence received from the router. Words stay bytes; text is decoded lazily, on first use,
 * by the connection's codec: as UTF-8 when valid, otherwise through its code page (protocol.md §9).
 *
 * A sentence that lies wholly in one received chunk is kept as that chunk plus the [start, end)
 * pairs of its words (`bytes`, `offsets`): no object per word. A 100k-row print is 1.2 million
 * words; as one Uint8Array view each they were half of the engine's time in garbage collection
 * (2026-11-26 profile of `Session.command`). `words` makes the views on first use, for callers
 * that want them; the hot readers (live tables, the trace recorder) read the ranges directly.
 */
export class Reply {
  /** The reply word: `!re`, `!done`, `!trap`, `!empty`, `!fatal` — or any unknown `!word`. */
  readonly type: string;
  /** `.tag=` value, found wherever it sits in the sentence (Trakkasure/mikronode#26). */
  readonly tag: string | undefined;
  /** The chunk the words lie in, when they all lie in one (see `offsets`). */
  readonly bytes: Uint8Array | undefined;
  /** With `bytes`: word i is `bytes[offsets[2i], offsets[2i+1])`. */
  readonly offsets: readonly number[] | undefined;
  /**
   * Length prefixes that came longer than their shortest form, as pairs (word index, prefix size);
   * index `wordCount` is the terminating zero. Undefined when all were minimal. See `prefixSize`.
   */
  readonly nonMinimalPrefixes: readonly number[] | undefined;
  private wordList: readonly Uint8Array[] | undefined;
  private attrs: Attributes | undefined;

  constructor(
    words: readonly Uint8Array[],
    readonly codec: TextCodec = UTF8_CODEC,
    ranges?: { bytes: Uint8Array; offsets: readonly number[] },
    nonMinimalPrefixes?: readonly number[],
  ) {
    this.nonMinimalPrefixes = nonMinimalPrefixes;
    if (ranges) {
      this.bytes = ranges.bytes;
      this.offsets = ranges.offsets;
    } else this.wordList = words;
    const n = this.wordCount;
    this.type = n > 0 ? codec.decode(this.src(0), this.start(0), this.end(0)) : '';
    let tag: string | undefined;
    for (let i = 1; i < n; i++) {
      const b = this.src(i);
      const s = this.start(i);
      if (b[s] === DOT && this.end(i) - s >= 5 && bytesEqualAscii(b, '.tag=', s)) {
        tag = codec.decode(b, s + 5, this.end(i));
        break;
      }
    }
    // An empty `.tag=` means untagged (protocol.md §7.1).
    this.tag = tag === '' ? undefined : tag;
  }

  /**
   * A reply whose words are `bytes[offsets[2i], offsets[2i+1])` (the session's usual case). The
   * session's words follow one another in `bytes`, each after its length prefix, and the
   * terminating zero follows the last when it arrived with it: see `prefixSize`.
   */
  static fromRanges(
    bytes: Uint8Array,
    offsets: readonly number[],
    codec: TextCodec = UTF8_CODEC,
    nonMinimalPrefixes?: readonly number[],
  ): Reply {
    return new Reply(NO_WORDS, codec, { bytes, offsets }, nonMinimalPrefixes);
  }

  /**
   * Size of the length prefix word `i` came with (`i === wordCount`: the terminating zero's). The
   * shortest form unless the router used a longer one, which every peer accepts (protocol.md §2):
   * a trace holds the sentence as received (issue 11 C).
   */
  prefixSize(i: number): number {
    return prefixSizeIn(this.nonMinimalPrefixes, i, i < this.wordCount ? this.end(i) - this.start(i) : 0);
  }

  get wordCount(): number {
    return this.offsets !== undefined ? this.offsets.length >> 1 : this.wordList!.length;
  }

  /** The words as bytes (views made on first use when the reply holds ranges). */
  get words(): readonly Uint8Array[] {
    if (this.wordList === undefined) {
      const b = this.bytes!;
      const o = this.offsets!;
      const list: Uint8Array[] = [];
      for (let i = 0; i < o.length; i += 2) list.push(new Uint8Array(b.buffer, b.byteOffset + o[i]!, o[i + 1]! - o[i]!));
      this.wordList = list;
    }
    return this.wordList;
  }

  /** The array word `i` lies in, and its [start, end) there — for reading without views. */
  src(i: number): Uint8Array {
    return this.bytes ?? this.wordList![i]!;
  }
  start(i: number): number {
    return this.offsets !== undefined ? this.offsets[2 * i]! : 0;
  }
  end(i: number): number {
    return this.offsets !== undefined ? this.offsets[2 * i + 1]! : this.wordList![i]!.length;
  }

  /**
   * `=name=value` words as a record (null prototype: router data may name a property `__proto__`).
   * Split at the first `=` after the leading one; values may be empty and may contain `=`
   * (protocol.md §4.2). A word `=name` with no second `=` counts as an empty value, as in GO.
   */
  get attributes(): Attributes {
    if (this.attrs) return this.attrs;
    const attrs: Attributes = Object.create(null) as Attributes;
    const codec = this.codec;
    const n = this.wordCount;
    for (let i = 1; i < n; i++) {
      const b = this.src(i);
      const s = this.start(i);
      const e = this.end(i);
      if (s === e || b[s] !== EQ) continue;
      const split = indexOfByte(b, EQ, s + 1, e);
      if (split < 0) attrs[codec.decode(b, s + 1, e)] = '';
      else attrs[codec.decode(b, s + 1, split)] = codec.decode(b, split + 1, e);
    }
    this.attrs = attrs;
    return attrs;
  }

  /** API attributes other than the tag (`.name=value`), e.g. `.section` on some replies. */
  get apiAttributes(): Attributes {
    const out: Attributes = Object.create(null) as Attributes;
    const n = this.wordCount;
    for (let i = 1; i < n; i++) {
      const b = this.src(i);
      const s = this.start(i);
      const e = this.end(i);
      if (s === e || b[s] !== DOT) continue;
      const split = indexOfByte(b, EQ, s + 1, e);
      const name = this.codec.decode(b, s + 1, split < 0 ? e : split);
      if (name === 'tag') continue;
      out[name] = split < 0 ? '' : this.codec.decode(b, split + 1, e);
    }
    return out;
  }

  /** Words after the reply word that are neither attributes nor API attributes. */
  get bareWords(): string[] {
    const out: string[] = [];
    const n = this.wordCount;
    for (let i = 1; i < n; i++) {
      const b = this.src(i);
      const s = this.start(i);
      const e = this.end(i);
      const first = s < e ? b[s] : undefined;
      if (first !== EQ && first !== DOT) out.push(this.codec.decode(b, s, e));
    }
    return out;
  }

  /** Word `i` as text. */
  text(i: number): string {
    if (i < 0 || i >= this.wordCount) return '';
    return this.codec.decode(this.src(i), this.start(i), this.end(i));
  }

  /** All words as text, for display. */
  texts(): string[] {
    const out: string[] = [];
    const n = this.wordCount;
    for (let i = 0; i < n; i++) out.push(this.codec.decode(this.src(i), this.start(i), this.end(i)));
    return out;
  }

  /**
   * Reason of a `!fatal`: RouterOS sends it as a bare word (`session terminated on request`); GO's
   * tests use `=message=` — accept both (protocol.md §5.2).
   */
  get fatalReason(): string {
    const bare = this.bareWords;
    if (bare.length > 0) return bare.join(' ');
    return this.attributes['message'] ?? 'no reason given';
  }

  /** The `!trap` as message and optional category. */
  get trap(): Trap {
    const a = this.attributes;
    const cat = a['category'];
    const category = cat !== undefined && /^\d+$/.test(cat) ? Number(cat) : undefined;
    return { category, message: a['message'] ?? '' };
  }
}

const NO_WORDS: readonly Uint8Array[] = [];

/**
 * The prefix size of word `index` (of `length` bytes) given the pairs (word index, size) of the
 * prefixes that were not minimal (`Reply.nonMinimalPrefixes`).
 */
export function prefixSizeIn(nonMinimal: readonly number[] | undefined, index: number, length: number): number {
  if (nonMinimal !== undefined) {
    for (let k = 0; k < nonMinimal.length; k += 2) if (nonMinimal[k] === index) return nonMinimal[k + 1]!;
  }
  return lengthPrefixSize(length);
}

function indexOfByte(b: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (b[i] === byte) return i;
  return -1;
}
