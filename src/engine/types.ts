// The engine's shared data shapes: what a stage hands the next and the observer sees. Below
// every engine module, so plan, preflight, events and instances import these and not each other.
import type { CheckResult, PlannedChange } from '../step/define-step.js';

export type Stage = 'preflight' | 'plan' | 'confirm' | 'apply' | 'verify' | 'rollback';

export interface InstanceInfo {
  /** `drain` or `drain[k3s-server-1]` for fan-out items. */
  key: string;
  stepId: string;
  title: string;
  uses: string;
  item?: unknown;
}

export interface PlanEntry {
  key: string;
  stepId: string;
  title: string;
  uses: string;
  destructive: boolean;
  changes: PlannedChange[];
  /** Why a rollback would not undo it: irreversible, or the run's point of no return. */
  cannotUndo?: string;
  /** Why this step could not be planned up front (its inputs come from another step). */
  deferred?: string;
  /** Set on a deferred step whose declared permissions only read: it will change nothing. */
  readsOnly?: boolean;
  skipped?: string;
}

export interface SourcedCheck extends CheckResult {
  /** `preflight.node-is-dead` or `step.drain[k3s-server-0]`. */
  source: string;
}

export interface PreflightOutcome {
  ok: boolean;
  results: SourcedCheck[];
}
