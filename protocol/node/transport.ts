import { createRequire } from 'node:module';
import net from 'node:net';
import type * as cryptoModule from 'node:crypto';
import type * as tlsModule from 'node:tls';
import type { Transport } from '../src/index';

// node:tls and node:crypto are loaded on first use: together they cost a plain-TCP run of the CLI
// about 15 ms of start-up CPU, which the benchmark against a raw socket drain notices.
const lazyRequire = createRequire(import.meta.url);
let tlsLib: typeof tlsModule | undefined;
let cryptoLib: typeof cryptoModule | undefined;
const tls = (): typeof tlsModule => (tlsLib ??= lazyRequire('node:tls') as typeof tlsModule);
const crypto = (): typeof cryptoModule => (cryptoLib ??= lazyRequire('node:crypto') as typeof cryptoModule);

/** TLS modes for API-SSL (protocol.md §8, engineering-notes §6.2). */
export type TlsMode =
  /**
   * Certificate verified against the system CAs (or `ca`) and the host name (or `servername`);
   * with `fingerprint256` it must also have that SHA-256 fingerprint — the pin adds a check, it
   * never replaces the CA and host name checks (issue 11 item 8; docs/desktop.md).
   */
  | { mode: 'verify'; ca?: string | Buffer; fingerprint256?: string; servername?: string }
  /** Certificate accepted only if its SHA-256 fingerprint matches (self-signed router certificates). */
  | { mode: 'pinned'; fingerprint256: string }
  /** Certificate-less API-SSL: anonymous Diffie-Hellman, unauthenticated by nature. */
  | { mode: 'anonymous' };

/**
 * The anonymous-DH recipe of protocol.md §8.1: explicit ADH suites, security level 0 (OpenSSL ≥ 1.1
 * refuses aNULL suites otherwise, BenMenking/routeros-api#54) and TLS ≤ 1.2 (TLS 1.3 has no
 * anonymous suites). Node's default list carries `!aNULL`, which cannot be undone later in the
 * string, so the list is spelled out rather than appended to the default.
 */
export const ANONYMOUS_DH_CIPHERS =
  'ADH-AES256-GCM-SHA384:ADH-AES128-GCM-SHA256:ADH-AES256-SHA256:ADH-AES128-SHA256:ADH-AES256-SHA:ADH-AES128-SHA:@SECLEVEL=0';

export interface SocketOptions {
  host: string;
  port: number;
  tls?: TlsMode;
  /** TCP connect (and TLS handshake) deadline. */
  connectTimeoutMs?: number;
  /** TCP keepalive initial delay; 0 disables keepalive. */
  keepAliveMs?: number;
  /** Aborts connecting. */
  signal?: AbortSignal;
  /**
   * Plain TCP only (ignored with TLS): read into this one buffer (net's `onread`) instead of a
   * fresh Buffer per read — no allocation per read, and reads as large as the buffer. Chunks given
   * to onData listeners are then views of it, valid only during the call: for consumers that copy
   * what they keep (the CLI, with SentenceDecoder's `reusedChunks`), never for a Session.
   */
  readBuffer?: Uint8Array;
}

export class NetworkError extends Error {
  readonly code = 'NETWORK';
  constructor(
    message: string,
    readonly errno?: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

export class TlsError extends Error {
  readonly code = 'TLS';
  constructor(
    message: string,
    readonly fingerprint256?: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'TlsError';
  }
}

/** Normalises "AB:CD:..." and "abcd..." fingerprints for comparison. */
export function normalizeFingerprint(fp: string): string {
  return fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}

export function formatFingerprint(fp: string): string {
  return normalizeFingerprint(fp).replace(/(..)(?!$)/g, '$1:');
}

/**
 * A Transport over a connected socket. Writes resolve when the kernel took the bytes or, when
 * `write()` returned false, at `drain` — so a fast producer cannot queue without bound.
 */
export class SocketTransport implements Transport {
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(error?: Error) => void>();
  private closeError: Error | undefined;
  private ended = false;
  /** Data that arrived before anyone listened (copied: a read buffer may be reused). */
  private early: Uint8Array[] = [];

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.deliver(chunk));
    socket.on('error', (e) => {
      this.closeError ??= e;
    });
    socket.on('close', () => {
      this.ended = true;
      for (const l of [...this.closeListeners]) l(this.closeError);
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.ended || this.socket.destroyed) return Promise.reject(new NetworkError('socket is closed'));
    return new Promise<void>((resolve, reject) => {
      const flushed = this.socket.write(bytes, (err) => {
        if (err) reject(err);
      });
      if (flushed) resolve();
      else {
        const onDrain = (): void => {
          this.socket.off('close', onClose);
          resolve();
        };
        const onClose = (): void => {
          this.socket.off('drain', onDrain);
          reject(new NetworkError('socket closed while writing'));
        };
        this.socket.once('drain', onDrain);
        this.socket.once('close', onClose);
      }
    });
  }

  /** @internal Hands a chunk to the listeners (from 'data' events or from a read buffer). */
  deliver(chunk: Uint8Array): void {
    if (this.dataListeners.size === 0) {
      // A copy (new Uint8Array(view) copies; Buffer's slice() would not).
      this.early.push(new Uint8Array(chunk));
      return;
    }
    for (const l of this.dataListeners) l(chunk);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    if (this.early.length > 0) {
      const early = this.early;
      this.early = [];
      for (const chunk of early) listener(chunk);
    }
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    if (this.ended) {
      queueMicrotask(() => listener(this.closeError));
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    if (!this.socket.destroyed) {
      this.socket.end();
      // Give the FIN a moment, then make sure the handle goes away (engineering-notes §6.2).
      setTimeout(() => this.socket.destroy(), 2000).unref();
    }
  }

  /** Immediate teardown, for shutdown deadlines and tests. */
  destroy(): void {
    this.socket.destroy();
  }
}

/** Opens TCP (or TLS) to a router and resolves with a transport once the link is up. */
export function openSocket(options: SocketOptions): Promise<SocketTransport> {
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const keepAliveMs = options.keepAliveMs ?? 10_000;
  const where = `${options.host}:${options.port}`;
  return new Promise<SocketTransport>((resolve, reject) => {
    let socket: net.Socket;
    const t = options.tls;
    let settled = false;
    let transport: SocketTransport | undefined;
    const cleanups: (() => void)[] = [];
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const c of cleanups) c();
      // Keep a listener: errors emitted while the socket is destroyed must not go unhandled.
      socket.on('error', () => undefined);
      socket.destroy();
      reject(e);
    };
    const ready = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const c of cleanups) c();
      socket.removeListener('error', onError);
      socket.setNoDelay(true);
      if (keepAliveMs > 0) socket.setKeepAlive(true, keepAliveMs);
      transport = new SocketTransport(socket);
      resolve(transport);
    };
    const onError = (e: NodeJS.ErrnoException): void => {
      if (t && (e.code?.startsWith('ERR_SSL') || e.code?.startsWith('ERR_TLS') || /SSL|TLS|certificate/i.test(e.message))) {
        fail(new TlsError(`TLS handshake with ${where} failed: ${describeTlsError(e, t.mode)}`, undefined, e));
      } else {
        fail(new NetworkError(`cannot connect to ${where}: ${describeErrno(e)}`, e.code, e));
      }
    };

