// object.stuck-terminating: objects deleted a while ago that stay because of finalizers
// (the incident's PV held by kubernetes.io/pv-protection after its node was gone).
import type { KubeObject } from '../../adapters/ports.js';
import { stuckFinalizers } from '../../k3s-facts.js';
import { pvPinnedNode } from '../../kube-facts.js';
import { LESSONS, RUNBOOKS } from '../lessons.js';
import { claimPinnedNode } from '../node-facts.js';
import { ageMs, conditionOf, formatDuration, objectName, podSpec } from '../objects.js';
import type { Check, Finding } from '../types.js';

/** Deletion younger than this is still in progress, not stuck. */
const STUCK_AFTER_MS = 2 * 60_000;

function nodeOf(obj: KubeObject, pvs: readonly KubeObject[]): string | undefined {
  if (obj.kind === 'PersistentVolume') return pvPinnedNode(obj);
  if (obj.kind === 'PersistentVolumeClaim') return claimPinnedNode(obj, pvs);
  if (obj.kind === 'Pod') return podSpec(obj).nodeName;
  if (obj.kind === 'Node') return obj.metadata.name;
  return undefined;
}

export const stuckTerminating: Check = ({ snap }) => {
  const out: Finding[] = [];
  const nodes = new Map(snap.nodes.map((n) => [n.metadata.name, n]));
  const all = [...snap.nodes, ...snap.pods, ...snap.pvs, ...snap.pvcs, ...snap.helmReleases, ...snap.kustomizations];
  for (const obj of all) {
    const age = ageMs(obj.metadata.deletionTimestamp, snap.now);
    const finalizers = obj.metadata.finalizers ?? [];
    if (age === undefined || age < STUCK_AFTER_MS || !finalizers.length) continue;
    const node = nodeOf(obj, snap.pvs);
    const nodeObj = node ? nodes.get(node) : undefined;
    const nodeDown = node !== undefined && (!nodeObj || conditionOf(nodeObj, 'Ready')?.status !== 'True');
    out.push({
      id: `terminating:${objectName(obj)}`,
      check: 'object.stuck-terminating',
      severity: 'warning',
      title: `${objectName(obj)} Terminating for ${formatDuration(age)} on finalizers ${finalizers.join(', ')}`,
      objects: [objectName(obj)],
      evidence: [
        `deletionTimestamp ${obj.metadata.deletionTimestamp}, finalizers ${finalizers.join(', ')}`,
        ...(node ? [`bound to node ${node}${nodeDown ? ' (not Ready or gone)' : ''}`] : []),
        // a Node held by k3s's own controllers: which one, and what is known to block it
        ...(obj.kind === 'Node' ? [stuckFinalizers(obj)] : []),
      ],
      lesson: LESSONS.stuckTerminating,
      ...(nodeDown && node && obj.kind !== 'Node' ? { fix: { runbook: RUNBOOKS.purgeDeadNode, params: { node } } } : {}),
    });
  }
  return out;
};
