// What can be known before anything runs: for each step, its instances (fan-out over params
// expanded), or why they can't be known yet (they depend on another step's outputs).
import type { GraphNode, StepGraph } from '../graph/compile.js';
import type { InstanceInfo } from './events.js';
import { conditionHolds, forEachItems, makeInstance, missingStepRefs } from './instances.js';
import type { Scope, StepInstance } from './instances.js';

export type StaticNode =
  | { node: GraphNode; kind: 'instances'; instances: StepInstance[] }
  | { node: GraphNode; kind: 'deferred'; reason: string; info: InstanceInfo }
  | { node: GraphNode; kind: 'skipped'; reason: string; info: InstanceInfo };

export function staticInstances(graph: StepGraph, params: Record<string, unknown>): StaticNode[] {
  const scope: Scope = { params, steps: {} };
  return graph.order.map((id): StaticNode => {
    const node = graph.nodes.get(id)!;
    const info: InstanceInfo = { key: id, stepId: id, title: node.spec.name ?? id, uses: node.spec.uses };
    const dependsOn = missingStepRefs(node.spec, scope);
    if (dependsOn.length) return { node, kind: 'deferred', reason: `known after ${dependsOn.join(', ')} ran`, info };
    if (!conditionHolds(node.spec.when, scope)) return { node, kind: 'skipped', reason: 'when: condition is false', info };
    const items = forEachItems(node, scope);
    const instances = items === undefined ? [makeInstance(node, scope)] : items.map((item, i) => makeInstance(node, { ...scope, item }, item, i));
    return { node, kind: 'instances', instances };
  });
}
