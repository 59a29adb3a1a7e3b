// Node liveness and what is tied to a node: the dead-node, pending and stuck checks share it.
import type { KubeObject } from '../adapters/ports.js';
import { pvClaim, pvPinnedNode } from '../kube-facts.js';
import { isNonTerminated, podSpec } from './objects.js';

interface BoundToNode {
  pods: KubeObject[];
  pvs: KubeObject[];
  pvcs: KubeObject[];
}

const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

export function pvcKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Pods scheduled on the node, the PVs pinned to it (nodeAffinity, local-path annotation) and their claims. */
export function boundToNode(name: string, pods: readonly KubeObject[], pvs: readonly KubeObject[], pvcs: readonly KubeObject[]): BoundToNode {
  const claims = new Map(pvcs.map((c) => [pvcKey(c.metadata.namespace, c.metadata.name), c]));
  const pinned = pvs.filter((pv) => pvPinnedNode(pv) === name);
  const boundPvcs = new Map<string, KubeObject>();
  for (const pv of pinned) {
    const ref = pvClaim(pv);
    const pvc = ref && claims.get(pvcKey(ref.namespace, ref.name));
    if (pvc) boundPvcs.set(pvcKey(pvc.metadata.namespace, pvc.metadata.name), pvc);
  }
  // Claims waiting for a first consumer carry the node the scheduler picked.
  for (const pvc of pvcs) {
    if (pvc.metadata.annotations?.[SELECTED_NODE] === name) boundPvcs.set(pvcKey(pvc.metadata.namespace, pvc.metadata.name), pvc);
  }
  return {
    pods: pods.filter((p) => podSpec(p).nodeName === name && isNonTerminated(p)),
    pvs: pinned,
    pvcs: [...boundPvcs.values()],
  };
}

/** The node a claim's volume is pinned to, if any. */
export function claimPinnedNode(pvc: KubeObject, pvs: readonly KubeObject[]): string | undefined {
  const volumeName = (pvc.spec as { volumeName?: string } | undefined)?.volumeName;
  const pv = volumeName ? pvs.find((v) => v.metadata.name === volumeName) : undefined;
  return (pv && pvPinnedNode(pv)) ?? pvc.metadata.annotations?.[SELECTED_NODE];
}
