// drain-node on a real kube-apiserver v1.20 with exactly the ClusterRole `runbook rbac` derives:
// that server serves PodDisruptionBudget and Eviction only as policy/v1beta1, so this proves the
// adapter's version fallback (as kubectl drain does it) and the derived permissions together.
// The test plays the two missing controllers: the disruption controller (PDB status) and the
// kubelet (a pod with a deletionTimestamp is confirmed gone).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startRealApiserver, type RealApiserver } from '../support/real-apiserver.js';
import { adminOf, type Admin } from '../support/real-apiserver/admin.js';

let api: RealApiserver;
let admin: Admin;
let kubelet: NodeJS.Timeout | undefined;

beforeAll(async () => {
  api = await startRealApiserver();
  admin = adminOf(api);
  const { must } = admin;
  await must('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1' } });
  await must('PATCH', '/api/v1/nodes/worker-1/status', { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] } }, 'application/merge-patch+json');
  await must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } });
  await must('POST', '/api/v1/namespaces/app/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'app' } });
  for (const name of ['web-1', 'web-2']) {
    await must('POST', '/api/v1/namespaces/app/pods', {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: 'app', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f', uid: '6c3f1d2e-0000-4000-8000-000000000001', controller: true }] },
      spec: { nodeName: name === 'web-1' ? 'worker-1' : 'worker-2', containers: [{ name: 'web', image: 'nginx' }] },
    });
    await must('PATCH', `/api/v1/namespaces/app/pods/${name}/status`, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, 'application/merge-patch+json');
  }
  await must('POST', '/apis/policy/v1beta1/namespaces/app/poddisruptionbudgets', { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'app' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
  // The disruption controller's part: 2 healthy, 1 required, 1 disruption allowed.
  const pdb = await must('GET', '/apis/policy/v1beta1/namespaces/app/poddisruptionbudgets/web');
  await must('PATCH', '/apis/policy/v1beta1/namespaces/app/poddisruptionbudgets/web/status', { status: { observedGeneration: pdb.metadata.generation, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptionsAllowed: 1, disruptedPods: {} } }, 'application/merge-patch+json');
  // The kubelet's part: a pod asked to terminate is confirmed gone.
  kubelet = setInterval(() => {
    void admin.call('GET', '/api/v1/namespaces/app/pods').then(async (r) => {
      for (const p of (r.body?.items ?? []) as { metadata: { name: string; deletionTimestamp?: string } }[]) {
        if (p.metadata.deletionTimestamp) await admin.call('DELETE', `/api/v1/namespaces/app/pods/${p.metadata.name}?gracePeriodSeconds=0`);
      }
    });
  }, 200);
}, 120_000);

afterAll(async () => {
  if (kubelet) clearInterval(kubelet);
  await api?.stop();
});

describe('drain-node on a real kube-apiserver v1.20 (policy/v1beta1 only), least privilege', () => {
  it('cordons, evicts through the v1beta1 Eviction respecting the PDB, and waits until the pod is gone, with only the derived ClusterRole', async () => {
    const user = api.spareTokens[0]!;
    await admin.grant('drain-node', user.user);
    const r = await runCli(['--state-dir', mkdtempSync(join(tmpdir(), 'drain-real-')), 'run', 'drain-node', '--node', 'worker-1', '--yes', '--timeout', '20s'], { env: { KUBECONFIG: api.kubeconfigFor(user.token) }, timeoutMs: 60_000 });
    expect(r.stdout.slice(-600)).toMatch(/succeeded: 2 step\(s\) applied/);
    expect(r.code).toBe(0);
    expect((await admin.call('GET', '/api/v1/nodes/worker-1')).body.spec.unschedulable).toBe(true);
    expect((await admin.call('GET', '/api/v1/namespaces/app/pods/web-1')).status).toBe(404);
    expect((await admin.call('GET', '/api/v1/namespaces/app/pods/web-2')).status).toBe(200);
  }, 60_000);
});
