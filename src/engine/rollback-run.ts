// `runbook rollback RUN_ID` as one guarded write: the run's journal (rollback records and the
// run's new status), the cluster's run lock held throughout (the same run may take its dead
// process's lease over), and the adapters the caller built (with the Event recorder).
import { EXIT } from '../errors.js';
import type { AdapterProvider } from './adapters.js';
import type { AppliedEntry } from './journal-replay.js';
import type { StepRegistry } from '../step/define-step.js';
import type { EngineObserver } from './events.js';
import { Journal } from './journal.js';
import { rollback } from './rollback.js';
import type { RollbackResult } from './rollback.js';
import type { RunLock } from './run-lock.js';

interface RollbackRunOptions {
  runId: string;
  runbook: string;
  entries: readonly AppliedEntry[];
  registry: StepRegistry;
  adapters: AdapterProvider;
  stateDir: string;
  observer: EngineObserver;
  /** Taken before the first undo; a refusal throws before anything is written anywhere. */
  lock?: RunLock;
}

export async function rollbackRun(o: RollbackRunOptions): Promise<RollbackResult> {
  const held = await o.lock?.acquire(o.runId, o.runbook);
  try {
    const journal = await Journal.create(o.stateDir, o.runId);
    try {
      const rb = await rollback({ entries: o.entries, registry: o.registry, adapters: o.adapters, journal, runId: o.runId, observer: o.observer });
      await journal.append({ t: 'run-finished', status: rb.ok ? 'rolled-back' : 'rollback-incomplete', exitCode: rb.ok ? EXIT.ok : EXIT.rollbackIncomplete });
      return rb;
    } finally {
      await journal.close();
    }
  } finally {
    await held?.release();
  }
}
