// @vitest-environment node
/**
 * The store against a router whose API-SSL certificate is not trusted yet. In Node, not jsdom: the
 * simulator makes its certificate with WebCrypto, which refuses jsdom's typed arrays.
 */
import { describe, expect, it } from 'vitest';
import { router, setup } from './helpers';

describe('store with the real services (in-process bridge): TLS trust', () => {
  it('asks to trust a presented certificate (TLS_UNTRUSTED), then trusts and connects', async () => {
    const sim = await router({ port: null, tlsCertPort: 0, password: 'x' });
    const { s } = await setup();
    const r = await s().saveConnection(undefined, {
      name: 'tls',
      host: sim.host,
      port: sim.tlsCertPort!,
      transport: 'tls-pinned',
      user: 'admin',
      password: 'x',
    });
    const id = r.ok ? r.value.id : '';
    const fp = sim.certificate!.fingerprint256;
    await s().connect(id);
    expect(s().dialog).toEqual({ kind: 'trust', connectionId: id, fingerprint: fp, changed: false });
    await s().trust(id, fp);
    expect(s().connections.find((c) => c.id === id)?.fingerprint256).toBe(fp);
    expect(s().links[id]?.status).toBe('online');
  });
});
