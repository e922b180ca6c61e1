import net from 'node:net';
import tls from 'node:tls';
import { NetworkError, TlsError } from '../../../../protocol/node/transport';

/**
 * Trust on first use for `tls-pinned`: opens a TLS handshake without verification only to read the
 * certificate the router presents, then closes. Nothing is sent over it — the password is sent only
 * on a connection whose fingerprint matched a pin the user accepted.
 */
export function presentedFingerprint(host: string, port: number, timeoutMs: number): Promise<string> {
  const where = `${host}:${port}`;
  return new Promise<string>((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(
      () => finish(new NetworkError(`cannot connect to ${where}: no answer within ${timeoutMs} ms`, 'ETIMEDOUT')),
      timeoutMs,
    );
    let done = false;
    function finish(result: Error | string): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (typeof result === 'string') resolve(result);
      else reject(result);
    }
    socket.once('secureConnect', () => {
      const cert = socket.getPeerX509Certificate();
      if (!cert)
        finish(
          new TlsError(`${where} presented no certificate (API-SSL without a certificate needs the tls-anonymous transport)`),
        );
      else finish(cert.fingerprint256);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code?.startsWith('ERR_SSL') || /SSL|TLS/i.test(e.message))
        finish(new TlsError(`TLS handshake with ${where} failed: ${e.message}`, undefined, e));
      else finish(new NetworkError(`cannot connect to ${where}: ${e.message}`, e.code, e));
    });
  });
}
