// Resuming a run from its journal alone: what an earlier process finished is skipped, what it
// applied stays for rollback (the step it died in too, from its checkpoints), and the runbook
// and params must be the ones the run started with, or the plan could differ.
import { RunbookError } from '../errors.js';
import { runbookDigest } from '../runbook/digest.js';
import type { Runbook } from '../runbook/types.js';
import { appliedFromJournal, committedFromJournal, completedFromJournal } from './journal-replay.js';
import type { JournalRecord, RunStartedRecord, RunStatus } from './journal-records.js';
import type { ResumeState } from './run.js';

interface ResumableRun {
  runId: string;
  records: readonly JournalRecord[];
  start: RunStartedRecord;
  status: RunStatus;
}

/** The resume state of a past run, or a RunbookError saying why it cannot be resumed. */
export function resumeState(past: ResumableRun, runbook: Runbook): ResumeState {
  if (past.status === 'succeeded' || past.status === 'rolled-back') {
    throw new RunbookError('E_RESUME', `run ${past.runId} already ${past.status}: nothing to resume`);
  }
  if (runbookDigest(runbook, past.start.params) !== past.start.digest) {
    throw new RunbookError('E_RESUME_CHANGED', `${past.start.file} changed since run ${past.runId} started: resuming could apply a different plan`, {
      hint: `restore the file, or undo the run with \`runbook rollback ${past.runId}\` and start again`,
    });
  }
  return {
    runId: past.runId,
    completed: completedFromJournal(past.records),
    // Everything applied and not rolled back, finished or not: a failure later in the resumed
    // run rolls it all back.
    previouslyApplied: appliedFromJournal(past.records),
    previouslyCommitted: committedFromJournal(past.records),
  };
}
