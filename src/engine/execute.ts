// Runs a compiled graph: dependency order, bounded concurrency, fan-out in serial batches with
// gates, retries with backoff, per-step timeouts, confirmation of destructive steps and
// cancellation. Every state change is journaled (fsync'd) before the engine moves on.
// One instance is execute-instance.ts, a forEach fan-out.ts, a group's item group.ts; the
// state they share is an Execution (execution.ts).
import type { GraphNode } from '../graph/compile.js';
import { runInstance } from './execute-instance.js';
import { errorOf, Execution, instanceInfo } from './execution.js';
import type { ExecuteOptions, ExecuteStatus } from './execution.js';
import { runFanOut } from './fan-out.js';
import { conditionHolds, forEachItems } from './instances.js';
import type { AppliedEntry } from './journal-replay.js';
import { AbortedError } from './retry.js';

export interface ExecuteResult {
  status: ExecuteStatus;
  /** Applied instances in completion order (earlier processes' first). */
  applied: AppliedEntry[];
  /** Keys inside group items that completed whole: an automatic rollback leaves them. */
  committed: ReadonlySet<string>;
  error?: Error;
  failedKey?: string;
}

type NodeOutcome = 'done' | 'stopped';

export async function execute(o: ExecuteOptions): Promise<ExecuteResult> {
  const x = new Execution(o);
  const nodeRuns = new Map<string, Promise<NodeOutcome>>();

  async function runNode(node: GraphNode): Promise<NodeOutcome> {
    const outcome = await runNodeInner(node);
    o.observer.nodeFinished?.(node.id, outcome === 'skipped' ? 'skipped' : outcome);
    return outcome === 'skipped' ? 'done' : outcome;
  }

  async function runNodeInner(node: GraphNode): Promise<NodeOutcome | 'skipped'> {
    const deps = await Promise.all(node.needs.map((id) => schedule(id)));
    if (deps.includes('stopped') || x.stopping()) return 'stopped';
    try {
      if (!conditionHolds(node.when, x.scope)) {
        await o.journal.append({ t: 'step-skipped', key: node.id, reason: 'when: condition is false' });
        o.observer.stepSkipped?.(instanceInfo(node, node.id, node.spec.name ?? node.id), 'condition is false');
        x.scope.steps[node.id] = { outputs: {} };
        return 'skipped';
      }
      const items = forEachItems(node, x.scope);
      if (items === undefined) {
        const outputs = await runInstance(x, node, x.scope);
        x.scope.steps[node.id] = { outputs: (outputs ?? {}) as Record<string, unknown> };
      } else {
        await runFanOut(x, node, items);
      }
    } catch (e) {
      const err = errorOf(e);
      o.observer.stepFailed?.(instanceInfo(node, node.id), err);
      x.stop('failed', err, node.id);
    }
    return x.stopping() ? 'stopped' : 'done';
  }

  function schedule(id: string): Promise<NodeOutcome> {
    let run = nodeRuns.get(id);
    if (!run) {
      run = runNode(o.graph.nodes.get(id)!);
      nodeRuns.set(id, run);
    }
    return run;
  }

  await Promise.all(o.graph.order.map((id) => schedule(id)));
  if (x.status === 'succeeded' && o.signal.aborted) x.stop('interrupted', new AbortedError('interrupted'));
  return { status: x.status, applied: x.applied, committed: x.committed, ...(x.firstError ? { error: x.firstError } : {}), ...(x.failedKey ? { failedKey: x.failedKey } : {}) };
}
