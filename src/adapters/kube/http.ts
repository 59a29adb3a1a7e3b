// Raw requests to the API server with the kubeconfig's credentials and CA, for what the typed
// client does not cover well: JSON patch, the eviction subresource, /readyz, watches by path.
import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface RawResponse {
  status: number;
  body: string;
}

export class RawKube {
  constructor(private readonly kc: KubeConfig) {}

  private async options(method: string, path: string, headers: Record<string, string>): Promise<RequestOptions & { url: URL }> {
    const server = this.kc.getCurrentCluster()!.server;
    const url = new URL(path, server.endsWith('/') ? server : `${server}/`);
    const opts: RequestOptions = { method, headers: { Accept: 'application/json', ...headers } };
    await this.kc.applyToHTTPSOptions(opts);
    return { ...opts, url };
  }

  async send(method: string, path: string, body?: unknown, contentType = 'application/json', signal?: AbortSignal): Promise<RawResponse> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const { url, ...opts } = await this.options(method, path, payload === undefined ? {} : { 'Content-Type': contentType });
    return new Promise((resolve, reject) => {
      const req = request(url, { ...opts, ...(signal ? { signal } : {}) }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
}

/** An HTTP error shaped like client-node's ApiException, so one mapper handles both. */
export function httpError(res: RawResponse): Error & { code: number; body: string } {
  return Object.assign(new Error(`HTTP ${res.status}`), { code: res.status, body: res.body });
}
