// core.shell through the engine with the real zx shell adapter: `${{ }}` values reach the
// command as data in every quoting context, never as code; `set -euo pipefail` holds.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runMain } from '../support/in-process.js';
import { coreShell } from '../../steps/core/shell.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { stepCatalog } from '../../src/runbook/step-catalog.js';
import { HEAD, adapters, outputsOf, registry, run } from './fixture.js';

const provider = adapters({});

/** A runbook whose param `msg` defaults to `msg` (as YAML flow text) and one shell step. */
function shellRunbook(msg: string, withBlock: string): string {
  return `${HEAD}params:
  msg: { type: string, description: the text, default: ${JSON.stringify(msg)} }
steps:
  - id: sh
    uses: core.shell
    with: ${withBlock}
`;
}

describe('core.shell: expression values are data, never code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shell-inject-'));
  const marker = join(dir, 'pwned');
  const hostile = `hi; touch ${marker} $(touch ${marker}) \`touch ${marker}\` ' " \\ $HOME *`;

  test.each([
    ['outside quotes', 'echo ${{ params.msg }}', hostile],
    ['inside double quotes', 'echo "said: ${{ params.msg }}!"', `said: ${hostile}!`],
    ['inside single quotes', "echo 'said: ${{ params.msg }}!'", `said: ${hostile}!`],
    ['two in one word', 'echo ${{ params.msg }}${{ params.msg }}', `${hostile}${hostile}`],
  ])('%s: the value is printed as one word, nothing runs', async (_what, command, expected) => {
    const out = await run(shellRunbook(hostile, `{ run: ${JSON.stringify(command)}, observeOnly: true }`), provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'sh')).toEqual({ stdout: expected, exitCode: 0 });
    expect(existsSync(marker)).toBe(false);
  });

  test('plan (the CLI, a flag value) shows the variable and its value, not a spliced command', async () => {
    const d = mkdtempSync(join(tmpdir(), 'shell-plan-'));
    writeFileSync(join(d, 'say.yaml'), shellRunbook('x', '{ run: "echo ${{ params.msg }}", observeOnly: true }').replace('name: steps-test', 'name: say'));
    const r = await runMain(['--state-dir', d, '--runbooks-dir', d, 'plan', 'say', '--msg', `hi; touch ${marker}`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/noop\W+shell: run: echo "\$\{RUNBOOK_EXPR_1\}" \(RUNBOOK_EXPR_1="hi; touch .*pwned"\)\n/);
    const ran = await runMain(['--state-dir', d, '--runbooks-dir', d, 'run', 'say', '--yes', '--msg', `hi; touch ${marker}`]);
    expect(ran.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  test('the rollback command gets its values the same way', async () => {
    const d = mkdtempSync(join(tmpdir(), 'shell-undo-'));
    const yaml = `${HEAD}params:
  dir: { type: string, description: where, default: ${JSON.stringify(d)} }
  name: { type: string, description: file, default: "a b; c $(d) 'e'" }
steps:
  - id: make
    uses: core.shell
    with: { run: 'touch "\${{ params.dir }}/\${{ params.name }}"', rollback: 'echo undone > "\${{ params.dir }}/\${{ params.name }}.undo"' }
  - { id: boom, uses: test.fail, needs: [make] }
`;
    const out = await run(yaml, provider);
    expect(out.status).toBe('rolled-back');
    expect(readdirSync(d).sort()).toEqual(["a b; c $(d) 'e'", "a b; c $(d) 'e'.undo"]);
    expect(readFileSync(join(d, "a b; c $(d) 'e'.undo"), 'utf8')).toBe('undone\n');
  });

  test('user env: values are data and the engine-owned names are refused', async () => {
    const ok = await run(shellRunbook('x', '{ run: "echo \\"$GREETING\\"", observeOnly: true, env: { GREETING: "${{ params.msg }}; echo no" } }'), provider);
    expect(outputsOf(ok, 'sh')).toEqual({ stdout: 'x; echo no', exitCode: 0 });
    await expect(run(shellRunbook('x', '{ run: "true", observeOnly: true, env: { RUNBOOK_EXPR_1: y } }'), provider)).rejects.toThrow(/env\.RUNBOOK_EXPR_1`: names starting with RUNBOOK_EXPR_ carry the values/);
  });
});

describe('core.shell: a template that reads a secret param', () => {
  const secretRunbook = (d: string, then = '  - { id: boom, uses: test.fail, needs: [use] }\n') => `${HEAD}params:
  api-token: { type: string, description: a secret, default: s3cr3t-value }
steps:
  - id: use
    uses: core.shell
    with: { run: 'echo "\${{ params.api-token }}" > "${d}/got"', rollback: 'echo "\${{ params.api-token }}" > "${d}/undone"' }
${then}`;

  test('reaches the command, and neither the plan nor the journal shows it', async () => {
    const d = mkdtempSync(join(tmpdir(), 'shell-secret-'));
    writeFileSync(join(d, 'sec.yaml'), secretRunbook(d, '').replace('name: steps-test', 'name: sec'));
    const p = await runMain(['--state-dir', d, '--runbooks-dir', d, 'plan', 'sec']);
    expect(p.stdout).toContain('(RUNBOOK_EXPR_1_SECRET=<redacted>)');
    expect(p.stdout).not.toContain('s3cr3t');
    const out = await run(secretRunbook(d), provider);
    expect(out.status).toBe('rolled-back');
    expect(readFileSync(join(d, 'got'), 'utf8')).toBe('s3cr3t-value\n');
    // The automatic rollback has the value in memory; the journal never does.
    expect(readFileSync(join(d, 'undone'), 'utf8')).toBe('s3cr3t-value\n');
    expect(JSON.stringify(out.journal)).not.toContain('s3cr3t');
    expect(JSON.stringify(out.journal)).toContain('"RUNBOOK_EXPR_2_SECRET":"<redacted>"');
  });

  test('a rollback read back from the journal, its secret redacted, refuses to run and says what to undo', async () => {
    const undo = { rollback: 'revoke "${RUNBOOK_EXPR_2_SECRET}"', env: { RUNBOOK_EXPR_2_SECRET: '<redacted>' } };
    const ran: string[] = [];
    const shell = { run: async (c: string) => { ran.push(c); return { exitCode: 0, stdout: '', stderr: '' }; } };
    await expect(coreShell.rollback!({ adapters: { shell }, signal: new AbortController().signal } as never, undo)).rejects.toThrow('the rollback command needs a secret param, which the journal never keeps: undo it by hand: revoke "${RUNBOOK_EXPR_2_SECRET}"');
    expect(ran).toEqual([]);
  });
});

describe('core.shell runs under set -euo pipefail', () => {
  test.each([
    ['a failing line stops the script', 'false; echo after', 1],
    ['a failing stage fails the pipeline', 'false | cat; echo after', 1],
    ['an unset variable is an error', 'echo "$RUNBOOK_SURELY_UNSET_VAR"; echo after', 1],
  ])('%s', async (_what, command, exitCode) => {
    const out = await run(shellRunbook('x', `{ run: ${JSON.stringify(command)}, observeOnly: true }`), provider);
    expect(out.status).toBe('failed');
    expect(out.message).toContain(`command exited ${exitCode}`);
    expect(out.execution?.applied.find((e) => e.key === 'sh')).toBeUndefined();
  });
});

describe('core.shell: readOnly, the old name of observeOnly', () => {
  const old = shellRunbook('x', '{ run: "echo hi", readOnly: true }');

  test('validate accepts it with a positioned warning naming the new key', () => {
    const { runbook, diagnostics } = parseRunbook(old, 'old.yaml', registry);
    expect(runbook).toBeDefined();
    expect(diagnostics).toEqual([expect.objectContaining({ file: 'old.yaml', line: 9, severity: 'warning', message: '`readOnly` is deprecated: it is now called `observeOnly`', hint: 'write `observeOnly: true`' })]);
    expect(parseRunbook(shellRunbook('x', '{ run: "echo hi", observeOnly: true }'), 'new.yaml', registry).diagnostics).toEqual([]);
  });

  test('describe --steps offers the new name only', () => {
    const fields = stepCatalog(registry).find((s) => s.type === 'core.shell')!.fields.map((f) => f.name);
    expect(fields).toContain('observeOnly');
    expect(fields).not.toContain('readOnly');
  });

  test('it still means what observeOnly means: no rollback needed, not destructive, nothing to undo', async () => {
    const out = await run(old, provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'sh')).toEqual({ stdout: 'hi', exitCode: 0 });
    expect(coreShell.destructive instanceof Function && coreShell.destructive({ run: 'x', irreversible: false, observeOnly: false, readOnly: true })).toBe(false);
    expect(out.execution?.applied.find((e) => e.key === 'sh')?.undo ?? null).toBeNull();
  });
});
