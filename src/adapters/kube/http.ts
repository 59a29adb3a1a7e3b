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

export interface RawBytes {
  status: number;
  bytes: Buffer;
  headers: RawResponse['headers'];
}

/** Where raw requests go and how they are authorized: client-node's KubeConfig, or the plain reader's. */
export interface KubeEndpoint {
  server: string;
  /** Sets the agent (TLS trust, client certificate, kept-alive connections) and credentials on a request. */
  authorize(opts: RequestOptions): Promise<void>;
}

export function clientNodeEndpoint(kc: KubeConfig): KubeEndpoint {
  return { server: kc.getCurrentCluster()!.server, authorize: (opts) => kc.applyToHTTPSOptions(opts) };
}

export class RawKube {
  constructor(private readonly endpoint: KubeEndpoint, private readonly timeoutMs: number, private readonly reach: Reachability) {}

  private async options(method: string, path: string, headers: Record<string, string>): Promise<RequestOptions & { url: URL }> {
    const server = this.endpoint.server;
    const url = new URL(path, server.endsWith('/') ? server : `${server}/`);
    const opts: RequestOptions = { method, headers: { Accept: 'application/json', ...headers } };
    await this.endpoint.authorize(opts);
    return { ...opts, url };
  }

  async send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawResponse> {
    const res = await this.fetchBytes(method, path, body, contentType);
    return { status: res.status, body: res.bytes.toString('utf8'), headers: res.headers };
  }

  /** The answer as bytes: a list page is split into its items without first becoming one large string. */
  async fetchBytes(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawBytes> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const { url, ...opts } = await this.options(method, path, payload === undefined ? {} : { 'Content-Type': contentType });
    const deadline = requestSignal(this.timeoutMs);
    try {
      return await new Promise((resolve, reject) => {
        const req = request(url, { ...opts, signal: deadline.signal }, (res) => {
          this.reach.reached = true;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks), headers: res.headers }));
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

  /** `/readyz`: false when it answers anything but 200 or does not answer. */
  async ready(): Promise<boolean> {
    try {
      return (await this.send('GET', '/readyz')).status === 200;
    } catch {
      return false;
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
