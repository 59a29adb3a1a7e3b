// What can be known before anything runs: for each step, its instances (fan-out over params
// expanded), or why they can't be known yet (they depend on another step's outputs).
// A group contributes one entry per step inside it, each with one instance per item.
import type { GraphNode, StepGraph } from '../graph/compile.js';
import type { InstanceInfo } from './types.js';
import { instanceInfo } from './execution.js';
import { conditionHolds, forEachItems, makeInstance, missingStepRefs, nodeExprs } from './instances.js';
import type { Scope, StepInstance } from './instances.js';

type StaticNode =
  | { node: GraphNode; kind: 'instances'; instances: StepInstance[] }
  | { node: GraphNode; kind: 'deferred'; reason: string; info: InstanceInfo }
  | { node: GraphNode; kind: 'skipped'; reason: string; info: InstanceInfo };

const infoOf = (node: GraphNode): InstanceInfo => instanceInfo(node, node.id, node.spec.name ?? node.id);

function groupEntries(group: GraphNode, items: unknown[], scope: Scope): StaticNode[] {
  const children = group.children ?? [];
  return children.map((child): StaticNode => {
    // No items: nothing runs, even a step that reads a sibling's outputs (not "deferred").
    if (!items.length) return { node: child, kind: 'instances', instances: [] };
    const itemScope = (item: unknown): Scope => ({ ...scope, item });
    const missing = missingStepRefs(nodeExprs(child), itemScope(items[0]));
    if (missing.length) return { node: child, kind: 'deferred', reason: `known after ${missing.join(', ')} ran`, info: infoOf(child) };
    const instances = items.flatMap((item, i) => (conditionHolds(child.when, itemScope(item)) ? [makeInstance(child, itemScope(item), item, i)] : []));
    if (!instances.length && items.length) return { node: child, kind: 'skipped', reason: 'when: condition is false', info: infoOf(child) };
    return { node: child, kind: 'instances', instances };
  });
}

/** `known`: outputs of read-only steps the planner already ran (see plan.ts). */
export function staticInstances(graph: StepGraph, params: Record<string, unknown>, known: Scope['steps'] = {}): StaticNode[] {
  const scope: Scope = { params, steps: { ...known } };
  return graph.order.flatMap((id): StaticNode[] => {
    const node = graph.nodes.get(id)!;
    const info = infoOf(node);
    // A `when:` that needs no step outputs is decided now: a skipped step is never "deferred".
    const whenKnown = node.when === undefined || missingStepRefs([node.when], scope).length === 0;
    if (whenKnown && !conditionHolds(node.when, scope)) return [{ node, kind: 'skipped', reason: 'when: condition is false', info }];
    const dependsOn = missingStepRefs(nodeExprs(node), scope);
    const deferAll = (reason: string) => (node.children ?? [node]).map((n): StaticNode => ({ node: n, kind: 'deferred', reason, info: infoOf(n) }));
    if (dependsOn.length) return deferAll(`known after ${dependsOn.join(', ')} ran`);
    if (!conditionHolds(node.when, scope)) return [{ node, kind: 'skipped', reason: 'when: condition is false', info }];
    const items = forEachItems(node, scope);
    if (node.children) return groupEntries(node, items ?? [], scope);
    const instances = items === undefined ? [makeInstance(node, scope)] : items.map((item, i) => makeInstance(node, { ...scope, item }, item, i));
    return [{ node, kind: 'instances', instances }];
  });
}
