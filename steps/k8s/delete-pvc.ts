// k8s.delete-pvc: delete PersistentVolumeClaims by name or glob, each saved to the journal
// first. A claim a running pod mounts is refused unless `force` (Kubernetes would keep it
// Terminating until the pod stops anyway: kubernetes.io/pvc-protection). Rollback re-creates
// the claims that are gone; the volume they were bound to is named in the saved copy.
import { z } from '../../src/zod.js';
import type { KubeObject, KubeReader } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { duration } from '../schemas.js';
import { POD, PVC, describe, globMatcher, refOf } from '../../src/kube-facts.js';
import { recreateMissing, saveThenDelete } from './delete-saved.js';
import { kube } from './permissions.js';

const params = z
  .object({
    namespace: z.string().min(1),
    name: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    force: z.boolean().default(false),
    /** Wait until deleted claims are gone (their protection finalizer released). */
    wait: z.boolean().default(true),
    timeout: duration.default(2 * 60_000),
  })
  .strict();

type Params = z.infer<typeof params>;

const TERMINAL = new Set(['Succeeded', 'Failed']);

function claimNames(pod: KubeObject): string[] {
  const volumes = ((pod.spec as { volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }> } | undefined)?.volumes ?? []);
  return volumes.flatMap((v) => (v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : []));
}

/** Pods that hold a claim: scheduled and not finished (as the pvc-protection controller counts). */
function isHolding(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase ?? '';
  return Boolean((pod.spec as { nodeName?: string } | undefined)?.nodeName) && !TERMINAL.has(phase);
}

interface Selected {
  claim: KubeObject;
  usedBy: string[];
}

async function select(kubeReader: KubeReader, p: Params): Promise<Selected[]> {
  const match = globMatcher(Array.isArray(p.name) ? p.name : [p.name]);
  const claims = (await kubeReader.list({ ...PVC, namespace: p.namespace })).filter((c) => match(c.metadata.name));
  if (!claims.length) return [];
  const pods = (await kubeReader.list({ ...POD, namespace: p.namespace })).filter(isHolding);
  return claims.map((claim) => ({ claim, usedBy: pods.filter((pod) => claimNames(pod).includes(claim.metadata.name)).map((pod) => pod.metadata.name) }));
}

export const k8sDeletePvc = defineStep({
  type: 'k8s.delete-pvc',
  description: 'Deletes PersistentVolumeClaims (name or globs) after journaling them; refuses claims a running pod uses unless force.',
  params,
  outputs: z.object({ deleted: z.array(z.string()), terminating: z.array(z.string()) }),
  uses: ['kube'],
  destructive: true,
  permissions: [kube('persistentvolumeclaims', ['list', 'get', 'delete', 'create', 'watch']), kube('pods', ['list'])],
  async preflight({ params, adapters }) {
    const selected = await select(adapters.kube, params);
    const busy = selected.filter((s) => s.usedBy.length);
    if (busy.length && !params.force) {
      return busy.map((s) => ({ ok: false, message: `${describe(s.claim)} is used by running pod(s) ${s.usedBy.join(', ')}`, hint: 'stop the pods first, or set force: true (the claim then stays Terminating until they stop)' }));
    }
    return [{ ok: true, message: selected.length ? `${selected.length} claim(s) in ${params.namespace} match` : `no claim in ${params.namespace} matches ${JSON.stringify(params.name)}` }];
  },
  async plan({ params, adapters }) {
    const selected = await select(adapters.kube, params);
    if (!selected.length) return [{ op: 'noop', target: `pvc/${params.namespace}/${JSON.stringify(params.name)}`, summary: 'no matching claim' }];
    return selected.map((s) => {
      const volume = (s.claim.spec as { volumeName?: string } | undefined)?.volumeName;
      const notes = [volume && `bound to ${volume}`, s.usedBy.length && `used by ${s.usedBy.join(', ')} (force: stays Terminating until they stop)`, s.claim.metadata.deletionTimestamp && 'already terminating'].filter(Boolean);
      return { op: 'delete' as const, target: describe(s.claim), summary: `delete the claim${notes.length ? ` (${notes.join('; ')})` : ''}` };
    });
  },
  async apply({ params, adapters, saveObject, checkpoint, signal, log }) {
    const selected = await select(adapters.kube, params);
    const busy = selected.filter((s) => s.usedBy.length);
    if (busy.length && !params.force) throw new Error(`in use by running pods: ${busy.map((s) => `${describe(s.claim)} (${s.usedBy.join(', ')})`).join('; ')}`);
    const restore: KubeObject[] = [];
    for (const s of selected) {
      if (s.claim.metadata.deletionTimestamp) continue;
      restore.push(await saveThenDelete(adapters.kube, saveObject, s.claim));
      await checkpoint({ objects: [...restore] });
      log(`deleted ${describe(s.claim)}`);
    }
    const terminating: string[] = [];
    for (const s of selected) {
      // A claim still mounted stays Terminating until its pods stop: not something to wait for.
      if (s.usedBy.length || !params.wait) {
        if (await adapters.kube.get(refOf(s.claim))) terminating.push(describe(s.claim));
        continue;
      }
      await adapters.kube.waitFor(refOf(s.claim), (o) => o === undefined, { timeoutMs: params.timeout, signal }).catch(async (e: Error) => {
        const now = await adapters.kube.get(refOf(s.claim));
        throw new Error(`${describe(s.claim)} still exists (finalizers: ${(now?.metadata.finalizers ?? []).join(', ') || 'none'}): ${e.message}`);
      });
    }
    return { outputs: { deleted: selected.map((s) => describe(s.claim)), terminating }, undo: { objects: restore } };
  },
  async verify({ params, adapters, outputs }) {
    const left = (await select(adapters.kube, params)).filter((s) => !s.claim.metadata.deletionTimestamp || !outputs.terminating.includes(describe(s.claim)));
    return [{ ok: left.length === 0, message: left.length ? `still present: ${left.map((s) => describe(s.claim)).join(', ')}` : 'the claims are deleted' }];
  },
  async rollback({ adapters, log }, undo: { objects: KubeObject[] }) {
    await recreateMissing(adapters.kube, undo.objects, log);
  },
});
