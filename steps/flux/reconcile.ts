// flux.reconcile: `flux reconcile hr|ks NAME [--force] [--reset]` as an API call, then wait
// for the controller to handle it and report Ready. No flux CLI needed.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { duration } from '../schemas.js';
import { FORCE_AT, REQUESTED_AT, RESET_AT, fluxKind, fluxPermission, fluxRef, handled, isReady, isSuspended, readyMessage } from './resources.js';

const params = z
  .object({ kind: fluxKind, namespace: z.string().default('flux-system'), name: z.string().min(1), force: z.boolean().default(false), reset: z.boolean().default(false), timeout: duration.default(5 * 60_000), wait: z.boolean().default(true), onlyIfNotReady: z.boolean().default(false) })
  .strict();

export const fluxReconcile = defineStep({
  type: 'flux.reconcile',
  description: 'Requests a Flux reconciliation (requestedAt, plus forceAt/resetAt for a stuck HelmRelease) and waits until it is handled and Ready.',
  params,
  outputs: z.object({ token: z.string(), ready: z.boolean() }),
  uses: ['kube'],
  destructive: false,
  permissions: (p) => [fluxPermission(p.kind, ['get', 'patch', 'watch'])], // waitFor: a get, then a watch (no list)
  async preflight({ params, adapters }) {
    const obj = await adapters.kube.get(fluxRef(params.kind, params.namespace, params.name));
    if (!obj) return [{ ok: false, message: `${params.kind} ${params.namespace}/${params.name} not found` }];
    if (isSuspended(obj)) return [{ ok: false, message: `${params.kind} ${params.namespace}/${params.name} is suspended`, hint: 'resume it first (flux.resume)' }];
    if ((params.force || params.reset) && params.kind !== 'HelmRelease') return [{ ok: false, message: 'force/reset only apply to HelmReleases' }];
    return [{ ok: true, message: `${params.kind} ${params.namespace}/${params.name}: Ready ${readyMessage(obj)}` }];
  },
  async plan({ params, adapters }) {
    const obj = await adapters.kube.get(fluxRef(params.kind, params.namespace, params.name));
    // A remediation runbook leaves a healthy object alone: its second run has nothing to do.
    if (params.onlyIfNotReady && isReady(obj)) return [{ op: 'noop', target: `${params.kind.toLowerCase()}/${params.namespace}/${params.name}`, summary: 'Ready: nothing to reconcile' }];
    const extra = [params.force && 'force', params.reset && 'reset the failure count'].filter(Boolean).join(', ');
    return [{ op: 'action', target: `${params.kind.toLowerCase()}/${params.namespace}/${params.name}`, summary: `reconcile${extra ? ` (${extra})` : ''}; now Ready ${readyMessage(obj)}` }];
  },
  async apply({ params, adapters, signal }) {
    const ref = fluxRef(params.kind, params.namespace, params.name);
    if (params.onlyIfNotReady && isReady(await adapters.kube.get(ref))) return { outputs: { token: '', ready: true } };
    // Same token format as the flux CLI: RFC3339Nano-ish timestamp.
    const token = new Date().toISOString();
    const annotations: Record<string, string> = { [REQUESTED_AT]: token };
    if (params.force) annotations[FORCE_AT] = token;
    if (params.reset) annotations[RESET_AT] = token;
    await adapters.kube.patch(ref, { metadata: { annotations } }, 'merge');
    if (!params.wait) return { outputs: { token, ready: false } };
    const obj = await adapters.kube.waitFor(ref, (o) => handled(o, token) && isReady(o), { timeoutMs: params.timeout, signal }).catch(async (e: Error) => {
      const now = await adapters.kube.get(ref);
      throw new Error(`${params.kind} ${params.namespace}/${params.name} not Ready after reconcile: ${readyMessage(now)} (${e.message})`);
    });
    return { outputs: { token, ready: isReady(obj) } };
  },
});
