// The state one execute() shares between its instance, fan-out and group functions: the
// options, what was applied and committed, the outputs in scope, the concurrency slots and
// the first reason to stop.
import type { GraphNode, StepGraph } from '../graph/compile.js';
import { EXIT, RunbookError } from '../errors.js';
import type { PlannedChange } from '../step/define-step.js';
import type { AdapterProvider } from './adapters.js';
import type { Confirmer, EngineObserver } from './events.js';
import type { Scope } from './instances.js';
import type { Journal } from './journal.js';
import type { AppliedEntry } from './journal-replay.js';
import { Semaphore } from './semaphore.js';
import type { ContextBase } from './step-context.js';
import type { InstanceInfo } from './types.js';

export interface ExecuteOptions {
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

export type ExecuteStatus = 'succeeded' | 'failed' | 'declined' | 'interrupted';

export class StepFailedError extends RunbookError {
  constructor(readonly key: string, message: string, options: { cause?: unknown } = {}) {
    super('E_STEP_FAILED', message, { ...options, exitCode: EXIT.stepFailed });
    this.name = 'StepFailedError';
  }
}

export function errorOf(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** What the observer and the journal call an instance of `node` (or its gate, or the node itself). */
export function instanceInfo(node: GraphNode, key: string, title = key, uses = node.spec.uses): InstanceInfo {
  return { key, stepId: node.id, title, uses };
}

export class Execution {
  readonly applied: AppliedEntry[];
  readonly committed: Set<string>;
  readonly scope: Scope;
  readonly slots: Semaphore;
  status: ExecuteStatus = 'succeeded';
  firstError: Error | undefined;
  failedKey: string | undefined;

  constructor(readonly o: ExecuteOptions) {
    this.applied = [...(o.previouslyApplied ?? [])];
    this.committed = new Set<string>(o.previouslyCommitted ?? []);
    this.scope = { params: o.params, steps: {} };
    this.slots = new Semaphore(o.concurrency ?? 4);
  }

  stopping(): boolean {
    return this.status !== 'succeeded' || this.o.signal.aborted;
  }

  /** The first stop wins: its status, error and key are the run's. */
  stop(s: Exclude<ExecuteStatus, 'succeeded'>, error?: Error, key?: string): void {
    if (this.status !== 'succeeded') return;
    this.status = s;
    this.firstError = error;
    this.failedKey = key;
  }

  base(info: InstanceInfo, signal: AbortSignal): ContextBase {
    return { runId: this.o.runId, stepId: info.stepId, key: info.key, signal, log: (m) => this.o.observer.stepLog?.(info, m) };
  }
}
