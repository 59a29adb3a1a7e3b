// A `forEach` step or group: its items in `serial` batches (at most `maxParallel` at once),
// the gate between batches, and the per-item outputs merged into lists.
import type { GraphNode } from '../graph/compile.js';
import { batchesOf } from '../graph/compile.js';
import { journalRetries } from './call-retries.js';
import { runInstance } from './execute-instance.js';
import { errorOf, instanceInfo, StepFailedError } from './execution.js';
import type { Execution } from './execution.js';
import { runGroupItem } from './group.js';
import { resolveParams } from './instances.js';
import { withTimeout } from './retry.js';
import { Semaphore } from './semaphore.js';
import { applyContext } from './step-context.js';

async function runGate(x: Execution, node: GraphNode, batchIndex: number): Promise<boolean> {
  const { o } = x;
  const gate = node.spec.gate;
  if (!gate || !node.gateDef) return true;
  const info = instanceInfo(node, `${node.id}:gate-${batchIndex + 1}`, `${node.spec.name ?? node.id}: gate after batch ${batchIndex + 1}`, gate.uses);
  try {
    o.observer.stepStarted?.(info, 1);
    const params = resolveParams(node.gateCall!, node.gateDef, x.scope, `gate of step ${node.id}`);
    await withTimeout(
      async (signal) => node.gateDef!.apply(await applyContext(node.gateDef!, params, x.base(info, signal), o.adapters, o.journal)),
      node.spec.timeoutMs,
      o.signal,
      journalRetries(o.journal, info.key, (m) => o.observer.stepLog?.(info, m)),
    );
    o.observer.stepSucceeded?.(info);
    return true;
  } catch (e) {
    const err = errorOf(e);
    await o.journal.append({ t: 'step-failed', key: info.key, error: err.message, phase: 'apply', continued: false });
    o.observer.stepFailed?.(info, err);
    x.stop('failed', new StepFailedError(info.key, `gate after batch ${batchIndex + 1} of ${node.id} failed: ${err.message}`, { cause: err }), info.key);
    return false;
  }
}

export async function runFanOut(x: Execution, node: GraphNode, items: unknown[]): Promise<void> {
  const outputsPerItem: unknown[] = [];
  const batches = batchesOf(items.map((item, index) => ({ item, index })), node.spec.serial);
  const limit = new Semaphore(node.spec.maxParallel ?? Number.MAX_SAFE_INTEGER);
  for (const [b, batch] of batches.entries()) {
    if (x.stopping()) return;
    await Promise.all(
      batch.map(async ({ item, index }) => {
        const release = await limit.acquire();
        try {
          if (node.children) await runGroupItem(x, node, item, index);
          else outputsPerItem[index] = await runInstance(x, node, { ...x.scope, item }, item, index);
        } finally {
          release();
        }
      }),
    );
    if (b < batches.length - 1 && !x.stopping() && !(await runGate(x, node, b))) return;
  }
  // A fan-out step's outputs are lists: one entry per item, in item order.
  const merged: Record<string, unknown[]> = {};
  for (const out of outputsPerItem) {
    for (const [k, v] of Object.entries((out ?? {}) as Record<string, unknown>)) (merged[k] ??= []).push(v);
  }
  x.scope.steps[node.id] = { outputs: merged };
}
