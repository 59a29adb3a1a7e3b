// KubeWriter: create, patch (merge / strategic / JSON, with explicit content types), delete,
// and pod eviction that discovers whether the server speaks policy/v1 or v1beta1 (as kubectl
// drain does; v1.20 servers only have v1beta1). Transient failures are retried by the reader's
// call() on the adapter's explicit policy; a create or JSON patch that may have reached the
// server (reset, timeout) is not sent twice.
import type { KubeConfig } from '@kubernetes/client-node';
import { ApiError } from '../../errors.js';
import type { CallPolicy } from '../api-call.js';
import type { EvictionResult, KubeObject, KubeRef, KubeWriter, PatchType } from '../ports.js';
import { statusMessage, toApiError } from './errors.js';
import { httpError } from './http.js';
import { ClientNodeReader, describeRef } from './reader.js';

const CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export class ClientNodeWriter extends ClientNodeReader implements KubeWriter {
  private evictionVersion: 'policy/v1' | 'policy/v1beta1' | undefined;

  constructor(kc: KubeConfig, policy?: CallPolicy) {
    super(kc, policy);
  }

  create(obj: KubeObject): Promise<KubeObject> {
    const what = `create ${describeRef({ ...obj, name: obj.metadata.name, namespace: obj.metadata.namespace } as KubeRef)}`;
    return this.call(what, async () => (await this.api.create(obj as never)) as unknown as KubeObject, false);
  }

  patch(ref: KubeRef, patch: unknown, type: PatchType): Promise<KubeObject> {
    // A merge patch applied twice is applied once; a JSON patch may add or remove twice.
    return this.call(`patch ${describeRef(ref)}`, async () => {
      const path = await this.api.pathFor(ref);
      const res = await this.raw.send('PATCH', path, patch, CONTENT_TYPE[type]);
      if (res.status >= 400) throw httpError(res);
      return { ...(JSON.parse(res.body) as KubeObject), apiVersion: ref.apiVersion, kind: ref.kind };
    }, type !== 'json');
  }

  async delete(ref: KubeRef, options: { gracePeriodSeconds?: number } = {}): Promise<void> {
    const meta = { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
    try {
      await this.call(`delete ${describeRef(ref)}`, () => this.api.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: meta }, undefined, undefined, options.gracePeriodSeconds), true);
    } catch (e) {
      // Already gone is what we wanted (also when a retried delete finds the first one done).
      if (e instanceof ApiError && e.kind === 'not-found') return;
      throw e;
    }
  }

  async evict(pod: KubeRef): Promise<EvictionResult> {
    const path = `${await this.call(`find the resource of ${describeRef(pod)}`, () => this.api.pathFor(pod), true)}/eviction`;
    const versions: Array<'policy/v1' | 'policy/v1beta1'> = this.evictionVersion ? [this.evictionVersion] : ['policy/v1', 'policy/v1beta1'];
    for (const apiVersion of versions) {
      const body = { apiVersion, kind: 'Eviction', metadata: { name: pod.name, namespace: pod.namespace } };
      // Evicting twice asks for the same thing: a lost answer may be asked again.
      const res = await this.call(`evict ${describeRef(pod)}`, () => this.raw.send('POST', path, body), true);
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
