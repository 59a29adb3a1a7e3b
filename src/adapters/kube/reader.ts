// KubeReader on @kubernetes/client-node: paginated lists (one request per 500 objects, never
// one per object), waits driven by a watch with a re-read fallback, /readyz. Every call goes
// through apiCall (timeout, explicit retry); a wait rides out an outage until its own deadline.
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiError } from '../../errors.js';
import { DEFAULT_CALL_POLICY, Reachability } from '../api-call.js';
import type { CallPolicy } from '../api-call.js';
import type { KubeListQuery, KubeObject, KubeReader, KubeRef, WaitOptions } from '../ports.js';
import { isTransient } from '../../transient.js';
import { kubeCaller, type KubeCaller } from './call.js';
import { toApiError } from './errors.js';
import { clientNodeEndpoint, httpError, RawKube } from './http.js';
import { listPages } from './list-pages.js';
import { ObjectApi } from './object-api.js';

/** A watch round shorter than this (refused, dropped at once) is followed by a pause: no busy loop. */
const MIN_ROUND_MS = 1000;

export function describeRef(ref: KubeRef): string {
  return `${ref.kind.toLowerCase()} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function header(ref: KubeRef) {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
}

export class ClientNodeReader implements KubeReader {
  readonly api: ObjectApi;
  readonly raw: RawKube;
  protected readonly reach = new Reachability();

  constructor(readonly kc: KubeConfig, readonly policy: CallPolicy = DEFAULT_CALL_POLICY) {
    this.api = ObjectApi.forConfig(kc, policy.requestTimeoutMs, this.reach);
    this.raw = new RawKube(clientNodeEndpoint(kc), policy.requestTimeoutMs, this.reach);
    this.call = kubeCaller(policy, this.reach, kc.getCurrentCluster()?.server);
  }

  /** One call with the adapter's timeout and retry policy; `idempotent` says whether a reset or timeout may be retried. */
  protected readonly call: KubeCaller;

  async get(ref: KubeRef, until?: number): Promise<KubeObject | undefined> {
    try {
      return await this.call(`get ${describeRef(ref)}`, async () => (await this.api.read(header(ref))) as unknown as KubeObject, true, until);
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'not-found') return undefined;
      throw e;
    }
  }

  async list(q: KubeListQuery): Promise<KubeObject[]> {
    const collection = () => this.api.pathFor({ apiVersion: q.apiVersion, kind: q.kind, namespace: q.namespace });
    return listPages(this.raw, this.call, q, collection);
  }

  async waitFor(ref: KubeRef, until: (obj: KubeObject | undefined) => boolean, options: WaitOptions): Promise<KubeObject | undefined> {
    const { Watch } = await import('@kubernetes/client-node');
    const deadline = Date.now() + options.timeoutMs;
    const timedOut = (last?: unknown) =>
      new ApiError('unavailable', `timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for ${describeRef(ref)}${last instanceof Error ? ` (last error: ${last.message})` : ''}`, {
        hint: last ? 'the API server did not answer in time: is it up?' : 'the condition never held; see the object with kubectl describe',
      });
    // Re-reads during the wait are retried (transient failures only) until the wait's deadline.
    const read = async () => {
      try {
        return await this.get(ref, deadline);
      } catch (e) {
        if (isTransient(e, { idempotent: true }) && Date.now() + MIN_ROUND_MS >= deadline) throw timedOut(e);
        throw e;
      }
    };
    let current = await read();
    if (until(current)) return current;
    const path = (await this.call(`find the resource of ${describeRef(ref)}`, () => this.api.pathFor({ ...ref, name: undefined }), true, deadline)).replace(/\/$/, '');
    const watch = new Watch(this.kc);
    // A watch the server refuses (401/403) is not a watch that ended: say so, with its words.
    let refused = false;
    while (Date.now() < deadline) {
      if (options.signal?.aborted) throw new Error(`stopped waiting for ${describeRef(ref)}`);
      const remaining = deadline - Date.now();
      const started = Date.now();
      const found = await new Promise<KubeObject | undefined | null>((resolve) => {
        let settled = false;
        let controller: AbortController | undefined;
        const finish = (v: KubeObject | undefined | null) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          controller?.abort();
          resolve(v);
        };
        const onAbort = () => finish(null);
        const onEnd = (err: unknown) => {
          const code = (err as { statusCode?: unknown } | null | undefined)?.statusCode;
          if (code === 401 || code === 403) refused = true;
          finish(null);
        };
        const timer = setTimeout(() => finish(null), Math.min(remaining, 30_000));
        options.signal?.addEventListener('abort', onAbort, { once: true });
        watch
          .watch(
            path,
            { fieldSelector: `metadata.name=${ref.name}`, resourceVersion: current?.metadata.resourceVersion, allowWatchBookmarks: false },
            (phase, obj: KubeObject) => {
              const value = phase === 'DELETED' ? undefined : ({ ...obj, apiVersion: ref.apiVersion, kind: ref.kind } as KubeObject);
              current = value;
              if (until(value)) finish(value);
            },
            onEnd,
          )
          .then((c) => {
            controller = c;
            if (settled) c.abort();
          }, onEnd);
      });
      if (found !== null) return found;
      if (refused) throw await this.refusal(path, ref);
      // The watch ended (timeout, server close, drop, outage): re-read, then watch again.
      const short = MIN_ROUND_MS - (Date.now() - started);
      if (short > 0 && !options.signal?.aborted) await new Promise((r) => setTimeout(r, Math.min(short, Math.max(0, deadline - Date.now()))));
      if (options.signal?.aborted) throw new Error(`stopped waiting for ${describeRef(ref)}`);
      current = await read();
      if (until(current)) return current;
    }
    throw timedOut();
  }

  /** The server's own Status for a refused watch (the watch client keeps only the code). */
  private async refusal(path: string, ref: KubeRef): Promise<Error> {
    const res = await this.call(`watch ${describeRef(ref)}`, () => this.raw.send('GET', `${path}?watch=true&timeoutSeconds=1&fieldSelector=${encodeURIComponent(`metadata.name=${ref.name}`)}`), true);
    if (res.status < 400) return new ApiError('forbidden', `watch ${describeRef(ref)}: refused by the API server`, { hint: 'the credentials lack this permission: `runbook rbac NAME` prints the rules a runbook needs' });
    return toApiError(httpError(res), `watch ${describeRef(ref)}`);
  }

  ready(): Promise<boolean> {
    return this.raw.ready();
  }
}
