// Eviction with PodDisruptionBudgets (429 with the real message and DisruptionBudget cause), and
// kubectl cordon / uncordon / drain, on the lab and on a real kube-apiserver. Neither runs
// controllers here: the test writes PDB status as the disruption controller would and confirms
// terminating pods as their kubelets would, the same way on both.
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KUBE_BACKENDS, playKubelets, readyNode, runningPod, seed, startKubeFixture, writePdbStatus } from './fixture.js';
import type { KubeFixture } from './fixture.js';

let f: KubeFixture;
describe.each(KUBE_BACKENDS)('%s', (backend) => {
  beforeAll(async () => {
    f = await startKubeFixture(backend);
    await seed(f, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ev' } });
    await seed(f, readyNode('e1'));
  });
  afterAll(async () => { await f?.stop(); });

  const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-5d9f', uid: '6a1c1a1e-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true };
  const pdbStatus = async (name: string, ns = 'ev') => (await f.request('GET', `/apis/${f.policy}/namespaces/${ns}/poddisruptionbudgets/${name}`)).body.status;
  const evict = (name: string, ns = 'ev') => f.request('POST', `/api/v1/namespaces/${ns}/pods/${name}/eviction`, { apiVersion: f.policy, kind: 'Eviction', metadata: { name, namespace: ns } });
  const pdb = (name: string, ns: string, spec: Record<string, unknown>) => ({ apiVersion: f.policy, kind: 'PodDisruptionBudget', metadata: { name, namespace: ns }, spec });

  describe('eviction subresource', () => {
    test('a PDB its controller has not processed yet refuses evictions of the pods it covers', async () => {
      await seed(f, runningPod('api-1', 'e1', { app: 'api' }, { namespace: 'ev', ownerReferences: [rs] }));
      await seed(f, runningPod('api-2', 'e1', { app: 'api' }, { namespace: 'ev', ownerReferences: [rs] }));
      await seed(f, pdb('api', 'ev', { minAvailable: 1, selector: { matchLabels: { app: 'api' } } }));
      const early = await evict('api-1');
      expect(early.status).toBe(429);
      expect(early.body).toMatchObject({ reason: 'TooManyRequests', message: VIOLATION, details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget api is still being processed by the server.' }] } });
      await writePdbStatus(f, 'ev', 'api', { healthy: 2, desired: 1, expected: 2 });
      expect(await pdbStatus('api')).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptionsAllowed: 1 });
    });

    test('an allowed eviction consumes the disruption and marks the pod Terminating (201 Success); the next one is 429 with the DisruptionBudget cause', async () => {
      const ok = await evict('api-1');
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
      // Bound to a node: deleted gracefully, gone only when its kubelet confirms.
      const evicted = await f.request('GET', '/api/v1/namespaces/ev/pods/api-1');
      expect(evicted.body.metadata.deletionTimestamp).toMatch(/Z$/);
      expect(evicted.body.metadata.deletionGracePeriodSeconds).toBe(30);
      const status = await pdbStatus('api');
      expect(status).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0 });
      expect(Object.keys(status.disruptedPods)).toEqual(['api-1']);

      const blocked = await evict('api-2');
      expect(blocked.status).toBe(429);
      expect(blocked.body).toMatchObject({
        kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429, message: VIOLATION,
        details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget api needs 1 healthy pods and has 2 currently' }] },
      });
      expect((await f.request('GET', '/api/v1/namespaces/ev/pods/api-2')).body.metadata.deletionTimestamp).toBeUndefined();
    });

    test('client-node createNamespacedPodEviction sees the same 429', async () => {
      const core = f.kc.makeApiClient(CoreV1Api);
      const err = await core.createNamespacedPodEviction({ name: 'api-2', namespace: 'ev', body: { apiVersion: f.policy, kind: 'Eviction', metadata: { name: 'api-2', namespace: 'ev' } } }).then(() => undefined, (e: { code: number; body: string }) => e);
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
      const res = await f.request('POST', '/api/v1/namespaces/ev/pods/api-2/eviction', { apiVersion: f.policy, kind: 'Eviction', metadata: { name: 'other' } });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('name in URL does not match name in Eviction object');
      await seed(f, runningPod('dry', 'e1', {}, { namespace: 'ev' }));
      const dry = await f.request('POST', '/api/v1/namespaces/ev/pods/dry/eviction?dryRun=All', { apiVersion: f.policy, kind: 'Eviction', metadata: { name: 'dry' } });
      expect(dry.status).toBe(201);
      const pod = await f.request('GET', '/api/v1/namespaces/ev/pods/dry');
      expect(pod.status).toBe(200);
      expect(pod.body.metadata.deletionTimestamp).toBeUndefined();
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

    test('drain is blocked by the PDB until it allows a disruption, waits for the pod to go, and skips DaemonSet pods', async () => {
      await seed(f, readyNode('d1'));
      await seed(f, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dr' } });
      const ds = await seed(f, { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'dr' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } } } });
      await seed(f, runningPod('agent-x', 'd1', { app: 'agent' }, { namespace: 'dr', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid, controller: true }] }));
      await seed(f, runningPod('db-0', 'd1', { app: 'db' }, { namespace: 'dr', ownerReferences: [{ ...rs, kind: 'StatefulSet', name: 'db' }] }));
      await seed(f, pdb('db', 'dr', { maxUnavailable: 0, selector: { matchLabels: { app: 'db' } } }));
      await writePdbStatus(f, 'dr', 'db', { healthy: 1, desired: 1, expected: 1 });

      const blocked = await f.kubectl(['drain', 'd1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=5s']);
      expect(blocked.code).not.toBe(0);
      expect(blocked.stderr).toContain(`error when evicting pods/"db-0" -n "dr" (will retry after 5s): ${VIOLATION}`);
      expect(blocked.stderr).toContain('global timeout reached: 5s');
      expect((await f.request('GET', '/api/v1/nodes/d1')).body.spec.unschedulable).toBe(true);

      expect((await f.kubectl(['patch', 'pdb', 'db', '-n', 'dr', '--type=merge', '-p', '{"spec":{"maxUnavailable":1}}'])).code).toBe(0);
      await writePdbStatus(f, 'dr', 'db', { healthy: 1, desired: 0, expected: 1 });
      const stopKubelets = playKubelets(f, 'dr');
      try {
        const drained = await f.kubectl(['drain', 'd1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=20s']);
        expect(drained.code).toBe(0);
        expect(drained.stdout).toContain('pod/db-0 evicted');
        expect(drained.stdout).toContain('node/d1 drained');
        expect(drained.stderr).toContain('ignoring DaemonSet-managed Pods: dr/agent-x');
      } finally {
        stopKubelets();
      }
      const left = await f.kubectl(['get', 'pods', '-n', 'dr', '-o', 'name']);
      expect(left.stdout.trim()).toBe('pod/agent-x');
    });
  });
});
