// Runs a compiled graph: dependency order, bounded concurrency, fan-out in serial batches with
// gates, retries with backoff, per-step timeouts, confirmation of destructive steps and
// cancellation. Every state change is journaled (fsync'd) before the engine moves on.
import type { GraphNode, StepGraph } from '../graph/compile.js';
import { batchesOf } from '../graph/compile.js';
import { EXIT, RunbookError } from '../errors.js';
import type { AdapterProvider } from './adapters.js';
import type { AppliedEntry } from './journal-replay.js';
import type { CheckResult, PlannedChange } from '../step/define-step.js';
import { cannotUndoReason, isDestructive } from '../step/define-step.js';
import type { Confirmer, EngineObserver } from './events.js';
import type { InstanceInfo } from './types.js';
import { conditionHolds, forEachItems, instanceKey, makeInstance, resolveParams } from './instances.js';
import type { Scope, StepInstance } from './instances.js';
import type { Journal } from './journal.js';
import { journalRetries } from './call-retries.js';
import { AbortedError, NO_RETRY, delayBefore, sleep, withTimeout } from './retry.js';
import { Semaphore } from './semaphore.js';
import { applyContext, readContext } from './step-context.js';
import type { ContextBase } from './step-context.js';

interface ExecuteOptions {
  graph: StepGraph;
  params: Record<string, unknown>;
  adapters: AdapterProvider;
  journal: Journal;
  observer: EngineObserver;
  confirm: Confirmer;
  signal: AbortSignal;
  runId: string;
  /** Instances running at once across the whole graph. */
  concurrency?: number;
  /** Resume: outputs of instances completed by an earlier process, by key. */
  completed?: ReadonlyMap<string, unknown>;
  /** Resume: instances applied by an earlier process, kept for rollback. */
  previouslyApplied?: readonly AppliedEntry[];
  /** Resume: keys of group items an earlier process completed whole. */
  previouslyCommitted?: ReadonlySet<string>;
  /** Planned changes by instance key, shown in confirmation prompts. */
  planned?: ReadonlyMap<string, PlannedChange[]>;
}

type ExecuteStatus = 'succeeded' | 'failed' | 'declined' | 'interrupted';

export interface ExecuteResult {
  status: ExecuteStatus;
  /** Applied instances in completion order (earlier processes' first). */
  applied: AppliedEntry[];
  /** Keys inside group items that completed whole: an automatic rollback leaves them. */
  committed: ReadonlySet<string>;
  error?: Error;
  failedKey?: string;
}

export class StepFailedError extends RunbookError {
  constructor(readonly key: string, message: string, options: { cause?: unknown } = {}) {
    super('E_STEP_FAILED', message, { ...options, exitCode: EXIT.stepFailed });
    this.name = 'StepFailedError';
  }
}

type NodeOutcome = 'done' | 'stopped';

