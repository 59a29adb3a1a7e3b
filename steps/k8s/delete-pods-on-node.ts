// k8s.delete-pods-on-node: force-delete the pods still bound to a dead node. Their kubelet is
// gone, so a graceful delete would wait forever; controllers re-create owned pods elsewhere.
import { z } from '../../src/zod.js';
import type { KubeObject } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { nodeName } from '../schemas.js';
import { POD, describe, forRecreate, isNodeReady, nodeRef } from '../../src/kube-facts.js';
import { recreateMissing, saveThenDelete } from './delete-saved.js';
import { kube } from './permissions.js';

const params = z.object({ node: nodeName, force: z.boolean().default(true) }).strict();

function podsOn(node: string) {
  return { ...POD, fieldSelector: `spec.nodeName=${node}` };
}

/** Pods nobody owns are not re-created by a controller: rollback puts those back. */
function unowned(pod: KubeObject): boolean {
  return !(pod.metadata.ownerReferences ?? []).some((o) => o.controller);
}

export const k8sDeletePodsOnNode = defineStep({
  type: 'k8s.delete-pods-on-node',
  description: 'Deletes every pod bound to a node (grace period 0 with force), saving each to the journal.',
  params,
  outputs: z.object({ deleted: z.array(z.string()) }),
  uses: ['kube'],
  destructive: true,
  permissions: [kube('pods', ['list', 'get', 'delete', 'create']), kube('nodes', ['get'])],
  async preflight({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    if (node && isNodeReady(node) && params.force) return [{ ok: false, message: `node ${params.node} is Ready: force-deleting its pods would leave containers running`, hint: 'use k8s.drain for live nodes' }];
    return [];
  },
  async plan({ params, adapters }) {
    const pods = await adapters.kube.list(podsOn(params.node));
    if (!pods.length) return [{ op: 'noop', target: `node/${params.node}`, summary: 'no pods bound to it' }];
    return pods.map((p) => ({ op: 'delete' as const, target: describe(p), summary: `${params.force ? 'force-' : ''}delete (${unowned(p) ? 'unowned: rollback re-creates it' : `owned by ${p.metadata.ownerReferences?.[0]?.kind}`})` }));
  },
  async apply({ params, adapters, saveObject, checkpoint }) {
    const pods = await adapters.kube.list(podsOn(params.node));
    const restore: KubeObject[] = [];
    for (const pod of pods) {
      // Undo journaled before the delete: a crash right after it still re-creates the pod.
      if (unowned(pod)) {
        restore.push(forRecreate(pod));
        await checkpoint({ objects: [...restore] });
      }
      await saveThenDelete(adapters.kube, saveObject, pod, params.force ? { gracePeriodSeconds: 0 } : {});
    }
    return { outputs: { deleted: pods.map(describe) }, undo: { objects: restore } };
  },
  async verify({ params, adapters }) {
    const left = await adapters.kube.list(podsOn(params.node));
    // A DaemonSet re-creates its pod on every node that still exists, dead or not (its pods
    // tolerate the unreachable taints); the pod garbage collector removes them with the Node.
    const daemon = (p: KubeObject) => p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.controller) ?? false;
    const stuck = left.filter((p) => !daemon(p) && (!p.metadata.deletionTimestamp || !params.force));
    return [{ ok: stuck.length === 0, message: stuck.length ? `${stuck.length} pod(s) still on ${params.node}: ${stuck.map(describe).join(', ')}` : `no pods left on ${params.node}` }];
  },
  async rollback({ adapters, log }, undo: { objects: KubeObject[] }) {
    await recreateMissing(adapters.kube, undo.objects, log);
  },
});
