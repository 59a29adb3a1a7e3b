// What the engine tells the outside world while it works. The UI (listr2, JSON, plain lines)
// subscribes; the engine never prints.
import type { CheckResult, PlannedChange } from '../step/define-step.js';
import type { InstanceInfo, PlanEntry, PreflightOutcome, Stage } from './types.js';


export type { InstanceInfo, Stage } from './types.js';

export interface ConfirmRequest {
  instance: InstanceInfo;
  message: string;
  changes: PlannedChange[];
}

export interface EngineObserver {
  stage?(stage: Stage): void;
  preflightDone?(outcome: PreflightOutcome): void;
  planned?(entries: readonly PlanEntry[]): void;
  stepStarted?(info: InstanceInfo, attempt: number): void;
  stepRetrying?(info: InstanceInfo, attempt: number, error: Error, delayMs: number): void;
  stepSucceeded?(info: InstanceInfo): void;
  stepSkipped?(info: InstanceInfo, reason: string): void;
  stepFailed?(info: InstanceInfo, error: Error): void;
  stepLog?(info: InstanceInfo, message: string): void;
  verifyFailed?(info: InstanceInfo, failures: CheckResult[]): void;
  /** A graph node is finished: all its instances ran, it was skipped, or it was stopped by a failure. */
  nodeFinished?(stepId: string, outcome: 'done' | 'skipped' | 'stopped'): void;
  rollbackStarted?(keys: string[]): void;
  /** `kept`: not undone on purpose, and why (irreversible, or past the point of no return);
   * `nothingToUndo`: the step changed nothing an undo could take back (a wait, a check). */
  rollbackStep?(key: string, ok: boolean, error?: Error, detail?: { kept: string } | { nothingToUndo: true }): void;
}

/** Asks the person (or the --yes flag) whether a destructive step may run. */
export type Confirmer = (request: ConfirmRequest) => Promise<boolean>;
