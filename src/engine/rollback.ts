// Undo completed steps in reverse completion order, from their journaled undo data. Works the
// same in-process after a failure and from the journal alone after a crash. A rollback failure
// is reported and the remaining steps are still attempted: never swallowed, never fatal early.
import type { AdapterProvider } from './adapters.js';
import type { AppliedEntry } from './journal-replay.js';
import type { StepRegistry } from '../step/define-step.js';
import { isIrreversible } from '../step/define-step.js';
import type { EngineObserver } from './events.js';
import type { Journal } from './journal.js';
import { inCallScope } from '../call-scope.js';
import { journalRetries } from './call-retries.js';
import { applyContext } from './step-context.js';

interface RollbackFailure {
  key: string;
  error: Error;
}

export interface RollbackResult {
  ok: boolean;
  rolledBack: string[];
  failures: RollbackFailure[];
  /** Left as they are, with why: irreversible by nature, or at/before a point of no return. */
  kept: { key: string; reason: string }[];
  /** Done with, but nothing was undone: they changed nothing (waits, checks) or kept no undo data. */
  nothingToUndo: string[];
}

interface RollbackOptions {
  entries: readonly AppliedEntry[];
  registry: StepRegistry;
  adapters: AdapterProvider;
  journal: Journal;
  observer: EngineObserver;
  runId: string;
  signal?: AbortSignal;
}

export async function rollback(o: RollbackOptions): Promise<RollbackResult> {
  const entries = [...o.entries].reverse();
  const result: RollbackResult = { ok: true, rolledBack: [], failures: [], kept: [], nothingToUndo: [] };
  // Keeping a step is its rollback: journaled, so `runbook rollback` finishes instead of failing forever.
  const keep = async (key: string, reason: string) => {
    await o.journal.append({ t: 'step-rolled-back', key, kept: reason });
    result.kept.push({ key, reason });
    o.observer.rollbackStep?.(key, true, undefined, { kept: reason });
  };
  let noReturn: string | undefined;
  o.observer.stage?.('rollback');
  o.observer.rollbackStarted?.(entries.map((e) => e.key));
  await o.journal.append({ t: 'rollback-started' });
  // Rollback must run even when the run was interrupted: it gets its own signal.
  const signal = o.signal ?? new AbortController().signal;
  for (const entry of entries) {
    const def = o.registry.get(entry.uses);
    noReturn ??= def?.pointOfNoReturn && `past the point of no return (${entry.key}): ${def.pointOfNoReturn}`;
    if (noReturn || (def && isIrreversible(def, entry.params))) {
      await keep(entry.key, noReturn ?? 'irreversible by nature: undo it by hand if needed');
      continue;
    }
    try {
      if (!def) throw new Error(`step type ${entry.uses} is not known to this version of runbook`);
      const undoes = Boolean(def.rollback) && entry.undo !== null && entry.undo !== undefined;
      if (undoes) {
        const ctx = await applyContext(
          def,
          entry.params,
          { runId: o.runId, stepId: entry.stepId, key: entry.key, signal, log: () => {} },
          o.adapters,
          o.journal,
        );
        // Its API calls retry transient failures (journaled) like apply's: a brief outage is ridden out.
        await inCallScope({ signal, onRetry: journalRetries(o.journal, entry.key) }, () => def.rollback!(ctx, entry.undo));
      }
      await o.journal.append({ t: 'step-rolled-back', key: entry.key });
      (undoes ? result.rolledBack : result.nothingToUndo).push(entry.key);
      o.observer.rollbackStep?.(entry.key, true, undefined, undoes ? undefined : { nothingToUndo: true });
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      result.ok = false;
      result.failures.push({ key: entry.key, error });
      await o.journal.append({ t: 'step-rollback-failed', key: entry.key, error: error.message });
      o.observer.rollbackStep?.(entry.key, false, error);
    }
  }
  await o.journal.append({ t: 'rollback-finished', ok: result.ok });
  return result;
}
