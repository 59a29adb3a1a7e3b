// flux.reconcile-dependents: after the root cause is fixed, reconcile a Kustomization and
// everything that depends on it, in dependency order, each one Ready before the next.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { duration } from '../schemas.js';
import { dependentsOf, keyOf } from './dependency-chain.js';
import { FLUX_KINDS, REQUESTED_AT, fluxPermission, fluxRef, handled, isReady, readyMessage } from './resources.js';

const params = z.object({ namespace: z.string().default('flux-system'), root: z.string().min(1), timeout: duration.default(5 * 60_000), onlyNotReady: z.boolean().default(true) }).strict();

const KS = { apiVersion: FLUX_KINDS.Kustomization.apiVersion, kind: 'Kustomization' } as const;

export const fluxReconcileDependents = defineStep({
  type: 'flux.reconcile-dependents',
  description: 'Reconciles a Kustomization and its dependents (spec.dependsOn) in order, waiting for each to be Ready.',
  params,
  outputs: z.object({ reconciled: z.array(z.string()) }),
  uses: ['kube'],
  destructive: false,
  permissions: [fluxPermission('Kustomization', ['get', 'list', 'watch', 'patch'])],
  async preflight({ params, adapters }) {
    const all = await adapters.kube.list({ ...KS, namespace: params.namespace });
    const root = `${params.namespace}/${params.root}`;
    return [{ ok: all.some((k) => keyOf(k) === root), message: all.some((k) => keyOf(k) === root) ? `Kustomization ${root} found` : `no Kustomization ${root}` }];
  },
  async plan({ params, adapters }) {
    const chain = dependentsOf(await adapters.kube.list({ ...KS, namespace: params.namespace }), `${params.namespace}/${params.root}`);
    return chain.map((k) => (params.onlyNotReady && isReady(k)
      ? { op: 'noop' as const, target: `kustomization/${keyOf(k)}`, summary: 'Ready' }
      : { op: 'action' as const, target: `kustomization/${keyOf(k)}`, summary: `reconcile (now ${readyMessage(k)})` }));
  },
  async apply({ params, adapters, signal, log }) {
    const chain = dependentsOf(await adapters.kube.list({ ...KS, namespace: params.namespace }), `${params.namespace}/${params.root}`);
    const reconciled: string[] = [];
    for (const k of chain) {
      const ref = fluxRef('Kustomization', k.metadata.namespace!, k.metadata.name);
      if (params.onlyNotReady && isReady(await adapters.kube.get(ref))) continue;
      const token = new Date().toISOString();
      log(`reconciling ${keyOf(k)}`);
      await adapters.kube.patch(ref, { metadata: { annotations: { [REQUESTED_AT]: token } } }, 'merge');
      await adapters.kube.waitFor(ref, (o) => handled(o, token) && isReady(o), { timeoutMs: params.timeout, signal }).catch(async (e: Error) => {
        throw new Error(`Kustomization ${keyOf(k)} not Ready: ${readyMessage(await adapters.kube.get(ref))} (${e.message})`);
      });
      reconciled.push(keyOf(k));
    }
    return { outputs: { reconciled } };
  },
  async verify({ params, adapters }) {
    const chain = dependentsOf(await adapters.kube.list({ ...KS, namespace: params.namespace }), `${params.namespace}/${params.root}`);
    const bad = chain.filter((k) => !isReady(k));
    return [{ ok: !bad.length, message: bad.length ? `not Ready: ${bad.map((k) => `${keyOf(k)} ${readyMessage(k)}`).join('; ')}` : `all ${chain.length} Kustomizations in the chain are Ready` }];
  },
});
