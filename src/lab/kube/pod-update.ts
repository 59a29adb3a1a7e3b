// What a client may change in a pod's spec after creation (ValidatePodUpdate in
// pkg/apis/core/validation): container images, activeDeadlineSeconds, and tolerations only by
// adding. Anything else is 422 — the real server refuses, say, adding a container with
// "spec.containers: Forbidden: pod updates may not add or remove containers". Applies to
// client writes only: the lab's own scheduler binds by writing spec.nodeName, where a real one
// posts to pods/binding.
import { canonical } from './object-meta.js';
import { invalid } from './status.js';
import type { KubeObject } from './types.js';

type Spec = Record<string, unknown> & { containers?: Record<string, unknown>[]; initContainers?: Record<string, unknown>[]; tolerations?: unknown[] };

const CHANGEABLE = 'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations) or `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The old spec with what an update may change taken from the new one: equal to the new one iff the update is allowed. */
function munged(oldSpec: Spec, newSpec: Spec): Spec {
  const out: Spec = structuredClone(oldSpec);
  for (const list of ['containers', 'initContainers'] as const) {
    out[list]?.forEach((c, i) => {
      const image = newSpec[list]?.[i]?.image;
      if (image !== undefined) c.image = image;
    });
  }
  if (newSpec.activeDeadlineSeconds === undefined) delete out.activeDeadlineSeconds;
  else out.activeDeadlineSeconds = newSpec.activeDeadlineSeconds;
  const before = (oldSpec.tolerations ?? []).map(canonical);
  const addsOnly = before.every((t) => (newSpec.tolerations ?? []).map(canonical).includes(t));
  if (addsOnly) {
    if (newSpec.tolerations === undefined) delete out.tolerations;
    else out.tolerations = newSpec.tolerations;
  }
  return out;
}

export function checkPodUpdate(next: KubeObject, old: KubeObject): void {
  const newSpec = (next.spec ?? {}) as Spec;
  const oldSpec = (old.spec ?? {}) as Spec;
  const pod = { group: '', kind: 'Pod' };
  if ((newSpec.containers ?? []).length !== (oldSpec.containers ?? []).length) {
    throw invalid(pod, old.metadata.name, [{ field: 'spec.containers', type: 'Forbidden', detail: 'pod updates may not add or remove containers' }]);
  }
  if (canonical(munged(oldSpec, newSpec)) !== canonical(newSpec)) {
    throw invalid(pod, old.metadata.name, [{ field: 'spec', type: 'Forbidden', detail: CHANGEABLE }]);
  }
}
