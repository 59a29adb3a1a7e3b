// Rebuilding run state from the journal: what was applied (for rollback), committed and completed (for resume).
// The record of one applied step instance: what rollback needs, in memory or from the journal.
// After a crash the journal is the truth, including the step that was running: its last
// checkpoint is a partial apply, rolled back like a completed step.
import type { JournalRecord, StepAppliedRecord } from './journal-records.js';

/** A `step-applied` record without its tag; `partial`: it failed, or its process died, after a checkpoint. */
export type AppliedEntry = Omit<StepAppliedRecord, 't'>;

/** A step attempt that started and has not ended (yet) in this journal. */
interface OpenAttempt {
  key: string;
  stepId: string;
  uses: string;
  params: unknown;
  checkpoint?: { undo: unknown };
  /** It journaled a copy of an object: it was about to delete or replace it, and may have. */
  saved?: boolean;
}

function partialOf(a: OpenAttempt): AppliedEntry | undefined {
  if (!a.checkpoint && !a.saved) return undefined;
  // Without a checkpoint there is nothing to undo, but the entry still counts: a rollback must
  // know the step may have acted (a Node deletion is a point of no return).
  return { key: a.key, stepId: a.stepId, uses: a.uses, params: a.params, outputs: {}, undo: a.checkpoint ? a.checkpoint.undo : null, partial: true };
}

/** Applied instances not yet rolled back, in the order they were applied. */
export function appliedFromJournal(records: readonly JournalRecord[]): AppliedEntry[] {
  const rolledBack = new Set(records.filter((r) => r.t === 'step-rolled-back').map((r) => (r as { key: string }).key));
  const out: AppliedEntry[] = [];
  const open = new Map<string, OpenAttempt>();
  // A resumed step can be applied twice: both stay, undone newest first. The later apply saw
  // the earlier one's work as the state before it (a cordon found cordoned has nothing to undo),
  // so only the earlier undo data leads all the way back.
  const push = (entry: AppliedEntry | undefined) => {
    if (entry && !rolledBack.has(entry.key)) out.push(entry);
  };
  // A process that died inside steps leaves them open: their checkpoints are partial applies.
  const closeAll = () => {
    for (const a of open.values()) push(partialOf(a));
    open.clear();
  };
  for (const r of records) {
    switch (r.t) {
      case 'run-started':
        closeAll();
        break;
      case 'step-started':
        push(open.has(r.key) ? partialOf(open.get(r.key)!) : undefined);
        open.set(r.key, { key: r.key, stepId: r.stepId, uses: r.uses, params: r.params });
        break;
      case 'step-checkpoint': {
        const a = open.get(r.key);
        if (a) a.checkpoint = { undo: r.undo };
        break;
      }
      case 'object-saved': {
        const a = open.get(r.key);
        if (a) a.saved = true;
        break;
      }
      case 'step-applied':
        open.delete(r.key);
        push({ key: r.key, stepId: r.stepId, uses: r.uses, params: r.params, outputs: r.outputs, undo: r.undo, ...(r.partial ? { partial: true } : {}) });
        break;
      case 'step-failed':
        // Its checkpointed work, if any, was journaled as a partial step-applied just before.
        open.delete(r.key);
        break;
    }
  }
  closeAll();
  return out;
}

/** Keys whose step finished (applied and verified, or skipped) in an earlier process. */
export function completedFromJournal(records: readonly JournalRecord[]): Map<string, unknown> {
  const outputs = new Map<string, unknown>();
  const finished = new Set<string>();
  for (const r of records) {
    if (r.t === 'step-applied') outputs.set(r.key, r.outputs);
    if (r.t === 'step-succeeded' || r.t === 'step-skipped') finished.add(r.key);
    if (r.t === 'step-rolled-back') finished.delete(r.key);
  }
  const out = new Map<string, unknown>();
  for (const key of finished) out.set(key, outputs.get(key) ?? {});
  return out;
}

/** Keys of group items that completed whole; an automatic rollback after a failure skips them. */
export function committedFromJournal(records: readonly JournalRecord[]): Set<string> {
  return new Set(records.flatMap((r) => (r.t === 'item-committed' ? r.keys : [])));
}
