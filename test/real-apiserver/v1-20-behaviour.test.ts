// What a real kube-apiserver v1.20.2 without controllers answers where the lab's simulator
// answers differently (found by running the same requests against both). Recorded here with
// the exact texts, so the lab can be corrected against them; what both already agree on is
// in targets.test.ts. Never skipped: without the binary, beforeAll fails naming build.sh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealApiserver } from '../support/real-apiserver.js';
import type { RealApiserver } from '../support/real-apiserver.js';
import { bootstrapLikeLab } from '../support/real-apiserver/bootstrap.js';
import { apiRequest } from '../support/real-apiserver/http.js';
import type { ApiRequest, ApiResponse } from '../support/real-apiserver/http.js';

interface Meta { name: string; resourceVersion: string; deletionTimestamp?: string; deletionGracePeriodSeconds?: number; finalizers?: string[]; managedFields?: Array<{ operation: string }> }
const MERGE = 'application/merge-patch+json';

describe('real kube-apiserver v1.20.2 where the lab differs', () => {
  let api: RealApiserver;
  const call = (path: string, req: ApiRequest = {}): Promise<ApiResponse> => apiRequest(api.url, api.caPem, path, { token: api.adminToken, ...req });
  const meta = (res: ApiResponse) => (res.body as { metadata: Meta }).metadata;
  const post = async (path: string, body: unknown) => {
    const res = await call(path, { method: 'POST', body });
    expect(res.status, res.text).toBe(201);
    return res;
  };

  beforeAll(async () => {
    api = await startRealApiserver();
    await bootstrapLikeLab(api);
    await post('/api/v1/namespaces', { metadata: { name: 'rec' } });
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
  });

  it('keeps a deleted namespace Terminating (no namespace controller) and refuses new content in it with 403', async () => {
    await post('/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await post('/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'kept' } });
    const deleted = await call('/api/v1/namespaces/doomed', { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ kind: 'Namespace', spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } });
    expect(meta(deleted).deletionTimestamp).toBeTruthy();
    expect((await call('/api/v1/namespaces/doomed')).body).toMatchObject({ status: { phase: 'Terminating' } });
    expect((await call('/api/v1/namespaces/doomed/configmaps/kept')).status).toBe(200);

    const late = await call('/api/v1/namespaces/doomed/configmaps', { method: 'POST', body: { metadata: { name: 'late' } } });
    expect(late.status).toBe(403);
    expect(late.body).toMatchObject({
      reason: 'Forbidden',
      message: 'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
      details: { name: 'late', kind: 'configmaps', causes: [{ reason: 'NamespaceTerminating', message: 'namespace doomed is being terminated', field: 'metadata.namespace' }] },
    });
  });

  it('deletes a pod bound to a node gracefully: Terminating for good (no kubelet) until deleted with gracePeriodSeconds 0', async () => {
    const pods = '/api/v1/namespaces/rec/pods';
    await post(pods, { metadata: { name: 'bound' }, spec: { nodeName: 'k3s-replica-2', containers: [{ name: 'c', image: 'busybox:1' }] } });
    const first = await call(`${pods}/bound`, { method: 'DELETE' });
    expect(first.status).toBe(200);
    expect(meta(first).deletionGracePeriodSeconds).toBe(30);
    expect(meta(first).deletionTimestamp).toBeTruthy();
    expect((await call(`${pods}/bound`)).status).toBe(200);

    const forced = await call(`${pods}/bound`, { method: 'DELETE', body: { gracePeriodSeconds: 0 } });
    expect(forced.status).toBe(200);
    expect(meta(forced).deletionGracePeriodSeconds).toBe(0);
    expect((await call(`${pods}/bound`)).status).toBe(404);

    // Not bound to a node: gone at once, the answer still carries deletionTimestamp and grace 0.
    await post(pods, { metadata: { name: 'unbound' }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } });
    const unbound = await call(`${pods}/unbound`, { method: 'DELETE' });
    expect(meta(unbound).deletionGracePeriodSeconds).toBe(0);
    expect((await call(`${pods}/unbound`)).status).toBe(404);
  });

  it('defaults a new pod: tolerations for not-ready/unreachable nodes, 30 s grace, priority 0, a QoS class', async () => {
    const created = await post('/api/v1/namespaces/rec/pods', { metadata: { name: 'defaults' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } });
    expect(created.body).toMatchObject({
      spec: {
        terminationGracePeriodSeconds: 30, restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', priority: 0,
        enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority',
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        containers: [{ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
      },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    });
    // Server-side apply's field tracking is on every write.
    expect(meta(created).managedFields?.[0]).toMatchObject({ operation: 'Update' });
  });

  it('takes only a policy/v1beta1 Eviction on pods/eviction', async () => {
    await post('/api/v1/namespaces/rec/pods', { metadata: { name: 'evictee' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox:1' }] } });
    const res = await call('/api/v1/namespaces/rec/pods/evictee/eviction', {
      method: 'POST', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evictee', namespace: 'rec' } },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      reason: 'BadRequest',
      message: 'Eviction in version "v1" cannot be handled as a Eviction: no kind "Eviction" is registered for version "policy/v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"',
    });
  });

  it('refuses unknown field selectors on kinds without their own field labels with the generic text', async () => {
    const res = await call('/api/v1/namespaces/rec/configmaps?fieldSelector=spec.foo%3Dx');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ reason: 'BadRequest', message: '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"' });
  });

  it('words a failed delete precondition on resourceVersion with the kind, not the resource', async () => {
    const created = await post('/api/v1/namespaces/rec/configmaps', { metadata: { name: 'guarded' }, data: { a: '1' } });
    const rv = meta(created).resourceVersion;
    const updated = await call('/api/v1/namespaces/rec/configmaps/guarded', { method: 'PATCH', contentType: MERGE, body: { data: { a: '2' } } });
    const res = await call('/api/v1/namespaces/rec/configmaps/guarded', { method: 'DELETE', body: { preconditions: { resourceVersion: rv } } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on ConfigMap "guarded": the ResourceVersion in the precondition (${rv}) does not match the ResourceVersion in record (${meta(updated).resourceVersion}). The object might have been modified`,
      details: { name: 'guarded', kind: 'ConfigMap' },
    });
  });

  it('offers server-side apply but no strategic merge patch for custom resources (415 without details)', async () => {
    await post('/apis/helm.toolkit.fluxcd.io/v2/namespaces/rec/helmreleases', { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'hr' }, spec: { interval: '5m' } });
    const res = await call('/apis/helm.toolkit.fluxcd.io/v2/namespaces/rec/helmreleases/hr', {
      method: 'PATCH', contentType: 'application/strategic-merge-patch+json', body: { metadata: { labels: { a: 'b' } } },
    });
    expect(res.status).toBe(415);
    expect(res.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'UnsupportedMediaType', code: 415,
      message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    });
  });

  it('answers an unknown API group path with a plain-text 404, and an unknown resource of a known group with a Status', async () => {
    const group = await call('/apis/nope.example.com/v1/things');
    expect(group.status).toBe(404);
    expect(String(group.headers['content-type'])).toMatch(/^text\/plain/);
    expect(group.text).toBe('404 page not found\n');
    const resource = await call('/apis/apps/v1/things');
    expect(resource.status).toBe(404);
    expect(resource.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
  });
});
