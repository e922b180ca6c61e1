// Types for the icon tests (tests/packaging/icons.test.ts).
export function crc32(bytes: Uint8Array): number;
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer;
export function renderIcon(size: number): Uint8Array;
export function encodeIco(images: { size: number; png: Buffer }[]): Buffer;
export const ICNS_TYPES: [string, number][];
export function encodeIcns(pngBySize: Map<number, Buffer>): Buffer;
export const LINUX_SIZES: number[];
export const ICO_SIZES: number[];
export function makeIcons(outDir: string): Map<number, Buffer>;