    if (!t) {
      const buffer = options.readBuffer;
      // Nothing can arrive before `ready` (the router never speaks first), but deliver() keeps
      // copies of anything that does until a listener is there.
      const onread = buffer && {
        buffer,
        // Returning false would pause reading; backpressure goes through socket.pause() instead.
        callback: (n: number, b: Uint8Array): boolean => {
          transport?.deliver(b.subarray(0, n));
          return true;
        },
      };
      socket = net.connect({ host: options.host, port: options.port, ...(onread ? { onread } : {}) });
      socket.once('connect', ready);
    } else if (t.mode === 'anonymous') {
      socket = tls().connect({
        host: options.host,
        port: options.port,
        ciphers: ANONYMOUS_DH_CIPHERS,
        maxVersion: 'TLSv1.2',
        // There is no certificate at all in anonymous DH; nothing to verify (protocol.md §8.1).
        rejectUnauthorized: false,
      });
      socket.once('secureConnect', ready);
    } else {
      const pin = t.fingerprint256 ? normalizeFingerprint(t.fingerprint256) : undefined;
      const tlsSocket = tls().connect({
        host: options.host,
        port: options.port,
        servername: t.mode === 'verify' && t.servername ? t.servername : net.isIP(options.host) ? undefined : options.host,
        ...(t.mode === 'verify' && t.ca ? { ca: t.ca } : {}),
        // Verify mode: OpenSSL checks the chain and Node the host name, then the pin below.
        // Pinned mode checks only the fingerprint below (self-signed routers, protocol.md §8.1).
        rejectUnauthorized: t.mode === 'verify',
      });
      socket = tlsSocket;
      tlsSocket.once('secureConnect', () => {
        const cert = tlsSocket.getPeerX509Certificate();
        const actual = cert ? normalizeFingerprint(cert.fingerprint256) : undefined;
        if (pin && actual !== pin) {
          fail(
            new TlsError(
              `certificate of ${where} has SHA-256 fingerprint ${actual ? formatFingerprint(actual) : '(none)'}, expected ${formatFingerprint(pin)}`,
              actual,
            ),
          );
          return;
        }
        ready();
      });
    }
    // `on`, not `once`: a TLS socket can emit a second error while it is torn down, and an error
    // event without a listener would crash the process.
    socket.on('error', onError);
    const timer = setTimeout(
      () =>
        fail(
          new NetworkError(
            `cannot connect to ${where}: no answer within ${timeoutMs} ms${t ? ' (TCP and TLS handshake)' : ''}`,
            'ETIMEDOUT',
          ),
        ),
      timeoutMs,
    );
    const onAbort = (): void => fail(new NetworkError(`connecting to ${where} was aborted`, 'ABORTED'));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
  });
}

/**
 * One line for a failed handshake. OpenSSL's own message is a colon-separated record (library,
 * function, reason, source file) that may end in a newline; its `reason` field is the readable part.
 * A handshake failure usually means the two modes do not match (protocol.md §8: a router without a
 * certificate only speaks anonymous DH, one with a certificate does not offer it).
 */
function describeTlsError(e: NodeJS.ErrnoException & { reason?: unknown }, mode: TlsMode['mode']): string {
  const reason = typeof e.reason === 'string' && e.reason !== '' ? e.reason : e.message;
  let text = reason.replace(/\s+/g, ' ').trim();
  if (/handshake failure|no shared cipher|no cipher/i.test(text)) {
    text +=
      mode === 'anonymous'
        ? ' (the service did not accept anonymous Diffie-Hellman: if it has a certificate, use certificate mode)'
        : ' (if the api-ssl service has no certificate, use anonymous mode)';
  }
  return text;
}

function describeErrno(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the API service enabled on that port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
      return 'connection reset by the router';
    default:
      return e.message;
  }
}

/** SHA-256 fingerprint of a PEM or DER certificate, colon-separated upper-case hex. */
export function certificateFingerprint(cert: string | Buffer): string {
  return new (crypto().X509Certificate)(cert).fingerprint256;
}

export function sha256Hex(bytes: Uint8Array): string {
  return crypto().createHash('sha256').update(bytes).digest('hex');
}
