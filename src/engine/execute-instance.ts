// One step instance: confirmation, apply with retries (a half-done apply is recorded for
// rollback), journaling, verification, and what its failure means for the run.
import type { GraphNode } from '../graph/compile.js';
import type { CheckResult } from '../step/define-step.js';
import { cannotUndoReason, isDestructive } from '../step/define-step.js';
import { journalRetries } from './call-retries.js';
import { errorOf, instanceInfo, StepFailedError } from './execution.js';
import type { Execution } from './execution.js';
import { instanceKey, makeInstance } from './instances.js';
import type { Scope, StepInstance } from './instances.js';
import type { AppliedEntry } from './journal-replay.js';
import { AbortedError, NO_RETRY, delayBefore, sleep, withTimeout } from './retry.js';
import { applyContext, readContext } from './step-context.js';
import type { InstanceInfo } from './types.js';

function describeFailures(failures: CheckResult[]): string {
  return failures.map((f) => f.message + (f.hint ? ` (${f.hint})` : '')).join('; ');
}

async function confirmIfNeeded(x: Execution, inst: StepInstance): Promise<boolean> {
  const destructive = isDestructive(inst.def, inst.params);
  if (!destructive && inst.confirm === undefined) return true;
  const noUndo = cannotUndoReason(inst.def, inst.params);
  const message = `${inst.confirm ?? `Run ${inst.title} (${inst.uses})? It changes the cluster.`}${noUndo ? ` It cannot be undone: ${noUndo}.` : ''}`;
  return x.o.confirm({ instance: inst, message, changes: x.o.planned?.get(inst.key) ?? [] });
}

async function applyWithRetry(x: Execution, inst: StepInstance): Promise<{ outputs: unknown; undo: unknown }> {
  const { o } = x;
  const policy = inst.node.spec.retry ?? NO_RETRY;
  for (let attempt = 1; ; attempt++) {
    o.observer.stepStarted?.(inst, attempt);
    await o.journal.append({ t: 'step-started', key: inst.key, stepId: inst.stepId, uses: inst.uses, attempt, params: inst.params });
    let progress: { undo: unknown } | undefined;
    try {
      const result = await withTimeout(
        async (signal) => inst.def.apply(await applyContext(inst.def, inst.params, { ...x.base(inst, signal), onCheckpoint: (undo) => (progress = { undo }) }, o.adapters, o.journal)),
        inst.node.spec.timeoutMs,
        o.signal,
        journalRetries(o.journal, inst.key, (m) => o.observer.stepLog?.(inst, m)),
      );
      return { outputs: result.outputs ?? {}, undo: result.undo ?? null };
    } catch (e) {
      const err = errorOf(e);
      // It failed half-way: what it did is recorded as applied (partial) so rollback undoes it.
      // Such a step is not retried blindly: part of its work is done.
      if (progress) {
        const entry: AppliedEntry = { key: inst.key, stepId: inst.stepId, uses: inst.uses, params: inst.params, outputs: {}, undo: progress.undo, partial: true };
        x.applied.push(entry);
        await o.journal.append({ t: 'step-applied', ...entry });
        throw err;
      }
      if (o.signal.aborted || attempt >= policy.attempts) throw err;
      const delay = delayBefore(attempt + 1, policy);
      o.observer.stepRetrying?.(inst, attempt + 1, err, delay);
      await sleep(delay, o.signal);
    }
  }
}

async function verify(x: Execution, inst: StepInstance, outputs: unknown): Promise<void> {
  if (!inst.def.verify) return;
  const ctx = await readContext(inst.def, inst.params, x.base(inst, x.o.signal), x.o.adapters);
  const failures = (await inst.def.verify({ ...ctx, outputs })).filter((r) => !r.ok);
  if (failures.length) {
    x.o.observer.verifyFailed?.(inst, failures);
    throw new StepFailedError(inst.key, `verification failed: ${describeFailures(failures)}`);
  }
}

/** Runs one instance; returns its outputs, or undefined when it did not complete. */
export async function runInstance(x: Execution, node: GraphNode, instanceScope: Scope, item?: unknown, index?: number): Promise<unknown> {
  const { o } = x;
  const key = instanceKey(node.id, item, index);
  if (o.completed?.has(key)) {
    o.observer.stepSkipped?.(instanceInfo(node, key), 'completed by an earlier attempt');
    return o.completed.get(key);
  }
  const release = await x.slots.acquire();
  let phase: 'apply' | 'verify' = 'apply';
  let inst: StepInstance | undefined;
  try {
    if (x.stopping()) return undefined;
    inst = makeInstance(node, instanceScope, item, index);
    if (!(await confirmIfNeeded(x, inst))) {
      o.observer.stepSkipped?.(inst, 'declined');
      x.stop('declined', new Error(`declined: ${inst.title}`), key);
      return undefined;
    }
    if (x.stopping()) return undefined;
    const { outputs, undo } = await applyWithRetry(x, inst);
    const entry: AppliedEntry = { key, stepId: node.id, uses: node.spec.uses, params: inst.params, outputs, undo };
    x.applied.push(entry);
    await o.journal.append({ t: 'step-applied', ...entry });
    phase = 'verify';
    await verify(x, inst, outputs);
    await o.journal.append({ t: 'step-succeeded', key });
    o.observer.stepSucceeded?.(inst);
    return outputs;
  } catch (e) {
    const err = errorOf(e);
    const info: InstanceInfo = inst ?? instanceInfo(node, key);
    if (o.signal.aborted || err instanceof AbortedError) {
      await o.journal.append({ t: 'step-failed', key, error: 'interrupted', phase, continued: false });
      o.observer.stepFailed?.(info, new AbortedError('interrupted'));
      x.stop('interrupted', err, key);
      return undefined;
    }
    const continued = node.spec.continueOnError;
    await o.journal.append({ t: 'step-failed', key, error: err.message, phase, continued });
    o.observer.stepFailed?.(info, err);
    if (!continued) x.stop('failed', new StepFailedError(key, `step ${key} failed: ${err.message}`, { cause: err }), key);
    return undefined;
  } finally {
    release();
  }
}
