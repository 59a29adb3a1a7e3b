// Builds the context objects a step function receives: read-only adapters for
// preflight/plan/verify, writers plus `saveObject` (journaled before the write) for apply/rollback.
import type { AdapterName } from '../adapters/ports.js';
import type { AdapterProvider } from './adapters.js';
import type { ApplyContext, ReadContext, SavedObject, StepDefinition } from '../step/define-step.js';
import type { Journal } from './journal.js';

export interface ContextBase {
  runId: string;
  stepId: string;
  key: string;
  signal: AbortSignal;
  log(message: string): void;
  /** Receives apply's progress checkpoints (the executor keeps the last one). */
  onCheckpoint?(undo: unknown): void;
}

export async function readContext(def: StepDefinition, params: unknown, base: ContextBase, adapters: AdapterProvider): Promise<ReadContext<unknown, AdapterName>> {
  return { params, runId: base.runId, stepId: base.stepId, signal: base.signal, log: base.log, adapters: await adapters.reader(def.uses) };
}

export async function applyContext(
  def: StepDefinition,
  params: unknown,
  base: ContextBase,
  adapters: AdapterProvider,
  journal: Journal | undefined,
): Promise<ApplyContext<unknown, AdapterName>> {
  return {
    params,
    runId: base.runId,
    stepId: base.stepId,
    signal: base.signal,
    log: base.log,
    adapters: await adapters.writer(def.uses),
    saveObject: async (saved: SavedObject) => {
      if (!journal) throw new Error('saveObject needs a journal: refusing to delete without a saved copy');
      await journal.append({ t: 'object-saved', key: base.key, saved });
    },
    checkpoint: async (undo: unknown) => {
      await journal?.append({ t: 'step-checkpoint', key: base.key, undo });
      base.onCheckpoint?.(undo);
    },
  };
}
