// The records of a run journal: one JSON object per line, append-only. Everything needed to
// roll back or resume a run is here, so those work after a crash with no process memory.
import type { CheckResult, PlannedChange, SavedObject } from '../step/define-step.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'rolled-back' | 'rollback-incomplete' | 'declined' | 'interrupted' | 'preflight-failed' | 'findings';

export interface RunStartedRecord {
  t: 'run-started';
  runId: string;
  runbook: string;
  file: string;
  digest: string;
  params: Record<string, unknown>;
  mode: 'run' | 'resume';
  pid: number;
  /** The cluster it ran against (kubeconfig context and API server), for `runbook history`. */
  target?: RunTarget;
}

export interface RunTarget {
  context: string;
  server: string;
}

interface PreflightRecord {
  t: 'preflight';
  ok: boolean;
  results: Array<CheckResult & { source: string }>;
}

interface PlanRecord {
  t: 'plan';
  changes: Array<PlannedChange & { key: string }>;
}

interface StepStartedRecord {
  t: 'step-started';
  key: string;
  stepId: string;
  uses: string;
  attempt: number;
  /** Resolved `with:` params: a crash inside the step is rolled back from its checkpoints. */
  params?: unknown;
}

/** An adapter retried one API call of this step (transient failure); `attempt` is the one about to start. */
interface CallRetriedRecord {
  t: 'call-retried';
  key: string;
  call: string;
  attempt: number;
  error: string;
  delayMs: number;
}

interface ObjectSavedRecord {
  t: 'object-saved';
  key: string;
  saved: SavedObject;
}

export interface StepAppliedRecord {
  t: 'step-applied';
  key: string;
  stepId: string;
  uses: string;
  /** Resolved `with:` params, needed to roll back from the journal alone. */
  params: unknown;
  outputs: unknown;
  undo: unknown;
  /** The step failed after this much of it was done: rollback undoes that part. */
  partial?: boolean;
}

/** Undo data of a step's progress so far (see ApplyContext.checkpoint). */
interface StepCheckpointRecord {
  t: 'step-checkpoint';
  key: string;
  undo: unknown;
}

interface StepFinishedRecord {
  t: 'step-succeeded' | 'step-skipped';
  key: string;
  reason?: string;
}

interface StepFailedRecord {
  t: 'step-failed';
  key: string;
  error: string;
  phase: 'apply' | 'verify';
  continued: boolean;
}

/** Every step of one group item completed: an automatic rollback leaves that item alone. */
interface ItemCommittedRecord {
  t: 'item-committed';
  key: string;
  keys: string[];
}

interface RollbackRecord {
  t: 'rollback-started' | 'rollback-finished';
  ok?: boolean;
}

interface StepRollbackRecord {
  t: 'step-rolled-back' | 'step-rollback-failed';
  key: string;
  error?: string;
  /** Rolled back by keeping it, and why: irreversible by nature, or past the point of no return. */
  kept?: string;
}

interface RunFinishedRecord {
  t: 'run-finished';
  status: RunStatus;
  exitCode: number;
  error?: string;
}

/**
 * A resume that stopped before changing anything (preflight failed, lock held, declined): the
 * run keeps the status it had (a half-applied run is not "preflight-failed").
 */
interface ResumeRefusedRecord {
  t: 'resume-refused';
  status: RunStatus;
  exitCode: number;
  error?: string;
}

export type JournalRecord = (
  | RunStartedRecord
  | PreflightRecord
  | PlanRecord
  | StepStartedRecord
  | ObjectSavedRecord
  | StepAppliedRecord
  | StepCheckpointRecord
  | StepFinishedRecord
  | StepFailedRecord
  | ItemCommittedRecord
  | RollbackRecord
  | StepRollbackRecord
  | CallRetriedRecord
  | RunFinishedRecord
  | ResumeRefusedRecord
) & { time?: string };
