/**
 * Byte-level text of the command-line client (design.md §4): words are read from input lines with
 * the escapes `\\`, `\n`, `\xNN`, and printed as `<<< WORD` / `>>> WORD` lines with the same
 * escapes. Everything works on bytes — words are never decoded to JavaScript strings — because the
 * CLI must keep up with replies of millions of words, and because RouterOS values are raw bytes in
 * no particular encoding (protocol.md §9).
 */
import { utf8SequenceLength } from '../src/index';

export const SENT_MARKER = 0x3c; // '<'
export const RECEIVED_MARKER = 0x3e; // '>'

const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const HEX = new Uint8Array([...'0123456789abcdef'].map((c) => c.charCodeAt(0)));

/** 1 for bytes printed as themselves: printable ASCII except the backslash. */
const PLAIN = new Uint8Array(256);
for (let b = 0x20; b < 0x7f; b++) PLAIN[b] = b === BACKSLASH ? 0 : 1;

/**
 * Formats words into large output buffers and hands each full buffer to `flushTo`. When `flushTo`
 * returns true the bytes are already gone (a synchronous write) and the buffer is reused; otherwise
 * it belongs to the consumer and a fresh one is allocated. Control characters other than newline, C1
 * controls (U+0080–U+009F) and bytes that are not valid UTF-8 are printed as `\xNN`; a newline
 * inside a word as `\n`; a backslash as `\\`.
 */
export class LineWriter {
  private buf!: Uint8Array;
  private out!: DataView;
  private pos = 0;

  constructor(
    private readonly flushTo: (bytes: Uint8Array) => boolean | void,
    private readonly capacity = 1 << 20,
    private readonly allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size),
  ) {
    this.use(allocate(capacity));
  }

  /** Bytes formatted but not yet flushed. */
  get buffered(): number {
    return this.pos;
  }

  /**
   * Makes room for `bytes` more output bytes now, so that the `word()` calls that follow do not
   * flush. The CLI calls it once per received chunk: a flush first reached inside an optimised
   * `word()` is a branch V8 has no type feedback for, and it deoptimises the hot loop (seen with
   * `--trace-deopt` at the first full buffer, about 1 MB into a reply).
   */
  reserve(bytes: number): void {
    if (this.pos + bytes > this.buf.length) {
      this.flush();
      if (bytes > this.buf.length) this.use(this.allocate(bytes));
    }
  }

  /** One line `<<< WORD` or `>>> WORD` for `bytes[start, end)`. */
  word(marker: number, bytes: Uint8Array, start: number, end: number): void {
    // At most 4 bytes per input byte (`\xNN`), plus the marker, its space and the newline.
    const need = 5 + (end - start) * 4;
    if (this.pos + need > this.buf.length) this.reserve(need);
    const out = this.out;
    const buf = this.buf;
    let o = this.pos;
    // `>>> ` as one little-endian store: the marker three times, then a space.
    out.setInt32(o, marker * 0x010101 + 0x20000000, true);
    o += 4;
    let i = start;
    // The input is read byte by byte and combined, not through a DataView of it: a view would be
    // made per input array (each read chunk, each straddling word), and that "new array" branch,
    // first taken inside optimised code, deoptimised this function at every reply's second chunk.
    // Reads never pass `end`, so no slack is needed after the word.
    const last4 = end - 4;
    for (;;) {
      // Printable ASCII other than the backslash is by far the most common byte, so this loop
      // tests and copies four of them at a time.
      while (i <= last4) {
        // `| 0` on offsets: int32 additions that V8 need not check for overflow (offsets are far
        // below 2^31: arrays here are at most a few MiB).
        const x = bytes[i]! | (bytes[(i + 1) | 0]! << 8) | (bytes[(i + 2) | 0]! << 16) | (bytes[(i + 3) | 0]! << 24);
        // Four bytes tested at once (SWAR): a byte's top bit in the result is set by `x - 0x20…`
        // when the byte is below 0x20 (it borrows), by `x + 0x01…` when it is 0x7F, by `x` when it
        // is 0x80 or above, and by `(x ^ 0x5C…) - 0x01…` when it is the backslash. A carry or
        // borrow starts only at a byte that is itself flagged, so "no bit set" means exactly "all
        // four PLAIN". JavaScript's bitwise operators work on int32, so V8 keeps this in 32-bit
        // registers.
        if ((((x - 0x20202020) | (x + 0x01010101) | x | ((x ^ 0x5c5c5c5c) - 0x01010101)) & 0x80808080) !== 0) break;
        out.setInt32(o, x, true);
        o = (o + 4) | 0;
        i = (i + 4) | 0;
      }
      let b = 0;
      while (i < end) {
        b = bytes[i]!;
        if (PLAIN[b] === 0) break;
        buf[o++] = b;
        i++;
      }
      if (i === end) break;
      if (b === BACKSLASH) {
        buf[o++] = BACKSLASH;
        buf[o++] = BACKSLASH;
        i++;
      } else if (b === NEWLINE) {
        buf[o++] = BACKSLASH;
        buf[o++] = 0x6e; // 'n'
        i++;
      } else if (b < 0x80) {
        o = writeHex(buf, o, b);
        i++;
      } else {
        const n = utf8SequenceLength(bytes, i, end);
        // C2 80–C2 9F encode the C1 control characters: printed as bytes, like C0 controls.
        if (n === 0 || (n === 2 && b === 0xc2 && bytes[i + 1]! < 0xa0)) {
          o = writeHex(buf, o, b);
          i++;
        } else {
          for (const stop = i + n; i < stop; i++) buf[o++] = bytes[i]!;
        }
      }
    }
    buf[o++] = NEWLINE;
    this.pos = o;
  }

  /** The end-of-sentence line: the marker and one space (`<<< ` / `>>> `). */
  endOfSentence(marker: number): void {
    if (this.pos + 5 > this.buf.length) this.flush();
    const o = this.pos;
    this.out.setInt32(o, marker * 0x010101 + 0x20000000, true);
    this.buf[o + 4] = NEWLINE;
    this.pos = o + 5;
  }

  /** A whole sentence, word by word. */
  sentence(marker: number, words: readonly Uint8Array[]): void {
    for (const w of words) this.word(marker, w, 0, w.length);
    this.endOfSentence(marker);
  }

  flush(): void {
    if (this.pos === 0) return;
    const full = this.buf.subarray(0, this.pos);
    this.pos = 0;
    if (this.flushTo(full) !== true || this.buf.length !== this.capacity) this.use(this.allocate(this.capacity));
  }

  private use(buf: Uint8Array): void {
    this.buf = buf;
    this.out = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
}

