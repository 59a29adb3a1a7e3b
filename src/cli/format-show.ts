// Text form of one run's journal: a timeline a person can read after an incident.
import type { JournalRecord } from '../engine/journal-records.js';
import { summarize } from '../engine/journal.js';

/** A step's outputs on one line, cut short: enough to see what it found or did. */
function outputsLine(outputs: unknown): string {
  if (!outputs || typeof outputs !== 'object' || !Object.keys(outputs).length) return '';
  const text = JSON.stringify(outputs);
  return ` -> ${text.length > 160 ? `${text.slice(0, 157)}...` : text}`;
}

export function formatShow(runId: string, records: readonly JournalRecord[]): string {
  const s = summarize(runId, [...records]);
  const out = [`Run ${runId}: ${s.runbook}, ${s.status}${s.exitCode !== undefined ? ` (exit ${s.exitCode})` : ''}`];
  // Steps started and never ended: their process died inside them (or is still in them).
  const open = new Map<string, { checkpoints: number; saved: number }>();
  const flagOpen = () => {
    for (const [key, { checkpoints, saved }] of open) {
      const what = checkpoints ? `rollback undoes what its last of ${checkpoints} checkpoint(s) records` : saved ? `it saved ${saved} object(s) it may have deleted (runbook restore)` : 'it journaled no change';
      out.push(`          ${key}: OPEN: the process ended inside this step; ${what}`);
    }
    open.clear();
  };
  for (const r of records) {
    const at = r.time ? r.time.slice(11, 19) : '        ';
    if (r.t === 'run-started') flagOpen();
    else if (r.t === 'step-started') open.set(r.key, { checkpoints: 0, saved: 0 });
    else if (r.t === 'step-checkpoint' && open.has(r.key)) open.get(r.key)!.checkpoints++;
    else if (r.t === 'object-saved' && open.has(r.key)) open.get(r.key)!.saved++;
    else if (r.t === 'step-applied' || r.t === 'step-failed' || r.t === 'step-succeeded' || r.t === 'step-skipped') open.delete(r.key);
    switch (r.t) {
      case 'run-started':
        out.push(`${at}  ${r.mode === 'resume' ? 'resumed' : 'started'} ${r.runbook} from ${r.file} with ${JSON.stringify(r.params)}`);
        break;
      case 'preflight':
        out.push(`${at}  preflight ${r.ok ? 'passed' : 'FAILED'}${r.ok ? '' : ': ' + r.results.filter((x) => !x.ok).map((x) => x.message).join('; ')}`);
        break;
      case 'plan':
        out.push(`${at}  planned ${r.changes.filter((c) => c.op !== 'noop').length} change(s)`);
        break;
      case 'step-started':
        out.push(`${at}  ${r.key}: started${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}`);
        break;
      case 'object-saved':
        out.push(`${at}  ${r.key}: saved ${r.saved.source} ${r.saved.ref}`);
        break;
      case 'step-applied':
        out.push(`${at}  ${r.key}: ${r.partial ? 'FAILED half-way; what it did so far is recorded for rollback' : 'applied'}${outputsLine(r.outputs)}`);
        break;
      case 'step-checkpoint':
        break;
      case 'item-committed':
        out.push(`${at}  ${r.key}: all its steps done (kept if a later item fails)`);
        break;
      case 'step-succeeded':
        out.push(`${at}  ${r.key}: done`);
        break;
      case 'step-skipped':
        out.push(`${at}  ${r.key}: skipped (${r.reason ?? ''})`);
        break;
      case 'step-failed':
        out.push(`${at}  ${r.key}: FAILED in ${r.phase}: ${r.error}${r.continued ? ' (continued)' : ''}`);
        break;
      case 'rollback-started':
        out.push(`${at}  rollback started`);
        break;
      case 'rollback-finished':
        out.push(`${at}  rollback ${r.ok ? 'complete' : 'INCOMPLETE'}`);
        break;
      case 'step-rolled-back':
        out.push(`${at}  ${r.key}: rolled back`);
        break;
      case 'call-retried':
        out.push(`${at}  ${r.key}: retrying in ${(r.delayMs / 1000).toFixed(1)} s (attempt ${r.attempt}): ${r.error}`);
        break;
      case 'step-rollback-failed':
        out.push(`${at}  ${r.key}: ROLLBACK FAILED: ${r.error}`);
        break;
      case 'resume-refused':
        out.push(`${at}  resume stopped before changing anything: ${r.status} (exit ${r.exitCode})${r.error ? `: ${r.error}` : ''}; the run stays as it was`);
        break;
      case 'run-finished':
        out.push(`${at}  finished: ${r.status} (exit ${r.exitCode})${r.error ? `: ${r.error}` : ''}`);
        break;
    }
  }
  flagOpen();
  return out.join('\n') + '\n';
}
