// The kubelet's part of a graceful pod deletion: the API server only marks a bound pod
// Terminating (deletionTimestamp); the node's kubelet stops its containers and confirms with a
// delete of grace period 0, which removes it. A node that is not Ready has no kubelet to
// confirm, so its pods stay Terminating until someone force-deletes them or the node object
// goes (PodGC) — the incident's dead node in one sentence.
import { isNodeReady } from './node-model.js';
import { podSpec } from './pod-model.js';
import type { ControllerContext } from './types.js';

export function syncPodTermination(ctx: ControllerContext): boolean {
  const ready = new Set(ctx.store.list('v1', 'Node').filter(isNodeReady).map((n) => n.metadata.name));
  let changed = false;
  for (const pod of ctx.store.list('v1', 'Pod')) {
    const node = podSpec(pod).nodeName;
    if (!pod.metadata.deletionTimestamp || !node || !ready.has(node)) continue;
    if ((pod.metadata.finalizers ?? []).length > 0 && !pod.metadata.deletionGracePeriodSeconds) continue; // already confirmed, finalizers pending
    ctx.store.delete('v1', 'Pod', pod.metadata.name, pod.metadata.namespace, { gracePeriodSeconds: 0 });
    changed = true;
  }
  return changed;
}
