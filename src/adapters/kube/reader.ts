// KubeReader on @kubernetes/client-node: paginated lists (one request per 500 objects, never
// one per object), waits driven by a watch with a re-list fallback, /readyz.
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiError } from '../../errors.js';
import type { KubeListQuery, KubeObject, KubeReader, KubeRef, WaitOptions } from '../ports.js';
import { toApiError } from './errors.js';
import { httpError, RawKube } from './http.js';
import { ObjectApi } from './object-api.js';

const PAGE = 500;

export function describeRef(ref: KubeRef): string {
  return `${ref.kind.toLowerCase()} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function header(ref: KubeRef) {
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
}

export class ClientNodeReader implements KubeReader {
  readonly api: ObjectApi;
  readonly raw: RawKube;

  constructor(readonly kc: KubeConfig) {
    this.api = ObjectApi.forConfig(kc);
    this.raw = new RawKube(kc);
  }

  async get(ref: KubeRef): Promise<KubeObject | undefined> {
    try {
      return (await this.api.read(header(ref))) as unknown as KubeObject;
    } catch (e) {
      const err = toApiError(e, `get ${describeRef(ref)}`);
      if (err instanceof ApiError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  async list(q: KubeListQuery): Promise<KubeObject[]> {
    const out: KubeObject[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.api.list(q.apiVersion, q.kind, q.namespace, undefined, undefined, undefined, q.fieldSelector, q.labelSelector, PAGE, token);
      } catch (e) {
        throw toApiError(e, `list ${q.kind}${q.namespace ? ` in ${q.namespace}` : ''}`);
      }
      // List items come without apiVersion/kind; put them back so objects are self-describing.
      for (const item of page.items) out.push({ ...(item as object), apiVersion: q.apiVersion, kind: q.kind } as KubeObject);
      token = page.metadata?._continue || undefined;
    } while (token);
    return out;
  }

  async waitFor(ref: KubeRef, until: (obj: KubeObject | undefined) => boolean, options: WaitOptions): Promise<KubeObject | undefined> {
    const { Watch } = await import('@kubernetes/client-node');
    const deadline = Date.now() + options.timeoutMs;
    let current = await this.get(ref);
    if (until(current)) return current;
    const path = (await this.api.pathFor({ ...ref, name: undefined })).replace(/\/$/, '');
    const watch = new Watch(this.kc);
    // A watch the server refuses (401/403) is not a watch that ended: say so, with its words.
    let refused = false;
    while (Date.now() < deadline) {
      if (options.signal?.aborted) throw new Error(`stopped waiting for ${describeRef(ref)}`);
      const remaining = deadline - Date.now();
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
      // The watch ended (timeout, server close, error): re-read, then watch again.
      current = await this.get(ref);
      if (until(current)) return current;
    }
    throw new ApiError('unavailable', `timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for ${describeRef(ref)}`, { hint: 'the condition never held; see the object with kubectl describe' });
  }

  /** The server's own Status for a refused watch (the watch client keeps only the code). */
  private async refusal(path: string, ref: KubeRef): Promise<Error> {
    const res = await this.raw.send('GET', `${path}?watch=true&timeoutSeconds=1&fieldSelector=${encodeURIComponent(`metadata.name=${ref.name}`)}`);
    if (res.status < 400) return new ApiError('forbidden', `watch ${describeRef(ref)}: refused by the API server`, { hint: 'the credentials lack this permission: `runbook rbac NAME` prints the rules a runbook needs' });
    return toApiError(httpError(res), `watch ${describeRef(ref)}`);
  }

  async ready(): Promise<boolean> {
    try {
      const res = await this.raw.send('GET', '/readyz');
      return res.status === 200;
    } catch {
      return false;
    }
  }
}
