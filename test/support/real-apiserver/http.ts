// Minimal HTTPS client for the real apiserver: trusts only the harness CA, sends a bearer token,
// and returns the status code with the parsed body, so tests can assert the server's exact
// Status messages without a client library rewording them.
import { request as httpsRequest } from 'node:https';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, else the raw text. */
  body: unknown;
  text: string;
}

export interface ApiRequest {
  method?: string;
  token?: string;
  body?: unknown;
  /** Defaults to application/json; patches need e.g. application/merge-patch+json. */
  contentType?: string;
  timeoutMs?: number;
}

export function apiRequest(baseUrl: string, caPem: string, path: string, req: ApiRequest = {}): Promise<ApiResponse> {
  const url = new URL(path, baseUrl);
  const payload = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.token !== undefined) headers.authorization = `Bearer ${req.token}`;
  if (payload !== undefined) {
    headers['content-type'] = req.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const r = httpsRequest(url, { method: req.method ?? 'GET', headers, ca: caPem, timeout: req.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        if (String(res.headers['content-type'] ?? '').includes('json')) {
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`${req.method ?? 'GET'} ${url.href} timed out`)));
    r.on('error', reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}
