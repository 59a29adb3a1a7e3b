// kube-controller-manager's disruption controller: keeps every PodDisruptionBudget's status
// (healthy, desired, disruptionsAllowed) in step with its pods. The API server does not compute
// it — on a real server without this controller a PDB has no status and evictions it guards
// are refused — so it runs here, with the other controllers, not inside the lab's store.
import { pdbStatusChanges } from '../kube/pdb.js';
import { rfc3339 } from './time.js';
import type { ControllerContext } from './types.js';

export function syncDisruption(ctx: ControllerContext): boolean {
  const pdbs = ctx.store.list('policy/v1', 'PodDisruptionBudget');
  if (pdbs.length === 0) return false;
  const objects = [...ctx.store.list('v1', 'Pod'), ...pdbs];
  let changed = false;
  for (const namespace of new Set(pdbs.map((p) => p.metadata.namespace ?? 'default'))) {
    for (const [pdb, status] of pdbStatusChanges(objects, namespace, rfc3339(ctx.now()))) {
      ctx.store.mutate(pdb.apiVersion, pdb.kind, pdb.metadata.name, namespace, (o) => {
        o.status = status;
      });
      changed = true;
    }
  }
  return changed;
}
