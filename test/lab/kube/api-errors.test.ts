// Auth, health, discovery and the error Status shapes, through client-node, raw HTTPS and kubectl.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, SchedulingV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderKubeconfig } from '../../../src/lab/kube/kubeconfig.js';
import { KUBE_BACKENDS, startKubeFixture } from './fixture.js';
import type { KubeFixture } from './fixture.js';

let f: KubeFixture;
describe.each(KUBE_BACKENDS)('%s', (backend) => {
  beforeAll(async () => { f = await startKubeFixture(backend); });
  afterAll(async () => { await f?.stop(); });

  /** The Status body of a client-node ApiException. */
  async function statusOf(p: Promise<unknown>): Promise<{ code: number; body: any }> {
    try {
      await p;
    } catch (e) {
      const err = e as { code?: number; body?: unknown };
      return { code: err.code ?? 0, body: typeof err.body === 'string' ? JSON.parse(err.body) : err.body };
    }
    throw new Error('expected the call to fail');
  }

  describe('authentication and health', () => {
    test('a request without the bearer token gets a 401 Status', async () => {
      const res = await f.request('GET', '/api/v1/nodes', undefined, { token: null });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      const wrong = await f.request('GET', '/api/v1/nodes', undefined, { token: 'not-the-token' });
      expect(wrong.status).toBe(401);
    });

    test('kubectl with a wrong token says it must be logged in', async () => {
      const path = join(f.dir, 'bad-kubeconfig');
      await writeFile(path, renderKubeconfig({ server: f.url, caPem: f.caPem, token: 'wrong' }));
      const r = await f.kubectl(['--kubeconfig', path, 'get', 'nodes']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('error: You must be logged in to the server');
    });

    test('health endpoints and /version answer', async () => {
      for (const p of ['/readyz', '/livez', '/healthz']) expect((await f.request('GET', p)).text).toBe('ok');
      const v = await f.request('GET', '/version');
      // The lab says it is k3s 1.32; the real server here is the v1.20.2 Debian builds.
      expect(v.body).toMatchObject({ major: '1', minor: backend === 'lab' ? '32' : '20' });
      const r = await f.kubectl(['version', '-o', 'json']);
      expect(JSON.parse(r.stdout).serverVersion.gitVersion).toBe(v.body.gitVersion);
    });
  });

  describe('discovery', () => {
    test('core v1 lists pods/eviction with the policy version served (v1 on 1.32, v1beta1 on 1.20), as kubectl drain looks for it', async () => {
      const res = await f.request('GET', '/api/v1');
      expect(res.body.kind).toBe('APIResourceList');
      const eviction = res.body.resources.find((r: { name: string }) => r.name === 'pods/eviction');
      expect(eviction).toMatchObject({ kind: 'Eviction', group: 'policy', version: f.policy.split('/')[1], verbs: ['create'] });
      expect(res.body.resources.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['nodes', 'nodes/status', 'pods', 'pods/status', 'persistentvolumes', 'events']));
    });

    test('an aggregated-discovery Accept header gets the plain APIGroupList', async () => {
      const res = await f.request('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
      expect(res.body.kind).toBe('APIGroupList');
      const names = res.body.groups.map((g: { name: string }) => g.name);
      expect(names).toEqual(expect.arrayContaining(['apps', 'policy', 'scheduling.k8s.io', 'coordination.k8s.io', 'helm.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io', 'source.toolkit.fluxcd.io']));
      const group = await f.request('GET', '/apis/policy');
      expect(group.body).toMatchObject({ kind: 'APIGroup', name: 'policy', preferredVersion: { groupVersion: backend === 'lab' ? 'policy/v1' : 'policy/v1beta1' } });
    });

    test('kubectl api-resources resolves every served type', async () => {
      const r = await f.kubectl(['api-resources', '-o', 'name']);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['nodes', 'pods', 'poddisruptionbudgets.policy', 'priorityclasses.scheduling.k8s.io', 'leases.coordination.k8s.io', 'helmreleases.helm.toolkit.fluxcd.io', 'kustomizations.kustomize.toolkit.fluxcd.io']));
    });

    test('an unknown resource of a served group is a 404 Status; an unknown group is the plain mux 404', async () => {
      for (const path of ['/api/v1/nopes', `/apis/${f.policy}/nopes`, '/api/v2/pods']) {
        const res = await f.request('GET', path);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', message: 'the server could not find the requested resource', details: {}, code: 404 });
      }
      const group = await f.request('GET', '/apis/nope.example.com/v1/things');
      expect(group.status).toBe(404);
      expect(group.text).toBe('404 page not found\n');
    });
  });

  describe('error shapes', () => {
    const core = () => f.kc.makeApiClient(CoreV1Api);

    test('404 NotFound names the plural resource and its group', async () => {
      const node = await statusOf(core().readNode({ name: 'ghost' }));
      expect(node.code).toBe(404);
      expect(node.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'nodes "ghost" not found', details: { name: 'ghost', kind: 'nodes' } });
      const pdb = await f.request('GET', `/apis/${f.policy}/namespaces/default/poddisruptionbudgets/x`);
      expect(pdb.body).toMatchObject({ message: 'poddisruptionbudgets.policy "x" not found', details: { group: 'policy', kind: 'poddisruptionbudgets' } });
      const r = await f.kubectl(['get', 'node', 'ghost']);
      expect(r.stderr).toContain('Error from server (NotFound): nodes "ghost" not found');
    });

    test('creating in a missing namespace is 404 namespaces "x" not found', async () => {
      const res = await statusOf(core().createNamespacedConfigMap({ namespace: 'nowhere', body: { metadata: { name: 'c' } } }));
      expect(res.code).toBe(404);
      expect(res.body.message).toBe('namespaces "nowhere" not found');
    });

    test('409 AlreadyExists on a second create', async () => {
      await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'twice' }, data: { a: '1' } } });
      const res = await statusOf(core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'twice' } } }));
      expect(res.code).toBe(409);
      expect(res.body).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "twice" already exists', details: { name: 'twice', kind: 'configmaps' } });
    });

    test('409 Conflict on an update with a stale resourceVersion', async () => {
      const cm = await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'racy' }, data: { v: '1' } } });
      await core().replaceNamespacedConfigMap({ name: 'racy', namespace: 'default', body: { ...cm, data: { v: '2' } } });
      const res = await statusOf(core().replaceNamespacedConfigMap({ name: 'racy', namespace: 'default', body: { ...cm, data: { v: '3' } } }));
      expect(res.code).toBe(409);
      expect(res.body).toMatchObject({
        reason: 'Conflict',
        message: 'Operation cannot be fulfilled on configmaps "racy": the object has been modified; please apply your changes to the latest version and try again',
      });
      expect((await core().readNamespacedConfigMap({ name: 'racy', namespace: 'default' })).data).toEqual({ v: '2' });
    });

    test('422 Invalid for a PriorityClass with the reserved system- prefix or too high a value', async () => {
      const sched = f.kc.makeApiClient(SchedulingV1Api);
      const res = await statusOf(sched.createPriorityClass({ body: { metadata: { name: 'system-mine' }, value: 1000 } }));
      expect(res.code).toBe(422);
      expect(res.body).toMatchObject({
        reason: 'Invalid',
        message: `PriorityClass.scheduling.k8s.io "system-mine" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class`,
        details: { name: 'system-mine', group: 'scheduling.k8s.io', kind: 'PriorityClass', causes: [{ reason: 'FieldValueForbidden', field: 'metadata.name' }] },
      });
      const high = await statusOf(sched.createPriorityClass({ body: { metadata: { name: 'too-high' }, value: 1_000_000_001 } }));
      expect(high.body.message).toBe('PriorityClass.scheduling.k8s.io "too-high" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000');
      const ok = await sched.createPriorityClass({ body: { metadata: { name: 'workload-high' }, value: 1_000_000_000 } });
      expect(ok.preemptionPolicy).toBe('PreemptLowerPriority');
    });

    test('an invalid object name is 422 with the RFC 1123 message', async () => {
      const res = await statusOf(core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Bad_Name' } } }));
      expect(res.code).toBe(422);
      expect(res.body.message).toMatch(/^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    });

    test('server-side apply without a fieldManager is 422 on PatchOptions', async () => {
      const res = await f.request('PATCH', '/api/v1/namespaces/default', 'metadata: {}', { contentType: 'application/apply-patch+yaml' });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ reason: 'Invalid', message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', details: { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', field: 'fieldManager' }] } });
    });
  });

  describe('server-managed fields and dry runs', () => {
    test('generateName, uid, creationTimestamp, resourceVersion and generation are assigned', async () => {
      const cm = await f.kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'gen-', uid: 'mine' } } });
      expect(cm.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
      expect(cm.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(cm.metadata?.resourceVersion).toMatch(/^\d+$/);
      expect(cm.metadata?.creationTimestamp).toBeInstanceOf(Date);
    });

    test('dryRun=All validates and answers but persists nothing', async () => {
      const res = await f.request('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } });
      expect(res.status).toBe(201);
      expect(res.body.metadata.name).toBe('dry');
      expect((await f.request('GET', '/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
      const cm = await f.request('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'wet' }, data: { a: '1' } });
      const put = await f.request('PUT', '/api/v1/namespaces/default/configmaps/wet?dryRun=All', { ...cm.body, data: { a: '2' } });
      expect(put.body.data).toEqual({ a: '2' });
      const patch = await f.request('PATCH', '/api/v1/namespaces/default/configmaps/wet?dryRun=All', { data: { a: '3' } }, { contentType: 'application/merge-patch+json' });
      expect(patch.body.data).toEqual({ a: '3' });
      expect((await f.request('DELETE', '/api/v1/namespaces/default/configmaps/wet?dryRun=All')).status).toBe(200);
      const after = await f.request('GET', '/api/v1/namespaces/default/configmaps/wet');
      expect(after.body.data).toEqual({ a: '1' });
      expect(after.body.metadata.resourceVersion).toBe(cm.body.metadata.resourceVersion);
      const bad = await f.request('POST', '/apis/scheduling.k8s.io/v1/priorityclasses?dryRun=All', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'system-dry' }, value: 1 });
      expect(bad.status).toBe(422);
    });
  });
});

// What the lab leaves out on purpose: server-side apply (nothing in runbook uses it). It says so
// at once instead of pretending; a real server would apply the patch.
describe('lab only: server-side apply', () => {
  let lab: KubeFixture;
  beforeAll(async () => { lab = await startKubeFixture('lab'); });
  afterAll(async () => { await lab?.stop(); });

  test('an apply patch with a fieldManager is an unsupported media type (415)', async () => {
    const res = await lab.request('PATCH', '/api/v1/namespaces/default?fieldManager=kubectl', 'metadata: {}', { contentType: 'application/apply-patch+yaml' });
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ reason: 'UnsupportedMediaType' });
  });
});
