// The scale subresource of Deployments, ReplicaSets and StatefulSets (autoscaling/v1 Scale),
// which `kubectl scale` reads and patches (pkg/registry/apps/deployment/storage: ScaleREST).
// Only spec.replicas of the owner changes; the selector comes from spec.selector.matchLabels.
import { jsonPatch, mergePatch, PatchError } from './patch.js';
import { apiVersionOf, groupResource } from './resources.js';
import type { ResourceType } from './resources.js';
import { badRequest, conflict, KubeStatusError, notFound } from './status.js';
import type { KubeObject, KubeStore } from './store.js';

export const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet']);

function selectorString(o: KubeObject): string {
  const labels = ((o.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels) ?? {};
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

function scaleOf(o: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: (o.spec as { replicas?: number } | undefined)?.replicas ?? 1 },
    status: { replicas: (o.status as { replicas?: number } | undefined)?.replicas ?? 0, selector: selectorString(o) },
  };
}

function owner(store: KubeStore, t: ResourceType, name: string, namespace?: string): KubeObject {
  const o = store.get(apiVersionOf(t), t.kind, name, namespace);
  if (!o) throw notFound(groupResource(t), name);
  return o;
}

export function readScale(store: KubeStore, t: ResourceType, name: string, namespace?: string): KubeObject {
  return scaleOf(owner(store, t, name, namespace));
}

/** PUT (a whole Scale) or PATCH (merge/strategic/JSON on the Scale) of the scale subresource. */
export function writeScale(store: KubeStore, t: ResourceType, name: string, namespace: string | undefined, change: { put?: unknown; patch?: unknown; contentType?: string }, dryRun: boolean): KubeObject {
  const current = owner(store, t, name, namespace);
  let wanted: KubeObject;
  try {
    if (change.put !== undefined) wanted = change.put as KubeObject;
    else if (change.contentType === 'application/json-patch+json') wanted = jsonPatch(scaleOf(current), change.patch) as KubeObject;
    else wanted = mergePatch(scaleOf(current), change.patch) as KubeObject; // Scale has no merge-keyed lists
  } catch (e) {
    if (e instanceof PatchError) throw new KubeStatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
    throw e;
  }
  const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) throw badRequest('spec.replicas: Invalid value: must be a non-negative integer');
  const rv = wanted.metadata?.resourceVersion;
  if (rv && rv !== current.metadata.resourceVersion) throw conflict(groupResource(t), name);
  const updated = store.update({ ...current, spec: { ...(current.spec as object), replicas } }, { dryRun, keepStatus: true });
  return scaleOf(updated);
}
