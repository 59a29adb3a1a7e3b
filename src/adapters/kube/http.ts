// Raw requests to the API server with the kubeconfig's credentials and CA, for what the typed
// client does not cover well: JSON patch, the eviction subresource, /readyz, watches by path.
// Every request, raw or through client-node, has a timeout (a black-holed server must not hold a
// run) and marks the endpoint reached when anything answers.
import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { Reachability, requestSignal } from '../api-call.js';

export interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export class RawKube {
  constructor(private readonly kc: KubeConfig, private readonly timeoutMs: number, private readonly reach: Reachability) {}

  private async options(method: string, path: string, headers: Record<string, string>): Promise<RequestOptions & { url: URL }> {
    const server = this.kc.getCurrentCluster()!.server;
    const url = new URL(path, server.endsWith('/') ? server : `${server}/`);
    const opts: RequestOptions = { method, headers: { Accept: 'application/json', ...headers } };
    await this.kc.applyToHTTPSOptions(opts);
    return { ...opts, url };
  }

  async send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawResponse> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const { url, ...opts } = await this.options(method, path, payload === undefined ? {} : { 'Content-Type': contentType });
    const deadline = requestSignal(this.timeoutMs);
    try {
      return await new Promise((resolve, reject) => {
        const req = request(url, { ...opts, signal: deadline.signal }, (res) => {
          this.reach.reached = true;
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (data += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
          res.on('error', reject);
        });
        req.on('error', reject);
        if (payload !== undefined) req.write(payload);
        req.end();
      });
    } finally {
      deadline.done();
    }
  }
}

/** An HTTP error shaped like client-node's ApiException, so one mapper handles both. */
export function httpError(res: RawResponse): Error & { code: number; body: string; headers: RawResponse['headers'] } {
  return Object.assign(new Error(`HTTP ${res.status}`), { code: res.status, body: res.body, headers: res.headers });
}

/** client-node's request context and its promise-backed Observable, as far as the timeout needs them. */
interface RequestContext { setSignal(signal: AbortSignal): void }
interface Observable<T> { toPromise(): Promise<T>; pipe<U>(f: (v: T) => U | Promise<U>): Observable<U> }
interface HttpLibrary { send(ctx: RequestContext): Observable<unknown> }

const observable = <T>(p: Promise<T>): Observable<T> => ({ toPromise: () => p, pipe: (f) => observable(p.then(f)) });

/**
 * Wraps client-node's HTTP library: each request gets a timeout covering connect, headers and
 * body (client-node reads the body later, under the same signal, so the timer is left to run
 * out unreferenced once the headers are in).
 */
export function timedHttpLibrary(inner: HttpLibrary, timeoutMs: number, reach: Reachability): HttpLibrary {
  return {
    send(ctx) {
      const deadline = requestSignal(timeoutMs);
      ctx.setSignal(deadline.signal);
      return observable(
        inner.send(ctx).toPromise().then(
          (res) => {
            reach.reached = true;
            deadline.detach();
            return res;
          },
          (e: unknown) => {
            deadline.done();
            throw e;
          },
        ),
      );
    },
  };
}
