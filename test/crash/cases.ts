// One crash case: run a runbook in a fresh lab until the crash point kills it, then recover
// from the journal alone and compare the lab with the state recovery must reach.
import type { CrashPoint, CrashRunbook } from './harness.js';
import { caseLab, crashEnv, irreversibleLosses, replacedByController, same, settledTo, snapshot, stable, without } from './harness.js';

export type Recovery = 'rollback' | 'resume';

export interface CaseResult {
  name: string;
  /** false: the run finished before reaching the crash point (the matrix has run past its end). */
  crashed: boolean;
  /** Why it did not converge; undefined when it did. */
  failure?: string;
}

export interface Reference {
  pre: Record<string, unknown>;
  post: Record<string, unknown>;
  records: number;
}

/** An uninterrupted run: the states every case is compared with and its journal's length. */
export async function reference(rb: CrashRunbook): Promise<Reference> {
  const c = await caseLab(rb.scenario);
  try {
    const pre = snapshot(c.lab);
    const r = await c.cli(['run', rb.name, ...rb.args, '--yes']);
    if (r.code !== 0) throw new Error(`${rb.name} does not succeed uninterrupted (exit ${r.code}): ${r.stdout.slice(-600)}${r.stderr.slice(-600)}`);
    return { pre, post: await stable(c.lab), records: c.journal().length };
  } finally {
    await c.stop();
  }
}

function diff(got: Record<string, unknown>, want: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(got), ...Object.keys(want)])].sort();
  return keys
    .filter((k) => JSON.stringify(got[k]) !== JSON.stringify(want[k]))
    .map((k) => `${k}: ${JSON.stringify(got[k]) ?? 'absent'} (want ${JSON.stringify(want[k]) ?? 'absent'})`)
    .join('; ');
}

export async function crashCase(rb: CrashRunbook, point: CrashPoint, recovery: Recovery, ref: Reference): Promise<CaseResult> {
  const name = `${rb.name} killed ${'afterRecord' in point ? `after journal record ${point.afterRecord}` : `after write ${point.afterWrite}`}, then ${recovery}`;
  const c = await caseLab(rb.scenario);
  try {
    const run = await c.cli(['run', rb.name, ...rb.args, '--yes'], crashEnv(point));
    if (run.signal !== 'SIGKILL') return { name, crashed: false };
    const runId = c.runId();
    // Killed after its last record (releasing the lock): finished, nothing left to resume.
    const finished = c.journal().some((r) => r.t === 'run-finished' && r.status === 'succeeded');
    if (recovery === 'resume') {
      const resumed = finished ? { code: 0, stdout: '', stderr: '' } : await c.cli(['resume', runId, '--yes']);
      if (resumed.code !== 0) return { name, crashed: true, failure: `resume exit ${resumed.code}: ${resumed.stdout.slice(-500)}${resumed.stderr.slice(-300)}` };
      const got = await settledTo(c.lab, ref.post);
      if (!same(got, ref.post)) return { name, crashed: true, failure: `after resume: ${diff(got, ref.post)}` };
    }
    // Then (or straight after the crash) a rollback must finish (exit 0) and reach the pre-run
    // state, except what the journal says it kept (irreversible, point of no return) and the
    // claims a StatefulSet replaced meanwhile.
    c.lab.settle();
    const replaced = replacedByController(c.lab, c.journal());
    const back = await c.cli(['rollback', runId, '--yes']);
    const lost = new Set([...irreversibleLosses(c.journal()), ...replaced]);
    if (back.code !== 0) return { name, crashed: true, failure: `rollback exit ${back.code}: ${back.stdout.slice(-500)}${back.stderr.slice(-300)}` };
    const want = without(ref.pre, lost);
    const got = await settledTo(c.lab, want, lost);
    if (!same(got, want)) return { name, crashed: true, failure: `after rollback: ${diff(got, want)}` };
    return { name, crashed: true };
  } finally {
    await c.stop();
  }
}
