// k8s.wait-condition: `kubectl wait --for=condition=TYPE=STATUS` with a watch. A condition
// only counts when it describes the current spec: if the condition carries observedGeneration
// (or the object's status does), it must equal metadata.generation.
import { z } from '../../src/zod.js';
import type { KubeObject, KubeRef } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { duration, objectRefShape } from '../schemas.js';
import { condition, describe } from '../../src/kube-facts.js';
import { resourcePermission } from './resource-permission.js';

const params = z
  .object({
    ...objectRefShape,
    condition: z.string().min(1),
    status: z.enum(['True', 'False', 'Unknown']).default('True'),
    timeout: duration.default(5 * 60_000),
  })
  .strict();

interface FullCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

function fullCondition(obj: KubeObject | undefined, type: string): FullCondition | undefined {
  return condition(obj, type) as FullCondition | undefined;
}

/** False when the condition (or status) says it was computed for an older generation. */
function isCurrent(obj: KubeObject | undefined, c: FullCondition | undefined): boolean {
  const generation = obj?.metadata.generation as number | undefined;
  if (generation === undefined) return true;
  const observed = c?.observedGeneration ?? (obj?.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  return observed === undefined || observed >= generation;
}

function conditionText(obj: KubeObject | undefined, type: string): string {
  if (!obj) return 'object not found';
  const c = fullCondition(obj, type);
  if (!c) return `no ${type} condition`;
  return `${type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}${isCurrent(obj, c) ? '' : ' [for an older generation]'}`;
}

function holds(obj: KubeObject | undefined, type: string, status: string): boolean {
  const c = fullCondition(obj, type);
  return c?.status === status && isCurrent(obj, c);
}

function refOf(p: z.infer<typeof params>): KubeRef {
  return { apiVersion: p.apiVersion, kind: p.kind, name: p.name, ...(p.namespace ? { namespace: p.namespace } : {}) };
}

export const k8sWaitCondition = defineStep({
  type: 'k8s.wait-condition',
  description: 'Waits (with a watch) until an object reports condition TYPE=STATUS for its current generation.',
  params,
  outputs: z.object({ status: z.string(), reason: z.string(), message: z.string() }),
  uses: ['kube'],
  destructive: false,
  permissions: (p) => [resourcePermission(p.apiVersion, p.kind, ['get', 'watch'])], // waitFor: a get, then a watch (no list)
  async plan({ params, adapters }) {
    const obj = await adapters.kube.get(refOf(params));
    return [{ op: 'noop', target: describe(refOf(params)), summary: `wait until ${params.condition}=${params.status} (now ${conditionText(obj, params.condition)})` }];
  },
  async apply({ params, adapters, signal }) {
    const ref = refOf(params);
    const obj = await adapters.kube.waitFor(ref, (o) => holds(o, params.condition, params.status), { timeoutMs: params.timeout, signal }).catch(async (e: Error) => {
      const now = await adapters.kube.get(ref).catch(() => undefined);
      throw new Error(`${describe(ref)}: ${params.condition}=${params.status} not reached, now ${conditionText(now, params.condition)} (${e.message})`);
    });
    const c = fullCondition(obj, params.condition);
    return { outputs: { status: c?.status ?? '', reason: c?.reason ?? '', message: c?.message ?? '' } };
  },
});
