// Runs the CLI in this process through `main(argv, io)`, importing src/ (no build, so never a
// stale dist/): what most CLI tests need. Tests that need a real process (signals, a TTY,
// stdin, exit timing, lazy imports) use ./cli.ts instead.
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { ROOT } from './cli.js';
import type { CliOptions, CliResult } from './cli.js';

export type MainOptions = Pick<CliOptions, 'env' | 'cwd'>;

/**
 * The same answer as runCli: exit code and what was written to stdout and stderr. The
 * environment is a copy (this process's, plus the no-colour switches and `env`): a command
 * never sees or changes another test's.
 */
export async function runMain(args: string[], options: MainOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? ROOT,
    stdinIsTTY: false,
    stdoutIsTTY: false,
    // No signals reach an in-process command: a test that sends one runs a process.
    onSignal: () => () => {},
  };
  const code = await main(args, io);
  return { code, signal: null, stdout, stderr };
}
