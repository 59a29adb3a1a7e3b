import { describe, expect, it } from 'vitest';
import { syncAll } from '../../../src/lab/kubelet/controllers.js';
import { syncNodeStatus } from '../../../src/lab/kubelet/node-status.js';
import { syncVolumeProtection } from '../../../src/lab/kubelet/volume-protection.js';
import { syncWorkloads } from '../../../src/lab/kubelet/workloads.js';
import { harness, node, pod, type Harness } from './harness.js';

function boundClaim(h: Harness, claim: string, nodeName: string): void {
  const pvc = h.store.create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: 'default', finalizers: ['kubernetes.io/pvc-protection'] }, spec: { volumeName: `pv-${claim}` }, status: { phase: 'Bound' } });
  h.store.create({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `pv-${claim}`, finalizers: ['kubernetes.io/pv-protection'] },
    spec: { persistentVolumeReclaimPolicy: 'Delete', nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } }, claimRef: { name: claim, namespace: 'default', uid: pvc.metadata.uid } },
    status: { phase: 'Bound' },
  });
}

function withDeadNode(): Harness {
  const h = harness();
  h.proxmox.add(101, 2048);
  h.store.create(node('live', 101));
  h.store.create(node('dead', 113, { status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2025-08-13T00:00:00Z' }] } }));
  syncNodeStatus(h.ctx);
  return h;
}

describe('volume protection', () => {
  it('keeps a deleted PV while it is Bound (the incident\'s stuck PV), releases and frees it once its claim is deleted', () => {
    const h = withDeadNode();
    boundClaim(h, 'prometheus-db', 'dead');
    h.store.create(pod('prometheus-0', [{ name: 'p' }], { claims: ['prometheus-db'] })); // Pending: never scheduled
    h.store.delete('v1', 'PersistentVolume', 'pv-prometheus-db');
    syncVolumeProtection(h.ctx);
    expect(h.store.get('v1', 'PersistentVolume', 'pv-prometheus-db')?.metadata.deletionTimestamp).toBeDefined();
    // an unscheduled pod does not hold the claim (pvc-protection ignores pods without a node)
    h.store.delete('v1', 'PersistentVolumeClaim', 'prometheus-db', 'default');
    syncVolumeProtection(h.ctx);
    expect(h.store.get('v1', 'PersistentVolumeClaim', 'prometheus-db', 'default')).toBeUndefined();
    expect((h.store.get('v1', 'PersistentVolume', 'pv-prometheus-db')?.status as { phase: string }).phase).toBe('Released');
    syncVolumeProtection(h.ctx);
    expect(h.store.get('v1', 'PersistentVolume', 'pv-prometheus-db')).toBeUndefined();
  });

  it('keeps a deleted claim while a scheduled pod uses it', () => {
    const h = withDeadNode();
    boundClaim(h, 'data', 'live');
    h.store.create(pod('db-0', [{ name: 'db' }], { claims: ['data'], nodeName: 'live' }));
    h.store.delete('v1', 'PersistentVolumeClaim', 'data', 'default');
    syncVolumeProtection(h.ctx);
    expect(h.store.get('v1', 'PersistentVolumeClaim', 'data', 'default')?.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
  });

  it('does not reclaim a Released local-path PV whose node is dead (the provisioner cannot run there), but does on a live node', () => {
    const h = withDeadNode();
    boundClaim(h, 'on-dead', 'dead');
    boundClaim(h, 'on-live', 'live');
    h.store.delete('v1', 'PersistentVolumeClaim', 'on-dead', 'default');
    h.store.delete('v1', 'PersistentVolumeClaim', 'on-live', 'default');
    for (let i = 0; i < 10 && syncVolumeProtection(h.ctx); i++);
    expect((h.store.get('v1', 'PersistentVolume', 'pv-on-dead')?.status as { phase: string }).phase).toBe('Released');
    expect(h.store.get('v1', 'PersistentVolume', 'pv-on-live')).toBeUndefined();
  });
});

describe('workload controllers', () => {
  it('recreates a deleted StatefulSet pod with a fresh claim, which the scheduler provisions on a live node', () => {
    const h = withDeadNode();
    h.store.create({
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'alertmanager', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'am' } }, template: { metadata: { labels: { app: 'am' } }, spec: { containers: [{ name: 'am', image: 'am:1', resources: { requests: { memory: '100Mi' } } }] } }, volumeClaimTemplates: [{ metadata: { name: 'db' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] },
    });
    syncAll(h.ctx);
    const p = h.store.get('v1', 'Pod', 'alertmanager-0', 'default')!;
    expect((p.spec as { nodeName: string }).nodeName).toBe('live');
    expect((p.status as { phase: string }).phase).toBe('Running');
    const pvc = h.store.get('v1', 'PersistentVolumeClaim', 'db-alertmanager-0', 'default')!;
    expect((pvc.status as { phase: string }).phase).toBe('Bound');
  });

  it('garbage-collects the pods of a deleted node, and the ReplicaSet replaces its pod elsewhere', () => {
    const h = withDeadNode();
    const rs = h.store.create({
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
    });
    const stranded = pod('web-abc-old', [{ name: 'web' }], { nodeName: 'dead' });
    stranded.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: rs.metadata.uid, controller: true }];
    h.store.create(stranded);
    expect(syncWorkloads(h.ctx)).toBe(false);
    h.store.delete('v1', 'Node', 'dead');
    syncAll(h.ctx);
    const pods = h.store.list('v1', 'Pod', { namespace: 'default' });
    expect(pods.map((p) => (p.spec as { nodeName?: string }).nodeName)).toEqual(['live']);
    expect(pods[0]?.metadata.name).toMatch(/^web-abc-[a-z0-9]{5}$/);
  });
});
