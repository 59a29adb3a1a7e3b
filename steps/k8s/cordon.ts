// k8s.cordon / k8s.uncordon: mark a node (un)schedulable, as `kubectl cordon` does with a
// merge patch of spec.unschedulable. Undo restores what it was before.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { plannedEarlier } from '../../src/engine/planned.js';
import type { KubeObject } from '../../src/adapters/ports.js';
import { nodeName } from '../schemas.js';
import { nodeRef } from '../../src/kube-facts.js';
import { kube } from './permissions.js';

function unschedulable(node: KubeObject | undefined): boolean {
  return Boolean((node?.spec as { unschedulable?: boolean } | undefined)?.unschedulable);
}

function schedulingStep(type: 'k8s.cordon' | 'k8s.uncordon', target: boolean) {
  return defineStep({
    type,
    description: target ? 'Marks a node unschedulable (kubectl cordon).' : 'Marks a node schedulable again (kubectl uncordon).',
    params: z.object({ node: nodeName }).strict(),
    uses: ['kube'],
    destructive: false,
    permissions: [kube('nodes', ['get', 'patch'])],
    async preflight({ params, adapters }) {
      const node = await adapters.kube.get(nodeRef(params.node));
      return [{ ok: Boolean(node), message: node ? `node ${params.node} exists` : `node ${params.node} not found` }];
    },
    async plan({ params, adapters, planned }) {
      const ref = `node/${params.node}`;
      const was = unschedulable(await adapters.kube.get(nodeRef(params.node)));
      // A drain (or cordon) earlier in this run flips it first: then this step flips it back.
      const flipped = plannedEarlier(planned, ref, target ? ['k8s.uncordon'] : ['k8s.drain', 'k8s.cordon']);
      if (flipped) return [{ op: 'update', target: ref, summary: `${target ? 'cordon' : 'uncordon'} (${target ? 'uncordoned' : 'cordoned'} earlier in this run by ${flipped.step.key})`, before: !target, after: target }];
      return [was === target ? { op: 'noop', target: ref, summary: target ? 'already cordoned' : 'already schedulable' } : { op: 'update', target: ref, summary: 'spec.unschedulable', before: was, after: target }];
    },
    async apply({ params, adapters, checkpoint }) {
      const was = unschedulable(await adapters.kube.get(nodeRef(params.node)));
      if (was === target) return { undo: null };
      // Undo journaled before the write: a crash right after it still rolls back.
      await checkpoint({ node: params.node, was });
      await adapters.kube.patch(nodeRef(params.node), { spec: { unschedulable: target ? true : null } }, 'merge');
      return { undo: { node: params.node, was } };
    },
    async verify({ params, adapters }) {
      const now = unschedulable(await adapters.kube.get(nodeRef(params.node)));
      return [{ ok: now === target, message: `node ${params.node} is ${now ? 'unschedulable' : 'schedulable'}` }];
    },
    async rollback({ adapters }, undo: { node: string; was: boolean } | null) {
      if (!undo) return;
      // The undo is journaled before the write: when the write never happened (refused, or a
      // crash first), the node is already as it was and nothing is written.
      const node = await adapters.kube.get(nodeRef(undo.node));
      if (!node || unschedulable(node) === undo.was) return;
      await adapters.kube.patch(nodeRef(undo.node), { spec: { unschedulable: undo.was ? true : null } }, 'merge');
    },
  });
}

export const k8sCordon = schedulingStep('k8s.cordon', true);
export const k8sUncordon = schedulingStep('k8s.uncordon', false);
