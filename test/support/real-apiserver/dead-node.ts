// purge-dead-node's situation on a real apiserver (incident-k3s-memory-2025-08): a node dead for
// two days with a pod still bound to it, a local-path volume pinned to it (the apiserver's
// StorageObjectInUseProtection admission puts the protection finalizers on the PV and claim,
// and no controller here ever removes them), its k3s node-password secret, and the
// StatefulSet's replacement pod already re-created and Pending on that claim. The Node carries
// the finalizer k3s puts on every Node (wrangler.cattle.io/node); no k3s runs here, so the test
// plays k3s's node controller (k3s-io/k3s pkg/node/controller.go), as it plays the scheduler.
import { auditedRequests, hasRequested } from './audit.js';
import type { Admin } from './admin.js';
import { playLoop } from './controller-loop.js';
import { K3S_NODE_FINALIZER, nodePasswordSecretName } from '../../../src/k3s-facts.js';

export const NAMESPACE = 'monitoring';

/** Once per server: the namespace and its default ServiceAccount (no controller-manager makes it). */
export async function prepareDeadNodeNamespace(admin: Admin): Promise<void> {
  await admin.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  await admin.must('POST', `/api/v1/namespaces/${NAMESPACE}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: NAMESPACE } });
}

export const deadNodeObjects = (name: string) => ({
  node: `/api/v1/nodes/${name}`,
  pv: `/api/v1/persistentvolumes/pvc-${name}`,
  pvc: `/api/v1/namespaces/${NAMESPACE}/persistentvolumeclaims/data-${name}`,
  boundPod: `/api/v1/namespaces/${NAMESPACE}/pods/agent-${name}`,
  pendingPod: `/api/v1/namespaces/${NAMESPACE}/pods/prometheus-${name}`,
  secret: `/api/v1/namespaces/kube-system/secrets/${name}.node-password.k3s`,
});

export async function seedDeadNode(admin: Admin, name: string): Promise<void> {
  const { must } = admin;
  const longAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
  await must('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, finalizers: [K3S_NODE_FINALIZER] } });
  await must('PATCH', `/api/v1/nodes/${name}/status`, { status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: longAgo, lastTransitionTime: longAgo }] } }, 'application/merge-patch+json');
  const pv = `pvc-${name}`;
  const claim = `data-${name}`;
  await must('POST', '/api/v1/persistentvolumes', {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: pv, annotations: { 'local.path.provisioner/selected-node': name } },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: `/var/lib/rancher/k3s/storage/${pv}` },
      claimRef: { namespace: NAMESPACE, name: claim },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [name] }] }] } } },
  });
  await must('POST', `/api/v1/namespaces/${NAMESPACE}/persistentvolumeclaims`, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: NAMESPACE }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', volumeName: pv, resources: { requests: { storage: '1Gi' } } } });
  await must('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `agent-${name}`, namespace: NAMESPACE }, spec: { nodeName: name, containers: [{ name: 'a', image: 'busybox' }] } });
  await must('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `prometheus-${name}`, namespace: NAMESPACE, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: `prometheus-${name}`, uid: '6c3f1d2e-0000-4000-8000-0000000000aa', controller: true }] },
    spec: { containers: [{ name: 'p', image: 'prom/prometheus' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] },
  });
  await must('POST', '/api/v1/namespaces/kube-system/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${name}.node-password.k3s`, namespace: 'kube-system' }, stringData: { hash: 'not-a-real-hash' } });
}

/**
 * Plays the scheduler (no scheduler runs here): binds a Pending pod to a live node once its old
 * claim is gone, and only after one of `users` has read it (the audit log shows the run's wait
 * began: it reads, then watches from that resourceVersion, so the binding is never missed).
 * Binding earlier would let the wait end on its first read, and whether it needs `watch pods`
 * would depend on timing. (A watch's own audit line is only written when it ends.)
 */
export function playScheduler(admin: Admin, auditLogPath: string, users: () => string[]): () => Promise<void> {
  return playLoop(async () => {
    const pods = (await admin.call('GET', `/api/v1/namespaces/${NAMESPACE}/pods`)).body?.items ?? [];
    for (const p of pods as { metadata: { name: string }; spec: { nodeName?: string; volumes?: { persistentVolumeClaim?: { claimName: string } }[] } }[]) {
      const claim = p.spec.volumes?.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
      if (p.spec.nodeName || !claim) continue;
      if ((await admin.call('GET', `/api/v1/namespaces/${NAMESPACE}/persistentvolumeclaims/${claim}`)).status !== 404) continue;
      const ref = { resource: 'pods', namespace: NAMESPACE, name: p.metadata.name };
      if (!users().some((u) => hasRequested(auditLogPath, u, 'get', ref))) continue;
      await admin.must('POST', `/api/v1/namespaces/${NAMESPACE}/pods/${p.metadata.name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: p.metadata.name, namespace: NAMESPACE }, target: { apiVersion: 'v1', kind: 'Node', name: 'live-1' } });
    }
  });
}

/**
 * Plays k3s's node controller for a deleted Node: removes its node-password secret, then its
 * finalizer (CoreDNS is not deployed here: upstream only warns then). It acts only after one of
 * `users` has read the Node since deleting it (the run's wait: a get, then a watch from that
 * resourceVersion), so the wait always sees the Node Terminating first and then goes, on every
 * run: whether it needs `watch nodes` never depends on timing.
 */
export function playK3sNodeController(admin: Admin, auditLogPath: string, users: () => string[]): () => Promise<void> {
  return playLoop(async () => {
    const nodes = (await admin.call('GET', '/api/v1/nodes')).body?.items ?? [];
    for (const n of nodes as { metadata: { name: string; deletionTimestamp?: string; finalizers?: string[]; resourceVersion: string } }[]) {
      const { name, deletionTimestamp, finalizers = [] } = n.metadata;
      if (!deletionTimestamp || !finalizers.includes(K3S_NODE_FINALIZER)) continue;
      const seen = users().some((u) => {
        const deleted = auditedRequests(auditLogPath, u).find((r) => r.verb === 'delete' && r.resource === 'nodes' && r.name === name);
        return deleted !== undefined && hasRequested(auditLogPath, u, 'get', { resource: 'nodes', name }, deleted.receivedMs);
      });
      if (!seen) continue;
      const secret = await admin.call('DELETE', `/api/v1/namespaces/kube-system/secrets/${nodePasswordSecretName(name)}`);
      if (secret.status !== 200 && secret.status !== 404) throw new Error(`deleting the node-password secret of ${name}: ${secret.status}`);
      const patched = await admin.call('PATCH', `/api/v1/nodes/${name}`, [
        { op: 'test', path: '/metadata/resourceVersion', value: n.metadata.resourceVersion },
        { op: 'replace', path: '/metadata/finalizers', value: finalizers.filter((f) => f !== K3S_NODE_FINALIZER) },
      ], 'application/json-patch+json');
      // a Node changed since the read (the test op refused): the next tick tries again
      if (patched.status >= 300 && patched.status !== 409 && patched.status !== 422) throw new Error(`removing ${K3S_NODE_FINALIZER} from ${name}: ${patched.status}`);
    }
  });
}
