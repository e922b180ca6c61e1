/**
 * MNDP, the MikroTik Neighbor Discovery Protocol (UDP 5678; landscape.md §4.3, Wireshark's
 * packet-mndp.c; docs/main-process.md, "Neighbour discovery"): what a
 * router announces about itself, and the discovery request that asks routers to announce now.
 * Pure: bytes in, values out, no sockets (the app's discovery service and the simulator own those).
 *
 * A packet is a 4-byte header — two bytes RouterOS sends as zero, then a 16-bit big-endian
 * sequence number — followed by type-length-value records, each a 16-bit big-endian type, a 16-bit
 * big-endian length and that many bytes. Uptime is the odd one out: its four bytes are
 * little-endian seconds. A discovery request is the header alone, four zero bytes.
 *
 * Packets come from anyone on the LAN, so decoding never throws: a packet shorter than the header,
 * or a record whose length runs past the end of the packet, is refused with a reason (a result
 * object the caller counts), and nothing of it is used.
 */
import { encodeUtf8, UTF8_CODEC } from './text';

/** The UDP port routers announce on and listen to for discovery requests. */
export const MNDP_PORT = 5678;
/** Two unknown bytes and the sequence number. */
export const MNDP_HEADER_BYTES = 4;
/** Type and length of a record, 16 bits each. */
export const MNDP_RECORD_HEADER_BYTES = 4;

/** Record types this decoder reads (the rest are kept as raw bytes). */
export const MNDP_TYPE = {
  mac: 1,
  identity: 5,
  version: 7,
  platform: 8,
  /** 32-bit little-endian seconds, unlike every other number in the packet. */
  uptime: 10,
  softwareId: 11,
  board: 12,
  unpack: 14,
  ipv6: 15,
  interfaceName: 16,
  ipv4: 17,
} as const;

/** One record as received: its type and its value bytes. */
export interface MndpRecord {
  readonly type: number;
  readonly value: Uint8Array;
}

/** The fields of an announcement; each is absent when the packet did not carry it. */
export interface MndpFields {
  /** `AA:BB:CC:DD:EE:FF`, upper case as WinBox shows it. */
  mac?: string;
  identity?: string;
  version?: string;
  platform?: string;
  uptimeSeconds?: number;
  softwareId?: string;
  board?: string;
  /** 1 byte, shown as a number (RouterOS's packet-unpacking mode; its values are not documented). */
  unpack?: number;
  /** Compressed text form (RFC 5952), e.g. `fe80::1`. */
  ipv6?: string;
  /** The router's interface the announcement left through, e.g. `ether1` or `bridge`. */
  interfaceName?: string;
  /** Dotted quad. */
  ipv4?: string;
}

/** A decoded packet. */
export interface MndpPacket extends MndpFields {
  /** The two bytes before the sequence number, as a big-endian number. */
  header: number;
  sequence: number;
  /**
   * Records of types this decoder does not read, records of a known type with the wrong size for it
   * (a 5-byte MAC), and repeats of a type already read — raw, in packet order.
   */
  others: MndpRecord[];
  /** How many records the packet held (known and others). */
  recordCount: number;
}

export type MndpDecodeResult =
  | { readonly ok: true; readonly packet: MndpPacket }
  | {
      readonly ok: false;
      /** What was wrong, in words, for a log line or a counter's tooltip. */
      readonly reason: string;
      /** Byte offset in the packet where reading stopped. */
      readonly offset: number;
    };

/** What `encodeMndp` sends: the fields, and optionally raw records appended after them. */
export interface MndpAnnouncementInput extends MndpFields {
  /** Default 0, as RouterOS sends. */
  header?: number;
  /** 0..65535; routers count up per announcement. */
  sequence: number;
  others?: readonly MndpRecord[];
}

const FIXED_SIZE: Readonly<Record<number, number>> = {
  [MNDP_TYPE.mac]: 6,
  [MNDP_TYPE.uptime]: 4,
  [MNDP_TYPE.unpack]: 1,
  [MNDP_TYPE.ipv6]: 16,
  [MNDP_TYPE.ipv4]: 4,
};

type TextField = 'identity' | 'version' | 'platform' | 'softwareId' | 'board' | 'interfaceName';

