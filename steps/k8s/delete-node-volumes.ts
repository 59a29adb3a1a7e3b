// k8s.delete-node-volumes: delete the claims and volumes pinned to a dead node, so the pods
// that need them can be scheduled again (with fresh volumes) on live nodes. The data on a
// dead node's disk is gone with the node; every object is journaled before deletion.
import { z } from '../../src/zod.js';
import type { KubeObject } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { nodeName } from '../schemas.js';
import { PVC, describe, forRecreate, isNodeReady, nodeRef, pvClaim, refOf } from '../../src/kube-facts.js';
import { clearFinalizers, deleteObject, recreateMissing, savedCopy } from './delete-saved.js';
import { volumesPinnedTo } from './node-volumes.js';
import { kube } from './permissions.js';

const PROTECTION = ['kubernetes.io/pvc-protection', 'kubernetes.io/pv-protection'];

/** Copies to re-create, newest-deleted first; `terminating`: those already being deleted before. */
interface Undo {
  objects: KubeObject[];
  terminating?: string[];
}

export const k8sDeleteNodeVolumes = defineStep({
  type: 'k8s.delete-node-volumes',
  description: 'Deletes PVCs and PVs pinned to a node (local-path), clearing protection finalizers that no controller will clear.',
  params: z.object({ node: nodeName, pvc: z.array(z.string()).default([]) }).strict(),
  /** `pods`: namespace/name of the pods that mount the deleted claims (they wait for new ones). */
  outputs: z.object({ pvcs: z.array(z.string()), pvs: z.array(z.string()), pods: z.array(z.string()) }),
  uses: ['kube'],
  destructive: true,
  permissions: [kube('persistentvolumeclaims', ['list', 'get', 'delete', 'patch', 'create']), kube('persistentvolumes', ['list', 'get', 'delete', 'patch', 'create']), kube('nodes', ['get']), kube('pods', ['list'])],
  async preflight({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    if (node && isNodeReady(node)) return [{ ok: false, message: `node ${params.node} is Ready: its volumes hold live data`, hint: 'only dead nodes lose their local volumes' }];
    return [];
  },
  async plan({ params, adapters }) {
    const { pvs, pvcs } = await volumesPinnedTo(adapters.kube, params.node, params.pvc);
    const changes = [
      ...pvcs.map((c) => ({ op: 'delete' as const, target: describe(c), summary: `claim bound to a volume on ${params.node}${c.metadata.deletionTimestamp ? ' (already terminating)' : ''}` })),
      ...pvs.map((v) => ({ op: 'delete' as const, target: describe(v), summary: `volume pinned to ${params.node}${v.metadata.deletionTimestamp ? ` (stuck terminating on ${(v.metadata.finalizers ?? []).join(', ')})` : ''}` })),
    ];
    return changes.length ? changes : [{ op: 'noop', target: `node/${params.node}`, summary: 'no volumes pinned to it' }];
  },
  async apply({ params, adapters, saveObject, checkpoint, log }) {
    const { pvs, pvcs } = await volumesPinnedTo(adapters.kube, params.node, params.pvc);
    const claimKeys = new Set(pvcs.map((c) => `${c.metadata.namespace}/${c.metadata.name}`));
    const pods = (await adapters.kube.list({ apiVersion: 'v1', kind: 'Pod' }))
      .filter((p) => ((p.spec as { volumes?: { persistentVolumeClaim?: { claimName: string } }[] } | undefined)?.volumes ?? []).some((v) => v.persistentVolumeClaim && claimKeys.has(`${p.metadata.namespace}/${v.persistentVolumeClaim.claimName}`)))
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    // Claims first: a PV is protected while a claim is bound to it.
    const doomed = [...pvcs, ...pvs];
    // Everything is journaled before the first delete, and so is the undo: deleting a claim also
    // takes its volume when that volume was already Terminating (the PV controller releases it),
    // so a crash after the first delete must not leave that volume unsaved.
    for (const obj of doomed) await saveObject(savedCopy(obj));
    const undo: Undo = { objects: doomed.map(forRecreate).reverse(), terminating: doomed.filter((o) => o.metadata.deletionTimestamp).map(describe) };
    await checkpoint(undo);
    for (const obj of doomed) {
      await deleteObject(adapters.kube, obj);
      if (await clearFinalizers(adapters.kube, obj, PROTECTION)) log(`cleared protection finalizer of ${describe(obj)}`);
    }
    return { outputs: { pvcs: pvcs.map(describe), pvs: pvs.map(describe), pods }, undo };
  },
  async verify({ params, adapters }) {
    const { pvs, pvcs } = await volumesPinnedTo(adapters.kube, params.node, params.pvc);
    const left = [...pvcs, ...pvs];
    return [{ ok: left.length === 0, message: left.length ? `still present: ${left.map(describe).join(', ')}` : `no volumes pinned to ${params.node} remain` }];
  },
  async rollback({ adapters, log }, undo: Undo) {
    const leave = new Set<string>();
    for (const obj of undo.objects) {
      const now = await adapters.kube.get(refOf(obj));
      // Terminating before the run and still: it was never deleted by this run.
      if (undo.terminating?.includes(describe(obj)) && now?.metadata.deletionTimestamp) leave.add(describe(obj));
      // Its claim was re-created meanwhile (a StatefulSet does that for its pods) and bound to a
      // fresh volume: the old volume would have no claim to serve. Its copy stays in the journal.
      const claim = !now && obj.kind === 'PersistentVolume' ? pvClaim(obj) : undefined;
      const fresh = claim ? await adapters.kube.get({ ...PVC, name: claim.name, namespace: claim.namespace }) : undefined;
      const boundTo = (fresh?.spec as { volumeName?: string } | undefined)?.volumeName;
      if (boundTo && boundTo !== obj.metadata.name) {
        leave.add(describe(obj));
        log(`not re-creating ${describe(obj)}: its claim was re-created and bound to ${boundTo} (the copy is in the journal)`);
      }
    }
    await recreateMissing(adapters.kube, undo.objects.filter((o) => !leave.has(describe(o))), log);
  },
});
