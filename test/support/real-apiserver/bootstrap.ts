// Makes a fresh real apiserver start from what the lab's KubeStore.seedDefaults() and its static
// CRD list give a lab server: the four system namespaces, the two system PriorityClasses and the
// Flux CustomResourceDefinitions (HelmRelease helm.toolkit.fluxcd.io/v2, Kustomization
// kustomize.toolkit.fluxcd.io/v1, GitRepository/HelmRepository source.toolkit.fluxcd.io/v1).
// The CRDs are the lab's own (src/lab/kube/crds.ts), so both backends serve the same types.
// v1.20 serves apiextensions.k8s.io/v1, whose structural-schema rule the lab's
// `type: object` + x-kubernetes-preserve-unknown-fields root satisfies.
import { staticCrds } from '../../../src/lab/kube/crds.js';
import { eventually } from '../eventually.js';
import { apiRequest } from './http.js';
import type { ApiResponse } from './http.js';

export interface BootstrapTarget {
  url: string;
  caPem: string;
  adminToken: string;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const SYSTEM_PRIORITY_CLASSES = ['system-node-critical', 'system-cluster-critical'];

const until = (what: string, timeoutMs: number, probe: () => Promise<boolean>) => eventually(probe, { what: `real apiserver bootstrap: ${what}`, timeoutMs, intervalMs: 100 });

/** The lab's CRD objects without what the server sets (uid, resourceVersion, timestamps, status). */
export function fluxCrdManifests(): Array<{ apiVersion: string; kind: string; metadata: { name: string }; spec: unknown }> {
  return staticCrds().map((crd) => ({ apiVersion: crd.apiVersion, kind: crd.kind, metadata: { name: crd.metadata.name }, spec: crd.spec }));
}

export async function bootstrapLikeLab(api: BootstrapTarget, timeoutMs = 30_000): Promise<void> {
  const call = (path: string, method = 'GET', body?: unknown): Promise<ApiResponse> =>
    apiRequest(api.url, api.caPem, path, { method, token: api.adminToken, ...(body === undefined ? {} : { body }) });
  const fail = (what: string, res: ApiResponse) => new Error(`real apiserver bootstrap: ${what}: ${res.status} ${res.text}`);

  // Post-start hooks create these; /readyz can answer before the objects are written.
  for (const ns of SYSTEM_NAMESPACES) {
    await until(`namespace ${ns}`, timeoutMs, async () => (await call(`/api/v1/namespaces/${ns}`)).status === 200);
  }
  for (const pc of SYSTEM_PRIORITY_CLASSES) {
    await until(`PriorityClass ${pc}`, timeoutMs, async () => (await call(`/apis/scheduling.k8s.io/v1/priorityclasses/${pc}`)).status === 200);
  }

  const crds = fluxCrdManifests();
  for (const crd of crds) {
    const res = await call('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', 'POST', crd);
    if (res.status !== 201 && res.status !== 409) throw fail(`create CRD ${crd.metadata.name}`, res);
  }
  for (const crd of crds) {
    const spec = crd.spec as { group: string; names: { plural: string }; versions: Array<{ name: string }> };
    const name = crd.metadata.name;
    await until(`CRD ${name} Established`, timeoutMs, async () => {
      const res = await call(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const conditions = (res.body as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions ?? [];
      return conditions.some((c) => c.type === 'Established' && c.status === 'True');
    });
    // Established comes a moment before the REST handler answers: wait for the collection itself.
    const version = spec.versions[0]?.name ?? '';
    await until(`${spec.names.plural}.${spec.group}/${version} served`, timeoutMs, async () =>
      (await call(`/apis/${spec.group}/${version}/${spec.names.plural}`)).status === 200);
  }
}
