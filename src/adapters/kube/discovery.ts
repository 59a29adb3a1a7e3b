// API discovery for the plain reader, as client-node's KubernetesObjectApi does it
// (@kubernetes/client-node dist/object.js resource(), specUriPath()): GET /api/v1 or
// /apis/GROUP/VERSION once per group-version, find the kind, build its collection path. A
// group-version the server does not serve (no Flux CRDs) answers 404: a not-found list.
import { httpError, type RawKube } from './http.js';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export class Discovery {
  private readonly byVersion = new Map<string, Promise<ApiResource[]>>();

  constructor(private readonly raw: RawKube) {}

  private resources(apiVersion: string): Promise<ApiResource[]> {
    let found = this.byVersion.get(apiVersion);
    if (!found) {
      found = this.raw.send('GET', versionPath(apiVersion)).then((res) => {
        if (res.status < 200 || res.status > 299) throw httpError(res);
        return ((JSON.parse(res.body) as { resources?: ApiResource[] }).resources ?? []).filter((r) => !r.name.includes('/'));
      });
      // A failed discovery is asked again next time, as client-node does.
      found.catch(() => this.byVersion.delete(apiVersion));
      this.byVersion.set(apiVersion, found);
    }
    return found;
  }

  /** `/api/v1/namespaces/ns/pods`, or `/api/v1/pods` across namespaces. The caller's call() retries and maps errors. */
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const resource = (await this.resources(apiVersion)).find((r) => r.kind === kind);
    if (!resource) throw new Error(`Unrecognized API version and kind: ${apiVersion} ${kind}`);
    const parts = [versionPath(apiVersion), ...(resource.namespaced && namespace ? ['namespaces', encodeURIComponent(namespace)] : []), resource.name];
    return parts.join('/').toLowerCase();
  }
}

function versionPath(apiVersion: string): string {
  return `/${apiVersion.includes('/') ? 'apis' : 'api'}/${apiVersion}`;
}
