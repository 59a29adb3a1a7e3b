// k8s.delete-node: remove a Node object (the incident's `kubectl delete node k3s-replica-2`).
// On k3s a deleted Node stays Terminating until k3s's own controllers did their part (its
// finalizers: node-password secret, CoreDNS hosts, etcd member), so the step waits for it to be
// gone and names the controller that holds it. A deletion cannot be cancelled: this step is the
// point of no return of a purge (docs/decisions.md).
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { SECRET, isEtcdMember, isNodeReady, nodeRef } from '../../src/kube-facts.js';
import { finalizerOwner, missingEtcdAnnotations, nodePasswordSecretName, stuckFinalizers } from '../../src/k3s-facts.js';
import { formatDuration } from '../../src/runbook/duration.js';
import { duration, nodeName } from '../schemas.js';
import { saveThenDelete } from './delete-saved.js';
import { kube } from './permissions.js';

const PROGRESS_MS = 10_000;

export const k8sDeleteNode = defineStep({
  type: 'k8s.delete-node',
  description: "Deletes a Node object after saving it to the journal, then waits until k3s's finalizers let it go; refuses a Ready node.",
  params: z.object({ node: nodeName, timeout: duration.default(2 * 60_000) }).strict(),
  uses: ['kube'],
  destructive: true,
  pointOfNoReturn: 'a deleted Node cannot be brought back: k3s removes its node-password secret and etcd member, and re-created volumes would pin pods to a node that is gone',
  permissions: [kube('nodes', ['get', 'delete', 'watch']), kube('secrets', ['get'])],
  async preflight({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    if (!node) return [{ ok: true, message: `node ${params.node} is already gone` }];
    if (isNodeReady(node)) return [{ ok: false, message: `node ${params.node} is Ready: refusing to delete a live node`, hint: 'drain it first, or use purge-dead-node only for dead nodes' }];
    const missing = missingEtcdAnnotations(node);
    if (missing.length) {
      return [{
        ok: false,
        message: `node ${params.node} is an etcd member without ${missing.join(' / ')}: k3s's etcd member controller cannot remove its member and would keep the Node Terminating forever`,
        hint: 'remove the member yourself (etcdctl member remove), then delete the Node and remove its wrangler.cattle.io/managed-etcd-controller finalizer',
      }];
    }
    return [{
      ok: true,
      message: `node ${params.node} exists and is not Ready${isEtcdMember(node) ? '; deleting it makes k3s remove its etcd member: that server can only rejoin after its etcd data is reset' : ''}`,
    }];
  },
  async plan({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    if (!node) return [{ op: 'noop', target: `node/${params.node}`, summary: 'already gone' }];
    const waits = (node.metadata.finalizers ?? []).map(finalizerOwner);
    return [{ op: 'delete', target: `node/${params.node}`, summary: `delete the Node${waits.length ? `, then wait for ${waits.join(' and ')}` : ''}` }];
  },
  async apply({ params, adapters, saveObject, checkpoint, signal, log }) {
    const ref = nodeRef(params.node);
    const node = await adapters.kube.get(ref);
    if (!node) return {};
    if (isNodeReady(node)) throw new Error(`node ${params.node} became Ready: not deleting it`);
    await saveThenDelete(adapters.kube, saveObject, node);
    // From here the run is past its point of no return: a rollback keeps this step and those before.
    await checkpoint({ node: params.node });
    const pending = node.metadata.finalizers ?? [];
    if (pending.length) log(`waiting up to ${formatDuration(params.timeout)} for ${pending.map(finalizerOwner).join(' and ')}`);
    // Progress while waiting: which finalizers are still there, every PROGRESS_MS.
    const started = Date.now();
    const progress = setInterval(() => {
      adapters.kube.get(ref).then((n) => n && log(`still Terminating after ${formatDuration(Math.round((Date.now() - started) / 1000) * 1000)}: ${stuckFinalizers(n)}`), () => {});
    }, PROGRESS_MS);
    try {
      await adapters.kube.waitFor(ref, (n) => !n, { timeoutMs: params.timeout, signal }).catch(async (e: Error) => {
        const left = await adapters.kube.get(ref);
        if (!left) return;
        throw new Error(`node ${params.node} is still Terminating after ${formatDuration(params.timeout)} (${e.message}): ${stuckFinalizers(left)}`);
      });
    } finally {
      clearInterval(progress);
    }
    log(`node ${params.node} is gone`);
    return { undo: { node: params.node } };
  },
  async verify({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    // k3s's node controller deletes the node-password secret before it lets the Node go; it only
    // warns when that fails, so a leftover secret would refuse a new node of the same name.
    const secret = node ? undefined : await adapters.kube.get({ ...SECRET, namespace: 'kube-system', name: nodePasswordSecretName(params.node) });
    return [
      { ok: !node, message: node ? `node ${params.node} still exists: ${stuckFinalizers(node)}` : `node ${params.node} is gone` },
      ...(secret ? [{ ok: false, message: `secret kube-system/${secret.metadata.name} is still there: k3s did not remove it`, hint: `kubectl -n kube-system delete secret ${secret.metadata.name}, or a node of that name cannot join again` }] : []),
    ];
  },
});
