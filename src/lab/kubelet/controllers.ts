// The simulated control loops, in the fixed order a pass runs them: node status (kubelet + node
// lifecycle), k3s's node and etcd member controllers (Node finalizers), helm-controller (an
// upgrade changes pod templates), the namespace controller, kubelets confirming graceful pod
// deletions, workload controllers + PodGC, volume protection, scheduler, pod runtime,
// disruption controller (PDB status), kustomize-controller (its health checks read the
// HelmReleases). When passes run is control-loop.ts's business.
import { syncHelmReleases } from '../flux/helm-controller.js';
import { syncKustomizations } from '../flux/kustomize-controller.js';
import { syncNodeStatus } from './node-status.js';
import { syncDisruption } from './disruption.js';
import { syncEtcdMembers } from './etcd-member-controller.js';
import { syncK3sNodes } from './k3s-node-controller.js';
import { syncNamespaces } from './namespace-controller.js';
import { syncPodRuntime } from './pod-runtime.js';
import { syncPodTermination } from './pod-termination.js';
import { syncScheduler } from './scheduler.js';
import { syncVolumeProtection } from './volume-protection.js';
import { syncWorkloads } from './workloads.js';
import type { ControllerContext } from './types.js';

/** Each returns whether it wrote anything. */
export const CONTROLLERS: readonly ((ctx: ControllerContext) => boolean)[] = [
  syncNodeStatus, syncK3sNodes, syncEtcdMembers, syncHelmReleases, syncNamespaces, syncPodTermination,
  syncWorkloads, syncVolumeProtection, syncScheduler, syncPodRuntime, syncDisruption, syncKustomizations,
];

export const MAX_PASSES = 10;

/** Runs whole passes until one changes nothing (bounded); tests call it to settle synchronously. */
export function syncAll(ctx: ControllerContext): boolean {
  let changed = false;
  for (let i = 0; i < MAX_PASSES; i++) {
    const pass = CONTROLLERS.map((sync) => sync(ctx)).some(Boolean);
    changed = changed || pass;
    if (!pass) break;
  }
  return changed;
}
