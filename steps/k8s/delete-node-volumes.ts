// k8s.delete-node-volumes: delete the claims and volumes pinned to a dead node, so the pods
// that need them can be scheduled again (with fresh volumes) on live nodes. The data on a
// dead node's disk is gone with the node; every object is journaled before deletion.
import { z } from 'zod';
import type { KubeObject } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/engine/define-step.js';
import { nodeName } from '../schemas.js';
import { describe, isNodeReady, nodeRef } from '../../src/kube-facts.js';
import { clearFinalizers, recreateMissing, saveThenDelete } from './delete-saved.js';
import { volumesPinnedTo } from './node-volumes.js';
import { kube } from './permissions.js';

const PROTECTION = ['kubernetes.io/pvc-protection', 'kubernetes.io/pv-protection'];

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
    const restore: KubeObject[] = [];
    // Claims first: a PV is protected while a claim is bound to it.
    for (const obj of [...pvcs, ...pvs]) {
      restore.push(await saveThenDelete(adapters.kube, saveObject, obj));
      await checkpoint({ objects: [...restore].reverse() });
      if (await clearFinalizers(adapters.kube, obj, PROTECTION)) log(`cleared protection finalizer of ${describe(obj)}`);
    }
    return { outputs: { pvcs: pvcs.map(describe), pvs: pvs.map(describe), pods }, undo: { objects: restore.reverse() } };
  },
  async verify({ params, adapters }) {
    const { pvs, pvcs } = await volumesPinnedTo(adapters.kube, params.node, params.pvc);
    const left = [...pvcs, ...pvs];
    return [{ ok: left.length === 0, message: left.length ? `still present: ${left.map(describe).join(', ')}` : `no volumes pinned to ${params.node} remain` }];
  },
  async rollback({ adapters, log }, undo: { objects: KubeObject[] }) {
    await recreateMissing(adapters.kube, undo.objects, log);
  },
});