function errorOf(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function describeFailures(failures: CheckResult[]): string {
  return failures.map((f) => f.message + (f.hint ? ` (${f.hint})` : '')).join('; ');
}

export async function execute(o: ExecuteOptions): Promise<ExecuteResult> {
  const applied: AppliedEntry[] = [...(o.previouslyApplied ?? [])];
  const committed = new Set<string>(o.previouslyCommitted ?? []);
  const scope: Scope = { params: o.params, steps: {} };
  const nodeRuns = new Map<string, Promise<NodeOutcome>>();
  const slots = new Semaphore(o.concurrency ?? 4);
  let status: ExecuteStatus = 'succeeded';
  let firstError: Error | undefined;
  let failedKey: string | undefined;

  const stopping = () => status !== 'succeeded' || o.signal.aborted;
  const stop = (s: Exclude<ExecuteStatus, 'succeeded'>, error?: Error, key?: string) => {
    if (status !== 'succeeded') return;
    status = s;
    firstError = error;
    failedKey = key;
  };

  const base = (info: InstanceInfo, signal: AbortSignal): ContextBase => ({
    runId: o.runId,
    stepId: info.stepId,
    key: info.key,
    signal,
    log: (m) => o.observer.stepLog?.(info, m),
  });

  async function confirmIfNeeded(inst: StepInstance): Promise<boolean> {
    const destructive = isDestructive(inst.def, inst.params);
    if (!destructive && inst.confirm === undefined) return true;
    const noUndo = cannotUndoReason(inst.def);
    const message = `${inst.confirm ?? `Run ${inst.title} (${inst.uses})? It changes the cluster.`}${noUndo ? ` It cannot be undone: ${noUndo}.` : ''}`;
    return o.confirm({ instance: inst, message, changes: o.planned?.get(inst.key) ?? [] });
  }

  async function applyWithRetry(inst: StepInstance): Promise<{ outputs: unknown; undo: unknown }> {
    const policy = inst.node.spec.retry ?? NO_RETRY;
    for (let attempt = 1; ; attempt++) {
      o.observer.stepStarted?.(inst, attempt);
      await o.journal.append({ t: 'step-started', key: inst.key, stepId: inst.stepId, uses: inst.uses, attempt, params: inst.params });
      let progress: { undo: unknown } | undefined;
      try {
        const result = await withTimeout(
          async (signal) => inst.def.apply(await applyContext(inst.def, inst.params, { ...base(inst, signal), onCheckpoint: (undo) => (progress = { undo }) }, o.adapters, o.journal)),
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
          applied.push(entry);
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

  async function verify(inst: StepInstance, outputs: unknown): Promise<void> {
    if (!inst.def.verify) return;
    const ctx = await readContext(inst.def, inst.params, base(inst, o.signal), o.adapters);
    const failures = (await inst.def.verify({ ...ctx, outputs })).filter((r) => !r.ok);
    if (failures.length) {
      o.observer.verifyFailed?.(inst, failures);
      throw new StepFailedError(inst.key, `verification failed: ${describeFailures(failures)}`);
    }
  }

  /** Runs one instance; returns its outputs, or undefined when it did not complete. */
  async function runInstance(node: GraphNode, instanceScope: Scope, item?: unknown, index?: number): Promise<unknown> {
    const key = instanceKey(node.id, item, index);
    if (o.completed?.has(key)) {
      const info: InstanceInfo = { key, stepId: node.id, title: key, uses: node.spec.uses };
      o.observer.stepSkipped?.(info, 'completed by an earlier attempt');
      return o.completed.get(key);
    }
    const release = await slots.acquire();
    let phase: 'apply' | 'verify' = 'apply';
    let inst: StepInstance | undefined;
    try {
      if (stopping()) return undefined;
      inst = makeInstance(node, instanceScope, item, index);
      if (!(await confirmIfNeeded(inst))) {
        o.observer.stepSkipped?.(inst, 'declined');
        stop('declined', new Error(`declined: ${inst.title}`), key);
        return undefined;
      }
      if (stopping()) return undefined;
      const { outputs, undo } = await applyWithRetry(inst);
      const entry: AppliedEntry = { key, stepId: node.id, uses: node.spec.uses, params: inst.params, outputs, undo };
      applied.push(entry);
      await o.journal.append({ t: 'step-applied', ...entry });
      phase = 'verify';
      await verify(inst, outputs);
      await o.journal.append({ t: 'step-succeeded', key });
      o.observer.stepSucceeded?.(inst);
      return outputs;
    } catch (e) {
      const err = errorOf(e);
      const info: InstanceInfo = inst ?? { key, stepId: node.id, title: key, uses: node.spec.uses };
      if (o.signal.aborted || err instanceof AbortedError) {
        await o.journal.append({ t: 'step-failed', key, error: 'interrupted', phase, continued: false });
        o.observer.stepFailed?.(info, new AbortedError('interrupted'));
        stop('interrupted', err, key);
        return undefined;
      }
      const continued = node.spec.continueOnError;
      await o.journal.append({ t: 'step-failed', key, error: err.message, phase, continued });
      o.observer.stepFailed?.(info, err);
      if (!continued) stop('failed', new StepFailedError(key, `step ${key} failed: ${err.message}`, { cause: err }), key);
      return undefined;
    } finally {
      release();
    }
  }

  async function runGate(node: GraphNode, batchIndex: number): Promise<boolean> {
    const gate = node.spec.gate;
    if (!gate || !node.gateDef) return true;
    const info: InstanceInfo = { key: `${node.id}:gate-${batchIndex + 1}`, stepId: node.id, title: `${node.spec.name ?? node.id}: gate after batch ${batchIndex + 1}`, uses: gate.uses };
    try {
      o.observer.stepStarted?.(info, 1);
      const params = resolveParams(gate, node.gateDef, scope, `gate of step ${node.id}`);
      await withTimeout(
        async (signal) => node.gateDef!.apply(await applyContext(node.gateDef!, params, base(info, signal), o.adapters, o.journal)),
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
      stop('failed', new StepFailedError(info.key, `gate after batch ${batchIndex + 1} of ${node.id} failed: ${err.message}`, { cause: err }), info.key);
      return false;
    }
  }

  /** One item of a group: its steps in order, with the item and the siblings' outputs in scope. */
  async function runGroupItem(node: GraphNode, item: unknown, index: number): Promise<void> {
    const itemScope: Scope = { ...scope, steps: { ...scope.steps }, item };
    const keys: string[] = [];
    for (const child of node.children ?? []) {
      if (stopping()) return;
      const local = child.group!.localId;
      const key = instanceKey(child.id, item, index);
      if (!conditionHolds(child.spec.when, itemScope)) {
        await o.journal.append({ t: 'step-skipped', key, reason: 'when: condition is false' });
        o.observer.stepSkipped?.({ key, stepId: child.id, title: key, uses: child.spec.uses }, 'condition is false');
        itemScope.steps[local] = { outputs: {} };
        continue;
      }
      const outputs = await runInstance(child, itemScope, item, index);
      if (stopping()) return;
      keys.push(key);
      itemScope.steps[local] = { outputs: (outputs ?? {}) as Record<string, unknown> };
    }
    for (const k of keys) committed.add(k);
    await o.journal.append({ t: 'item-committed', key: instanceKey(node.id, item, index), keys });
  }

  async function runFanOut(node: GraphNode, items: unknown[]): Promise<void> {
    const outputsPerItem: unknown[] = [];
    const batches = batchesOf(items.map((item, index) => ({ item, index })), node.spec.serial);
    const limit = new Semaphore(node.spec.maxParallel ?? Number.MAX_SAFE_INTEGER);
    for (const [b, batch] of batches.entries()) {
      if (stopping()) return;
      await Promise.all(
        batch.map(async ({ item, index }) => {
          const release = await limit.acquire();
          try {
            if (node.children) await runGroupItem(node, item, index);
            else outputsPerItem[index] = await runInstance(node, { ...scope, item }, item, index);
          } finally {
            release();
          }
        }),
      );
      if (b < batches.length - 1 && !stopping() && !(await runGate(node, b))) return;
    }
    // A fan-out step's outputs are lists: one entry per item, in item order.
    const merged: Record<string, unknown[]> = {};
    for (const out of outputsPerItem) {
      for (const [k, v] of Object.entries((out ?? {}) as Record<string, unknown>)) (merged[k] ??= []).push(v);
    }
    scope.steps[node.id] = { outputs: merged };
  }

  async function runNode(node: GraphNode): Promise<NodeOutcome> {
    const outcome = await runNodeInner(node);
    o.observer.nodeFinished?.(node.id, outcome === 'skipped' ? 'skipped' : outcome);
    return outcome === 'skipped' ? 'done' : outcome;
  }

  async function runNodeInner(node: GraphNode): Promise<NodeOutcome | 'skipped'> {
    const deps = await Promise.all(node.needs.map((id) => schedule(id)));
    if (deps.includes('stopped') || stopping()) return 'stopped';
    try {
      if (!conditionHolds(node.spec.when, scope)) {
        const info: InstanceInfo = { key: node.id, stepId: node.id, title: node.spec.name ?? node.id, uses: node.spec.uses };
        await o.journal.append({ t: 'step-skipped', key: node.id, reason: 'when: condition is false' });
        o.observer.stepSkipped?.(info, 'condition is false');
        scope.steps[node.id] = { outputs: {} };
        return 'skipped';
      }
      const items = forEachItems(node, scope);
      if (items === undefined) {
        const outputs = await runInstance(node, scope);
        scope.steps[node.id] = { outputs: (outputs ?? {}) as Record<string, unknown> };
      } else {
        await runFanOut(node, items);
      }
    } catch (e) {
      const err = errorOf(e);
      o.observer.stepFailed?.({ key: node.id, stepId: node.id, title: node.id, uses: node.spec.uses }, err);
      stop('failed', err, node.id);
    }
    return stopping() ? 'stopped' : 'done';
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
  if (status === 'succeeded' && o.signal.aborted) stop('interrupted', new AbortedError('interrupted'));
  return { status, applied, committed, ...(firstError ? { error: firstError } : {}), ...(failedKey ? { failedKey } : {}) };
}
