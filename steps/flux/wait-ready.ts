// flux.wait-ready: wait (with a watch) until a HelmRelease/Kustomization is Ready=True for
// its current spec (status.observedGeneration == metadata.generation), without requesting a
// reconciliation. Stalled=True (e.g. RetriesExceeded) fails at once: waiting cannot help.
import { z } from '../../src/zod.js';
import type { KubeObject } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { condition } from '../../src/kube-facts.js';
import { duration } from '../schemas.js';
import { fluxKind, fluxPermission, fluxRef, isReady, isSuspended, readyMessage } from './resources.js';

const params = z.object({ kind: fluxKind, namespace: z.string().default('flux-system'), name: z.string().min(1), timeout: duration.default(5 * 60_000) }).strict();

function observedCurrent(obj: KubeObject | undefined): boolean {
  const generation = obj?.metadata.generation as number | undefined;
  const observed = (obj?.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  return generation === undefined || observed === generation;
}

function readyNow(obj: KubeObject | undefined): boolean {
  return isReady(obj) && observedCurrent(obj);
}

function stalled(obj: KubeObject | undefined): boolean {
  return condition(obj, 'Stalled')?.status === 'True' && observedCurrent(obj);
}

function stateText(obj: KubeObject | undefined): string {
  if (!obj) return 'not found';
  const generation = obj.metadata.generation as number | undefined;
  const observed = (obj.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  const stale = observedCurrent(obj) ? '' : `; generation ${generation} not observed yet (observed ${observed ?? 'none'})`;
  return `Ready ${readyMessage(obj)}${stale}`;
}

export const fluxWaitReady = defineStep({
  type: 'flux.wait-ready',
  description: 'Waits until a HelmRelease/Kustomization is Ready for its current generation; fails with its Ready reason and message.',
  params,
  outputs: z.object({ reason: z.string(), message: z.string() }),
  uses: ['kube'],
  destructive: false,
  permissions: (p) => [fluxPermission(p.kind, ['get', 'watch'])], // waitFor: a get, then a watch (no list)
  async preflight({ params, adapters }) {
    const obj = await adapters.kube.get(fluxRef(params.kind, params.namespace, params.name));
    if (!obj) return [{ ok: false, message: `${params.kind} ${params.namespace}/${params.name} not found` }];
    if (isSuspended(obj)) return [{ ok: false, message: `${params.kind} ${params.namespace}/${params.name} is suspended: it will not become Ready`, hint: 'resume it first (flux.resume)' }];
    return [{ ok: true, message: `${params.kind} ${params.namespace}/${params.name}: ${stateText(obj)}` }];
  },
  async plan({ params, adapters }) {
    const obj = await adapters.kube.get(fluxRef(params.kind, params.namespace, params.name));
    return [{ op: 'noop', target: `${params.kind.toLowerCase()}/${params.namespace}/${params.name}`, summary: `wait until Ready (now ${stateText(obj)})` }];
  },
  async apply({ params, adapters, signal }) {
    const ref = fluxRef(params.kind, params.namespace, params.name);
    const what = `${params.kind} ${params.namespace}/${params.name}`;
    const obj = await adapters.kube.waitFor(ref, (o) => readyNow(o) || stalled(o), { timeoutMs: params.timeout, signal }).catch(async (e: Error) => {
      throw new Error(`${what} not Ready: ${stateText(await adapters.kube.get(ref).catch(() => undefined))} (${e.message})`);
    });
    if (!readyNow(obj)) {
      const s = condition(obj, 'Stalled') as { reason?: string; message?: string } | undefined;
      throw new Error(`${what} is stalled${s?.reason ? ` (${s.reason})` : ''}${s?.message ? `: ${s.message}` : ''}; ${stateText(obj)}`);
    }
    const ready = condition(obj, 'Ready') as { reason?: string; message?: string } | undefined;
    return { outputs: { reason: ready?.reason ?? '', message: ready?.message ?? '' } };
  },
  async verify({ params, adapters }) {
    const obj = await adapters.kube.get(fluxRef(params.kind, params.namespace, params.name));
    return [{ ok: readyNow(obj), message: `${params.kind} ${params.namespace}/${params.name}: ${stateText(obj)}` }];
  },
});
