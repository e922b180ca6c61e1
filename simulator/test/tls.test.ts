/**
 * API-SSL: anonymous Diffie-Hellman (a router whose api-ssl has no certificate) and certificate
 * mode, with the engine's TLS modes (protocol.md §8).
 */
import type tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { TlsError, certificateFingerprint, normalizeFingerprint } from '../../protocol/node/transport';
import { Resources, RawClient, login, shape, sim } from './helpers';

const res = new Resources();
afterEach(() => res.run());

describe('API-SSL', () => {
  it('serves anonymous DH without a certificate (TLS 1.2, ADH suite)', async () => {
    const s = await sim(res, { port: null, tlsPort: 0 });
    expect(s.port).toBeUndefined();
    const c = await login(res, s, { port: s.tlsPort!, tls: { mode: 'anonymous' } });
    const socket = c.transport.socket as tls.TLSSocket;
    expect(socket.getProtocol()).toBe('TLSv1.2');
    expect(socket.getCipher().name).toMatch(/^ADH-/);
    expect(socket.getPeerCertificate()).toEqual({});
    expect((await c.session.command(['/system/identity/print'])).rows).toEqual([{ name: 'MikroTik' }]);
    const raw = await RawClient.open(s.tlsPort!, 'anonymous');
    res.add(() => raw.close());
    raw.send(['/login', '=name=admin', '=password=', '.tag=l']);
    expect((await raw.untilDone('l')).map(shape)).toEqual(['!done:l']);
  });

  it('serves a generated certificate and exposes its PEM and SHA-256 fingerprint', async () => {
    const s = await sim(res, { tlsCertPort: 0 });
    expect(s.certificate?.pem).toContain('BEGIN CERTIFICATE');
    expect(s.certificate!.fingerprint256).toBe(certificateFingerprint(s.certificate!.pem));
    const pinned = await login(res, s, {
      port: s.tlsCertPort!,
      tls: { mode: 'pinned', fingerprint256: s.certificate!.fingerprint256 },
    });
    expect((await pinned.session.command(['/system/identity/print'])).rows).toHaveLength(1);
    expect(normalizeFingerprint(s.certificate!.fingerprint256)).toMatch(/^[0-9A-F]{64}$/);
    // The certificate names 127.0.0.1, so full verification against it as CA succeeds too.
    const verified = await login(res, s, { port: s.tlsCertPort!, tls: { mode: 'verify', ca: s.certificate!.pem } });
    expect((await verified.session.command(['/system/identity/print'])).rows).toHaveLength(1);
  });

  it('fails clearly on a wrong pin, and when an anonymous client meets a certificate server', async () => {
    const s = await sim(res, { tlsCertPort: 0, tlsPort: 0 });
    const wrong = 'AA:'.repeat(31) + 'AA';
    await expect(login(res, s, { port: s.tlsCertPort!, tls: { mode: 'pinned', fingerprint256: wrong } })).rejects.toBeInstanceOf(
      TlsError,
    );
    await expect(login(res, s, { port: s.tlsCertPort!, tls: { mode: 'anonymous' } })).rejects.toBeInstanceOf(TlsError);
    await expect(login(res, s, { port: s.tlsPort!, tls: { mode: 'verify' } })).rejects.toBeInstanceOf(TlsError);
    // The failed handshakes did not disturb the listeners.
    expect((await login(res, s, { port: s.tlsPort!, tls: { mode: 'anonymous' } })).loginMethod).toBe('plain');
  });

  it('keeps a given certificate, and the ports, across restart()', async () => {
    const first = await sim(res, { tlsCertPort: 0 });
    const pem = first.certificate!.pem;
    const key = await import('selfsigned').then(
      async (m) => await m.default.generate([{ name: 'commonName', value: 'x' }], { keyType: 'ec', algorithm: 'sha256' }),
    );
    const s = await sim(res, { tlsCertPort: 0, tlsPort: 0, certificate: { key: key.private, cert: key.cert } });
    expect(s.certificate!.pem).toBe(key.cert);
    expect(s.certificate!.pem).not.toBe(pem);
    const ports = [s.port, s.tlsPort, s.tlsCertPort];
    await s.restart();
    expect([s.port, s.tlsPort, s.tlsCertPort]).toEqual(ports);
    const c = await login(res, s, {
      port: s.tlsCertPort!,
      tls: { mode: 'pinned', fingerprint256: certificateFingerprint(key.cert) },
    });
    expect((await c.session.command(['/system/identity/print'])).rows).toHaveLength(1);
  });
});
