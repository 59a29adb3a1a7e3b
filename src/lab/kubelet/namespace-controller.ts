// kube-controller-manager's namespace controller: a namespace being deleted (Terminating) has
// its content deleted — pods gracefully, so their kubelets confirm — and is removed once empty.
// A pod on a dead node keeps it Terminating until someone force-deletes that pod, as for real.
import { apiVersionOf, RESOURCES } from '../kube/resources.js';
import type { ControllerContext } from './types.js';

const CONTENT = RESOURCES.filter((t) => t.namespaced && t.writable);

export function syncNamespaces(ctx: ControllerContext): boolean {
  let changed = false;
  for (const ns of ctx.store.list('v1', 'Namespace').filter((n) => n.metadata.deletionTimestamp)) {
    const name = ns.metadata.name;
    for (const t of CONTENT) {
      for (const o of ctx.store.list(apiVersionOf(t), t.kind, { namespace: name })) {
        if (o.metadata.deletionTimestamp) continue;
        ctx.store.delete(o.apiVersion, o.kind, o.metadata.name, name);
        changed = true;
      }
    }
    changed = ctx.store.finalizeNamespace(name) || changed;
  }
  return changed;
}