function writeHex(out: Uint8Array, o: number, b: number): number {
  out[o] = BACKSLASH;
  out[o + 1] = 0x78; // 'x'
  out[o + 2] = HEX[b >>> 4]!;
  out[o + 3] = HEX[b & 0x0f]!;
  return o + 4;
}

/** A line of input that cannot become a word, with the 1-based column of the offending escape. */
export class EscapeError extends Error {
  constructor(
    readonly reason: string,
    readonly column: number,
  ) {
    super(`${reason} at column ${column}`);
    this.name = 'EscapeError';
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/**
 * Turns one input line (without its line ending) into the word's bytes: `\\` → backslash, `\n` →
 * newline, `\xNN` → the byte NN (either case). Other bytes are taken exactly as given, so invalid
 * UTF-8 or a code-page byte typed raw is sent raw.
 */
export function unescapeWord(line: Uint8Array, start = 0, end = line.length): Uint8Array {
  const first = line.indexOf(BACKSLASH, start);
  // A copy, not a view (Buffer's slice() is a view): the input chunk is not ours to keep.
  if (first < 0 || first >= end) return new Uint8Array(line.subarray(start, end));
  const out = new Uint8Array(end - start);
  let o = 0;
  let i = start;
  while (i < end) {
    const b = line[i]!;
    if (b !== BACKSLASH) {
      out[o++] = b;
      i++;
      continue;
    }
    const column = i - start + 1;
    const next = line[i + 1];
    if (i + 1 >= end || next === undefined)
      throw new EscapeError('backslash at the end of the line (write \\\\ for a backslash)', column);
    if (next === BACKSLASH) {
      out[o++] = BACKSLASH;
      i += 2;
    } else if (next === 0x6e) {
      out[o++] = NEWLINE;
      i += 2;
    } else if (next === 0x78) {
      const hi = i + 2 < end ? hexValue(line[i + 2]!) : -1;
      const lo = i + 3 < end ? hexValue(line[i + 3]!) : -1;
      if (hi < 0 || lo < 0) throw new EscapeError('\\x must be followed by two hex digits', column);
      out[o++] = (hi << 4) | lo;
      i += 4;
    } else {
      throw new EscapeError(`unknown escape \\${printable(next)} (use \\\\, \\n or \\xNN)`, column);
    }
  }
  return out.subarray(0, o);
}

function printable(b: number): string {
  return b >= 0x21 && b < 0x7f ? String.fromCharCode(b) : `x${b.toString(16).padStart(2, '0')}`;
}

/**
 * Splits input chunks into lines without re-copying: complete lines are handed out as ranges of the
 * chunk; only a line that straddles chunks is joined. A trailing CR is dropped (Windows line ends).
 */
export class LineSplitter {
  private partial: Uint8Array[] = [];
  private partialBytes = 0;

  constructor(
    private readonly onLine: (bytes: Uint8Array, start: number, end: number) => void,
    private readonly maxLineBytes = 64 * 1024 * 1024,
  ) {}

  push(chunk: Uint8Array): void {
    let i = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, i);
      if (nl < 0) break;
      if (this.partialBytes > 0) {
        this.partial.push(chunk.subarray(i, nl));
        const line = join(this.partial, this.partialBytes + (nl - i));
        this.partial = [];
        this.partialBytes = 0;
        this.emit(line, 0, line.length);
      } else this.emit(chunk, i, nl);
      i = nl + 1;
    }
    if (i < chunk.length) {
      this.partialBytes += chunk.length - i;
      if (this.partialBytes > this.maxLineBytes) throw new RangeError(`an input line is longer than ${this.maxLineBytes} bytes`);
      this.partial.push(chunk.subarray(i));
    }
  }

  /** End of input: a last line without a line end still counts. */
  end(): void {
    if (this.partialBytes === 0) return;
    const line = join(this.partial, this.partialBytes);
    this.partial = [];
    this.partialBytes = 0;
    this.emit(line, 0, line.length);
  }

  private emit(bytes: Uint8Array, start: number, end: number): void {
    this.onLine(bytes, start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end);
  }
}

function join(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
