import { describe, expect, it } from 'vitest';
import { failedSchedulingMessage } from '../../../src/lab/kubelet/fit.js';
import { syncNodeStatus } from '../../../src/lab/kubelet/node-status.js';
import { syncPodRuntime } from '../../../src/lab/kubelet/pod-runtime.js';
import { syncScheduler } from '../../../src/lab/kubelet/scheduler.js';
import type { KubeObject } from '../../../src/lab/kubelet/types.js';
import { condition, events, harness, node, pod, type Harness } from './harness.js';

function localPv(h: Harness, claim: string, nodeName: string): void {
  const pvc = h.store.create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: 'default' }, spec: { volumeName: `pv-${claim}`, storageClassName: 'local-path' }, status: { phase: 'Bound' } });
  h.store.create({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: `pv-${claim}` },
    spec: { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } }, claimRef: { name: claim, namespace: 'default', uid: pvc.metadata.uid } },
    status: { phase: 'Bound' },
  });
}

/** five nodes like the incident: one dead, one cordoned, two small, one big */
function cluster(): Harness {
  const h = harness();
  h.proxmox.add(101, 2048);
  h.proxmox.add(102, 2048);
  h.proxmox.add(111, 4096, 516);
  h.proxmox.add(112, 4096, 550);
  h.store.create(node('big', 101));
  h.store.create(node('cordoned', 102, { unschedulable: true }));
  h.store.create(node('small-0', 111));
  h.store.create(node('small-1', 112));
  h.store.create(node('dead', 113, { status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2025-08-13T00:00:00Z' }] } }));
  syncNodeStatus(h.ctx);
  return h;
}

const nodeOf = (p: KubeObject | undefined) => (p?.spec as { nodeName?: string } | undefined)?.nodeName;

describe('scheduler', () => {
  it('binds a pending pod to the fitting node with the most free memory, records Scheduled, and the kubelet starts it', () => {
    const h = cluster();
    h.store.create(pod('web', [{ name: 'web', requests: { memory: '300Mi' } }]));
    syncScheduler(h.ctx);
    const bound = h.store.get('v1', 'Pod', 'web', 'default');
    expect(nodeOf(bound)).toBe('big');
    expect(condition(bound, 'PodScheduled')).toMatchObject({ status: 'True' });
    expect(events(h.store, 'Scheduled')[0]?.message).toBe('Successfully assigned default/web to big');
    syncPodRuntime(h.ctx);
    const running = h.store.get('v1', 'Pod', 'web', 'default')!;
    expect((running.status as { phase: string }).phase).toBe('Running');
    expect(condition(running, 'Ready')?.status).toBe('True');
  });

  it('counts the requests already on a node: the next pods go where memory is left, or stay Pending', () => {
    const h = cluster();
    h.store.create(pod('a', [{ name: 'a', requests: { memory: '1500Mi' } }]));
    syncScheduler(h.ctx);
    // big has 1948-1500 = 448Mi left, small-1 450Mi (550Mi balloon target - 100Mi)
    h.store.create(pod('b', [{ name: 'b', requests: { memory: '400Mi' } }]));
    syncScheduler(h.ctx);
    expect(nodeOf(h.store.get('v1', 'Pod', 'a', 'default'))).toBe('big');
    expect(nodeOf(h.store.get('v1', 'Pod', 'b', 'default'))).toBe('small-1');
    h.store.create(pod('c', [{ name: 'c', requests: { memory: '449Mi' } }]));
    syncScheduler(h.ctx);
    const c = h.store.get('v1', 'Pod', 'c', 'default');
    expect(nodeOf(c)).toBeUndefined();
    expect(condition(c, 'PodScheduled')?.message).toMatch(/^0\/5 nodes are available: 1 node\(s\) had untolerated taint \{node.kubernetes.io\/unreachable: \}, 1 node\(s\) were unschedulable, 3 Insufficient memory\./);
  });

  it('takes the largest init container request when it exceeds the sum of the app containers', () => {
    const h = cluster();
    h.store.create(pod('init', [{ name: 'app', requests: { memory: '10Mi' } }], { init: [{ name: 'migrate', requests: { memory: '3Gi' } }] }));
    syncScheduler(h.ctx);
    const p = h.store.get('v1', 'Pod', 'init', 'default');
    expect(nodeOf(p)).toBeUndefined();
    expect(condition(p, 'PodScheduled')?.message).toContain('3 Insufficient memory');
  });

  it('leaves a pod whose volume is pinned to the dead node Pending, with kube-scheduler\'s FailedScheduling message, once', () => {
    const h = cluster();
    localPv(h, 'data', 'dead');
    h.store.create(pod('prometheus-0', [{ name: 'prometheus', requests: { memory: '512Mi' } }], { claims: ['data'] }));
    syncScheduler(h.ctx);
    const p = h.store.get('v1', 'Pod', 'prometheus-0', 'default');
    const message =
      '0/5 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) had volume node affinity conflict, 1 node(s) were unschedulable, 2 Insufficient memory. ' +
      'preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.';
    expect(nodeOf(p)).toBeUndefined();
    expect((p!.status as { phase: string }).phase).toBe('Pending');
    expect(condition(p, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
    syncScheduler(h.ctx);
    expect(events(h.store, 'FailedScheduling').map((e) => [e.type, e.message])).toEqual([['Warning', message]]);
  });

  it('reports a missing claim for every node (VolumeBinding PreFilter)', () => {
    const h = cluster();
    h.store.create(pod('orphan', [{ name: 'x' }], { claims: ['gone'] }));
    syncScheduler(h.ctx);
    expect(condition(h.store.get('v1', 'Pod', 'orphan', 'default'), 'PodScheduled')?.message).toBe(
      '0/5 nodes are available: persistentvolumeclaim "gone" not found. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
    );
  });

  it('provisions an unbound local-path claim on the node the pod lands on', () => {
    const h = cluster();
    h.store.create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'fresh', namespace: 'default' }, spec: { storageClassName: 'local-path', resources: { requests: { storage: '5Gi' } } }, status: { phase: 'Pending' } });
    h.store.create(pod('db-0', [{ name: 'db', requests: { memory: '100Mi' } }], { claims: ['fresh'] }));
    syncScheduler(h.ctx);
    const pvc = h.store.get('v1', 'PersistentVolumeClaim', 'fresh', 'default')!;
    const pvName = (pvc.spec as { volumeName: string }).volumeName;
    const pv = h.store.get('v1', 'PersistentVolume', pvName)!;
    expect((pvc.status as { phase: string }).phase).toBe('Bound');
    expect(pv.metadata.annotations?.['local.path.provisioner/selected-node']).toBe('big');
    expect(JSON.stringify(pv.spec)).toContain('"values":["big"]');
  });

  it('sorts the reason histogram as kube-scheduler does (by the "count reason" string)', () => {
    const msg = failedSchedulingMessage(3, [
      { reason: 'node(s) had volume node affinity conflict', unresolvable: true },
      { reason: 'Insufficient memory', unresolvable: false },
      { reason: 'Insufficient memory', unresolvable: false },
    ]);
    expect(msg).toBe('0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.');
  });
});
