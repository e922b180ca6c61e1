import type { Trap } from './errors';
import { bytesEqualAscii, decodeText, type CodePage } from './text';

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
 * as UTF-8 when valid and otherwise through the fallback code page (protocol.md §9).
 */
export class Reply {
  /** The reply word: `!re`, `!done`, `!trap`, `!empty`, `!fatal` — or any unknown `!word`. */
  readonly type: string;
  /** `.tag=` value, found wherever it sits in the sentence (Trakkasure/mikronode#26). */
  readonly tag: string | undefined;
  private attrs: Attributes | undefined;

  constructor(
    readonly words: readonly Uint8Array[],
    readonly codePage: CodePage = 'windows-1252',
  ) {
    this.type = words.length > 0 ? decodeText(words[0]!, codePage) : '';
    let tag: string | undefined;
    for (let i = 1; i < words.length; i++) {
      const w = words[i]!;
      if (w[0] === DOT && bytesEqualAscii(w, '.tag=')) {
        tag = decodeText(w, codePage, 5);
        break;
      }
    }
    // An empty `.tag=` means untagged (protocol.md §7.1).
    this.tag = tag === '' ? undefined : tag;
  }

  /**
   * `=name=value` words as a record (null prototype: router data may name a property `__proto__`).
   * Split at the first `=` after the leading one; values may be empty and may contain `=`
   * (protocol.md §4.2). A word `=name` with no second `=` counts as an empty value, as in GO.
   */
  get attributes(): Attributes {
    if (this.attrs) return this.attrs;
    const attrs: Attributes = Object.create(null) as Attributes;
    for (let i = 1; i < this.words.length; i++) {
      const w = this.words[i]!;
      if (w[0] !== EQ) continue;
      const split = w.indexOf(EQ, 1);
      if (split < 0) attrs[decodeText(w, this.codePage, 1)] = '';
      else attrs[decodeText(w, this.codePage, 1, split)] = decodeText(w, this.codePage, split + 1);
    }
    this.attrs = attrs;
    return attrs;
  }

  /** API attributes other than the tag (`.name=value`), e.g. `.section` on some replies. */
  get apiAttributes(): Attributes {
    const out: Attributes = Object.create(null) as Attributes;
    for (let i = 1; i < this.words.length; i++) {
      const w = this.words[i]!;
      if (w[0] !== DOT) continue;
      const split = w.indexOf(EQ, 1);
      const name = decodeText(w, this.codePage, 1, split < 0 ? w.length : split);
      if (name === 'tag') continue;
      out[name] = split < 0 ? '' : decodeText(w, this.codePage, split + 1);
    }
    return out;
  }

  /** Words after the reply word that are neither attributes nor API attributes. */
  get bareWords(): string[] {
    const out: string[] = [];
    for (let i = 1; i < this.words.length; i++) {
      const w = this.words[i]!;
      if (w[0] !== EQ && w[0] !== DOT) out.push(decodeText(w, this.codePage));
    }
    return out;
  }

  /** Word `i` as text. */
  text(i: number): string {
    const w = this.words[i];
    return w === undefined ? '' : decodeText(w, this.codePage);
  }

  /** All words as text, for display. */
  texts(): string[] {
    return this.words.map((w) => decodeText(w, this.codePage));
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
