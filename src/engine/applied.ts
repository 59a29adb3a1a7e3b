// The record of one applied step instance: what rollback needs, in memory or from the journal.
import type { JournalRecord } from './journal-records.js';

export interface AppliedEntry {
  key: string;
  stepId: string;
  uses: string;
  params: unknown;
  outputs: unknown;
  undo: unknown;
}

/** Applied instances not yet rolled back, in the order they were applied. */
export function appliedFromJournal(records: readonly JournalRecord[]): AppliedEntry[] {
  const rolledBack = new Set(records.filter((r) => r.t === 'step-rolled-back').map((r) => (r as { key: string }).key));
  const out: AppliedEntry[] = [];
  for (const r of records) {
    if (r.t !== 'step-applied' || rolledBack.has(r.key)) continue;
    // A retried or resumed step can be applied twice; keep the latest undo data.
    const i = out.findIndex((e) => e.key === r.key);
    if (i >= 0) out.splice(i, 1);
    out.push({ key: r.key, stepId: r.stepId, uses: r.uses, params: r.params, outputs: r.outputs, undo: r.undo });
  }
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

/** Keys that started but never finished: the process died (or was killed) inside them. */
export function interruptedFromJournal(records: readonly JournalRecord[]): string[] {
  const open = new Set<string>();
  for (const r of records) {
    if (r.t === 'step-started') open.add(r.key);
    if (r.t === 'step-applied' || r.t === 'step-failed' || r.t === 'step-skipped' || r.t === 'step-succeeded') open.delete(r.key);
  }
  return [...open];
}

/** Keys of group items that completed whole; an automatic rollback after a failure skips them. */
export function committedFromJournal(records: readonly JournalRecord[]): Set<string> {
  return new Set(records.flatMap((r) => (r.t === 'item-committed' ? r.keys : [])));
}
