// Loading a past run from its journal, for `rollback` and `resume`, with the guard that a
// run still in progress in another process is never touched.
import { readJournal, summarize } from '../engine/journal.js';
import type { RunSummary } from '../engine/journal.js';
import type { JournalRecord, RunStartedRecord } from '../engine/journal-records.js';
import { EXIT, RunbookError } from '../errors.js';
import { processAlive } from '../process-alive.js';

interface PastRun {
  runId: string;
  records: JournalRecord[];
  start: RunStartedRecord;
  summary: RunSummary;
}


export async function loadPastRun(stateDir: string, runId: string): Promise<PastRun> {
  const records = await readJournal(stateDir, runId);
  const starts = records.filter((r): r is RunStartedRecord & { time?: string } => r.t === 'run-started');
  const start = starts[starts.length - 1];
  if (!start) throw new RunbookError('E_JOURNAL', `the journal of ${runId} has no run-started record`, { hint: 'the file may be damaged; inspect it with `runbook show`' });
  const summary = summarize(runId, records);
  const finishedAfterStart = records.slice(records.lastIndexOf(start)).some((r) => r.t === 'run-finished' || r.t === 'resume-refused');
  if (!finishedAfterStart && start.pid !== process.pid && processAlive(start.pid)) {
    throw new RunbookError('E_RUN_ACTIVE', `run ${runId} is still in progress (pid ${start.pid})`, {
      hint: 'stop it first (Ctrl-C in its terminal, or kill -TERM the pid), then try again',
      exitCode: EXIT.invalidInput,
    });
  }
  return { runId, records, start, summary };
}
