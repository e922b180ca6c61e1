import net from 'node:net';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoginError } from '../src/index';
import { connect } from '../node/connect';
import {
  formatFingerprint,
  NetworkError,
  normalizeFingerprint,
  openSocket,
  TlsError,
  type SocketTransport,
} from '../node/transport';
import { ANONYMOUS_SERVER, testCerts } from './certs';
import { routerScript, ScriptedPeer } from './peer';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
});

/** A raw server on 127.0.0.1:0; `onSocket` decides what it does. */
async function server(make: () => net.Server, onSocket: (s: net.Socket) => void = () => undefined): Promise<number> {
  const srv = make();
  const sockets = new Set<net.Socket>();
  srv.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  srv.on(srv instanceof tls.Server ? 'secureConnection' : 'connection', onSocket);
  srv.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  );
  return (srv.address() as net.AddressInfo).port;
}

function track(t: SocketTransport): SocketTransport {
  cleanups.push(() => t.destroy());
  return t;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('TCP transport', () => {
  it('connects with keepalive and no-delay, and carries bytes both ways', async () => {
    const keepAlive = vi.spyOn(net.Socket.prototype, 'setKeepAlive');
    const port = await server(
      () => net.createServer(),
      (s) => s.on('data', (d) => s.write(Buffer.concat([Buffer.from('echo:'), d]))),
    );
    const t = track(await openSocket({ host: '127.0.0.1', port, keepAliveMs: 5000 }));
    expect(keepAlive).toHaveBeenCalledWith(true, 5000);
    const got = new Promise<string>((resolve) => t.onData((c) => resolve(Buffer.from(c).toString())));
    await t.write(Buffer.from('hi'));
    expect(await got).toBe('echo:hi');
  });

  it('reads into one reused buffer when given readBuffer (plain TCP)', async () => {
    const payload = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const port = await server(
      () => net.createServer(),
      (s) => s.end(payload),
    );
    const readBuffer = new Uint8Array(64 * 1024);
    const t = track(await openSocket({ host: '127.0.0.1', port, readBuffer }));
    let total = 0;
    let views = 0;
    let reads = 0;
    t.onData((chunk) => {
      reads++;
      total += chunk.length;
      if (chunk.buffer === readBuffer.buffer) views++;
      expect(chunk.every((b) => b === 0x61)).toBe(true);
    });
    await new Promise<void>((resolve) => t.onClose(() => resolve()));
    expect(total).toBe(payload.length);
    expect(views).toBe(reads);
  });

  it('keeps data that arrives before anyone listens (a peer that speaks first)', async () => {
    const port = await server(
      () => net.createServer(),
      (s) => s.write('hello'),
    );
    const readBuffer = new Uint8Array(1024);
    const t = track(await openSocket({ host: '127.0.0.1', port, readBuffer }));
    // Let the greeting arrive while nobody listens; the read buffer is reused meanwhile.
    await vi.waitFor(() => expect((t as unknown as { early: Uint8Array[] }).early.length).toBeGreaterThan(0));
    readBuffer.fill(0);
    const got = await new Promise<string>((resolve) => t.onData((c) => resolve(Buffer.from(c).toString())));
    expect(got).toBe('hello');
  });

  it('write() waits for drain when the peer does not read (bounded outgoing queue)', async () => {
    let accepted!: (s: net.Socket) => void;
    const peer = new Promise<net.Socket>((resolve) => (accepted = resolve));
    const port = await server(
      () => net.createServer(),
      (s) => {
        s.pause();
        accepted(s);
      },
    );
    const t = track(await openSocket({ host: '127.0.0.1', port }));
    const paused = await peer;
    let resolved = false;
    const p = t.write(new Uint8Array(32 * 1024 * 1024)).then(() => (resolved = true));
    // 32 MiB cannot sit in the kernel buffers: the write is queued and waits for 'drain'.
    expect(t.socket.writableNeedDrain).toBe(true);
    await Promise.resolve();
    expect(resolved).toBe(false);
    paused.resume();
    await p;
    expect(resolved).toBe(true);
  });

  it('a refused connection is a NetworkError saying so', async () => {
    // A port that was just free: listen on port 0, note the port, close.
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const e = await rejection(openSocket({ host: '127.0.0.1', port }));
    expect(e).toBeInstanceOf(NetworkError);
    expect((e as NetworkError).errno).toBe('ECONNREFUSED');
    expect(e.message).toBe(`cannot connect to 127.0.0.1:${port}: connection refused (is the API service enabled on that port?)`);
  });

  it('reports the close, with the error, to onClose; writes after it reject', async () => {
    const port = await server(
      () => net.createServer(),
      (s) => s.on('data', () => s.resetAndDestroy()),
    );
    const t = track(await openSocket({ host: '127.0.0.1', port }));
    const closed = new Promise<Error | undefined>((resolve) => t.onClose(resolve));
    await t.write(Buffer.from('x'));
    const error = await closed;
    expect((error as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET');
    await expect(t.write(Buffer.from('y'))).rejects.toThrow('socket is closed');
    // A listener added after the close still hears about it.
    await new Promise<void>((resolve) => t.onClose(() => resolve()));
  });
});

describe('TLS transport (protocol.md §8)', () => {
  it('anonymous mode negotiates an ADH suite at TLS ≤ 1.2 with a certificate-less server', async () => {
    const port = await server(
      () => tls.createServer({ ...ANONYMOUS_SERVER }),
      (s) => s.end(),
    );
    const t = track(await openSocket({ host: '127.0.0.1', port, tls: { mode: 'anonymous' } }));
    const tlsSocket = t.socket as tls.TLSSocket;
    expect(tlsSocket.getCipher().name).toMatch(/^ADH-/);
    expect(tlsSocket.getProtocol()).toBe('TLSv1.2');
  });

  it('verify mode accepts a certificate from a trusted CA', async () => {
    const c = await testCerts();
    const port = await server(() => tls.createServer({ key: c.serverKey, cert: c.serverCert }));
    const t = track(await openSocket({ host: '127.0.0.1', port, tls: { mode: 'verify', ca: c.caCert } }));
    expect((t.socket as tls.TLSSocket).authorized).toBe(true);
  });

  it('verify mode refuses a self-signed router certificate with a TlsError', async () => {
    const c = await testCerts();
    const port = await server(() => tls.createServer({ key: c.selfSignedKey, cert: c.selfSignedCert }));
    const e = await rejection(openSocket({ host: '127.0.0.1', port, tls: { mode: 'verify' } }));
    expect(e).toBeInstanceOf(TlsError);
    expect(e.message).toMatch(new RegExp(`^TLS handshake with 127.0.0.1:${port} failed: .*self-signed certificate`));
  });

  it('a pinned SHA-256 fingerprint accepts that certificate and nothing else', async () => {
    const c = await testCerts();
    const port = await server(() => tls.createServer({ key: c.selfSignedKey, cert: c.selfSignedCert }));
    const fp = c.selfSignedFingerprint;
    track(await openSocket({ host: '127.0.0.1', port, tls: { mode: 'pinned', fingerprint256: fp.toLowerCase() } }));
    const wrong = 'AB'.repeat(32);
    const e = await rejection(openSocket({ host: '127.0.0.1', port, tls: { mode: 'pinned', fingerprint256: wrong } }));
    expect(e).toBeInstanceOf(TlsError);
    expect(e.message).toBe(
      `certificate of 127.0.0.1:${port} has SHA-256 fingerprint ${fp}, expected ${formatFingerprint(wrong)}`,
    );
  });

  // Issue 11 item 8: verify mode with a pin checks the CA chain and the host name AND the pin.
  // Before the fix a pin switched the CA check off, so a self-signed certificate passed.
  it('verify mode with a pin still refuses a self-signed certificate (the pin adds, never replaces)', async () => {
    const c = await testCerts();
    const port = await server(() => tls.createServer({ key: c.selfSignedKey, cert: c.selfSignedCert }));
    const e = await rejection(
      openSocket({
        host: '127.0.0.1',
        port,
        tls: { mode: 'verify', fingerprint256: normalizeFingerprint(c.selfSignedFingerprint) },
      }),
    );
    expect(e).toBeInstanceOf(TlsError);
    expect(e.message).toMatch(/self-signed certificate/);
  });

  it('verify mode with a pin needs the CA, the host name and the fingerprint to agree', async () => {
    const c = await testCerts();
    const port = await server(() => tls.createServer({ key: c.serverKey, cert: c.serverCert }));
    const fp = new X509Certificate(c.serverCert).fingerprint256;
    const ok = track(await openSocket({ host: '127.0.0.1', port, tls: { mode: 'verify', ca: c.caCert, fingerprint256: fp } }));
    expect((ok.socket as tls.TLSSocket).authorized).toBe(true);

    const wrong = 'AB'.repeat(32);
    const pinned = await rejection(
      openSocket({ host: '127.0.0.1', port, tls: { mode: 'verify', ca: c.caCert, fingerprint256: wrong } }),
    );
    expect(pinned).toBeInstanceOf(TlsError);
    expect(pinned.message).toBe(
      `certificate of 127.0.0.1:${port} has SHA-256 fingerprint ${fp}, expected ${formatFingerprint(wrong)}`,
    );

    const host = await rejection(
      openSocket({
        host: '127.0.0.1',
        port,
        tls: { mode: 'verify', ca: c.caCert, fingerprint256: fp, servername: 'other.example' },
      }),
    );
    expect(host).toBeInstanceOf(TlsError);
    expect(host.message).toMatch(/other\.example/);
  });

  it('a handshake the server refuses (anonymous client, certificate-only server) is a TlsError', async () => {
    const c = await testCerts();
    const port = await server(() => tls.createServer({ key: c.serverKey, cert: c.serverCert }));
    const e = await rejection(openSocket({ host: '127.0.0.1', port, tls: { mode: 'anonymous' } }));
    expect(e).toBeInstanceOf(TlsError);
    expect(e.message).toMatch(/handshake failure|no shared cipher|alert/i);
  });

  it('TLS against a plain API port fails as TLS, not as a hang', async () => {
    const port = await server(
      () => net.createServer(),
      (s) => s.on('data', () => s.end('\x05!done\x00')),
    );
    const e = await rejection(openSocket({ host: '127.0.0.1', port, tls: { mode: 'anonymous' }, connectTimeoutMs: 5000 }));
    expect(e).toBeInstanceOf(TlsError);
  });

  it('a server that accepts but never completes the handshake hits the connect timeout', async () => {
    const port = await server(() => net.createServer());
    const started = Date.now();
    const e = await rejection(openSocket({ host: '127.0.0.1', port, tls: { mode: 'anonymous' }, connectTimeoutMs: 200 }));
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.message).toBe(`cannot connect to 127.0.0.1:${port}: no answer within 200 ms (TCP and TLS handshake)`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('an abort signal stops connecting', async () => {
    const port = await server(() => net.createServer());
    const ac = new AbortController();
    const p = openSocket({ host: '127.0.0.1', port, tls: { mode: 'anonymous' }, signal: ac.signal });
    ac.abort();
    expect((await rejection(p)).message).toBe(`connecting to 127.0.0.1:${port} was aborted`);
  });
});

describe('connect(): a logged-in session', () => {
  it('connects, logs in (plain) and runs a command', async () => {
    const peer = await ScriptedPeer.start({
      script: routerScript({
        password: 'pw',
        commands: { '/system/identity/print': (_w, reply) => (reply('!re', '=name=MikroTik'), reply('!done')) },
      }),
    });
    cleanups.push(() => peer.close());
    const c = await connect({ host: '127.0.0.1', port: peer.port, user: 'admin', password: 'pw' });
    cleanups.push(() => c.session.close());
    expect(c.loginMethod).toBe('plain');
    expect((await c.session.command(['/system/identity/print'])).rows).toEqual([{ name: 'MikroTik' }]);
    expect(peer.connections[0]!.received[1]).toEqual(['/system/identity/print', '.tag=t1']);
  });

  it('uses the MD5 challenge against a pre-6.43 router, over anonymous TLS', async () => {
    const peer = await ScriptedPeer.start({
      tls: { ...ANONYMOUS_SERVER },
      script: routerScript({ password: 'pw', login: 'challenge' }),
    });
    cleanups.push(() => peer.close());
    const c = await connect({ host: '127.0.0.1', port: peer.port, user: 'admin', password: 'pw', tls: { mode: 'anonymous' } });
    cleanups.push(() => c.session.close());
    expect(c.loginMethod).toBe('challenge');
  });

  it('a wrong password rejects with LoginError and closes the socket', async () => {
    const peer = await ScriptedPeer.start({ script: routerScript({ password: 'pw' }) });
    cleanups.push(() => peer.close());
    const e = await rejection(connect({ host: '127.0.0.1', port: peer.port, user: 'admin', password: 'nope' }));
    expect(e).toBeInstanceOf(LoginError);
    await vi.waitFor(() => expect(peer.connections[0]!.socket.closed || peer.connections[0]!.socket.readableEnded).toBe(true));
  });
});
