/**
 * A pcapng file that Wireshark opens as ordinary TCP (pcapng spec, IETF draft-ietf-opsawg-pcapng):
 * one Section Header Block, one Ethernet Interface Description Block, and Enhanced Packet Blocks
 * carrying synthesised Ethernet/IPv4/TCP frames. Each recorded session becomes one TCP connection
 * (SYN, SYN-ACK, ACK, data, FIN) with correct sequence/acknowledgement numbers and checksums, so
 * "Follow TCP Stream" shows the API words in order. Addresses are synthesised (127.0.0.1 on both
 * ends; the router's port as the server port) — the trace holds sentences, not packets.
 */

export interface PcapSegment {
  /** Epoch ms (fraction allowed). */
  time: number;
  /** 'out' = client → router. */
  direction: 'in' | 'out';
  /** Bytes on the wire: the framed sentence. */
  payload: Uint8Array;
  /** Which TCP connection this belongs to (a reconnect starts a new one). */
  session: number;
  comment?: string;
}

export interface PcapOptions {
  serverPort: number;
  /** Written into the section header (shb_userappl). */
  application: string;
  /**
   * Section header comments (opt_comment, which may repeat): what is not packets — the trace's
   * link events and dropped count. Each is cut to 4000 bytes (an option's length is 16 bits).
   */
  comments?: readonly string[];
  /** Largest TCP payload per segment; sentences above it are split (IPv4 caps a packet at 65535). */
  maxSegment?: number;
}

const LINKTYPE_ETHERNET = 1;
const CLIENT_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const SERVER_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];
const LOOPBACK = [127, 0, 0, 1];
const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_PSH = 0x08;
const TCP_ACK = 0x10;

class Writer {
  private chunks: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

const pad4 = (n: number): number => (n + 3) & ~3;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Options TLV list (code, value), padded, ended by opt_endofopt. */
function options(list: [number, Uint8Array][]): Uint8Array {
  if (list.length === 0) return new Uint8Array(0);
  let size = 4;
  for (const [, v] of list) size += 4 + pad4(v.length);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let o = 0;
  for (const [code, v] of list) {
    dv.setUint16(o, code, true);
    dv.setUint16(o + 2, v.length, true);
    out.set(v, o + 4);
    o += 4 + pad4(v.length);
  }
  return out; // the trailing 4 zero bytes are opt_endofopt
}

function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + body.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, total, true);
  out.set(body, 8);
  dv.setUint32(total - 4, total, true);
  return out;
}

function sectionHeader(application: string, comments: readonly string[] = []): Uint8Array {
  const opts = options([...comments.map((c): [number, Uint8Array] => [1, utf8(c).subarray(0, 4000)]), [4, utf8(application)]]);
  const body = new Uint8Array(16 + opts.length);
  const dv = new DataView(body.buffer);
  dv.setUint32(0, 0x1a2b3c4d, true); // byte-order magic
  dv.setUint16(4, 1, true);
  dv.setUint16(6, 0, true);
  dv.setBigInt64(8, -1n, true); // section length unknown
  body.set(opts, 16);
  return block(0x0a0d0d0a, body);
}

function interfaceDescription(): Uint8Array {
  const opts = options([
    [2, utf8('tikscope-trace')], // if_name
    [9, new Uint8Array([6])], // if_tsresol: microseconds
  ]);
  const body = new Uint8Array(8 + opts.length);
  const dv = new DataView(body.buffer);
  dv.setUint16(0, LINKTYPE_ETHERNET, true);
  dv.setUint32(4, 0, true); // snaplen: no limit
  body.set(opts, 8);
  return block(1, body);
}

function enhancedPacket(timeMs: number, frame: Uint8Array, comment: string | undefined): Uint8Array {
  const opts = comment ? options([[1, utf8(comment)]]) : new Uint8Array(0);
  const body = new Uint8Array(20 + pad4(frame.length) + opts.length);
  const dv = new DataView(body.buffer);
  const micros = BigInt(Math.max(0, Math.round(timeMs * 1000)));
  dv.setUint32(0, 0, true); // interface 0
  dv.setUint32(4, Number(micros >> 32n), true);
  dv.setUint32(8, Number(micros & 0xffffffffn), true);
  dv.setUint32(12, frame.length, true);
  dv.setUint32(16, frame.length, true);
  body.set(frame, 20);
  body.set(opts, 20 + pad4(frame.length));
  return block(6, body);
}

