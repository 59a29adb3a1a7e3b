// Deleting anything goes through here: the full object is journaled (fsync'd) first, then
// deleted; the copy returned is what rollback re-creates.
import type { KubeObject, KubeWriter } from '../../src/adapters/ports.js';
import type { SavedObject } from '../../src/step/define-step.js';
import { describe, forRecreate, refOf } from '../../src/kube-facts.js';

export function savedCopy(obj: KubeObject): SavedObject {
  return { source: 'kube', ref: `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`, object: obj };
}

/** Deletes an object already saved; one gone meanwhile (taken with another) is not an error. */
export async function deleteObject(kube: KubeWriter, obj: KubeObject, options: { gracePeriodSeconds?: number } = {}): Promise<void> {
  if (await kube.get(refOf(obj))) await kube.delete(refOf(obj), options);
}

export async function saveThenDelete(
  kube: KubeWriter,
  saveObject: (s: SavedObject) => Promise<void>,
  obj: KubeObject,
  options: { gracePeriodSeconds?: number } = {},
): Promise<KubeObject> {
  await saveObject(savedCopy(obj));
  await kube.delete(refOf(obj), options);
  return forRecreate(obj);
}

/** Re-creates saved objects that are not there any more (rollback of a delete). */
export async function recreateMissing(kube: KubeWriter, objects: readonly KubeObject[], log: (m: string) => void): Promise<void> {
  for (const obj of objects) {
    const existing = await kube.get(refOf(obj));
    if (existing && !existing.metadata.deletionTimestamp) continue;
    if (existing) throw new Error(`${describe(obj)} is still terminating: cannot re-create it yet`);
    await kube.create(obj);
    log(`re-created ${describe(obj)}`);
  }
}

/** Removes the named finalizers from an object that is already being deleted. */
export async function clearFinalizers(kube: KubeWriter, obj: KubeObject, finalizers: readonly string[]): Promise<boolean> {
  const current = await kube.get(refOf(obj));
  if (!current?.metadata.deletionTimestamp) return false;
  const remaining = (current.metadata.finalizers ?? []).filter((f) => !finalizers.includes(f));
  if (remaining.length === (current.metadata.finalizers ?? []).length) return false;
  // JSON patch with a test on resourceVersion: never clobber a concurrent change.
  await kube.patch(refOf(current), [
    { op: 'test', path: '/metadata/resourceVersion', value: current.metadata.resourceVersion },
    { op: 'replace', path: '/metadata/finalizers', value: remaining },
  ], 'json');
  return true;
}
