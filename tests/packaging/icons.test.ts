/**
 * The committed icons are complete for every platform and are what resources/make-icons.mjs
 * renders (so a change to the drawing without regenerating fails here).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { ICNS_TYPES, ICO_SIZES, LINUX_SIZES, renderIcon } from '../../resources/make-icons.mjs';

const resources = fileURLToPath(new URL('../../resources/', import.meta.url));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width, height and RGBA pixels of a PNG written by the generator (8-bit RGBA, filter 0). */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]);
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, rgba };
}

describe('icons', () => {
  it('has the 1024 px master and the Linux set, matching the generator', () => {
    const master = decodePng(readFileSync(`${resources}icon.png`));
    expect([master.width, master.height]).toEqual([1024, 1024]);
    for (const size of LINUX_SIZES) {
      const { width, height, rgba } = decodePng(readFileSync(`${resources}icons/${size}x${size}.png`));
      expect([width, height]).toEqual([size, size]);
      if (size <= 256) {
        const expected = renderIcon(size);
        let worst = 0;
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i]! - rgba[i]!));
        expect(worst, `${size}px differs from the generator; run node resources/make-icons.mjs`).toBeLessThanOrEqual(1);
      }
    }
    // Transparent corners, opaque centre: a real icon shape, not a filled square.
    const px = (x: number, y: number) => master.rgba[(y * 1024 + x) * 4 + 3];
    expect(px(0, 0)).toBe(0);
    expect(px(512, 512)).toBe(255);
  });

  it('has a Windows .ico with PNG entries from 16 to 256 px', () => {
    const ico = readFileSync(`${resources}icon.ico`);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes: number[] = [];
    for (let n = 0; n < count; n++) {
      const e = 6 + 16 * n;
      const size = ico[e] === 0 ? 256 : ico[e]!;
      const png = ico.subarray(ico.readUInt32LE(e + 12), ico.readUInt32LE(e + 12) + ico.readUInt32LE(e + 8));
      const decoded = decodePng(Buffer.from(png));
      expect([decoded.width, decoded.height]).toEqual([size, size]);
      sizes.push(size);
    }
    expect(sizes).toEqual(ICO_SIZES);
  });

  it('has a macOS .icns with every size up to 1024 px including @2x', () => {
    const icns = readFileSync(`${resources}icon.icns`);
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: [string, number][] = [];
    for (let offset = 8; offset < icns.length;) {
      const type = icns.toString('latin1', offset, offset + 4);
      const length = icns.readUInt32BE(offset + 4);
      const { width } = decodePng(Buffer.from(icns.subarray(offset + 8, offset + length)));
      found.push([type, width]);
      offset += length;
    }
    expect(found).toEqual(ICNS_TYPES);
  });

  it('has the hardened-runtime entitlements electron-builder points at', () => {
    const plist = readFileSync(`${resources}entitlements.mac.plist`, 'utf8');
    expect(plist).toContain('<key>com.apple.security.cs.allow-jit</key>');
    expect(plist).not.toContain('disable-library-validation');
    const config = readFileSync(fileURLToPath(new URL('../../electron-builder.yml', import.meta.url)), 'utf8');
    expect(config).toContain('entitlements: resources/entitlements.mac.plist');
  });
});
