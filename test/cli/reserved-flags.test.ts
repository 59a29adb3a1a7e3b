// A runbook param may not take the name of a flag of `runbook run|plan` or of the program: the
// reserved names come from the flag lists the commands are built from, so none can be missed
// (the hand-written list missed --inventory: validate passed, plan crashed with exit 70).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RESERVED_PARAM_NAMES } from '../../src/command-flags.js';
import type { CliIO } from '../../src/cli/io.js';
import { runbookCommand } from '../../src/cli/runbook-options.js';
import { RunbookError } from '../../src/errors.js';
import { normalize } from '../../src/runbook/normalize.js';
import { runbookSchema } from '../../src/runbook/schema.js';
import { runMain } from '../support/in-process.js';

const io: CliIO = { out: () => {}, err: () => {}, env: {}, cwd: '/', stdinIsTTY: false, stdoutIsTTY: false, onSignal: () => () => {} };

/** Long flag names as `--help` prints them, negations with their positive form. */
function flagsInHelp(help: string): string[] {
  return [...help.matchAll(/--([a-z][a-z0-9-]*)/g)].flatMap((m) => (m[1]!.startsWith('no-') ? [m[1]!, m[1]!.slice(3)] : [m[1]!]));
}

const withParam = (name: string) => `apiVersion: runbook.dev/v1
name: clash
description: a param named like a flag
params:
  ${name}: { type: string, description: d }
steps:
  - { id: s, uses: core.shell, with: { run: "true", observeOnly: true } }
`;

describe('reserved param names', () => {
  test('every flag the real commands have is reserved: run, plan and the program', async () => {
    const options = ['run', 'plan'].flatMap((k) => runbookCommand(k as 'run', io).options.flatMap((o) => flagsInHelp(o.flags)));
    const program = await runMain(['--help']);
    const globals = flagsInHelp(program.stdout.slice(program.stdout.indexOf('Options:'), program.stdout.indexOf('Commands:')));
    expect(globals).toEqual(expect.arrayContaining(['state-dir', 'runbooks-dir', 'version', 'help']));
    expect(options).toEqual(expect.arrayContaining(['inventory', 'output', 'no-lock', 'lock']));
    for (const name of [...options, ...globals]) expect(RESERVED_PARAM_NAMES, name).toContain(name);
  });

  test('validate refuses a param named inventory, at its line (exit 2, no stack)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reserved-'));
    writeFileSync(join(dir, 'clash.yaml'), withParam('inventory'));
    const v = await runMain(['validate', join(dir, 'clash.yaml')]);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain(`${join(dir, 'clash.yaml')}:5:3: error: param name \`inventory\` clashes with the runbook command's own --inventory flag (rename the param)`);
    const p = await runMain(['--runbooks-dir', dir, '--state-dir', dir, 'plan', 'clash', '--inventory', 'x']);
    expect(p.code).toBe(2);
    expect(p.stderr).not.toContain('internal error');
  });

  test('should a clash slip past validation, building the command names the param instead of crashing', () => {
    const doc = { apiVersion: 'runbook.dev/v1', name: 'clash', description: 'd', params: { kubeconfig: { type: 'string', description: 'd' } }, steps: [{ id: 's', uses: 'core.wait', with: { duration: '1s' } }] };
    const runbook = normalize(runbookSchema.parse(doc), { file: 'clash.yaml', text: '', positions: new Map([['params.kubeconfig', { line: 5, col: 3 }]]) });
    let caught: unknown;
    try { runbookCommand('plan', io, runbook); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(RunbookError);
    expect((caught as Error).message).toMatch(/^clash\.yaml:5:3: param `kubeconfig` clashes with a flag of the command: /);
  });
});
