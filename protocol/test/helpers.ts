/** Frame builders and an in-memory transport for the protocol tests. */
import { encodeSentence, FramingError, SentenceDecoder, type Timers, type Transport, type Word } from '../src/index';

/** `'C0 40 00'` → bytes. */
export function hex(s: string): Uint8Array {
  const parts = s.split(/\s+/).filter(Boolean);
  return Uint8Array.from(
    parts.map((p) => {
      if (!/^[0-9a-fA-F]{2}$/.test(p)) throw new Error(`bad hex byte ${p}`);
      return parseInt(p, 16);
    }),
  );
}

export function toHexString(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

export function ascii(s: string): Uint8Array {
  return Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One sentence as wire bytes. */
export function frame(...words: Word[]): Uint8Array {
  return encodeSentence(words);
}

export function text(words: readonly Uint8Array[]): string[] {
  return words.map((w) => Buffer.from(w).toString('utf8'));
}

/**
 * The router side of an in-memory connection. What the session writes is decoded into
 * `sentences`; `reply()` delivers bytes to the session synchronously (so a reply can arrive in the
 * very tick of the write, from inside `onWrite`).
 */
export class MemoryTransport implements Transport {
  readonly sentences: string[][] = [];
  readonly writes: Uint8Array[] = [];
  closed = false;
  closeCalls = 0;
  /** Called for every sentence the session writes, inside write(). */
  onWrite: ((words: string[], t: MemoryTransport) => void) | undefined;
  /** Makes write() reject (a dead socket). */
  failWrites: Error | undefined;
  private readonly decoder = new SentenceDecoder();
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(error?: Error) => void>();

  write(bytes: Uint8Array): Promise<void> {
    if (this.failWrites) return Promise.reject(this.failWrites);
    this.writes.push(bytes.slice());
    for (const s of this.decoder.push(bytes.slice())) {
      const words = text(s);
      this.sentences.push(words);
      this.onWrite?.(words, this);
    }
    return Promise.resolve();
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.closeCalls++;
    this.peerClose();
  }

  /** Delivers raw bytes to the session. */
  deliver(bytes: Uint8Array): void {
    for (const l of [...this.dataListeners]) l(bytes);
  }

  /** Delivers one sentence. */
  reply(...words: Word[]): void {
    this.deliver(frame(...words));
  }

  /** The peer closes the connection (or it breaks, with `error`). */
  peerClose(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of [...this.closeListeners]) l(error);
  }

  /** Tag of the n-th sentence written (from its `.tag=` word). */
  tagOf(n: number): string | undefined {
    return this.sentences[n]?.find((w) => w.startsWith('.tag='))?.slice(5);
  }
}

/** Timers driven by hand: `advance(ms)` fires what is due, in order. */
export class ManualTimers implements Timers {
  now = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  set(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get count(): number {
    return this.pending.size;
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let first: [number, { at: number; callback: () => void }] | undefined;
      for (const e of this.pending) if (e[1].at <= until && (!first || e[1].at < first[1].at)) first = e;
      if (!first) break;
      this.pending.delete(first[0]);
      this.now = first[1].at;
      first[1].callback();
    }
    this.now = until;
  }
}

/** Lets queued promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** protocol.md §2.1, plus the 2^31 edges where a signed `<<` would go negative. */
export const BOUNDARIES: readonly [number, string][] = [
  [0, '00'],
  [0x01, '01'],
  [0x7f, '7F'],
  [0x80, '80 80'],
  [0x81, '80 81'],
  [300, '81 2C'],
  [0x3fff, 'BF FF'],
  [0x4000, 'C0 40 00'],
  [17000, 'C0 42 68'],
  [0x1fffff, 'DF FF FF'],
  [0x200000, 'E0 20 00 00'],
  [0xfffffff, 'EF FF FF FF'],
  [0x10000000, 'F0 10 00 00 00'],
  [0x7fffffff, 'F0 7F FF FF FF'],
  [0x80000000, 'F0 80 00 00 00'],
  [0xfedcba98, 'F0 FE DC BA 98'],
  [0xffffffff, 'F0 FF FF FF FF'],
];

/** Runs `f` and returns the FramingError it throws (anything else fails the test). */
export function catchFraming(f: () => unknown): FramingError {
  try {
    f();
  } catch (e) {
    if (e instanceof FramingError) return e;
    throw e;
  }
  throw new Error('expected a FramingError');
}
