// k8s.patch: `kubectl patch` with a plan that names every field it changes (before -> after)
// and an undo that is exactly the previous values of those fields: a rollback puts back what
// this step changed and leaves every other field (and later edits elsewhere) alone.
import { isDeepStrictEqual } from 'node:util';
import { z } from '../../src/zod.js';
import type { KubeObject, KubeRef, KubeWriter } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import type { PlannedChange } from '../../src/step/define-step.js';
import { describe } from '../../src/kube-facts.js';
import { applyJsonPatch, applyMergePatch, formatPath, getAt, jsonPatchTouchedPaths, mergeTouchedPaths, toPointer } from './json-paths.js';
import type { JsonPatchOp, JsonPath } from './json-paths.js';
import { apiGroupOf, resourcePermission } from './resource-permission.js';
import { objectRefShape } from '../schemas.js';

const jsonPatchOp = z
  .object({ op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']), path: z.string(), from: z.string().optional(), value: z.unknown().optional() })
  .strict();

const params = z
  .object({
    ...objectRefShape,
    patch: z.union([z.record(z.string(), z.unknown()), z.array(jsonPatchOp)]),
    type: z.enum(['merge', 'strategic', 'json']).default('merge'),
  })
  .strict()
  .refine((p) => (p.type === 'json') === Array.isArray(p.patch), { message: 'a json patch is a list of operations; merge and strategic patches are maps', path: ['patch'] });

type Params = z.infer<typeof params>;

/** One touched field: its value before the patch, or absent. JSON-safe (no undefined). */
interface SavedField {
  path: JsonPath;
  existed: boolean;
  value?: unknown;
}

interface Undo {
  ref: KubeRef;
  fields: SavedField[];
}

function refOfParams(p: Params): KubeRef {
  return { apiVersion: p.apiVersion, kind: p.kind, name: p.name, ...(p.namespace ? { namespace: p.namespace } : {}) };
}

function touched(obj: KubeObject, p: Params): JsonPath[] {
  return p.type === 'json' ? jsonPatchTouchedPaths(obj, p.patch as JsonPatchOp[]) : mergeTouchedPaths(obj, p.patch);
}

function predicted(obj: KubeObject, p: Params): unknown {
  return p.type === 'json' ? applyJsonPatch(obj, p.patch as JsonPatchOp[]) : applyMergePatch(obj, p.patch);
}

function saveFields(obj: KubeObject, paths: readonly JsonPath[]): SavedField[] {
  return paths.map((path) => {
    const { found, value } = getAt(obj, path);
    return found ? { path, existed: true, value: structuredClone(value) } : { path, existed: false };
  });
}

/** Custom resources have no strategic-merge schema: the API server answers 415 for them. */
function strategicOnCustomResource(p: Params): boolean {
  const group = apiGroupOf(p.apiVersion);
  return p.type === 'strategic' && group.includes('.') && !group.endsWith('k8s.io');
}

function secretRefusal(p: Params): string | undefined {
  // Undo data holds previous values, and Secret values never enter the journal.
  return p.kind === 'Secret' ? 'k8s.patch does not patch Secrets: their previous values would have to be journaled' : undefined;
}

/** JSON patch restoring each saved field, built against the object as it is now. */
export function restoreOps(now: KubeObject, fields: readonly SavedField[]): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  for (const f of fields) {
    const current = getAt(now, f.path);
    const present = current.found;
    // Already as saved (the write never happened, or was undone): nothing to restore. A
    // rollback after a refused patch then writes nothing, and needs no permission it lacked.
    if (f.existed && present && isDeepStrictEqual(current.value, f.value)) continue;
    if (f.existed) {
      // `add` replaces an existing member; missing parents are re-created level by level.
      for (let i = 1; i < f.path.length; i++) {
        if (!getAt(now, f.path.slice(0, i)).found && !ops.some((o) => o.path === toPointer(f.path.slice(0, i)))) ops.push({ op: 'add', path: toPointer(f.path.slice(0, i)), value: {} });
      }
      ops.push({ op: 'add', path: toPointer(f.path), value: f.value });
    } else if (present) {
      ops.push({ op: 'remove', path: toPointer(f.path) });
    }
  }
  return ops;
}

async function restore(kube: KubeWriter, undo: Undo): Promise<void> {
  const now = await kube.get(undo.ref);
  if (!now) throw new Error(`${describe(undo.ref)} is gone: nothing to restore the patched fields on`);
  const ops = restoreOps(now, undo.fields);
  if (ops.length) await kube.patch(undo.ref, ops, 'json');
}

export const k8sPatch = defineStep({
  type: 'k8s.patch',
  description: 'Patches an object (merge, strategic or JSON patch); the plan lists each field before/after, rollback restores exactly those fields.',
  params,
  outputs: z.object({ resourceVersion: z.string(), changed: z.array(z.string()) }),
  uses: ['kube'],
  destructive: true,
  permissions: (p) => [resourcePermission(p.apiVersion, p.kind, ['get', 'patch'])],
  async preflight({ params, adapters }) {
    const refusal = secretRefusal(params);
    if (refusal) return [{ ok: false, message: refusal }];
    if (strategicOnCustomResource(params)) return [{ ok: false, message: `${params.kind} (${params.apiVersion}) is a custom resource: the API server does not take strategic merge patches for it`, hint: 'use type: merge (or json)' }];
    const obj = await adapters.kube.get(refOfParams(params));
    if (!obj) return [{ ok: false, message: `${describe(refOfParams(params))} not found` }];
    try {
      predicted(obj, params);
      touched(obj, params);
    } catch (e) {
      return [{ ok: false, message: `patch does not apply to ${describe(obj)}: ${e instanceof Error ? e.message : String(e)}` }];
    }
    return [{ ok: true, message: `${describe(obj)} exists` }];
  },
  async plan({ params, adapters }) {
    const obj = await adapters.kube.get(refOfParams(params));
    if (!obj) return [{ op: 'noop', target: describe(refOfParams(params)), summary: 'not found' }];
    const after = predicted(obj, params);
    const changes: PlannedChange[] = [];
    for (const path of touched(obj, params)) {
      const b = getAt(obj, path);
      const a = getAt(after, path);
      if (JSON.stringify(b.value) === JSON.stringify(a.value) && b.found === a.found) continue;
      changes.push({
        op: 'update',
        target: describe(obj),
        summary: `${formatPath(path)}${params.type === 'strategic' && Array.isArray(a.value) ? ' (strategic: list merged by key on the server)' : ''}`,
        ...(b.found ? { before: b.value } : {}),
        ...(a.found ? { after: a.value } : {}),
      });
    }
    return changes.length ? changes : [{ op: 'noop', target: describe(obj), summary: 'the patch changes nothing' }];
  },
  async apply({ params, adapters, saveObject, checkpoint }) {
    const refusal = secretRefusal(params);
    if (refusal) throw new Error(refusal);
    const ref = refOfParams(params);
    const obj = await adapters.kube.get(ref);
    if (!obj) throw new Error(`${describe(ref)} not found`);
    const paths = touched(obj, params);
    const fields = saveFields(obj, paths);
    await saveObject({ source: 'kube', ref: `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`, object: obj });
    // Undo journaled before the write: a crash right after it still rolls back (restoring
    // fields that were never changed changes nothing).
    await checkpoint({ ref, fields } satisfies Undo);
    // JSON patches get a resourceVersion test: the saved fields are exactly what gets replaced.
    const body = params.type === 'json' ? [{ op: 'test', path: '/metadata/resourceVersion', value: obj.metadata.resourceVersion }, ...(params.patch as JsonPatchOp[])] : params.patch;
    const result = await adapters.kube.patch(ref, body, params.type);
    const changed = paths.filter((p) => JSON.stringify(getAt(obj, p)) !== JSON.stringify(getAt(result, p))).map(formatPath);
    const undo: Undo = { ref, fields };
    return { outputs: { resourceVersion: result.metadata.resourceVersion ?? '', changed }, undo };
  },
  async verify({ params, adapters }) {
    const obj = await adapters.kube.get(refOfParams(params));
    if (!obj) return [{ ok: false, message: `${describe(refOfParams(params))} is gone` }];
    // Only a merge patch is idempotent: applying it again to the result must change nothing.
    if (params.type !== 'merge') return [{ ok: true, message: `${describe(obj)} patched` }];
    const again = predicted(obj, params);
    const differs = touched(obj, params).filter((p) => JSON.stringify(getAt(obj, p)) !== JSON.stringify(getAt(again, p)));
    return [{ ok: differs.length === 0, message: differs.length ? `${describe(obj)}: ${differs.map(formatPath).join(', ')} not as patched` : `${describe(obj)} patched` }];
  },
  async rollback({ adapters }, undo: Undo) {
    await restore(adapters.kube, undo);
  },
});
