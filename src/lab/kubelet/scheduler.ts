// A default-scheduler stand-in: binds Pending pods without a node to a node that passes the
// filters in fit.ts, preferring the one with the most free memory (NodeResourcesFit's
// LeastAllocated), name as tie-break so runs are deterministic. Pods that fit nowhere stay
// Pending with PodScheduled=False/Unschedulable and a FailedScheduling warning.
import { mutateIfChanged, setCondition, type Condition } from './apply.js';
import { emitEvent } from './events.js';
import { failedSchedulingMessage, filterNode, podPrefilter, type ClusterView, type NodeVerdict } from './fit.js';
import { allocatableMiB } from './node-model.js';
import { claimNames, isTerminal, podRequest, podSpec } from './pod-model.js';
import { rfc3339 } from './time.js';
import type { ControllerContext, KubeObject } from './types.js';

const COMPONENT = 'default-scheduler';

function buildView(ctx: ControllerContext): ClusterView {
  const nodes = ctx.store.list('v1', 'Node').filter((n) => !n.metadata.deletionTimestamp);
  const podsByNode = new Map<string, KubeObject[]>();
  for (const pod of ctx.store.list('v1', 'Pod')) {
    const nodeName = podSpec(pod).nodeName;
    if (!nodeName || isTerminal(pod)) continue;
    podsByNode.set(nodeName, [...(podsByNode.get(nodeName) ?? []), pod]);
  }
  return { nodes, podsByNode, pvcs: ctx.store.list('v1', 'PersistentVolumeClaim'), pvs: ctx.store.list('v1', 'PersistentVolume') };
}

function freeMemory(node: KubeObject, view: ClusterView): number {
  const used = (view.podsByNode.get(node.metadata.name) ?? []).reduce((a, p) => a + podRequest(p, 'memory'), 0);
  return allocatableMiB(node) * 2 ** 20 - used;
}

/** local-path's WaitForFirstConsumer: an unbound claim gets a PV pinned to the chosen node. */
function provisionClaims(ctx: ControllerContext, pod: KubeObject, nodeName: string): void {
  for (const claim of claimNames(pod)) {
    const pvc = ctx.store.get('v1', 'PersistentVolumeClaim', claim, pod.metadata.namespace);
    if (!pvc || (pvc.spec as { volumeName?: string }).volumeName) continue;
    const pvName = `pvc-${pvc.metadata.uid ?? claim}`;
    const spec = pvc.spec as { resources?: { requests?: { storage?: string } }; accessModes?: string[]; storageClassName?: string };
    ctx.store.create({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { 'local.path.provisioner/selected-node': nodeName, 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' }, finalizers: ['kubernetes.io/pv-protection'] },
      spec: {
        capacity: { storage: spec.resources?.requests?.storage ?? '1Gi' },
        accessModes: spec.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: spec.storageClassName ?? 'local-path',
        hostPath: { path: `/var/lib/rancher/k3s/storage/${pvName}_${pod.metadata.namespace}_${claim}`, type: 'DirectoryOrCreate' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim, namespace: pod.metadata.namespace, uid: pvc.metadata.uid },
      },
      status: { phase: 'Bound' },
    });
    ctx.store.mutate('v1', 'PersistentVolumeClaim', claim, pod.metadata.namespace, (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, 'volume.kubernetes.io/selected-node': nodeName, 'pv.kubernetes.io/bind-completed': 'yes' };
      o.spec = { ...(o.spec as object), volumeName: pvName };
      o.status = { ...(o.status as object), phase: 'Bound', accessModes: spec.accessModes ?? ['ReadWriteOnce'], capacity: { storage: spec.resources?.requests?.storage ?? '1Gi' } };
    });
  }
}

function scheduleOne(ctx: ControllerContext, pod: KubeObject, view: ClusterView): boolean {
  const nowIso = rfc3339(ctx.now());
  const prefilter = podPrefilter(pod, view);
  const verdicts: NodeVerdict[] = [];
  let best: KubeObject | undefined;
  if (!prefilter) {
    for (const node of view.nodes) {
      const v = filterNode(pod, node, view);
      if (v) verdicts.push(v);
      else if (!best || freeMemory(node, view) > freeMemory(best, view)) best = node;
    }
  }
  if (best) {
    const nodeName = best.metadata.name;
    provisionClaims(ctx, pod, nodeName);
    ctx.store.mutate('v1', 'Pod', pod.metadata.name, pod.metadata.namespace, (p) => {
      (p.spec as Record<string, unknown>).nodeName = nodeName;
      const status = (p.status ??= {}) as { conditions?: Condition[] };
      status.conditions = setCondition(status.conditions ?? [], { type: 'PodScheduled', status: 'True', lastProbeTime: null }, nowIso).map(stripReason('PodScheduled'));
    });
    const bound = ctx.store.get('v1', 'Pod', pod.metadata.name, pod.metadata.namespace) ?? pod;
    view.podsByNode.set(nodeName, [...(view.podsByNode.get(nodeName) ?? []), bound]);
    ctx.store.recordEvent(bound, { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`, component: COMPONENT });
    return true;
  }
  const message = failedSchedulingMessage(view.nodes.length, verdicts, prefilter);
  const previous = ((pod.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  const wrote = mutateIfChanged(ctx.store, pod, (p) => {
    const status = (p.status ??= {}) as { phase?: string; conditions?: Condition[] };
    status.phase = 'Pending';
    status.conditions = setCondition(status.conditions ?? [], { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null }, nowIso);
  });
  if (previous?.message !== message) emitEvent(ctx, pod, { type: 'Warning', reason: 'FailedScheduling', message, component: COMPONENT });
  return wrote;
}

function stripReason(type: string) {
  return (c: Condition): Condition => {
    if (c.type !== type) return c;
    const { reason: _r, message: _m, ...rest } = c;
    return rest;
  };
}

/** One scheduling pass over every unbound pod, oldest first. */
export function syncScheduler(ctx: ControllerContext): boolean {
  const view = buildView(ctx);
  const pending = ctx.store
    .list('v1', 'Pod')
    .filter((p) => !podSpec(p).nodeName && !p.metadata.deletionTimestamp && !isTerminal(p))
    .sort((a, b) => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) || a.metadata.name.localeCompare(b.metadata.name));
  let changed = false;
  for (const pod of pending) changed = scheduleOne(ctx, pod, view) || changed;
  return changed;
}
