// Ctrl-C and Esc at a run's confirmation, in a real pseudo-terminal (80x24 and 160 columns,
// NO_COLOR): Ctrl-C is the documented interrupt (keep/rollback question or --on-interrupt,
// exit 130, run lock released, journal finished); Esc is "no" (declined, exit 4). Never a
// stack trace: before, Ctrl-C here crashed with ERR_USE_AFTER_CLOSE and left the node
// cordoned and the lock held.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { PtySession } from '../support/pty.js';
import { sharedHealthyLab } from '../support/lab-facts.js';
import { KEY, startPty } from '../support/pty.js';

const { root, env, cordoned, lockHolder } = sharedHealthyLab('runbook-prompts-pty-');
const COLOUR = /\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;5;\d+)m/; // eslint-disable-line no-control-regex
const STACK = /ERR_USE_AFTER_CLOSE|internal error|\n\s+at \S+ \(/;

/** The run's last journal record. */
function finished(state: string): { t: string; status: string; exitCode: number } {
  const runs = join(state, 'runs');
  const file = readdirSync(runs).find((f) => f.endsWith('.jsonl'))!;
  return JSON.parse(readFileSync(join(runs, file), 'utf8').trimEnd().split('\n').at(-1)!);
}

/** No stack, the lock free, the journal finished as `status`, the exit code its own. */
async function endsCleanly(pty: PtySession, state: string, status: string, code: number): Promise<void> {
  expect(await pty.exit).toBe(code);
  expect(pty.screen()).not.toMatch(STACK);
  expect(lockHolder() ?? '').toBe('');
  expect(finished(state)).toMatchObject({ t: 'run-finished', status, exitCode: code });
}

function rebootNode(node: string, extra: string[], cols: number) {
  const state = join(root, `state-${node}-${cols}`);
  return { state, pty: startPty(['--state-dir', state, 'run', 'reboot-node', '--node', node, ...extra], { env: env(), cols, rows: 24 }) };
}

/**
 * Waits for drain's own confirmation. Where the run first asks for the whole plan at once, the
 * answer is "Step by step", so each step still asks (the questions these tests answer).
 */
async function firstStepQuestion(pty: PtySession): Promise<void> {
  const first = await pty.waitFor(/\? Run drain \(k8s\.drain\)\? It changes|\? Apply this plan[^\n]*\n((?:.*\n){2}.*No[^\n]*)/);
  if (first[0].startsWith('? Run drain')) return;
  const choices = first[1]!.split('\n');
  const moves = choices.findIndex((c) => /Step by step/.test(c)) - choices.findIndex((c) => c.startsWith('▸'));
  pty.write((moves > 0 ? KEY.down : KEY.up).repeat(Math.abs(moves)) + KEY.enter);
  await pty.waitFor(/\? Run drain \(k8s\.drain\)\? It changes/, first.index! + first[0].length);
}

/** reboot-node, answered with `key` at its first confirmation (drain's). */
async function keyAtFirstConfirmation(node: string, cols: number, key: string) {
  const run = rebootNode(node, [], cols);
  await firstStepQuestion(run.pty);
  run.pty.write(key);
  return run;
}

describe('Ctrl-C and Esc at a run confirmation', () => {
  it('Ctrl-C after a step was applied asks keep/rollback; rollback uncordons, exit 130, lock released (80x24)', async () => {
    const { state, pty } = rebootNode('k3s-replica-0', [], 80);
    await firstStepQuestion(pty);
    pty.write(KEY.right + KEY.enter);
    const at = (await pty.waitFor(/\? Run reboot \(proxmox\.reboot-vm\)\? It changes/)).index!;
    expect(cordoned('k3s-replica-0')).toBe(true);
    pty.write(KEY.ctrlC);
    await pty.waitFor(/Interrupted\. Roll back the steps completed so far\?/, at);
    pty.write(KEY.enter); // the default: roll back
    await endsCleanly(pty, state, 'rolled-back', 130);
    expect(pty.screen()).toMatch(/rolled back/i);
    expect(cordoned('k3s-replica-0')).toBe(false);
    expect(pty.raw()).not.toMatch(COLOUR);
  }, 120_000);

  it('with --on-interrupt keep, Ctrl-C keeps what was done without asking, exit 130, lock released (160 columns)', async () => {
    const { state, pty } = rebootNode('k3s-server-1', ['--on-interrupt', 'keep'], 160);
    await firstStepQuestion(pty);
    pty.write(KEY.right + KEY.enter);
    await pty.waitFor(/\? Run reboot \(proxmox\.reboot-vm\)\? It changes/);
    pty.write(KEY.ctrlC);
    await endsCleanly(pty, state, 'interrupted', 130);
    expect(pty.screen()).not.toMatch(/Roll back the steps completed so far/);
    expect(pty.screen()).toMatch(/Undo: runbook rollback \S+/);
    expect(cordoned('k3s-server-1')).toBe(true); // kept, as asked
    expect(pty.raw()).not.toMatch(COLOUR);
  }, 120_000);

  it('Ctrl-C before anything was applied ends interrupted (130) with nothing to ask', async () => {
    const { state, pty } = await keyAtFirstConfirmation('k3s-server-2', 80, KEY.ctrlC);
    await endsCleanly(pty, state, 'interrupted', 130);
    expect(pty.screen()).not.toMatch(/Roll back the steps completed so far/);
    expect(pty.screen()).toMatch(/Ctrl-C at the question: starting nothing more/);
    expect(cordoned('k3s-server-2')).toBe(false);
  }, 120_000);

  it('Ctrl-C at the keep/rollback question itself keeps: nothing more changes, exit 130', async () => {
    const { state, pty } = rebootNode('k3s-server-2', [], 80);
    await firstStepQuestion(pty);
    pty.write(KEY.right + KEY.enter);
    const at = (await pty.waitFor(/\? Run reboot \(proxmox\.reboot-vm\)\? It changes/)).index!;
    pty.write(KEY.ctrlC);
    await pty.waitFor(/Interrupted\. Roll back the steps completed so far\?/, at);
    pty.write(KEY.ctrlC);
    await endsCleanly(pty, state, 'interrupted', 130);
    expect(cordoned('k3s-server-2')).toBe(true);
  }, 120_000);

  it('SIGTERM while a confirmation is open is the same interrupt: the question closes, exit 130', async () => {
    const { state, pty } = rebootNode('k3s-server-0', [], 80);
    await firstStepQuestion(pty);
    pty.signal('SIGTERM');
    await endsCleanly(pty, state, 'interrupted', 130);
    expect(pty.screen()).toMatch(/SIGTERM: stopping/);
    expect(cordoned('k3s-server-0')).toBe(false);
  }, 120_000);

  it('Esc is "no": the run ends declined (exit 4) and nothing changed', async () => {
    const { state, pty } = await keyAtFirstConfirmation('k3s-replica-0', 160, KEY.esc);
    await endsCleanly(pty, state, 'declined', 4);
    expect(pty.screen()).not.toMatch(/Cancelled prompt/);
    expect(pty.screen()).toMatch(/declined: drain/);
    expect(cordoned('k3s-replica-0')).toBe(false);
  }, 120_000);
});

describe('Ctrl-C and Esc at `runbook rollback`\'s question', () => {
  const RUNBOOK = `apiVersion: runbook.dev/v1
name: two-files
description: Two undoable steps.
params:
  dir: { type: string, required: true, description: work dir }
steps:
  - { id: one, uses: core.shell, with: { run: "touch a", rollback: "rm a", cwd: "\${{ params.dir }}" } }
  - { id: two, uses: core.shell, needs: [one], with: { run: "touch b", rollback: "rm b", cwd: "\${{ params.dir }}" } }
`;

  it.each([
    ['Esc declines (exit 4)', KEY.esc, 4, /Roll back 2 step\(s\)/],
    ['Ctrl-C is an interrupt (exit 130)', KEY.ctrlC, 130, /interrupted at the prompt; nothing more was changed/],
  ])('%s and nothing is undone', async (_name, key, code, says) => {
    const dir = mkdtempSync(join(root, 'rollback-'));
    writeFileSync(join(dir, 'two-files.yaml'), RUNBOOK);
    const state = join(dir, 'state');
    const run = await runCli(['--state-dir', state, 'run', join(dir, 'two-files.yaml'), '--dir', dir, '--yes']);
    expect(run.code).toBe(0);
    const runId = /Run (\S+) succeeded/.exec(run.stdout)![1]!;
    const pty = startPty(['--state-dir', state, 'rollback', runId], { env: { NO_COLOR: '1' }, cols: 80, rows: 24 });
    await pty.waitFor(/\? Roll back 2 step\(s\)/);
    pty.write(key);
    expect(await pty.exit).toBe(code);
    expect(pty.screen()).toMatch(says);
    expect(pty.screen()).not.toMatch(STACK);
    expect(existsSync(join(dir, 'a')) && existsSync(join(dir, 'b'))).toBe(true);
  }, 120_000);
});