const TEXT_FIELD: Readonly<Record<number, TextField>> = {
  [MNDP_TYPE.identity]: 'identity',
  [MNDP_TYPE.version]: 'version',
  [MNDP_TYPE.platform]: 'platform',
  [MNDP_TYPE.softwareId]: 'softwareId',
  [MNDP_TYPE.board]: 'board',
  [MNDP_TYPE.interfaceName]: 'interfaceName',
};

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** 6 bytes as `AA:BB:CC:DD:EE:FF`. */
export function formatMac(b: Uint8Array): string {
  return [...b].map(hex2).join(':');
}

/** 16 bytes in RFC 5952 form: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
export function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(u16(b, i));
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const text = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestAt < 0) return text(groups);
  return `${text(groups.slice(0, bestAt))}::${text(groups.slice(bestAt + bestLen))}`;
}

/**
 * Reads one MNDP packet. Never throws: a packet too short for the header, or with a record that
 * runs past its end, gives `{ ok: false, reason, offset }`.
 */
export function decodeMndp(bytes: Uint8Array): MndpDecodeResult {
  if (bytes.length < MNDP_HEADER_BYTES) {
    return {
      ok: false,
      reason: `packet of ${bytes.length} byte${bytes.length === 1 ? '' : 's'} is shorter than the ${MNDP_HEADER_BYTES}-byte MNDP header`,
      offset: 0,
    };
  }
  const packet: MndpPacket = { header: u16(bytes, 0), sequence: u16(bytes, 2), others: [], recordCount: 0 };
  let at = MNDP_HEADER_BYTES;
  while (at < bytes.length) {
    const left = bytes.length - at;
    if (left < MNDP_RECORD_HEADER_BYTES) {
      return {
        ok: false,
        reason: `record at byte ${at} is cut off: ${left} of the ${MNDP_RECORD_HEADER_BYTES} bytes of its type and length`,
        offset: at,
      };
    }
    const type = u16(bytes, at);
    const length = u16(bytes, at + 2);
    const start = at + MNDP_RECORD_HEADER_BYTES;
    if (start + length > bytes.length) {
      return {
        ok: false,
        reason: `record of type ${type} at byte ${at} declares ${length} bytes, but only ${bytes.length - start} follow`,
        offset: at,
      };
    }
    // A copy: the caller's buffer (a socket's) may be reused once we return.
    const value = bytes.slice(start, start + length);
    packet.recordCount++;
    if (!readField(packet, type, value)) packet.others.push({ type, value });
    at = start + length;
  }
  return { ok: true, packet };
}

/** Sets the field of a known record; false when it goes to `others` (unknown, wrong size, repeated). */
function readField(p: MndpPacket, type: number, v: Uint8Array): boolean {
  const size = FIXED_SIZE[type];
  if (size !== undefined && v.length !== size) return false;
  const text = TEXT_FIELD[type];
  if (text !== undefined) {
    if (p[text] !== undefined) return false;
    p[text] = UTF8_CODEC.decode(v);
    return true;
  }
  switch (type) {
    case MNDP_TYPE.mac:
      if (p.mac !== undefined) return false;
      p.mac = formatMac(v);
      return true;
    case MNDP_TYPE.uptime:
      if (p.uptimeSeconds !== undefined) return false;
      // The one little-endian number of the protocol (landscape §4.3; Wireshark reads it so too).
      p.uptimeSeconds = (v[0]! | (v[1]! << 8) | (v[2]! << 16) | (v[3]! << 24)) >>> 0;
      return true;
    case MNDP_TYPE.unpack:
      if (p.unpack !== undefined) return false;
      p.unpack = v[0]!;
      return true;
    case MNDP_TYPE.ipv6:
      if (p.ipv6 !== undefined) return false;
      p.ipv6 = formatIpv6(v);
      return true;
    case MNDP_TYPE.ipv4:
      if (p.ipv4 !== undefined) return false;
      p.ipv4 = [...v].join('.');
      return true;
    default:
      return false;
  }
}

/**
 * A discovery request: no records (four zero bytes), or only records of types that carry no
 * announcement (some clients add a type-6 record). Routers answer it with an announcement.
 */
export function isMndpRequest(p: MndpPacket): boolean {
  return p.recordCount === p.others.length && p.others.every((r) => !KNOWN_TYPES.has(r.type));
}

const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(MNDP_TYPE));

/** The discovery request: four zero bytes. */
export function encodeMndpRequest(): Uint8Array {
  return new Uint8Array(MNDP_HEADER_BYTES);
}

function checkU16(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new RangeError(`${name} must be 0..65535, got ${String(v)}`);
}

