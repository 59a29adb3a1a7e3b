// k8s.delete-secret: e.g. k3s's `NODE.node-password.k3s`, which would refuse a new node of
// the same name. Secret values are never journaled (only per-key digests), so this step is
// irreversible by design: put it last in a runbook.
import { z } from '../../src/zod.js';
import { defineStep } from '../../src/step/define-step.js';
import { SECRET } from '../../src/kube-facts.js';
import { saveThenDelete } from './delete-saved.js';
import { kube } from './permissions.js';

export const k8sDeleteSecret = defineStep({
  type: 'k8s.delete-secret',
  description: 'Deletes a Secret (metadata and value digests are journaled, never the values).',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }).strict(),
  uses: ['kube'],
  destructive: true,
  irreversible: true,
  permissions: [kube('secrets', ['get', 'delete'])],
  async plan({ params, adapters }) {
    const s = await adapters.kube.get({ ...SECRET, ...params });
    return [s ? { op: 'delete', target: `secret/${params.namespace}/${params.name}`, summary: 'delete (values are not kept: irreversible)' } : { op: 'noop', target: `secret/${params.namespace}/${params.name}`, summary: 'already gone' }];
  },
  async apply({ params, adapters, saveObject }) {
    const s = await adapters.kube.get({ ...SECRET, ...params });
    if (s) await saveThenDelete(adapters.kube, saveObject, s);
    return {};
  },
  async verify({ params, adapters }) {
    const s = await adapters.kube.get({ ...SECRET, ...params });
    return [{ ok: !s, message: s ? `secret ${params.namespace}/${params.name} still exists` : `secret ${params.namespace}/${params.name} is gone` }];
  },
});
