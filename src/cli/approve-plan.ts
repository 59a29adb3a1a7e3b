// The one question before a run changes anything: the whole plan (bound to its digest), step by
// step, or nothing. Esc is "no", Ctrl-C the run's interrupt (nothing was changed yet: exit 130).
import type { Approver, PlanAnswer } from '../engine/approval.js';
import { cannotBeUndone } from './format-plan.js';
import type { CliIO } from './io.js';

/** `signal`: the run's interrupt (SIGTERM while the question is open ends it as Ctrl-C would). */
export function planApprover(io: CliIO, signal?: AbortSignal): Approver {
  return async ({ entries, planDigest, needs, changed }) => {
    const { pickOne } = await import('../ui/prompt.js');
    if (changed) io.out('The cluster changed while the plan was on screen: the plan above is the one that would run now.\n');
    // One answer covers them too: the question itself names what a rollback would not undo.
    const kept = cannotBeUndone(entries).map((e) => e.key);
    const answer = await pickOne(
      `Apply this plan (plan digest ${planDigest.slice(0, 12)})?${kept.length ? ` Cannot be undone: ${kept.join(', ')}.` : ''}`,
      [
        { name: 'all', message: `Yes: the whole plan, asked once (${needs.length} step(s) change the cluster)` },
        { name: 'each', message: 'Step by step: ask before each of them' },
        { name: 'no', message: 'No: change nothing' },
      ],
      io.stdin,
      'no',
      signal,
    );
    if (answer.ok) return answer.value as PlanAnswer;
    return answer.end === 'interrupt' ? 'interrupt' : 'no';
  };
}
