#!/usr/bin/env node
// Renders the Tikscope icon with plain JavaScript (no image tools needed) and writes every file the
// installers use (engineering-notes §4.1):
//   resources/icon.png            1024×1024, the master (electron-builder's fallback for every OS)
//   resources/icons/NxN.png       16…1024, the Linux icon set (AppImage, deb hicolor theme)
//   resources/icon.ico            16, 24, 32, 48, 64, 128, 256 — Windows (PNG-compressed entries)
//   resources/icon.icns           16…1024 incl. @2x — macOS
// Each size is rendered from the vector description, not scaled down, so small sizes stay crisp
// (a thicker stroke and a smaller margin below 64 px).
//
// Usage: node resources/make-icons.mjs [outDir]
// Node globals imported explicitly: this folder is outside the lint config's script globals.
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { deflateSync } from 'node:zlib';

// ---------------------------------------------------------------------------------------------
// PNG encoding (RFC 2083): signature, IHDR, one IDAT, IEND; every chunk CRC-32 protected.

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** RGBA bytes (straight alpha) → PNG file bytes. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Drawing: signed distance functions in unit coordinates (0..1), coverage from the distance.

const clamp01 = (x) => Math.min(1, Math.max(0, x));
const mix = (a, b, t) => a + (b - a) * t;

function roundedBoxDistance(x, y, cx, cy, half, radius) {
  const qx = Math.abs(x - cx) - half + radius;
  const qy = Math.abs(y - cy) - half + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = clamp01(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** The scope trace: a damped wave across the screen, as a polyline. */
function tracePoints() {
  const points = [];
  for (let i = 0; i <= 64; i++) {
    const t = i / 64;
    const x = 0.3 + 0.4 * t;
    const y = 0.53 - 0.13 * Math.sin(t * Math.PI * 3) * Math.exp(-1.2 * t) - 0.02 * t;
    points.push([x, y]);
  }
  return points;
}
const TRACE = tracePoints();

/** Porter–Duff "over" of a straight-alpha colour onto the pixel. */
function over(px, color, alpha) {
  const a = alpha * color[3];
  const outA = a + px[3] * (1 - a);
  if (outA === 0) return;
  for (let i = 0; i < 3; i++) px[i] = (color[i] * a + px[i] * px[3] * (1 - a)) / outA;
  px[3] = outA;
}

export function renderIcon(size) {
  const rgba = new Uint8Array(size * size * 4);
  const small = size < 64;
  // macOS icon grid: an 824/1024 body; small sizes use the space for legibility.
  const half = small ? 0.47 : 0.4;
  const radius = half * 0.45;
  const pixel = 1 / size;
  const aa = (d) => clamp01(0.5 - d / pixel);
  const ringRadius = half * 0.62;
  const ringWidth = Math.max(half * 0.075, 1.4 * pixel);
  const traceWidth = Math.max(half * 0.055, 1.2 * pixel);
  const px = [0, 0, 0, 0];
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const x = (i + 0.5) / size;
      const y = (j + 0.5) / size;
      px[0] = px[1] = px[2] = px[3] = 0;
      const body = roundedBoxDistance(x, y, 0.5, 0.5, half, radius);
      if (body < pixel) {
        // Diagonal gradient: deep blue to teal.
        const t = clamp01((x + y - (1 - 2 * half)) / (4 * half));
        over(px, [mix(24, 10, t), mix(44, 132, t), mix(102, 140, t), 1], aa(body));
        const r = Math.hypot(x - 0.5, y - 0.5);
        // The screen: a darker disc with a faint graticule.
        const disc = r - ringRadius;
        over(px, [6, 20, 38, 0.55], aa(disc));
        if (!small && disc < 0) {
          const gx = Math.abs(x - 0.5);
          const gy = Math.abs(y - 0.5);
          const grid = Math.min(gx, gy, Math.abs(gx - ringRadius / 2), Math.abs(gy - ringRadius / 2));
          over(px, [120, 220, 230, 0.18], aa(grid - pixel * 0.6));
        }
        // The bezel ring.
        over(px, [235, 245, 250, 0.95], aa(Math.abs(r - ringRadius) - ringWidth / 2));
        // The trace, clipped to the screen.
        if (disc < 0) {
          let d = Infinity;
          for (let k = 1; k < TRACE.length; k++) {
            const [ax, ay] = TRACE[k - 1];
            const [bx, by] = TRACE[k];
            d = Math.min(d, segmentDistance(x, y, ax, ay, bx, by));
          }
          over(px, [120, 255, 180, 0.28], aa(d - traceWidth * 1.4));
          over(px, [150, 255, 200, 1], aa(d - traceWidth / 2));
        }
      }
      const o = (j * size + i) * 4;
      rgba[o] = Math.round(px[0]);
      rgba[o + 1] = Math.round(px[1]);
      rgba[o + 2] = Math.round(px[2]);
      rgba[o + 3] = Math.round(px[3] * 255);
    }
  }
  return rgba;
}

// ---------------------------------------------------------------------------------------------
// Containers.

/** ICO with PNG-compressed entries (supported since Windows Vista); 256 is written as 0. */
export function encodeIco(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, n) => {
    const e = 6 + 16 * n;
    header[e] = size >= 256 ? 0 : size;
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

/** ICNS element types holding PNG data, by pixel size (Retina @2x types share sizes). */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['ic11', 32],
  ['icp5', 32],
  ['ic12', 64],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];

export function encodeIcns(pngBySize) {
  const elements = ICNS_TYPES.map(([type, size]) => {
    const png = pngBySize.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(elements);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

export function makeIcons(outDir) {
  const png = new Map();
  for (const size of new Set([...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, s]) => s)]))
    png.set(size, encodePng(size, size, renderIcon(size)));
  mkdirSync(join(outDir, 'icons'), { recursive: true });
  writeFileSync(join(outDir, 'icon.png'), png.get(1024));
  for (const size of LINUX_SIZES) writeFileSync(join(outDir, 'icons', `${size}x${size}.png`), png.get(size));
  writeFileSync(join(outDir, 'icon.ico'), encodeIco(ICO_SIZES.map((size) => ({ size, png: png.get(size) }))));
  writeFileSync(join(outDir, 'icon.icns'), encodeIcns(png));
  return png;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));
  const started = Date.now();
  makeIcons(outDir);
  console.log(`icons written to ${outDir} in ${Date.now() - started} ms`);
}
