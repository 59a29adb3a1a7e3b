// k8s.remove-finalizers: the incident's `kubectl patch pv X -p '{"metadata":{"finalizers":null}}'`
// made safe: only on an object already being deleted (deletionTimestamp set), only the named
// finalizers, guarded by resourceVersion. Irreversible: a deleting object can't regain them.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { describe, refOf } from '../../src/kube-facts.js';
import { clearFinalizers } from './delete-saved.js';

const params = z
  .object({ apiVersion: z.string().default('v1'), kind: z.string().min(1), namespace: z.string().optional(), name: z.string().min(1), finalizers: z.array(z.string()).min(1) })
  .strict();

export const k8sRemoveFinalizers = defineStep({
  type: 'k8s.remove-finalizers',
  description: 'Removes named finalizers from an object stuck Terminating (never from a live object).',
  params,
  uses: ['kube'],
  destructive: true,
  irreversible: true,
  permissions: (p) => [{ kind: 'kube', apiGroup: p.apiVersion.includes('/') ? p.apiVersion.split('/')[0]! : '', resource: `${p.kind.toLowerCase()}s`, verbs: ['get', 'patch'] }],
  async preflight({ params, adapters }) {
    const obj = await adapters.kube.get({ apiVersion: params.apiVersion, kind: params.kind, name: params.name, ...(params.namespace ? { namespace: params.namespace } : {}) });
    if (obj && !obj.metadata.deletionTimestamp) return [{ ok: false, message: `${describe(obj)} is not being deleted: its finalizers protect it`, hint: 'finalizers are only removed from objects stuck Terminating' }];
    return [];
  },
  async plan({ params, adapters }) {
    const obj = await adapters.kube.get({ apiVersion: params.apiVersion, kind: params.kind, name: params.name, ...(params.namespace ? { namespace: params.namespace } : {}) });
    const present = (obj?.metadata.finalizers ?? []).filter((f) => params.finalizers.includes(f));
    if (!obj || !present.length) return [{ op: 'noop', target: `${params.kind.toLowerCase()}/${params.name}`, summary: obj ? 'no such finalizer' : 'gone' }];
    return [{ op: 'update', target: describe(obj), summary: 'remove finalizers (the object is then deleted)', before: obj.metadata.finalizers, after: (obj.metadata.finalizers ?? []).filter((f) => !params.finalizers.includes(f)) }];
  },
  async apply({ params, adapters, saveObject }) {
    const obj = await adapters.kube.get({ apiVersion: params.apiVersion, kind: params.kind, name: params.name, ...(params.namespace ? { namespace: params.namespace } : {}) });
    if (!obj) return {};
    if (!obj.metadata.deletionTimestamp) throw new Error(`${describe(obj)} is not being deleted: refusing to remove its finalizers`);
    await saveObject({ source: 'kube', ref: describe(obj), object: obj });
    await clearFinalizers(adapters.kube, obj, params.finalizers);
    return {};
  },
});
