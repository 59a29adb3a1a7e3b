// `runbook restore`: re-creates objects a run deleted, from the full copies its journal holds.
// Order matters (a claim needs its volume, a pod its node): cluster-scoped first, pods last.
// What cannot come back honestly is said, not faked: Secret values were never journaled, and
// a pod a controller owns is re-created by that controller.
import type { KubeObject, KubeWriter } from '../adapters/ports.js';
import type { JournalRecord } from '../engine/journal-records.js';
import { describe, forRecreate, globMatcher, refOf } from '../kube-facts.js';

export interface RestoreResult {
  ref: string;
  outcome: 'restored' | 'exists' | 'skipped' | 'failed';
  detail?: string;
}

const ORDER = ['Namespace', 'Node', 'PersistentVolume', 'PersistentVolumeClaim', 'ConfigMap', 'Secret', 'Service', 'Pod'];
const rank = (kind: string) => (ORDER.includes(kind) ? ORDER.indexOf(kind) : ORDER.length - 1);

interface SavedKubeObject {
  ref: string;
  object: KubeObject;
}

/** Every Kubernetes object the run saved before deleting or replacing it, latest copy per ref. */
export function savedObjects(records: readonly JournalRecord[], filters: readonly string[] = []): SavedKubeObject[] {
  const byRef = new Map<string, KubeObject>();
  for (const r of records) if (r.t === 'object-saved' && r.saved.source === 'kube') byRef.set(r.saved.ref, r.saved.object as KubeObject);
  // --object matches the journal ref (v1/PersistentVolume/pvc-x), kind/name or just the name.
  const match = globMatcher(filters);
  return [...byRef.entries()]
    .filter(([ref, o]) => !filters.length || match(ref) || match(describe(o)) || match(o.metadata.name))
    .map(([ref, object]) => ({ ref, object }))
    .sort((a, b) => rank(a.object.kind) - rank(b.object.kind));
}

/** A volume comes back unbound from its old claim's uid, so the re-created claim can bind it. */
function prepare(obj: KubeObject): KubeObject {
  const copy = forRecreate(obj);
  delete copy.metadata.finalizers;
  const spec = copy.spec as { claimRef?: Record<string, unknown> } | undefined;
  if (copy.kind === 'PersistentVolume' && spec?.claimRef) {
    const { uid: _uid, resourceVersion: _rv, ...claimRef } = spec.claimRef;
    spec.claimRef = claimRef;
  }
  return copy;
}

function whyNot(obj: KubeObject): string | undefined {
  if (obj.kind === 'Secret') return 'its values were never journaled (only their digests): re-create it by hand (k3s re-creates node-password secrets when the node joins)';
  const owner = obj.metadata.ownerReferences?.find((o) => o.controller);
  if (obj.kind === 'Pod' && owner) return `its ${owner.kind} ${owner.name} re-creates it`;
  return undefined;
}

export async function restoreObjects(kube: KubeWriter, saved: readonly SavedKubeObject[], dryRun: boolean): Promise<RestoreResult[]> {
  const out: RestoreResult[] = [];
  for (const { object } of saved) {
    const ref = describe(object);
    const skip = whyNot(object);
    if (skip) {
      out.push({ ref, outcome: 'skipped', detail: skip });
      continue;
    }
    try {
      const existing = await kube.get(refOf(object));
      if (existing && !existing.metadata.deletionTimestamp) out.push({ ref, outcome: 'exists', detail: 'already there, left alone' });
      else if (existing) out.push({ ref, outcome: 'failed', detail: 'still terminating: try again once it is gone' });
      else {
        if (!dryRun) await kube.create(prepare(object));
        out.push({ ref, outcome: 'restored', ...(dryRun ? { detail: 'would re-create (dry run)' } : {}) });
      }
    } catch (e) {
      out.push({ ref, outcome: 'failed', detail: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
