// The volume side of kube-controller-manager, for local-path volumes:
// - pvc-protection: a deleted PVC keeps its kubernetes.io/pvc-protection finalizer while a
//   scheduled, unfinished pod uses it (unscheduled pods do not count, as upstream);
// - PV controller: a Bound PV whose claim is gone becomes Released;
// - pv-protection: a deleted PV keeps kubernetes.io/pv-protection while it is Bound, which is
//   how the incident's PV got stuck (its claim still existed);
// - local-path's reclaim (Delete): the provisioner's helper pod removes the directory on the
//   PV's node, so a Released PV is deleted only when that node is Ready; on a dead node it stays.
import { mutateIfChanged } from './apply.js';
import { matchesNodeSelectorTerms } from './fit.js';
import { isNodeReady } from './node-model.js';
import { claimNames, isTerminal, podSpec } from './pod-model.js';
import type { ControllerContext, KubeObject } from './types.js';

const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
const PV_PROTECTION = 'kubernetes.io/pv-protection';

function dropFinalizer(ctx: ControllerContext, obj: KubeObject, finalizer: string): boolean {
  return mutateIfChanged(ctx.store, obj, (o) => {
    o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  });
}

interface PvSpec {
  claimRef?: { name?: string; namespace?: string; uid?: string };
  persistentVolumeReclaimPolicy?: string;
  nodeAffinity?: { required?: { nodeSelectorTerms?: Parameters<typeof matchesNodeSelectorTerms>[1] } };
}

export function syncVolumeProtection(ctx: ControllerContext): boolean {
  let changed = false;
  const pods = ctx.store.list('v1', 'Pod').filter((p) => podSpec(p).nodeName && !isTerminal(p));
  const pvcs = ctx.store.list('v1', 'PersistentVolumeClaim');
  for (const pvc of pvcs) {
    if (!pvc.metadata.deletionTimestamp || !pvc.metadata.finalizers?.includes(PVC_PROTECTION)) continue;
    const inUse = pods.some((p) => p.metadata.namespace === pvc.metadata.namespace && claimNames(p).includes(pvc.metadata.name));
    if (!inUse) changed = dropFinalizer(ctx, pvc, PVC_PROTECTION) || changed;
  }
  const nodes = ctx.store.list('v1', 'Node');
  // Claims by namespace/name from the list already read (a get per PV copied 2k claims a pass).
  const claims = new Map((changed ? ctx.store.list('v1', 'PersistentVolumeClaim') : pvcs).map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c]));
  for (const pv of ctx.store.list('v1', 'PersistentVolume')) {
    const spec = (pv.spec ?? {}) as PvSpec;
    const phase = (pv.status as { phase?: string } | undefined)?.phase;
    const ref = spec.claimRef;
    const claim = ref && claims.get(`${ref.namespace}/${ref.name ?? ''}`);
    if (phase === 'Bound' && ref && (!claim || (ref.uid && claim.metadata.uid !== ref.uid))) {
      changed = mutateIfChanged(ctx.store, pv, (o) => {
        o.status = { ...(o.status as object), phase: 'Released' };
      }) || changed;
      continue;
    }
    if (phase === 'Bound') continue;
    if (pv.metadata.deletionTimestamp && pv.metadata.finalizers?.includes(PV_PROTECTION)) {
      changed = dropFinalizer(ctx, pv, PV_PROTECTION) || changed;
      continue;
    }
    const terms = spec.nodeAffinity?.required?.nodeSelectorTerms;
    const home = terms ? nodes.find((n) => matchesNodeSelectorTerms(n, terms)) : undefined;
    if (phase === 'Released' && spec.persistentVolumeReclaimPolicy === 'Delete' && home && isNodeReady(home) && !pv.metadata.deletionTimestamp) {
      ctx.store.delete('v1', 'PersistentVolume', pv.metadata.name);
      changed = true;
    }
  }
  return changed;
}
