// k8s.drain: cordon, then evict every pod through the eviction API so PodDisruptionBudgets are
// honoured, like `kubectl drain --ignore-daemonsets`: DaemonSet and mirror pods stay, pods with
// emptyDir data or no controller only with the matching flag. A PDB that keeps refusing (429)
// is retried until the timeout, then named in the error; nothing else is forced.
import { z } from '../../src/zod.js';
import type { KubeObject, KubeWriter } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { plannedEarlier } from '../../src/engine/planned.js';
import { sleep } from '../../src/engine/retry.js';
import { ApiError } from '../../src/errors.js';
import { duration, nodeName } from '../schemas.js';
import { POD, describe, nodeRef, refOf } from '../../src/kube-facts.js';
import { kube } from './permissions.js';
import { disruptionsAllowed, pdbsCovering } from './pdb.js';

const params = z
  .object({ node: nodeName, timeout: duration.default(5 * 60_000), deleteEmptyDirData: z.boolean().default(false), force: z.boolean().default(false), pollInterval: duration.default(2000) })
  .strict();
type Params = z.infer<typeof params>;

function owner(pod: KubeObject): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller)?.kind;
}

function isMirror(pod: KubeObject): boolean {
  return Boolean(pod.metadata.annotations?.['kubernetes.io/config.mirror']);
}

function usesEmptyDir(pod: KubeObject): boolean {
  return ((pod.spec as { volumes?: Array<{ emptyDir?: unknown }> })?.volumes ?? []).some((v) => v.emptyDir !== undefined);
}

