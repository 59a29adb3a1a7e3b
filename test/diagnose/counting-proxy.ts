// An HTTPS pass-through in front of a lab server that records every request (method, path,
// query), so tests count what goes over the wire, discovery included. It serves the lab's own
// certificate, so clients keep verifying TLS with the lab CA.
import { request as httpsRequest, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: string;
}

export interface CountingProxy {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function startCountingProxy(target: string, tls: { certPem: string; keyPem: string; caPem: string }): Promise<CountingProxy> {
  const upstream = new URL(target);
  const requests: Recorded[] = [];
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://proxy.invalid');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search });
    const out = httpsRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, ca: tls.caPem },
      (up) => {
        // The reason phrase too: PVE puts its error text there (e.g. "Configuration file ... does not exist").
        res.writeHead(up.statusCode ?? 502, up.statusMessage ?? '', up.headers);
        up.pipe(res);
      },
    );
    out.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
