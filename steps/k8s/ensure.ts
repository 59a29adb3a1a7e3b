// k8s.ensure: create an object unless one of that name exists (it is then left as it is).
// Rollback deletes only what this step created. For objects a fix needs to exist first, such
// as the PriorityClass that replaces a reserved `system-` name.
import { z } from '../../src/zod.js';
import type { KubeObject } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { describe, refOf } from '../../src/kube-facts.js';
import { resourcePermission } from './resource-permission.js';

const object = z
  .object({ apiVersion: z.string().min(1), kind: z.string().min(1), metadata: z.object({ name: z.string().min(1), namespace: z.string().optional() }).passthrough() })
  .passthrough();

export const k8sEnsure = defineStep({
  type: 'k8s.ensure',
  description: 'Creates an object if none of that name exists (an existing one is left unchanged); rollback deletes only what it created.',
  params: z.object({ object }).strict(),
  uses: ['kube'],
  destructive: false,
  permissions: (p) => [resourcePermission(p.object.apiVersion, p.object.kind, ['get', 'create', 'delete'])],
  async plan({ params, adapters }) {
    const obj = params.object as KubeObject;
    const existing = await adapters.kube.get(refOf(obj));
    return [existing ? { op: 'noop', target: describe(obj), summary: 'exists already: left as it is' } : { op: 'create', target: describe(obj), summary: 'create', after: obj }];
  },
  async apply({ params, adapters, checkpoint }) {
    const obj = params.object as KubeObject;
    if (await adapters.kube.get(refOf(obj))) return { undo: null };
    // Undo journaled before the create: a crash right after it still deletes what was created.
    await checkpoint({ ref: refOf(obj) });
    await adapters.kube.create(obj);
    return { undo: { ref: refOf(obj) } };
  },
  async verify({ params, adapters }) {
    const obj = params.object as KubeObject;
    const found = await adapters.kube.get(refOf(obj));
    return [{ ok: Boolean(found), message: found ? `${describe(obj)} exists` : `${describe(obj)} is missing` }];
  },
  async rollback({ adapters }, undo: { ref: ReturnType<typeof refOf> } | null) {
    // After a crash the create may never have happened: nothing to delete is not an error.
    if (undo && (await adapters.kube.get(undo.ref))) await adapters.kube.delete(undo.ref);
  },
});
