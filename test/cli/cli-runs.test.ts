// Runs, journals, crashes and recoveries with real files: in-process through main(), and the
// real binary where a process is killed or interrupted.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rolledBackSummary } from '../../src/cli/format-run.js';
import { startCli } from '../support/cli.js';
import { runMain } from '../support/in-process.js';
import { eventually } from '../support/eventually.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'runbook-run-'));
}

/** Three undoable shell steps; the third waits until a `go` file exists (so a test can crash it). */
function writeRunbook(dir: string, thirdStep = 'touch c'): string {
  const file = join(dir, 'three.yaml');
  writeFileSync(
    file,
    `apiVersion: runbook.dev/v1
name: three
description: Three undoable steps.
params:
  dir: { type: string, required: true, description: work dir }
steps:
  - id: one
    uses: core.shell
    with: { run: "echo 1 >> count1 && touch a", rollback: "rm a", cwd: "\${{ params.dir }}" }
  - id: two
    uses: core.shell
    needs: [one]
    with: { run: "echo 1 >> count2 && touch b", rollback: "rm b", cwd: "\${{ params.dir }}" }
  - id: three
    uses: core.shell
    needs: [two]
    with: { run: "${thirdStep}", rollback: "rm -f c", cwd: "\${{ params.dir }}" }
`,
  );
  return file;
}

const waitFor = (predicate: () => boolean) => eventually(predicate, 'the run to reach that point');

function journalOf(state: string): { runId: string; text: () => string } {
  const runs = join(state, 'runs');
  const file = readdirSync(runs).find((f) => f.endsWith('.jsonl'));
  if (!file) throw new Error(`no journal in ${runs} yet`);
  return { runId: file.replace(/\.jsonl$/, ''), text: () => readFileSync(join(runs, file), 'utf8') };
}

/** The run's journal says `pattern`: false until the journal file exists (the run dir comes first). */
function journalSays(state: string, pattern: RegExp): boolean {
  const runs = join(state, 'runs');
  return existsSync(runs) && readdirSync(runs).some((f) => f.endsWith('.jsonl')) && pattern.test(journalOf(state).text());
}

