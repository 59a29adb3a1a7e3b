// k8s.wait-pods-scheduled: purge-dead-node's proof that it helped: the pods that were stuck
// on the dead node's volumes get scheduled again (their controller re-creates the claims, the
// provisioner makes new volumes on a live node). A pod that is gone counts too: its
// controller replaced it under another name.
import { z } from '../../src/zod.js';
import type { KubeObject } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { duration } from '../schemas.js';
import { kube } from './permissions.js';

const scheduled = (pod: KubeObject | undefined) => !pod || Boolean((pod.spec as { nodeName?: string } | undefined)?.nodeName);

export const k8sWaitPodsScheduled = defineStep({
  type: 'k8s.wait-pods-scheduled',
  description: 'Waits until each of these pods (namespace/name) is scheduled on a node, or gone.',
  params: z.object({ pods: z.array(z.string().regex(/^[^/]+\/[^/]+$/, 'namespace/name')), timeout: duration.default(5 * 60_000) }).strict(),
  outputs: z.object({ scheduled: z.array(z.string()) }),
  uses: ['kube'],
  destructive: false,
  permissions: [kube('pods', ['get', 'watch'])], // waitFor: a get, then a watch (no list)
  async plan({ params }) {
    return params.pods.map((p) => ({ op: 'noop' as const, target: `pod/${p}`, summary: 'wait until scheduled again' }));
  },
  async apply({ params, adapters, signal, log }) {
    const done: string[] = [];
    for (const p of params.pods) {
      const [namespace, name] = p.split('/') as [string, string];
      const ref = { apiVersion: 'v1', kind: 'Pod', namespace, name };
      const pod = await adapters.kube.waitFor(ref, scheduled, { timeoutMs: params.timeout, signal }).catch(async (e: Error) => {
        const now = await adapters.kube.get(ref);
        throw new Error(`pod ${p} is still not scheduled (${e.message}); ${now ? `phase ${String((now.status as { phase?: string } | undefined)?.phase)}` : 'gone'}: see kubectl describe pod -n ${namespace} ${name}`);
      });
      log(pod ? `${p} scheduled on ${(pod.spec as { nodeName: string }).nodeName}` : `${p} gone (replaced by its controller)`);
      done.push(p);
    }
    return { outputs: { scheduled: done } };
  },
});
