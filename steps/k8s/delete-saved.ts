// Deleting anything goes through here: the full object is journaled (fsync'd) first, then
// deleted; the copy returned is what rollback re-creates.
import type { KubeObject, KubeWriter } from '../../src/adapters/ports.js';
import { ApiError } from '../../src/errors.js';
import type { SavedObject } from '../../src/step/define-step.js';
import { describe, forRecreate, refOf } from '../../src/kube-facts.js';

export function savedCopy(obj: KubeObject): SavedObject {
  return { source: 'kube', ref: `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`, object: obj };
}

/** Deletes an object already saved; one gone meanwhile (taken with another) is not an error. */
export async function deleteObject(kube: KubeWriter, obj: KubeObject, options: { gracePeriodSeconds?: number } = {}): Promise<void> {
  // The writer takes a 404 as done: gone between our read and our DELETE is what we wanted.
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

/** Attempts at clearing finalizers while a controller keeps changing the object. */
const FINALIZER_ATTEMPTS = 5;

/**
 * Removes the named finalizers from an object that is already being deleted; false when there
 * was nothing left to remove. The controllers that own those finalizers work at the same time
 * (the PV protection controller drops its finalizer once the claim is gone), so the object may
 * change or vanish between our read and our patch: re-read and try again, and gone is done.
 */
export async function clearFinalizers(kube: KubeWriter, obj: KubeObject, finalizers: readonly string[]): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const current = await kube.get(refOf(obj));
    if (!current?.metadata.deletionTimestamp) return false;
    const remaining = (current.metadata.finalizers ?? []).filter((f) => !finalizers.includes(f));
    if (remaining.length === (current.metadata.finalizers ?? []).length) return false;
    try {
      // JSON patch with a test on resourceVersion: never clobber a concurrent change.
      await kube.patch(refOf(current), [
        { op: 'test', path: '/metadata/resourceVersion', value: current.metadata.resourceVersion },
        { op: 'replace', path: '/metadata/finalizers', value: remaining },
      ], 'json');
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'not-found') return false;
      // The test failed (422) or the write conflicted (409): it changed under us; read it again.
      const changed = e instanceof ApiError && (e.kind === 'invalid' || e.kind === 'conflict');
      if (!changed || attempt >= FINALIZER_ATTEMPTS) throw e;
    }
  }
}