function isFinished(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Splits a node's pods like kubectl drain: what to evict, what to leave, what blocks. */
export function classify(pods: KubeObject[], p: Pick<Params, 'deleteEmptyDirData' | 'force'>) {
  const evict: KubeObject[] = [];
  const skip: Array<{ pod: KubeObject; why: string }> = [];
  const blockers: string[] = [];
  for (const pod of pods) {
    if (isMirror(pod)) skip.push({ pod, why: 'mirror (static) pod' });
    else if (owner(pod) === 'DaemonSet') skip.push({ pod, why: 'DaemonSet pod' });
    else if (!owner(pod) && !isFinished(pod) && !p.force) blockers.push(`${describe(pod)} has no controller (pass force: true to delete it)`);
    else if (usesEmptyDir(pod) && !isFinished(pod) && !p.deleteEmptyDirData) blockers.push(`${describe(pod)} uses emptyDir data (pass deleteEmptyDirData: true)`);
    else evict.push(pod);
  }
  return { evict, skip, blockers };
}

async function evictUntilGone(kube: KubeWriter, pod: KubeObject, deadline: number, interval: number, signal: AbortSignal, log: (m: string) => void): Promise<void> {
  for (;;) {
    const r = await kube.evict(refOf(pod));
    if (r.evicted) {
      // Accepted is not gone: the pod terminates gracefully first. Like kubectl drain's
      // waitForDelete, wait until it is deleted (or replaced: another uid under its name).
      const uid = pod.metadata.uid;
      await kube.waitFor(refOf(pod), (p) => !p || p.metadata.uid !== uid, { timeoutMs: Math.max(1000, deadline - Date.now()), signal }).catch((e: unknown) => {
        // Only running out of time means "not terminated"; a refused read says why itself.
        if (e instanceof ApiError && e.kind !== 'unavailable') throw e;
        throw new Error(`${describe(pod)} was evicted but has not terminated by the drain timeout`);
      });
      return;
    }
    if (Date.now() + interval > deadline) {
      const pdbs = (await pdbsCovering(kube, pod)).map((p) => `poddisruptionbudget/${p.metadata.namespace}/${p.metadata.name}`);
      throw new Error(`cannot evict ${describe(pod)}: ${r.message} Blocked by ${pdbs.join(', ') || 'a PodDisruptionBudget'}; scale the workload up or relax the budget, then retry`);
    }
    log(`${describe(pod)}: eviction refused by a PodDisruptionBudget, retrying`);
    await sleep(interval, signal);
  }
}

export const k8sDrain = defineStep({
  type: 'k8s.drain',
  description: 'Cordons a node and evicts its pods through the eviction API (PDB-aware), like kubectl drain --ignore-daemonsets.',
  params,
  outputs: z.object({ evicted: z.array(z.string()) }),
  uses: ['kube'],
  destructive: true,
  permissions: [kube('nodes', ['get', 'patch']), kube('pods', ['list', 'get', 'watch']), kube('pods/eviction', ['create']), kube('poddisruptionbudgets', ['list'], 'policy')],
  async preflight({ params, adapters }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    if (!node) return [{ ok: false, message: `node ${params.node} not found` }];
    const { evict, blockers } = classify(await adapters.kube.list({ ...POD, fieldSelector: `spec.nodeName=${params.node}` }), params);
    for (const pod of evict) {
      for (const pdb of await pdbsCovering(adapters.kube, pod)) {
        if (disruptionsAllowed(pdb) === 0) blockers.push(`${describe(pod)} is protected by poddisruptionbudget/${pdb.metadata.namespace}/${pdb.metadata.name}, which allows 0 disruptions now`);
      }
    }
    return blockers.length ? blockers.map((b) => ({ ok: false, message: `cannot drain ${params.node}: ${b}` })) : [{ ok: true, message: `node ${params.node} can be drained` }];
  },
  async plan({ params, adapters, planned }) {
    const { evict, skip } = classify(await adapters.kube.list({ ...POD, fieldSelector: `spec.nodeName=${params.node}` }), params);
    const node = await adapters.kube.get(nodeRef(params.node));
    const cordoned = Boolean((node?.spec as { unschedulable?: boolean } | undefined)?.unschedulable);
    // drain-node cordons first: the drain then finds the node cordoned and changes nothing there.
    const byEarlier = plannedEarlier(planned, `node/${params.node}`, ['k8s.cordon']);
    return [
      byEarlier
        ? { op: 'noop' as const, target: `node/${params.node}`, summary: `cordoned earlier in this run by ${byEarlier.step.key}` }
        : cordoned
          ? { op: 'noop' as const, target: `node/${params.node}`, summary: 'already cordoned' }
          : { op: 'update' as const, target: `node/${params.node}`, summary: 'cordon (spec.unschedulable)' },
      ...evict.map((p) => ({ op: 'delete' as const, target: describe(p), summary: 'evict (PodDisruptionBudgets honoured)' })),
      ...skip.map((s) => ({ op: 'noop' as const, target: describe(s.pod), summary: `left in place: ${s.why}` })),
    ];
  },
  async apply({ params, adapters, signal, log, checkpoint }) {
    const node = await adapters.kube.get(nodeRef(params.node));
    const wasUnschedulable = Boolean((node?.spec as { unschedulable?: boolean } | undefined)?.unschedulable);
    // Undo journaled before the cordon: a crash right after it still rolls back.
    if (!wasUnschedulable) await checkpoint({ node: params.node, wasUnschedulable });
    if (!wasUnschedulable) await adapters.kube.patch(nodeRef(params.node), { spec: { unschedulable: true } }, 'merge');
    const deadline = Date.now() + params.timeout;
    const { evict, blockers } = classify(await adapters.kube.list({ ...POD, fieldSelector: `spec.nodeName=${params.node}` }), params);
    if (blockers.length) throw new Error(`cannot drain ${params.node}: ${blockers.join('; ')}`);
    for (const pod of evict) await evictUntilGone(adapters.kube, pod, deadline, params.pollInterval, signal, log);
    return { outputs: { evicted: evict.map(describe) }, undo: { node: params.node, wasUnschedulable } };
  },
  async rollback({ adapters }, undo: { node: string; wasUnschedulable: boolean }) {
    // Evicted pods were re-created elsewhere by their controllers; only the cordon is undone,
    // and only if it happened (its undo is journaled before the write).
    if (undo.wasUnschedulable) return;
    const node = await adapters.kube.get(nodeRef(undo.node));
    if (node && (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable) await adapters.kube.patch(nodeRef(undo.node), { spec: { unschedulable: null } }, 'merge');
  },
});
