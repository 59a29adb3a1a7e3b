// Eviction with PodDisruptionBudgets (429 with the real message and DisruptionBudget cause),
// PDB status, and kubectl cordon / uncordon / drain.
import { CoreV1Api, PolicyV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readyNode, runningPod, seed, startKubeFixture } from './fixture.js';
import type { KubeFixture } from './fixture.js';

let f: KubeFixture;
beforeAll(async () => {
  f = await startKubeFixture();
  await seed(f, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ev' } });
  await seed(f, readyNode('e1'));
});
afterAll(async () => { await f.stop(); });

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";
const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-5d9f', uid: '6a1c1a1e-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true };
const pdbStatus = async (name: string, ns = 'ev') => (await f.kc.makeApiClient(PolicyV1Api).readNamespacedPodDisruptionBudget({ name, namespace: ns })).status;
const evict = (name: string, ns = 'ev') => f.request('POST', `/api/v1/namespaces/${ns}/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns } });

describe('eviction subresource', () => {
  test('PDB status counts healthy matching pods', async () => {
    await seed(f, runningPod('api-1', 'e1', { app: 'api' }, { namespace: 'ev', ownerReferences: [rs] }));
    await seed(f, runningPod('api-2', 'e1', { app: 'api' }, { namespace: 'ev', ownerReferences: [rs] }));
    await seed(f, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api', namespace: 'ev' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'api' } } } });
    expect(await pdbStatus('api')).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptionsAllowed: 1 });
  });

  test('an allowed eviction deletes the pod (201 Success); the next one is 429 with the DisruptionBudget cause', async () => {
    const ok = await evict('api-1');
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    expect((await f.request('GET', '/api/v1/namespaces/ev/pods/api-1')).status).toBe(404);
    expect(await pdbStatus('api')).toMatchObject({ currentHealthy: 1, disruptionsAllowed: 0 });

    const blocked = await evict('api-2');
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({
      kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429, message: VIOLATION,
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget api needs 1 healthy pods and has 1 currently' }] },
    });
    expect((await f.request('GET', '/api/v1/namespaces/ev/pods/api-2')).status).toBe(200);
  });

  test('client-node createNamespacedPodEviction sees the same 429', async () => {
    const core = f.kc.makeApiClient(CoreV1Api);
    const err = await core.createNamespacedPodEviction({ name: 'api-2', namespace: 'ev', body: { metadata: { name: 'api-2', namespace: 'ev' } } }).then(() => undefined, (e: { code: number; body: string }) => e);
    expect(err?.code).toBe(429);
    expect(JSON.parse(err!.body).message).toBe(VIOLATION);
  });

  test('Pending pods and pods no PDB covers are evicted without a budget check; unknown pods are 404', async () => {
    await seed(f, { ...runningPod('api-3', 'e1', { app: 'api' }, { namespace: 'ev' }), status: { phase: 'Pending' } });
    expect((await evict('api-3')).status).toBe(201);
    await seed(f, runningPod('lonely', 'e1', { app: 'other' }, { namespace: 'ev' }));
    expect((await evict('lonely')).status).toBe(201);
    const missing = await evict('nobody');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('pods "nobody" not found');
  });

  test('the Eviction name must match the URL; dryRun=All deletes nothing', async () => {
    const res = await f.request('POST', '/api/v1/namespaces/ev/pods/api-2/eviction', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'other' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('name in URL does not match name in Eviction object');
    await seed(f, runningPod('dry', 'e1', {}, { namespace: 'ev' }));
    const dry = await f.request('POST', '/api/v1/namespaces/ev/pods/dry/eviction?dryRun=All', { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'dry' } });
    expect(dry.status).toBe(201);
    expect((await f.request('GET', '/api/v1/namespaces/ev/pods/dry')).status).toBe(200);
  });
});

describe('kubectl cordon, uncordon, drain', () => {
  test('cordon sets spec.unschedulable and uncordon clears it', async () => {
    let r = await f.kubectl(['cordon', 'e1']);
    expect(r.stdout).toContain('node/e1 cordoned');
    expect((await f.request('GET', '/api/v1/nodes/e1')).body.spec.unschedulable).toBe(true);
    expect((await f.kubectl(['get', 'node', 'e1'])).stdout).toMatch(/e1\s+Ready,SchedulingDisabled/);
    r = await f.kubectl(['uncordon', 'e1']);
    expect(r.stdout).toContain('node/e1 uncordoned');
    expect((await f.request('GET', '/api/v1/nodes/e1')).body.spec.unschedulable).toBeUndefined();
  });

  test('drain is blocked by the PDB until it allows a disruption, and skips DaemonSet pods', async () => {
    await seed(f, readyNode('d1'));
    await seed(f, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dr' } });
    const ds = await seed(f, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'dr' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } } } });
    await seed(f, runningPod('agent-x', 'd1', { app: 'agent' }, { namespace: 'dr', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid, controller: true }] }));
    await seed(f, runningPod('db-0', 'd1', { app: 'db' }, { namespace: 'dr', ownerReferences: [{ ...rs, kind: 'StatefulSet', name: 'db' }] }));
    await seed(f, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'dr' }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'db' } } } });

    const blocked = await f.kubectl(['drain', 'd1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=5s']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain(`error when evicting pods/"db-0" -n "dr" (will retry after 5s): ${VIOLATION}`);
    expect(blocked.stderr).toContain('global timeout reached: 5s');
    expect((await f.request('GET', '/api/v1/nodes/d1')).body.spec.unschedulable).toBe(true);

    expect((await f.kubectl(['patch', 'pdb', 'db', '-n', 'dr', '--type=merge', '-p', '{"spec":{"maxUnavailable":1}}'])).code).toBe(0);
    const drained = await f.kubectl(['drain', 'd1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=5s']);
    expect(drained.code).toBe(0);
    expect(drained.stdout).toContain('pod/db-0 evicted');
    expect(drained.stdout).toContain('node/d1 drained');
    expect(drained.stderr).toContain('ignoring DaemonSet-managed Pods: dr/agent-x');
    const left = await f.kubectl(['get', 'pods', '-n', 'dr', '-o', 'name']);
    expect(left.stdout.trim()).toBe('pod/agent-x');
  });
});
