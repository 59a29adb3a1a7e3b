// Small things a person trips on (issue 13 item 8): help that is the same however it is asked
// for, a usage line that names its argument once, output formats that exist (in-process), and
// a closed pipe that is not a stack trace (the real binary: only a process has a pipe).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, builtBin } from '../support/cli.js';
import { runMain } from '../support/in-process.js';

describe('help, usage and output formats', () => {
  it('`runbook help run` is `runbook run --help`, and with a runbook its own help', async () => {
    const [viaHelp, viaFlag] = await Promise.all([runMain(['help', 'run']), runMain(['run', '--help'])]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    const [planHelp, planFlag] = await Promise.all([runMain(['--state-dir', ROOT, 'help', 'plan', 'purge-dead-node']), runMain(['plan', 'purge-dead-node', '--help'])]);
    expect(planHelp.stdout).toBe(planFlag.stdout);
    expect(planHelp.stdout).toMatch(/--min-not-ready <duration>/);
  });

  it('the usage line names the runbook argument once', async () => {
    const r = await runMain(['run', '--help']);
    expect(r.stdout.split('\n')[0]).toBe('Usage: runbook run <runbook> [params] [options]');
    expect((await runMain(['plan', 'purge-dead-node', '--help'])).stdout.split('\n')[0]).toBe('Usage: runbook plan purge-dead-node [params] [options]');
  });

  it.each([
    [['plan', 'purge-dead-node', '--node', 'x', '-o', 'yaml'], 'text, json'],
    [['run', 'purge-dead-node', '--node', 'x', '--output', 'yaml'], 'text, json'],
    [['history', '-o', 'yaml'], 'text, json'],
    [['list', '-o', 'yaml'], 'text, json'],
    [['doctor', '-o', 'yaml'], 'interactive, text, json, markdown'],
    [['run', 'purge-dead-node', '--node', 'x', '--on-interrupt', 'later'], 'ask, rollback, keep'],
  ])('%j is refused naming the formats it has (exit 2), not printed as text', async (args, allowed) => {
    const r = await runMain(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Allowed choices are ${allowed}.`);
    expect(r.stdout).toBe('');
  });
});

describe('a closed pipe', () => {
  it('ends quietly: no EPIPE, no stack trace, the exit code of the command', async () => {
    // The reader is gone before the first write, as when `| head` has read enough.
    const child = spawn(process.execPath, [builtBin(), '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
