// The Kustomization dependency chain (`spec.dependsOn`), infrastructure first: the order in
// which blocked Kustomizations must be reconciled (the incident's "fix infrastructure before
// apps": MetalLB failure -> infrastructure failure -> apps blocked).
import type { KubeObject } from '../../src/adapters/ports.js';
import { topologicalOrder } from '../../src/dependency-order.js';

export function keyOf(k: KubeObject): string {
  return `${k.metadata.namespace}/${k.metadata.name}`;
}

export function dependsOn(k: KubeObject): string[] {
  const deps = ((k.spec as { dependsOn?: Array<{ name: string; namespace?: string }> } | undefined)?.dependsOn ?? []);
  return deps.map((d) => `${d.namespace ?? k.metadata.namespace}/${d.name}`);
}

/** Kustomizations in dependency order (dependencies first). */
function chainOrder(all: readonly KubeObject[]): KubeObject[] {
  const byKey = new Map(all.map((k) => [keyOf(k), k]));
  const order = topologicalOrder({ ids: [...byKey.keys()], needs: (id) => dependsOn(byKey.get(id)!).filter((d) => byKey.has(d)) });
  return order.map((id) => byKey.get(id)!);
}

/** Everything that (transitively) depends on `root`, in order, root included. */
export function dependentsOf(all: readonly KubeObject[], root: string): KubeObject[] {
  const inChain = new Set([root]);
  const ordered = chainOrder(all);
  for (const k of ordered) if (dependsOn(k).some((d) => inChain.has(d))) inChain.add(keyOf(k));
  return ordered.filter((k) => inChain.has(keyOf(k)));
}