/** RFC 1071 ones'-complement sum over byte ranges. */
function checksum(parts: Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (odd === undefined) odd = p[i]!;
      else {
        sum += (odd << 8) | p[i]!;
        odd = undefined;
      }
    }
    // Fold as we go so the sum stays a small integer.
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

interface Endpoint {
  port: number;
  seq: number;
}

function tcpFrame(
  src: Endpoint,
  dst: Endpoint,
  fromClient: boolean,
  flags: number,
  payload: Uint8Array,
  ipId: number,
): Uint8Array {
  const tcp = new Uint8Array(20);
  const t = new DataView(tcp.buffer);
  t.setUint16(0, src.port);
  t.setUint16(2, dst.port);
  t.setUint32(4, src.seq >>> 0);
  t.setUint32(8, flags & TCP_ACK ? dst.seq >>> 0 : 0);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  t.setUint16(14, 65535);
  const pseudo = new Uint8Array(12);
  pseudo.set(LOOPBACK, 0);
  pseudo.set(LOOPBACK, 4);
  pseudo[9] = 6;
  new DataView(pseudo.buffer).setUint16(10, 20 + payload.length);
  t.setUint16(16, checksum([pseudo, tcp, payload]));

  const ip = new Uint8Array(20);
  const v = new DataView(ip.buffer);
  ip[0] = 0x45;
  v.setUint16(2, 20 + 20 + payload.length);
  v.setUint16(4, ipId & 0xffff);
  v.setUint16(6, 0x4000); // don't fragment
  ip[8] = 64;
  ip[9] = 6;
  ip.set(LOOPBACK, 12);
  ip.set(LOOPBACK, 16);
  v.setUint16(10, checksum([ip]));

  const eth = new Uint8Array(14);
  eth.set(fromClient ? SERVER_MAC : CLIENT_MAC, 0);
  eth.set(fromClient ? CLIENT_MAC : SERVER_MAC, 6);
  eth[12] = 0x08;
  eth[13] = 0x00;

  const frame = new Uint8Array(14 + 20 + 20 + payload.length);
  frame.set(eth, 0);
  frame.set(ip, 14);
  frame.set(tcp, 34);
  frame.set(payload, 54);
  return frame;
}

/** Builds the whole pcapng file. */
export function buildPcapng(segments: Iterable<PcapSegment>, opts: PcapOptions): Uint8Array {
  const w = new Writer();
  w.push(sectionHeader(opts.application, opts.comments));
  w.push(interfaceDescription());
  const maxSegment = Math.min(opts.maxSegment ?? 32768, 65495);
  let ipId = 1;
  let current: { session: number; client: Endpoint; server: Endpoint; lastTime: number } | undefined;

  const emit = (time: number, fromClient: boolean, flags: number, payload: Uint8Array, comment?: string): void => {
    const c = current!;
    const [src, dst] = fromClient ? [c.client, c.server] : [c.server, c.client];
    w.push(enhancedPacket(time, tcpFrame(src, dst, fromClient, flags, payload, ipId++), comment));
    src.seq = (src.seq + payload.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
  };
  const close = (): void => {
    if (!current) return;
    emit(current.lastTime, true, TCP_FIN | TCP_ACK, new Uint8Array(0));
    emit(current.lastTime, false, TCP_FIN | TCP_ACK, new Uint8Array(0));
    emit(current.lastTime, true, TCP_ACK, new Uint8Array(0));
  };

  let streams = 0;
  for (const s of segments) {
    if (!current || current.session !== s.session) {
      close();
      // A new client port per session keeps the TCP streams apart in Wireshark.
      const clientPort = 49152 + (streams++ % 16000);
      current = {
        session: s.session,
        client: { port: clientPort, seq: (0x10000000 + streams * 0x01000000) >>> 0 },
        server: { port: opts.serverPort, seq: (0x70000000 + streams * 0x01000000) >>> 0 },
        lastTime: s.time,
      };
      emit(s.time, true, TCP_SYN, new Uint8Array(0));
      emit(s.time, false, TCP_SYN | TCP_ACK, new Uint8Array(0));
      emit(s.time, true, TCP_ACK, new Uint8Array(0));
    }
    current.lastTime = s.time;
    const fromClient = s.direction === 'out';
    for (let o = 0; o < s.payload.length; o += maxSegment) {
      const part = s.payload.subarray(o, Math.min(s.payload.length, o + maxSegment));
      emit(s.time, fromClient, TCP_PSH | TCP_ACK, part, o === 0 ? s.comment : undefined);
    }
  }
  close();
  return w.concat();
}

/** Exposed for tests: recompute a checksum the way a receiver verifies it (result 0 when valid). */
export const internetChecksum = checksum;
