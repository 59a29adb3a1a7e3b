// flux.suspend / flux.resume: spec.suspend, as `flux suspend|resume`. Undo restores it.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { fluxKind, fluxPermission, fluxRef, isSuspended } from './resources.js';

function suspendStep(type: 'flux.suspend' | 'flux.resume', suspend: boolean) {
  return defineStep({
    type,
    description: suspend ? 'Suspends a Flux HelmRelease/Kustomization (stops reconciliation).' : 'Resumes a suspended Flux HelmRelease/Kustomization.',
    params: z.object({ kind: fluxKind, namespace: z.string().default('flux-system'), name: z.string().min(1) }).strict(),
    uses: ['kube'],
    destructive: false,
    permissions: (p) => [fluxPermission(p.kind, ['get', 'patch'])],
    async plan({ params, adapters }) {
      const was = isSuspended(await adapters.kube.get(fluxRef(params.kind, params.namespace, params.name)));
      return [was === suspend ? { op: 'noop', target: `${params.kind.toLowerCase()}/${params.namespace}/${params.name}`, summary: suspend ? 'already suspended' : 'not suspended' } : { op: 'update', target: `${params.kind.toLowerCase()}/${params.namespace}/${params.name}`, summary: 'spec.suspend', before: was, after: suspend }];
    },
    async apply({ params, adapters }) {
      const ref = fluxRef(params.kind, params.namespace, params.name);
      const was = isSuspended(await adapters.kube.get(ref));
      if (was !== suspend) await adapters.kube.patch(ref, { spec: { suspend } }, 'merge');
      return { undo: was === suspend ? null : { ...params, was } };
    },
    async rollback({ adapters }, undo: { kind: 'HelmRelease' | 'Kustomization'; namespace: string; name: string; was: boolean } | null) {
      if (undo) await adapters.kube.patch(fluxRef(undo.kind, undo.namespace, undo.name), { spec: { suspend: undo.was } }, 'merge');
    },
  });
}

export const fluxSuspend = suspendStep('flux.suspend', true);
export const fluxResume = suspendStep('flux.resume', false);
