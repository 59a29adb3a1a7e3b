// Reading what earlier steps of the same run plan (a plan context's `planned`): the same object
// has the same target string in every step's plan, so a later step finds it by target.
import type { PlannedChange, PlannedStep } from '../step/define-step.js';

interface EarlierChange {
  step: PlannedStep;
  change: PlannedChange;
}

/** The last change (not a noop) an earlier step of one of these types plans for `target`. */
export function plannedEarlier(planned: readonly PlannedStep[] | undefined, target: string, uses: readonly string[]): EarlierChange | undefined {
  for (const step of [...(planned ?? [])].reverse()) {
    if (!uses.includes(step.uses)) continue;
    const change = step.changes.find((c) => c.target === target && c.op !== 'noop');
    if (change) return { step, change };
  }
  return undefined;
}