/** `AA:BB:CC:DD:EE:FF` (or with `-`, any case) → 6 bytes. @throws RangeError naming the text. */
export function parseMac(text: string): Uint8Array {
  const m = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i.exec(text);
  if (!m) throw new RangeError(`mac must look like AA:BB:CC:DD:EE:FF, got "${text}"`);
  return Uint8Array.from(m.slice(1).map((h) => parseInt(h, 16)));
}

/** Dotted quad → 4 bytes. @throws RangeError naming the text. */
export function parseIpv4(text: string): Uint8Array {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255))
    throw new RangeError(`ipv4 must be a dotted quad such as 192.168.88.1, got "${text}"`);
  return Uint8Array.from(parts.map(Number));
}

/** IPv6 text (hex groups, at most one `::`) → 16 bytes. @throws RangeError naming the text. */
export function parseIpv6(text: string): Uint8Array {
  const bad = (): RangeError => new RangeError(`ipv6 must be an IPv6 address such as fe80::1, got "${text}"`);
  const halves = text.split('::');
  if (halves.length > 2) throw bad();
  const groups = (s: string): number[] => {
    if (s === '') return [];
    return s.split(':').map((g) => {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) throw bad();
      return parseInt(g, 16);
    });
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) throw bad();
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/**
 * An announcement as a router sends it: header, then the fields that are set in type order, then
 * `others` as given. @throws RangeError naming a field that cannot be sent (a bad address, a value
 * longer than the 65,535 bytes a record can hold).
 */
export function encodeMndp(a: MndpAnnouncementInput): Uint8Array {
  const header = a.header ?? 0;
  checkU16('header', header);
  checkU16('sequence', a.sequence);
  const records: MndpRecord[] = [];
  const add = (type: number, value: Uint8Array | undefined) => {
    if (value !== undefined) records.push({ type, value });
  };
  const text = (name: keyof MndpFields, v: string | undefined): Uint8Array | undefined => {
    if (v === undefined) return undefined;
    const b = encodeUtf8(v);
    if (b.length > 0xffff) throw new RangeError(`${name} is longer than 65535 bytes`);
    return b;
  };
  add(MNDP_TYPE.mac, a.mac === undefined ? undefined : parseMac(a.mac));
  add(MNDP_TYPE.identity, text('identity', a.identity));
  add(MNDP_TYPE.version, text('version', a.version));
  add(MNDP_TYPE.platform, text('platform', a.platform));
  if (a.uptimeSeconds !== undefined) {
    const s = a.uptimeSeconds;
    if (!Number.isInteger(s) || s < 0 || s > 0xffffffff)
      throw new RangeError(`uptimeSeconds must be 0..4294967295, got ${String(s)}`);
    add(MNDP_TYPE.uptime, Uint8Array.of(s & 0xff, (s >>> 8) & 0xff, (s >>> 16) & 0xff, s >>> 24));
  }
  add(MNDP_TYPE.softwareId, text('softwareId', a.softwareId));
  add(MNDP_TYPE.board, text('board', a.board));
  if (a.unpack !== undefined) {
    if (!Number.isInteger(a.unpack) || a.unpack < 0 || a.unpack > 255)
      throw new RangeError(`unpack must be 0..255, got ${String(a.unpack)}`);
    add(MNDP_TYPE.unpack, Uint8Array.of(a.unpack));
  }
  add(MNDP_TYPE.ipv6, a.ipv6 === undefined ? undefined : parseIpv6(a.ipv6));
  add(MNDP_TYPE.interfaceName, text('interfaceName', a.interfaceName));
  add(MNDP_TYPE.ipv4, a.ipv4 === undefined ? undefined : parseIpv4(a.ipv4));
  for (const r of a.others ?? []) {
    checkU16('record type', r.type);
    if (r.value.length > 0xffff) throw new RangeError(`record of type ${r.type} is longer than 65535 bytes`);
    records.push(r);
  }

  const out = new Uint8Array(MNDP_HEADER_BYTES + records.reduce((n, r) => n + MNDP_RECORD_HEADER_BYTES + r.value.length, 0));
  out[0] = header >> 8;
  out[1] = header & 0xff;
  out[2] = a.sequence >> 8;
  out[3] = a.sequence & 0xff;
  let at = MNDP_HEADER_BYTES;
  for (const r of records) {
    out[at] = r.type >> 8;
    out[at + 1] = r.type & 0xff;
    out[at + 2] = r.value.length >> 8;
    out[at + 3] = r.value.length & 0xff;
    out.set(r.value, at + MNDP_RECORD_HEADER_BYTES);
    at += MNDP_RECORD_HEADER_BYTES + r.value.length;
  }
  return out;
}
