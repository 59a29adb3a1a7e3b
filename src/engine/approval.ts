// One approval per plan (terraform's "Do you want to perform these actions?"): the whole plan
// is approved once, bound to its digest, or step by step. An approval given after the cluster
// changed is not an approval of the new plan: the plan is computed again right after the
// answer and, if it differs, shown and asked again. A saved plan (`run --plan FILE`) is an
// approval given earlier: it runs only while the plan computed now has the same digest.
import { EXIT } from '../errors.js';
import type { ExitCode } from '../errors.js';
import type { PlanEntry } from './plan.js';
import { planDigest } from './plan-digest.js';

export type PlanAnswer = 'all' | 'each' | 'no' | 'interrupt';

export interface ApprovalRequest {
  entries: readonly PlanEntry[];
  planDigest: string;
  /** Keys of the steps that would ask one by one. */
  needs: readonly string[];
  /** The plan was computed again after an earlier answer and differs from the one shown. */
  changed: boolean;
}

/** Asks a person to approve the whole plan, go step by step, or decline. */
export type Approver = (request: ApprovalRequest) => Promise<PlanAnswer>;

type Approval =
  | { kind: 'approved'; entries: PlanEntry[]; keys: ReadonlySet<string> }
  | { kind: 'each' }
  | { kind: 'refused'; status: 'declined' | 'interrupted'; exitCode: ExitCode; message: string };

interface ApprovalOptions {
  entries: PlanEntry[];
  runbookDigest: string;
  needs: readonly string[];
  /** The plan digest a saved plan was approved with. */
  savedPlanDigest?: string;
  /** Absent when nobody can be asked (--yes, no terminal). */
  ask?: Approver;
  replan(): Promise<PlanEntry[]>;
  replanned(entries: readonly PlanEntry[]): Promise<void>;
}

/** Keys a whole-plan approval covers: each planned instance, and each step planned at run time. */
function approvedKeys(entries: readonly PlanEntry[]): ReadonlySet<string> {
  return new Set(entries.filter((e) => !e.skipped).map((e) => e.key));
}

export function coveredBy(keys: ReadonlySet<string>, instance: { key: string; stepId: string }): boolean {
  return keys.has(instance.key) || keys.has(instance.stepId);
}

export async function approvePlan(o: ApprovalOptions): Promise<Approval> {
  let entries = o.entries;
  let digest = planDigest(o.runbookDigest, entries);
  if (o.savedPlanDigest !== undefined) {
    if (digest === o.savedPlanDigest) return { kind: 'approved', entries, keys: approvedKeys(entries) };
    const message = `the saved plan no longer matches: the runbook's plan now has digest ${digest.slice(0, 12)}, the approved one ${o.savedPlanDigest.slice(0, 12)} (the cluster changed); nothing was changed: save and review a new plan (runbook plan --out)`;
    return { kind: 'refused', status: 'declined', exitCode: EXIT.declined, message };
  }
  if (!o.ask || !o.needs.length) return { kind: 'each' };
  for (let changed = false; ; changed = true) {
    const answer = await o.ask({ entries, planDigest: digest, needs: o.needs, changed });
    if (answer === 'each') return { kind: 'each' };
    if (answer === 'no') return { kind: 'refused', status: 'declined', exitCode: EXIT.declined, message: 'declined the plan; nothing was changed' };
    if (answer === 'interrupt') return { kind: 'refused', status: 'interrupted', exitCode: EXIT.interrupted, message: 'interrupted at the plan\'s approval; nothing was changed' };
    const now = await o.replan();
    const nowDigest = planDigest(o.runbookDigest, now);
    if (nowDigest === digest) return { kind: 'approved', entries: now, keys: approvedKeys(now) };
    entries = now;
    digest = nowDigest;
    await o.replanned(now);
  }
}
