// Entry point. Keeps start-up cheap: only commander and the command definitions load here;
// each command imports the engine, YAML, the Kubernetes client... when it actually runs.
import { Command, CommanderError } from 'commander';
import { GLOBAL_FLAGS } from '../command-flags.js';
import { EXIT } from '../errors.js';
import { addFlags } from './flags.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import { registerAll } from './commands/index.js';
import { VERSION } from './version.js';

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const result = { exitCode: EXIT.ok as number };
  const program = new Command('runbook')
    .description('Safe, journaled runbooks that repair k3s/Kubernetes clusters on Proxmox VE.')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  runbook list                                         shipped and local runbooks
  runbook plan purge-dead-node --node k3s-replica-2    what would change, changes nothing
  runbook run purge-dead-node --node k3s-replica-2     preflight, plan, confirm, apply, verify
  runbook run cluster-hygiene --yes --output json      unattended (cron, CI, CronJob)
  runbook history                                      past runs; then: runbook show RUN_ID
  runbook doctor                                       diagnose, explain, propose and run fixes
  eval "$(runbook lab start --detach)"                 try it all on a simulated broken cluster

Exit codes: 0 ok, 1 step failed (rolled back), 2 invalid input, 3 preflight failed,
4 declined / not confirmed, 5 rollback incomplete, 6/7 doctor found warnings/critical
problems, 70 internal error, 130 interrupted.`,
    );
  addFlags(program, GLOBAL_FLAGS);
  registerAll(program, io, result);
  try {
    await program.parseAsync(helpAsFlag(argv), { from: 'user' });
    return result.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    }
    return reportError(e, io);
  }
}

/**
 * `runbook help run [NAME]` is `runbook run [NAME] --help`: run and plan build their help from
 * the runbook (its params are flags), which commander's own help command cannot know.
 */
function helpAsFlag(argv: readonly string[]): readonly string[] {
  let at = 0;
  // The program's own flags come first and each takes a value: `--state-dir DIR help run`.
  while (argv[at]?.startsWith('-')) at += argv[at]!.includes('=') ? 1 : 2;
  if (argv[at] !== 'help' || (argv[at + 1] !== 'run' && argv[at + 1] !== 'plan')) return argv;
  return [...argv.slice(0, at), ...argv.slice(at + 1), '--help'];
}
