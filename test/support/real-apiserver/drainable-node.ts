// A Ready node with one replica of a two-replica app on it, guarded by a PodDisruptionBudget
// (minAvailable 1) whose status the test writes as the disruption controller would: 2 healthy,
// 1 disruption allowed. v1.20 serves PDBs as policy/v1beta1 only.
import type { Admin } from './admin.js';
import { seedReadyNode } from './nodes.js';

export const DRAIN_NAMESPACE = 'app';

/** Once per server: the namespace and its default ServiceAccount (no controller-manager makes it). */
export async function prepareDrainNamespace(admin: Admin): Promise<void> {
  await admin.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: DRAIN_NAMESPACE } });
  await admin.must('POST', `/api/v1/namespaces/${DRAIN_NAMESPACE}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: DRAIN_NAMESPACE } });
}

export const podPath = (name: string) => `/api/v1/namespaces/${DRAIN_NAMESPACE}/pods/${name}`;

/** Seeds `node` (Ready, `memoryMiB` capacity) and pods `<node>-web-1` on it, `<node>-web-2` elsewhere. */
export async function seedDrainableNode(admin: Admin, node: string, memoryMiB = 2048): Promise<{ onNode: string; elsewhere: string }> {
  const { must } = admin;
  await seedReadyNode(admin, node, { labels: { 'kubernetes.io/hostname': node }, memoryMiB });
  const app = `${node}-web`;
  const names = { onNode: `${app}-1`, elsewhere: `${app}-2` };
  for (const [name, on] of [[names.onNode, node], [names.elsewhere, `${node}-other`]] as const) {
    await must('POST', `/api/v1/namespaces/${DRAIN_NAMESPACE}/pods`, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: DRAIN_NAMESPACE, labels: { app }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-5d4f`, uid: '6c3f1d2e-0000-4000-8000-000000000001', controller: true }] },
      spec: { nodeName: on, containers: [{ name: 'web', image: 'nginx' }] },
    });
    await must('PATCH', `${podPath(name)}/status`, { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, 'application/merge-patch+json');
  }
  const pdbs = `/apis/policy/v1beta1/namespaces/${DRAIN_NAMESPACE}/poddisruptionbudgets`;
  await must('POST', pdbs, { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: app, namespace: DRAIN_NAMESPACE }, spec: { minAvailable: 1, selector: { matchLabels: { app } } } });
  // The disruption controller's part: 2 healthy, 1 required, 1 disruption allowed.
  const pdb = await must('GET', `${pdbs}/${app}`);
  await must('PATCH', `${pdbs}/${app}/status`, { status: { observedGeneration: pdb.metadata.generation, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptionsAllowed: 1, disruptedPods: {} } }, 'application/merge-patch+json');
  return names;
}