describe('runbook run', () => {
  it('without a terminal and without --yes, a changing runbook refuses (exit 4) and touches nothing', async () => {
    const dir = tmp();
    const r = await runMain(['--state-dir', tmp(), 'run', writeRunbook(dir), '--dir', dir]);
    expect(r.code).toBe(4);
    expect(r.stdout + r.stderr).toMatch(/pass --yes to approve, nothing was changed/);
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });

  it('with --yes it applies every step, journals, and history/show tell the story', async () => {
    const dir = tmp();
    const state = tmp();
    const r = await runMain(['--state-dir', state, 'run', writeRunbook(dir), '--dir', dir, '--yes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(['a', 'b', 'c'].every((f) => existsSync(join(dir, f)))).toBe(true);
    expect(r.stdout).toMatch(/succeeded: 3 step\(s\) applied/);
    const { runId } = journalOf(state);
    const h = await runMain(['--state-dir', state, 'history']);
    expect(h.stdout).toMatch(new RegExp(`${runId}\\s+three\\s+succeeded\\s+3`));
    const s = await runMain(['--state-dir', state, 'show', runId]);
    // Each applied step with what it reported (core.shell: its stdout and exit code).
    expect(s.stdout).toMatch(/one: applied -> \{"stdout":"[^"]*","exitCode":0\}/);
    expect(s.stdout).toContain('finished: succeeded (exit 0)');
    const j = await runMain(['--state-dir', state, 'show', runId, '--output', 'json']);
    expect(JSON.parse(j.stdout).summary).toMatchObject({ runId, status: 'succeeded', steps: 3 });
  });

  it('--output json prints only the machine-readable summary', async () => {
    const dir = tmp();
    const r = await runMain(['--state-dir', tmp(), 'run', writeRunbook(dir), '--dir', dir, '--yes', '--output', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe('succeeded');
    expect(out.applied.map((a: { key: string }) => a.key)).toEqual(['one', 'two', 'three']);
  });

  it('a failing step rolls back the completed ones (exit 1) and prints the error', async () => {
    const dir = tmp();
    const r = await runMain(['--state-dir', tmp(), 'run', writeRunbook(dir, 'echo disk full >&2; exit 3'), '--dir', dir, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('command exited 3');
    expect(r.stdout).toContain('disk full');
    expect(r.stdout).toMatch(/Rolled back 2 step\(s\): two, one/);
    expect(existsSync(join(dir, 'a')) || existsSync(join(dir, 'b'))).toBe(false);
  });

  it('a step with nothing to take back (a wait) is named apart, not counted as rolled back', async () => {
    const dir = tmp();
    const file = join(dir, 'wait-then-fail.yaml');
    writeFileSync(file, `apiVersion: runbook.dev/v1
name: wait-then-fail
description: One undoable step, a wait, then a failure.
steps:
  - id: touch
    uses: core.shell
    with: { run: "touch a", rollback: "rm a", cwd: "${dir}" }
  - id: settle
    uses: core.wait
    needs: [touch]
    with: { duration: 1ms }
  - id: fail
    uses: core.shell
    needs: [settle]
    with: { run: "exit 3", rollback: "true", cwd: "${dir}" }
`);
    const r = await runMain(['--state-dir', tmp(), 'run', file, '--yes']);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toContain('Rolled back 1 step(s): touch. Nothing to undo: settle.');
    expect(existsSync(join(dir, 'a'))).toBe(false);
    const json = await runMain(['--state-dir', tmp(), 'run', file, '--yes', '--output', 'json']);
    expect(JSON.parse(json.stdout).rollback).toMatchObject({ ok: true, rolledBack: ['touch'], nothingToUndo: ['settle'] });
  });

  it('a step a resumed run applied twice is undone twice and named once, with the count', () => {
    expect(rolledBackSummary({ rolledBack: ['drain', 'cordon', 'drain'], nothingToUndo: [] })).toBe('Rolled back 2 step(s): drain (2 times), cordon.');
    expect(rolledBackSummary({ rolledBack: [], nothingToUndo: ['wait'] })).toBe('Rolled back 0 step(s): (none). Nothing to undo: wait.');
  });

  it('after SIGKILL between steps, `rollback RUN_ID` undoes what the journal says was applied', async () => {
    const dir = tmp();
    const state = tmp();
    const { child, done } = startCli(['--state-dir', state, 'run', writeRunbook(dir, 'sleep 30'), '--dir', dir, '--yes']);
    await waitFor(() => journalSays(state, /"t":"step-started","key":"three"/));
    child.kill('SIGKILL');
    await done;
    const { runId } = journalOf(state);
    const h = await runMain(['--state-dir', state, 'history']);
    expect(h.stdout).toMatch(new RegExp(`${runId}\\s+three\\s+interrupted`));
    const r = await runMain(['--state-dir', state, 'rollback', runId, '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rolled back two');
    expect(r.stdout).toContain('rolled back one');
    expect(existsSync(join(dir, 'a')) || existsSync(join(dir, 'b'))).toBe(false);
    const again = await runMain(['--state-dir', state, 'rollback', runId, '--yes']);
    expect(again.stdout).toContain('nothing to roll back');
  });

  it('after SIGKILL, `resume RUN_ID` re-runs preflight and continues from the first step not completed', async () => {
    const dir = tmp();
    const state = tmp();
    const file = writeRunbook(dir, 'while [ ! -f go ]; do sleep 0.05; done; touch c');
    const { child, done } = startCli(['--state-dir', state, 'run', file, '--dir', dir, '--yes']);
    await waitFor(() => journalSays(state, /"t":"step-started","key":"three"/));
    child.kill('SIGKILL');
    await done;
    writeFileSync(join(dir, 'go'), '');
    const { runId } = journalOf(state);
    const r = await runMain(['--state-dir', state, 'resume', runId, '--yes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'c'))).toBe(true);
    // Steps one and two ran exactly once: resume skipped them.
    expect(readFileSync(join(dir, 'count1'), 'utf8')).toBe('1\n');
    expect(readFileSync(join(dir, 'count2'), 'utf8')).toBe('1\n');
    expect(journalOf(state).text()).toMatch(/"t":"run-started".*"mode":"resume"/);
  });

  it('resume refuses when the runbook file changed since the run', async () => {
    const dir = tmp();
    const state = tmp();
    const file = writeRunbook(dir, 'sleep 30');
    const { child, done } = startCli(['--state-dir', state, 'run', file, '--dir', dir, '--yes']);
    await waitFor(() => journalSays(state, /"key":"three"/));
    child.kill('SIGKILL');
    await done;
    writeRunbook(dir, 'touch c');
    const r = await runMain(['--state-dir', state, 'resume', journalOf(state).runId, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/changed since run/);
  });

  it('SIGINT mid-run stops, rolls back with --on-interrupt rollback, exits 130', async () => {
    const dir = tmp();
    const state = tmp();
    const { child, done } = startCli(['--state-dir', state, 'run', writeRunbook(dir, 'sleep 30'), '--dir', dir, '--yes', '--on-interrupt', 'rollback']);
    await waitFor(() => journalSays(state, /"t":"step-started","key":"three"/));
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(existsSync(join(dir, 'a')) || existsSync(join(dir, 'b'))).toBe(false);
    expect(journalOf(state).text()).toMatch(/"status":"rolled-back"/);
  });
});
