// One item of a group: its steps in order, with the item and the siblings' outputs in scope.
// An item that completes whole is committed: an automatic rollback after a failure leaves it.
import type { GraphNode } from '../graph/compile.js';
import { runInstance } from './execute-instance.js';
import { instanceInfo } from './execution.js';
import type { Execution } from './execution.js';
import { conditionHolds, instanceKey } from './instances.js';
import type { Scope } from './instances.js';

export async function runGroupItem(x: Execution, node: GraphNode, item: unknown, index: number): Promise<void> {
  const itemScope: Scope = { ...x.scope, steps: { ...x.scope.steps }, item };
  const keys: string[] = [];
  for (const child of node.children ?? []) {
    if (x.stopping()) return;
    const local = child.group!.localId;
    const key = instanceKey(child.id, item, index);
    if (!conditionHolds(child.when, itemScope)) {
      await x.o.journal.append({ t: 'step-skipped', key, reason: 'when: condition is false' });
      x.o.observer.stepSkipped?.(instanceInfo(child, key), 'condition is false');
      itemScope.steps[local] = { outputs: {} };
      continue;
    }
    const outputs = await runInstance(x, child, itemScope, item, index);
    if (x.stopping()) return;
    keys.push(key);
    itemScope.steps[local] = { outputs: (outputs ?? {}) as Record<string, unknown> };
  }
  for (const k of keys) x.committed.add(k);
  await x.o.journal.append({ t: 'item-committed', key: instanceKey(node.id, item, index), keys });
}
