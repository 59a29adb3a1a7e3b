// The same Kubernetes contract cases against the lab's API server and a real kube-apiserver
// v1.20.2 (test/support/kube-targets.ts). Every step goes through HTTP as admin; objects are
// seeded through the API, so neither backend gets a shortcut. The real server runs no
// controllers: where a case needs one (the disruption controller's PDB status, the kubelet's
// pod status) it writes that status itself, the same way on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeTargets } from '../support/kube-targets.js';
import type { KubeTargetSession, StoredObject } from '../support/kube-targets.js';
import type { ApiResponse } from '../support/real-apiserver/http.js';

const MERGE = 'application/merge-patch+json';
const NS = 'contract';

interface StatusBody {
  kind: string;
  status: string;
  reason?: string;
  message?: string;
  code: number;
  details?: { name?: string; kind?: string; group?: string; causes?: Array<{ reason?: string; message: string; field?: string }> };
}
interface ListBody { kind: string; apiVersion: string; items: StoredObject[] }

const statusOf = (r: ApiResponse) => r.body as StatusBody;
const names = (r: ApiResponse) => (r.body as ListBody).items.map((o) => o.metadata.name);
const meta = (r: ApiResponse) => (r.body as StoredObject).metadata as StoredObject['metadata'] & { deletionTimestamp?: string; finalizers?: string[] };

function pod(name: string, node: string, labels: Record<string, string>, phase?: 'Running') {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: NS, labels },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'registry.local/app:1' }] },
    // The kubelet's part: Running and Ready.
    ...(phase ? { status: { phase, conditions: [{ type: 'Ready', status: 'True' }] } } : {}),
  };
}

