// The end-of-run report: what happened, what was undone, and the exact next command.
import type { RunOutcome } from '../engine/run.js';

export function formatRunOutcome(o: RunOutcome): string {
  const lines: string[] = [];
  const applied = o.execution?.applied.length ?? 0;
  switch (o.status) {
    case 'succeeded':
      lines.push(`Run ${o.runId} succeeded: ${applied} step(s) applied.`);
      break;
    case 'preflight-failed':
      // A failed check is listed above; anything else that stopped it here (the run lock) is said now.
      lines.push(o.message && !o.message.startsWith('preflight failed') ? `Run ${o.runId} stopped: ${o.message}.` : `Run ${o.runId}: preflight failed, nothing was changed.`);
      break;
    case 'declined':
      lines.push(`Run ${o.runId} stopped: ${o.message ?? 'not confirmed'}.`);
      if (applied) lines.push(`  ${applied} step(s) were applied before that: \`runbook resume ${o.runId}\` continues, \`runbook rollback ${o.runId}\` undoes them.`);
      break;
    case 'findings':
      // The run did its job; the cluster has problems (exit 6/7): not a failure of the run.
      lines.push(`Run ${o.runId} finished with findings (exit ${o.exitCode}): ${o.message?.replace(/^step \S+ failed: /, '') ?? 'see the report'}`);
      break;
    case 'interrupted':
      lines.push(`Run ${o.runId} interrupted after ${applied} step(s); nothing was rolled back.`);
      lines.push(`  Continue: runbook resume ${o.runId}    Undo: runbook rollback ${o.runId}`);
      break;
    default:
      if (o.message) lines.push(`Run ${o.runId} failed: ${o.message}`);
      else lines.push(`Run ${o.runId} failed.`);
  }
  if (o.rollback) {
    if (o.rollback.ok) lines.push(rolledBackSummary(o.rollback));
    else {
      lines.push(`ROLLBACK INCOMPLETE: ${o.rollback.failures.length} step(s) could not be undone:`);
      for (const f of o.rollback.failures) lines.push(`  ${f.key}: ${f.error.message}`);
      lines.push(`  The journal keeps everything needed: runbook show ${o.runId}; retry with runbook rollback ${o.runId}.`);
    }
    lines.push(...keptLines(o.rollback.kept));
  }
  lines.push(`Journal: ${o.journalPath}`);
  return lines.join('\n') + '\n';
}

/**
 * "Rolled back 2 step(s): b, a." and, when some steps had nothing to take back, which. A step
 * applied twice (a resumed run redid it) is undone twice and named once, with the count.
 */
export function rolledBackSummary(r: { rolledBack: readonly string[]; nothingToUndo: readonly string[] }): string {
  const named = (keys: readonly string[]) =>
    [...new Set(keys)].map((k) => {
      const times = keys.filter((x) => x === k).length;
      return times > 1 ? `${k} (${times} times)` : k;
    });
  const undone = named(r.rolledBack);
  const nothing = named(r.nothingToUndo);
  return `Rolled back ${undone.length} step(s): ${undone.join(', ') || '(none)'}.${nothing.length ? ` Nothing to undo: ${nothing.join(', ')}.` : ''}`;
}

/** Steps a rollback left as they are on purpose (irreversible, or past the point of no return). */
export function keptLines(kept: readonly { key: string; reason: string }[]): string[] {
  return kept.length ? [`Kept ${kept.length} step(s), not undone:`, ...kept.map((k) => `  ${k.key}: ${k.reason}`)] : [];
}

/** The machine-readable summary printed by `--output json`. */
export function runOutcomeJson(o: RunOutcome): unknown {
  return {
    runId: o.runId,
    runbook: o.runbook,
    status: o.status,
    exitCode: o.exitCode,
    digest: o.digest,
    message: o.message,
    journal: o.journalPath,
    preflight: o.preflight,
    plan: o.plan,
    applied: o.execution?.applied.map((a) => ({ key: a.key, uses: a.uses, outputs: a.outputs })) ?? [],
    rollback: o.rollback ? { ok: o.rollback.ok, rolledBack: o.rollback.rolledBack, nothingToUndo: o.rollback.nothingToUndo, kept: o.rollback.kept, failures: o.rollback.failures.map((f) => ({ key: f.key, error: f.error.message })) } : undefined,
  };
}
