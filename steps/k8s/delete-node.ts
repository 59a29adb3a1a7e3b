// k8s.delete-node: remove a Node object (the incident's `kubectl delete node k3s-replica-2`).
import { z } from 'zod';
import { defineStep } from '../../src/engine/define-step.js';
import type { KubeObject } from '../../src/adapters/ports.js';
import { nodeName } from '../schemas.js';
import { isNodeReady, nodeRef } from '../../src/kube-facts.js';
import { recreateMissing, saveThenDelete } from './delete-saved.js';
import { kube } from './permissions.js';

export const k8sDeleteNode = defineStep({
  type: 'k8s.delete-node',
  description: 'Deletes a Node object after saving it to the journal; refuses a Ready node.',
  params: z.object({ node: nodeName }).strict(),
  uses: ['kube'],
  destructive: true,
  permissions: [kube('nodes', ['get', 'delete', 'create'])],
  async preflight({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    if (node && isNodeReady(node)) return [{ ok: false, message: `node ${params.node} is Ready: refusing to delete a live node`, hint: 'drain it first, or use purge-dead-node only for dead nodes' }];
    return [{ ok: true, message: node ? `node ${params.node} exists and is not Ready` : `node ${params.node} is already gone` }];
  },
  async plan({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    return node ? [{ op: 'delete', target: `node/${params.node}`, summary: 'delete the Node object' }] : [{ op: 'noop', target: `node/${params.node}`, summary: 'already gone' }];
  },
  async apply({ params, adapters, saveObject }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    if (!node) return { undo: { objects: [] as KubeObject[] } };
    if (isNodeReady(node)) throw new Error(`node ${params.node} became Ready: not deleting it`);
    return { undo: { objects: [await saveThenDelete(adapters.kube, saveObject, node)] } };
  },
  async verify({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    return [{ ok: !node, message: node ? `node ${params.node} still exists` : `node ${params.node} is gone` }];
  },
  async rollback({ adapters, log }, undo: { objects: KubeObject[] }) {
    await recreateMissing(adapters.kube, undo.objects, log);
  },
});
