// `runbook run NAME [params]`: preflight, plan, confirm, apply, verify; roll back on failure.
import type { Command } from 'commander';
import { EXIT } from '../../errors.js';
import type { CommandResult } from '../context.js';
import { globalFlags } from '../context.js';
import type { CliIO } from '../io.js';
import { runWithUi } from '../run-with-ui.js';
import { parseInvocation } from './invocation.js';

export function registerRun(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('run')
    .description('run a runbook: preflight, plan, confirm, apply, verify (rollback on failure)')
    .argument('[runbook]', 'runbook name or path')
    .argument('[params...]', 'the runbook\'s params as flags (see `runbook run NAME --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_name: string | undefined, _rest: string[], _o: unknown, cmd: Command) => {
      result.exitCode = await runCommand(cmd.args, io, cmd);
    });
}

async function runCommand(args: string[], io: CliIO, cmd: Command): Promise<number> {
  const flags = globalFlags(cmd);
  const inv = await parseInvocation('run', args, io, flags);
  if (!inv) return EXIT.ok;
  return runWithUi({ io, flags, runbook: inv.runbook, registry: inv.registry, params: inv.params, opts: inv.opts });
}
