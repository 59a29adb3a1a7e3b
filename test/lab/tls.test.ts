import { createServer } from 'node:https';
import { request } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLabTls } from '../../src/lab/tls.js';

describe('lab TLS', () => {
  it('serves HTTPS that a client trusting only the lab CA verifies, and reports the real fingerprint', async () => {
    const tls = await createLabTls();
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, ca: tls.caPem, path: '/' }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve(data));
      }).on('error', reject).end();
    });
    server.close();
    expect(body).toBe('ok');
    expect(new X509Certificate(tls.certPem).fingerprint256).toBe(tls.fingerprint256);
  });

  it('is rejected by a client that does not trust the lab CA', async () => {
    const tls = await createLabTls();
    const other = await createLabTls();
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const err = await new Promise<Error>((resolve) => {
      request({ host: '127.0.0.1', port, ca: other.caPem, path: '/' }, () => resolve(new Error('unexpected success')))
        .on('error', resolve).end();
    });
    server.close();
    expect((err as NodeJS.ErrnoException).code).toMatch(/CERT|SIGNATURE|UNABLE/);
  });
});
