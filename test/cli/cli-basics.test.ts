// The CLI as a user meets it: help, version, validation errors, params as flags, exit codes.
// In-process through main(argv, io); --help, --version and one user error also as the real
// process (the built binary: its start, stdout/stderr and exit code).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { runMain } from '../support/in-process.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'runbook-cli-'));
}

const GOOD = `apiVersion: runbook.dev/v1
name: touch-files
description: Creates a file, undoable.
params:
  dir: { type: string, required: true, description: where to write }
  count: { type: int, default: 1, description: how many }
steps:
  - id: touch
    uses: core.shell
    with: { run: "touch \${{ params.dir }}/a", rollback: "rm -f \${{ params.dir }}/a" }
`;

describe.each([
  ['in-process', runMain],
  ['as a process', runCli],
])('runbook CLI basics, %s', (_, cli) => {
  it('--help teaches: commands, examples, exit codes', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    // Each command has its own line in the Commands: section (the examples below it name
    // some of them too, so a plain "contains" could not fail).
    const commands = r.stdout.slice(r.stdout.indexOf('Commands:'), r.stdout.indexOf('Examples:'));
    expect(commands).not.toBe('');
    for (const cmd of ['list', 'describe', 'validate', 'plan', 'run', 'doctor', 'history', 'show', 'rollback', 'resume', 'restore', 'schedule', 'rbac', 'lab']) {
      expect(commands).toMatch(new RegExp(`^  ${cmd}\\b.* {2,}\\S`, 'm'));
    }
    expect(r.stdout).toMatch(/^Examples:\n {2}runbook /m);
    expect(r.stdout).toMatch(/^Exit codes: 0 ok, 1 step failed/m);
  });

  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('validate reports file:line:col with exit 2 and no stack trace', async () => {
    const dir = tmp();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, GOOD.replace('uses: core.shell', 'uses: core.shel'));
    const r = await cli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:9:5: error: .*core\.shel.*did you mean `core\.shell`\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('runbook CLI basics', () => {

  it('validate passes on a good file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'good.yaml'), GOOD);
    const r = await runMain(['validate', join(dir, 'good.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('`run NAME --help` lists the runbook\'s own params', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'touch-files.yaml'), GOOD);
    const r = await runMain(['--runbooks-dir', dir, 'run', 'touch-files', '--help']);
    expect(r.code).toBe(0);
    // Each param is an option line with its own description (not just a name found anywhere).
    expect(r.stdout).toMatch(/^ {2}--dir <value> +where to write \(required\)$/m);
    expect(r.stdout).toMatch(/^ {2}--count <n> +how many/m);
    expect(r.stdout).toMatch(/^ {2}-y, --yes +approve every confirmation/m);
  });

  it('a bool param that defaults to true is turned off with --no-NAME', async () => {
    const r = await runMain(['run', 'purge-dead-node', '--help']);
    expect(r.code).toBe(0);
    // The flag's line says what the flag does: it turns the check off.
    expect(r.stdout).toMatch(/--no-check-vm\s+turn off \(on by default\):\s+also\s+require\s+that\s+the\s+node's\s+VM\s+is\s+not\s+running/);
    expect(r.stdout).toMatch(/--no-wait-scheduled/);
    expect(r.stdout).not.toMatch(/--check-vm /);
  });

  it('an unknown flag is an error with did-you-mean, exit 2', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'touch-files.yaml'), GOOD);
    const r = await runMain(['--runbooks-dir', dir, 'run', 'touch-files', '--dri', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--dri'/);
    expect(r.stderr).toMatch(/Did you mean --dir\?/);
  });

  it('a param of the wrong type is refused before anything runs, exit 2', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'touch-files.yaml'), GOOD);
    const r = await runMain(['--runbooks-dir', dir, 'run', 'touch-files', '--dir', dir, '--count', 'many', '--yes']);
    expect(r.code).toBe(2);
    // The flag, what it must be and what was given (a bare /count/ matched any message naming the flag).
    expect(r.stderr).toContain('error: --count must be a whole number, not "many"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unknown runbook suggests the closest name', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'touch-files.yaml'), GOOD);
    const r = await runMain(['--runbooks-dir', dir, 'plan', 'touch-file']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean `touch-files`?');
  });

  it('plan prints the changes and writes nothing', async () => {
    const dir = tmp();
    const state = tmp();
    writeFileSync(join(dir, 'touch-files.yaml'), GOOD);
    const r = await runMain(['--state-dir', state, '--runbooks-dir', dir, 'plan', 'touch-files', '--dir', dir]);
    expect(r.code).toBe(0);
    // The param reaches the command as a variable, never spliced into it (decisions.md).
    expect(r.stdout).toContain(`! action shell: run: touch "\${RUNBOOK_EXPR_1}"/a (RUNBOOK_EXPR_1="${dir}")`);
    const h = await runMain(['--state-dir', state, 'history']);
    expect(h.stdout).toContain('No runs yet.');
  });
});
