// client-node's generic object API, with its discovery lookups made public: we need resource
// plurals for watch paths and subresources. Its requests (discovery included) have a timeout.
import { KubernetesObjectApi } from '@kubernetes/client-node';
import type { KubeConfig, V1APIResource } from '@kubernetes/client-node';
import { DEFAULT_CALL_POLICY, Reachability } from '../api-call.js';
import type { KubeRef } from '../ports.js';
import { timedHttpLibrary } from './http.js';

export class ObjectApi extends KubernetesObjectApi {
  static forConfig(kc: KubeConfig, timeoutMs = DEFAULT_CALL_POLICY.requestTimeoutMs, reach = new Reachability()): ObjectApi {
    const base = KubernetesObjectApi.makeApiClient(kc);
    const api = Object.setPrototypeOf(base, ObjectApi.prototype) as ObjectApi;
    api.configuration = { ...api.configuration, httpApi: timedHttpLibrary(api.configuration.httpApi as never, timeoutMs, reach) as never };
    return api;
  }

  resourceFor(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    return this.resource(apiVersion, kind);
  }

  /** `/api/v1/namespaces/ns/pods` (collection) or `.../pods/name` when a name is given. */
  async pathFor(ref: Omit<KubeRef, 'name'> & { name?: string }): Promise<string> {
    const spec = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name ?? '', ...(ref.namespace ? { namespace: ref.namespace } : {}) } };
    return this.specUriPath(spec as never, ref.name ? "read" : "list");
  }
}
