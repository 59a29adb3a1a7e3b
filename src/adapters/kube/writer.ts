// KubeWriter: create, patch (merge / strategic / JSON, with explicit content types), delete,
// and pod eviction that discovers whether the server speaks policy/v1 or v1beta1 (as kubectl
// drain does; v1.20 servers only have v1beta1). Transient 5xx answers are retried with backoff.
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiError } from '../../errors.js';
import type { EvictionResult, KubeObject, KubeRef, KubeWriter, PatchType } from '../ports.js';
import { statusMessage, toApiError } from './errors.js';
import { httpError } from './http.js';
import { ClientNodeReader, describeRef } from './reader.js';

const CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

async function retryTransient<T>(fn: () => Promise<T>, what: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const err = toApiError(e, what);
      const transient = err instanceof ApiError && (err.kind === 'unavailable' || err.kind === 'server');
      if (!transient || attempt >= 4) throw err;
      await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
    }
  }
}

export class ClientNodeWriter extends ClientNodeReader implements KubeWriter {
  private evictionVersion: 'policy/v1' | 'policy/v1beta1' | undefined;

  constructor(kc: KubeConfig) {
    super(kc);
  }

  create(obj: KubeObject): Promise<KubeObject> {
    return retryTransient(async () => (await this.api.create(obj as never)) as unknown as KubeObject, `create ${describeRef({ ...obj, name: obj.metadata.name, namespace: obj.metadata.namespace } as KubeRef)}`);
  }

  patch(ref: KubeRef, patch: unknown, type: PatchType): Promise<KubeObject> {
    return retryTransient(async () => {
      const path = await this.api.pathFor(ref);
      const res = await this.raw.send('PATCH', path, patch, CONTENT_TYPE[type]);
      if (res.status >= 400) throw httpError(res);
      return { ...(JSON.parse(res.body) as KubeObject), apiVersion: ref.apiVersion, kind: ref.kind };
    }, `patch ${describeRef(ref)}`);
  }

  delete(ref: KubeRef, options: { gracePeriodSeconds?: number } = {}): Promise<void> {
    return retryTransient(async () => {
      try {
        await this.api.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } }, undefined, undefined, options.gracePeriodSeconds);
      } catch (e) {
        const err = toApiError(e, `delete ${describeRef(ref)}`);
        // Already gone is what we wanted.
        if (err instanceof ApiError && err.kind === 'not-found') return;
        throw err;
      }
    }, `delete ${describeRef(ref)}`);
  }

  async evict(pod: KubeRef): Promise<EvictionResult> {
    const path = `${await this.api.pathFor(pod)}/eviction`;
    const versions: Array<'policy/v1' | 'policy/v1beta1'> = this.evictionVersion ? [this.evictionVersion] : ['policy/v1', 'policy/v1beta1'];
    for (const apiVersion of versions) {
      const body = { apiVersion, kind: 'Eviction', metadata: { name: pod.name, namespace: pod.namespace } };
      const res = await this.raw.send('POST', path, body);
      if (res.status === 429) return { evicted: false, reason: 'pdb', message: statusMessage(res.body) };
      if (res.status === 404 && /pods? .* not found|not found/.test(statusMessage(res.body)) && !/Eviction/.test(res.body)) return { evicted: true };
      // An older server rejects the unknown Eviction version: try the next one.
      if ((res.status === 400 || res.status === 404 || res.status === 422) && apiVersion === 'policy/v1' && versions.length > 1 && /Eviction|policy\/v1/.test(res.body)) continue;
      if (res.status >= 400) throw toApiError(httpError(res), `evict ${describeRef(pod)}`);
      this.evictionVersion = apiVersion;
      return { evicted: true };
    }
    throw new ApiError('invalid', `evict ${describeRef(pod)}: the server supports neither policy/v1 nor policy/v1beta1 eviction`);
  }
}