describe.each(kubeTargets())('Kubernetes contract on $name', (target) => {
  let k: KubeTargetSession;
  beforeAll(async () => {
    k = await target.start();
    await k.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  }, 120_000);
  afterAll(async () => {
    await k?.stop();
  });

  it('creates, gets and lists pods with label and field selectors', async () => {
    await k.seed(pod('web-a', 'node-1', { app: 'web', tier: 'front' }, 'Running'));
    await k.seed(pod('web-b', 'node-2', { app: 'web', tier: 'back' }, 'Running'));
    await k.seed(pod('db-a', 'node-1', { app: 'db' }));

    const got = await k.request('GET', `/api/v1/namespaces/${NS}/pods/web-a`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-a', namespace: NS, labels: { app: 'web', tier: 'front' } }, status: { phase: 'Running' } });
    expect(meta(got).uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta(got).resourceVersion).toMatch(/^\d+$/);

    const list = async (query: string) => {
      const res = await k.request('GET', `/api/v1/namespaces/${NS}/pods?${query}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
      return names(res);
    };
    expect(await list('')).toEqual(['db-a', 'web-a', 'web-b']);
    expect(await list(`labelSelector=${encodeURIComponent('app=web')}`)).toEqual(['web-a', 'web-b']);
    expect(await list(`labelSelector=${encodeURIComponent('app in (web,db),tier!=back')}`)).toEqual(['db-a', 'web-a']);
    expect(await list(`labelSelector=${encodeURIComponent('!tier')}`)).toEqual(['db-a']);
    expect(await list(`fieldSelector=${encodeURIComponent('spec.nodeName=node-1')}`)).toEqual(['db-a', 'web-a']);
    expect(await list(`fieldSelector=${encodeURIComponent('status.phase=Running,spec.nodeName=node-1')}`)).toEqual(['web-a']);
    expect(await list(`fieldSelector=${encodeURIComponent('status.phase!=Running')}`)).toEqual(['db-a']);
    expect(await list(`labelSelector=app%3Dweb&fieldSelector=${encodeURIComponent('spec.nodeName=node-2')}`)).toEqual(['web-b']);
    // Cluster-wide list with a field selector on the namespace.
    const all = await k.request('GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(`metadata.namespace=${NS},metadata.name=web-b`)}`);
    expect(names(all)).toEqual(['web-b']);

    const unsupported = await k.request('GET', `/api/v1/namespaces/${NS}/pods?fieldSelector=spec.priority%3D1`);
    expect(unsupported.status).toBe(400);
    expect(statusOf(unsupported)).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: spec.priority' });
  });

  it('answers 409 Conflict to an update with a stale resourceVersion, and 409 AlreadyExists to a second create', async () => {
    const created = await k.seed({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: NS }, data: { mode: 'a' } });
    const path = `/api/v1/namespaces/${NS}/configmaps/settings`;
    const fresh = await k.request('PUT', path, { ...created, data: { mode: 'b' } });
    expect(fresh.status).toBe(200);
    expect(meta(fresh).resourceVersion).not.toBe(created.metadata.resourceVersion);

    const conflictText = 'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again';
    const stale = await k.request('PUT', path, { ...created, data: { mode: 'c' } });
    expect(stale.status).toBe(409);
    expect(statusOf(stale)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, message: conflictText, details: { name: 'settings', kind: 'configmaps' } });
    // A resourceVersion inside a merge patch is a precondition too.
    const stalePatch = await k.request('PATCH', path, { metadata: { resourceVersion: created.metadata.resourceVersion }, data: { mode: 'd' } }, { contentType: MERGE });
    expect(stalePatch.status).toBe(409);
    expect(statusOf(stalePatch).message).toBe(conflictText);
    expect((await k.request('GET', path)).body).toMatchObject({ data: { mode: 'b' } });

    const again = await k.request('POST', `/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    expect(again.status).toBe(409);
    expect(statusOf(again)).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "settings" already exists' });
  });

  it('keeps a deleted PV Terminating on kubernetes.io/pv-protection until a merge patch clears the finalizers', async () => {
    const pv = await k.seed({
      apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pvc-0b1e-k3s-replica-2' },
      spec: {
        capacity: { storage: '8Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', persistentVolumeReclaimPolicy: 'Delete',
        hostPath: { path: '/var/lib/rancher/k3s/storage/pvc-0b1e', type: 'DirectoryOrCreate' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['k3s-replica-2'] }] }] } },
      },
    });
    // StorageObjectInUseProtection admission adds the finalizer on create.
    expect(pv.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
    const path = '/api/v1/persistentvolumes/pvc-0b1e-k3s-replica-2';

    const deleted = await k.request('DELETE', path);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ kind: 'PersistentVolume', metadata: { name: 'pvc-0b1e-k3s-replica-2', finalizers: ['kubernetes.io/pv-protection'], deletionGracePeriodSeconds: 0 } });
    expect(meta(deleted).deletionTimestamp).toBeTruthy();

    // No controller removes the finalizer: it stays Terminating, however often it is deleted.
    for (let i = 0; i < 2; i++) {
      const still = await k.request('GET', path);
      expect(still.status).toBe(200);
      expect(meta(still).deletionTimestamp).toBe(meta(deleted).deletionTimestamp);
      expect(meta(still).finalizers).toEqual(['kubernetes.io/pv-protection']);
      expect((await k.request('DELETE', path)).status).toBe(200);
    }
    expect(names(await k.request('GET', '/api/v1/persistentvolumes'))).toContain('pvc-0b1e-k3s-replica-2');

    // `kubectl patch pv NAME -p '{"metadata":{"finalizers":null}}'` from the incident.
    const cleared = await k.request('PATCH', path, { metadata: { finalizers: null } }, { contentType: MERGE });
    expect(cleared.status).toBe(200);
    expect(meta(cleared).finalizers).toBeUndefined();
    const gone = await k.request('GET', path);
    expect(gone.status).toBe(404);
    expect(statusOf(gone)).toMatchObject({ reason: 'NotFound', message: 'persistentvolumes "pvc-0b1e-k3s-replica-2" not found' });
  });

  it('rejects a PriorityClass named system-infrastructure with 422 and the reserved-prefix text', async () => {
    const res = await k.request('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', {
      apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-infrastructure' }, value: 1000000,
    });
    expect(res.status).toBe(422);
    expect(statusOf(res)).toMatchObject({
      reason: 'Invalid',
      message: "PriorityClass.scheduling.k8s.io \"system-infrastructure\" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-infrastructure is not a known system priority class",
      details: { name: 'system-infrastructure', group: 'scheduling.k8s.io', kind: 'PriorityClass', causes: [{ reason: 'FieldValueForbidden', field: 'metadata.name' }] },
    });
    const renamed = await k.request('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', {
      apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'infrastructure' }, value: 1000000,
    });
    expect(renamed.status).toBe(201);
  });

  it('blocks an eviction with 429 when the PodDisruptionBudget allows no disruption, at the served policy version', async () => {
    // v1.20 serves PDB and Eviction only as policy/v1beta1, the lab (v1.32) as policy/v1: discover, as kubectl drain does.
    const policy = (await k.request('GET', '/apis/policy')).body as { preferredVersion: { groupVersion: string } };
    const core = (await k.request('GET', '/api/v1')).body as { resources: Array<{ name: string; group?: string; version?: string }> };
    const evictionEntry = core.resources.find((r) => r.name === 'pods/eviction');
    const evictionVersion = `${evictionEntry?.group}/${evictionEntry?.version}`;
    expect(evictionVersion).toBe(policy.preferredVersion.groupVersion);

    await k.seed(pod('api-0', 'node-1', { app: 'api' }, 'Running'));
    await k.seed(pod('api-1', 'node-2', { app: 'api' }, 'Running'));
    await k.seed({
      apiVersion: policy.preferredVersion.groupVersion, kind: 'PodDisruptionBudget',
      metadata: { name: 'api', namespace: NS }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'api' } } },
      // The disruption controller's part (the lab computes the same numbers itself).
      status: { observedGeneration: 1, expectedPods: 2, currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0 },
    });

    const evicted = await k.request('POST', `/api/v1/namespaces/${NS}/pods/api-0/eviction`, {
      apiVersion: evictionVersion, kind: 'Eviction', metadata: { name: 'api-0', namespace: NS },
    });
    expect(evicted.status).toBe(429);
    expect(statusOf(evicted)).toMatchObject({
      kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429,
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget api needs 2 healthy pods and has 2 currently' }] },
    });
    const still = await k.request('GET', `/api/v1/namespaces/${NS}/pods/api-0`);
    expect(still.status).toBe(200);
    expect(meta(still).deletionTimestamp).toBeUndefined();
  });

  it('creates Flux HelmRelease and Kustomization objects and bumps no generation for a reconcile annotation', async () => {
    const hr = await k.seed({
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'prometheus', namespace: NS },
      spec: { interval: '10m', chart: { spec: { chart: 'kube-prometheus-stack', sourceRef: { kind: 'HelmRepository', name: 'prometheus-community' } } } },
    });
    expect(hr.metadata.generation).toBe(1);
    const ks = await k.seed({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: NS }, spec: { interval: '10m', path: './apps', prune: true } });
    expect(ks.metadata.generation).toBe(1);

    const path = `/apis/helm.toolkit.fluxcd.io/v2/namespaces/${NS}/helmreleases/prometheus`;
    const annotated = await k.request('PATCH', path, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': '2025-08-14T03:00:00Z' } } }, { contentType: MERGE });
    expect(annotated.status).toBe(200);
    expect(annotated.body).toMatchObject({ metadata: { generation: 1, annotations: { 'reconcile.fluxcd.io/requestedAt': '2025-08-14T03:00:00Z' } } });
    const suspended = await k.request('PATCH', path, { spec: { suspend: true } }, { contentType: MERGE });
    expect(suspended.body).toMatchObject({ metadata: { generation: 2 }, spec: { suspend: true } });
  });
  it('pages a list with limit and continue, every item once, in order', async () => {
    for (const i of [1, 2, 3, 4, 5]) await k.seed({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `page-${i}`, namespace: NS, labels: { paging: 'yes' } }, data: { i: String(i) } });
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const res = await k.request('GET', `/api/v1/namespaces/${NS}/configmaps?labelSelector=paging%3Dyes&limit=2${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      expect(res.status).toBe(200);
      const body = res.body as ListBody & { metadata: { continue?: string } };
      seen.push(...body.items.map((o) => o.metadata.name));
      token = body.metadata.continue ?? '';
      pages++;
    } while (token);
    expect(seen).toEqual(['page-1', 'page-2', 'page-3', 'page-4', 'page-5']);
    expect(pages).toBe(3);
  });

  it('a JSON patch whose test op fails is 422 and changes nothing; dryRun=All writes nothing', async () => {
    const cm = await k.seed({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'guarded', namespace: NS }, data: { v: '1' } });
    const path = `/api/v1/namespaces/${NS}/configmaps/guarded`;
    const stale = await k.request('PATCH', path, [{ op: 'test', path: '/data/v', value: '0' }, { op: 'replace', path: '/data/v', value: '2' }], { contentType: 'application/json-patch+json' });
    expect(stale.status).toBe(422);
    expect(statusOf(stale)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 });
    expect(((await k.request('GET', path)).body as { data: { v: string } }).data.v).toBe('1');
    const ok = await k.request('PATCH', path, [{ op: 'test', path: '/metadata/resourceVersion', value: cm.metadata.resourceVersion }, { op: 'replace', path: '/data/v', value: '2' }], { contentType: 'application/json-patch+json' });
    expect(ok.status).toBe(200);

    const dry = await k.request('POST', `/api/v1/namespaces/${NS}/configmaps?dryRun=All`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'only-a-dream', namespace: NS } });
    expect(dry.status).toBe(201);
    expect((await k.request('GET', `/api/v1/namespaces/${NS}/configmaps/only-a-dream`)).status).toBe(404);
  });
});
