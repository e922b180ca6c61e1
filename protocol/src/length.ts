/**
 * Word length prefixes (protocol.md §2). Built with arithmetic and unsigned shifts only: a signed
 * `n | 0xE0000000` goes negative in JavaScript (the NODE Transmitter.ts caveat).
 */

/** Largest length the five-byte form can carry. */
export const MAX_WORD_LENGTH = 0xffffffff;

/** Number of prefix bytes the shortest encoding of `n` takes. */
export function lengthPrefixSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

/** Writes the shortest prefix for `n` at `offset`; returns the offset after it. */
export function writeLengthPrefix(target: Uint8Array, offset: number, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORD_LENGTH) {
    throw new RangeError(`word length ${n} cannot be encoded (0..${MAX_WORD_LENGTH})`);
  }
  if (n < 0x80) {
    target[offset] = n;
    return offset + 1;
  }
  if (n < 0x4000) {
    target[offset] = 0x80 | (n >>> 8);
    target[offset + 1] = n & 0xff;
    return offset + 2;
  }
  if (n < 0x200000) {
    target[offset] = 0xc0 | (n >>> 16);
    target[offset + 1] = (n >>> 8) & 0xff;
    target[offset + 2] = n & 0xff;
    return offset + 3;
  }
  if (n < 0x10000000) {
    target[offset] = 0xe0 | (n >>> 24);
    target[offset + 1] = (n >>> 16) & 0xff;
    target[offset + 2] = (n >>> 8) & 0xff;
    target[offset + 3] = n & 0xff;
    return offset + 4;
  }
  target[offset] = 0xf0;
  target[offset + 1] = (n >>> 24) & 0xff;
  target[offset + 2] = (n >>> 16) & 0xff;
  target[offset + 3] = (n >>> 8) & 0xff;
  target[offset + 4] = n & 0xff;
  return offset + 5;
}

/**
 * Writes the prefix for `n` in exactly `size` bytes (1–5), which may be longer than the shortest
 * form: for keeping a received sentence as it came (protocol.md §2 "Minimal form": peers accept
 * `80 05`). Never used for what we send. Returns the offset after it.
 */
export function writeLengthPrefixOfSize(target: Uint8Array, offset: number, n: number, size: number): number {
  if (size < lengthPrefixSize(n) || size > 5) throw new RangeError(`length ${n} cannot be written in ${size} bytes`);
  const marker = [0, 0, 0x80, 0xc0, 0xe0, 0xf0][size]!;
  // Big-endian, low `size` bytes of n (the five-byte form carries all 32 bits after its 0xF0).
  let v = n;
  for (let k = size - 1; k >= 0; k--) {
    target[offset + k] = v % 256;
    v = Math.floor(v / 256);
  }
  target[offset] = size < 5 ? target[offset]! | marker : marker;
  return offset + size;
}

export function encodeLengthPrefix(n: number): Uint8Array {
  const out = new Uint8Array(lengthPrefixSize(n));
  writeLengthPrefix(out, 0, n);
  return out;
}

/**
 * Total prefix size announced by a first byte, or 0 for a byte that starts no valid prefix:
 * 0xF8–0xFF are reserved control bytes (protocol.md §2) and 0xF1–0xF7 are the PEAR2/EVIL 35-bit
 * extension that MikroTik never documented; both are refused.
 */
export function prefixSizeFromFirstByte(b: number): number {
  if (b < 0x80) return 1;
  if (b < 0xc0) return 2;
  if (b < 0xe0) return 3;
  if (b < 0xf0) return 4;
  if (b === 0xf0) return 5;
  return 0;
}

/** Decodes a complete prefix of `size` bytes starting at `offset`. */
export function readLengthPrefix(bytes: Uint8Array, offset: number, size: number): number {
  const b0 = bytes[offset]!;
  switch (size) {
    case 1:
      return b0;
    case 2:
      return ((b0 & 0x3f) << 8) | bytes[offset + 1]!;
    case 3:
      return ((b0 & 0x1f) << 16) | (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
    case 4:
      // (b0 & 0x0F) << 24 stays below 2^28, so the signed shift is safe here.
      return ((b0 & 0x0f) << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    default:
      // Five-byte form: a full 32-bit value, assembled with multiplication to avoid the sign bit.
      return bytes[offset + 1]! * 0x1000000 + ((bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 8) | bytes[offset + 4]!);
  }
}

/** True when `n` was written in more bytes than its shortest form (e.g. `80 05`). */
export function isNonMinimal(n: number, size: number): boolean {
  return lengthPrefixSize(n) !== size;
}
