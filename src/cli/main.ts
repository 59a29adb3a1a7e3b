// Entry point. Keeps start-up cheap: only commander loads here, then the definition of the
// command being run (all of them for the program's help); each command imports the engine,
// YAML, the Kubernetes client... when it actually runs.
import { Command, CommanderError } from 'commander';
import { GLOBAL_FLAGS } from '../command-flags.js';
import { EXIT } from '../errors.js';
import { addFlags } from './flags.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import { registerCommands } from './commands/index.js';
import type { CommandResult } from './context.js';
import { VERSION } from './version.js';

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const result: CommandResult = { exitCode: EXIT.ok as number, run: (argv, runIo) => main(argv, runIo) };
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
  const args = helpAsFlag(argv);
  try {
    await registerCommands(program, io, result, commandNamed(args));
    await program.parseAsync(args, { from: 'user' });
    return result.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version "fail" with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    }
    return reportError(e, io);
  }
}

/** The program's own flags come first and each takes a value: `--state-dir DIR help run`. */
function commandAt(argv: readonly string[]): number {
  let at = 0;
  while (argv[at]?.startsWith('-')) at += argv[at]!.includes('=') ? 1 : 2;
  return at;
}

/** The subcommand argv runs (`help NAME`: NAME); undefined for the program's own help. */
function commandNamed(argv: readonly string[]): string | undefined {
  const at = commandAt(argv);
  return argv[at] === 'help' ? argv[at + 1] : argv[at];
}

/**
 * `runbook help run [NAME]` is `runbook run [NAME] --help`: run and plan build their help from
 * the runbook (its params are flags), which commander's own help command cannot know.
 */
function helpAsFlag(argv: readonly string[]): readonly string[] {
  const at = commandAt(argv);
  if (argv[at] !== 'help' || (argv[at + 1] !== 'run' && argv[at + 1] !== 'plan')) return argv;
  return [...argv.slice(0, at), ...argv.slice(at + 1), '--help'];
}
