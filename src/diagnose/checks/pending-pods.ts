// pod.pending: pods the scheduler cannot place, with its reason (PodScheduled condition or the
// latest FailedScheduling event) broken into parts, and where their claims' volumes are pinned
// (the incident: monitoring's volumes on the dead k3s-replica-2). purge-dead-node's `pvc`
// globs are matched against claim names (steps/k8s/node-volumes.ts), so names are given bare.
import type { KubeObject } from '../../adapters/ports.js';
import { LESSONS, RUNBOOKS } from '../lessons.js';
import { claimPinnedNode, pvcKey } from '../node-facts.js';
import { conditionOf, eventOf, nsName, objectName, podSpec, podStatus } from '../objects.js';
import type { Check, Finding } from '../types.js';
import { nodeVms, suggestedMemoryMiB } from '../vm-facts.js';

/** "0/6 nodes are available: 1 node(s) had untolerated taint {...}, 2 Insufficient memory, ..." -> parts. */
export function schedulingReasons(message: string): string[] {
  const m = /nodes are available: (.*?)(?:\. preemption:|$)/s.exec(message);
  if (!m) return message ? [message.trim()] : [];
  return m[1]!
    .replace(/\s+/g, ' ')
    .replace(/\{[^}]*\}/g, (t) => t.replace(/,/g, ';'))
    .split(',')
    .map((s) => s.trim().replace(/\.$/, ''))
    .filter(Boolean);
}

function schedulingMessage(pod: KubeObject, events: readonly KubeObject[]): string | undefined {
  const failed = events
    .map(eventOf)
    .filter((e) => e.reason === 'FailedScheduling' && e.involvedObject?.kind === 'Pod' && e.involvedObject.name === pod.metadata.name && e.involvedObject.namespace === pod.metadata.namespace)
    .sort((a, b) => Date.parse(b.lastTimestamp ?? b.eventTime ?? '') - Date.parse(a.lastTimestamp ?? a.eventTime ?? ''));
  return failed[0]?.message ?? conditionOf(pod, 'PodScheduled')?.message;
}

export const pendingPods: Check = ({ snap }) => {
  const out: Finding[] = [];
  const claims = new Map(snap.pvcs.map((c) => [pvcKey(c.metadata.namespace, c.metadata.name), c]));
  const nodes = new Map(snap.nodes.map((n) => [n.metadata.name, n]));
  const ballooned = nodeVms(snap).filter((nv) => nv.memory.balloon !== 0);
  for (const pod of snap.pods) {
    if (podStatus(pod).phase !== 'Pending' || podSpec(pod).nodeName) continue;
    const scheduled = conditionOf(pod, 'PodScheduled');
    if (scheduled?.status === 'True') continue;
    const message = schedulingMessage(pod, snap.events) ?? 'not scheduled yet';
    const reasons = schedulingReasons(message);
    const pinned: { pvc: KubeObject; node: string }[] = [];
    for (const v of podSpec(pod).volumes ?? []) {
      const pvc = v.persistentVolumeClaim && claims.get(pvcKey(pod.metadata.namespace, v.persistentVolumeClaim.claimName));
      const node = pvc && claimPinnedNode(pvc, snap.pvs);
      if (pvc && node) pinned.push({ pvc, node });
    }
    const onDeadNode = pinned.filter((p) => {
      const node = nodes.get(p.node);
      return !node || conditionOf(node, 'Ready')?.status !== 'True';
    });
    const memory = reasons.some((r) => /Insufficient memory/.test(r));
    let fix: Finding['fix'];
    if (onDeadNode[0]) fix = { runbook: RUNBOOKS.purgeDeadNode, params: { node: onDeadNode[0].node, pvc: onDeadNode.filter((p) => p.node === onDeadNode[0]!.node).map((p) => p.pvc.metadata.name) } };
    else if (memory && ballooned[0]) fix = { runbook: RUNBOOKS.fixBallooning, params: { nodes: ballooned.map((nv) => nv.node.metadata.name), memory: suggestedMemoryMiB(snap, ballooned[0]) } };
    out.push({
      id: `pending:${nsName(pod)}`,
      check: 'pod.pending',
      severity: 'warning',
      title: `${nsName(pod)} Pending: ${onDeadNode.length ? `its volume is pinned to ${onDeadNode[0]!.node}` : (reasons[0] ?? message)}`,
      objects: [objectName(pod), ...pinned.map((p) => objectName(p.pvc))],
      evidence: [
        ...reasons,
        ...pinned.map((p) => `pvc ${nsName(p.pvc)} pinned to node ${p.node}${onDeadNode.includes(p) ? ' (not Ready)' : ''}`),
      ],
      lesson: LESSONS.pending,
      ...(fix ? { fix } : {}),
    });
  }
  return out;
};
