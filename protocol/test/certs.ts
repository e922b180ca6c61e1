/**
 * Throwaway certificates for the TLS tests, generated at test time (never committed): a CA and a
 * server certificate for 127.0.0.1 signed by it, and a self-signed "router" certificate whose CN
 * matches nothing — the usual RouterOS case (protocol.md §8.1).
 */
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface TestCerts {
  caCert: string;
  serverKey: string;
  serverCert: string;
  selfSignedKey: string;
  selfSignedCert: string;
  /** SHA-256 fingerprint of the self-signed certificate, colon-separated hex. */
  selfSignedFingerprint: string;
}

let cached: Promise<TestCerts> | undefined;

export function testCerts(): Promise<TestCerts> {
  cached ??= (async () => {
    const notBeforeDate = new Date(Date.now() - 60_000);
    const notAfterDate = new Date(Date.now() + 2 * 86_400_000);
    const ca = await generate([{ name: 'commonName', value: 'Tikscope Test CA' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ],
    });
    const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate,
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      ],
    });
    const router = await generate([{ name: 'commonName', value: 'router' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate,
    });
    return {
      caCert: ca.cert,
      serverKey: server.private,
      serverCert: server.cert,
      selfSignedKey: router.private,
      selfSignedCert: router.cert,
      selfSignedFingerprint: new X509Certificate(router.cert).fingerprint256,
    };
  })();
  return cached;
}

/** TLS server options of a certificate-less api-ssl (protocol.md §8.1 "Simulator TLS server"). */
export const ANONYMOUS_SERVER = {
  ciphers: 'ADH-AES256-GCM-SHA384:ADH-AES128-SHA256:ADH-AES128-SHA:@SECLEVEL=0',
  dhparam: 'auto',
  maxVersion: 'TLSv1.2',
} as const;
