// `runbook run NAME [params]`: preflight, plan, confirm, apply, verify; roll back on failure.
import type { Command } from 'commander';
import { EXIT, RunbookError } from '../../errors.js';
import { runbookDigest } from '../../runbook/digest.js';
import type { CommandResult } from '../context.js';
import { globalFlags } from '../context.js';
import type { GlobalFlags } from '../context.js';
import type { CliIO } from '../io.js';
import { runWithUi } from '../run-with-ui.js';
import { readSavedPlan, takePlanFlag } from '../saved-plan.js';
import { parseInvocation } from './invocation.js';
import { SUMMARIES } from './summaries.js';

export function registerRun(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('run')
    .description(SUMMARIES.run.description)
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
  const { file, rest } = takePlanFlag(args);
  if (file) return runSavedPlan(file, rest, io, flags);
  const inv = await parseInvocation('run', args, io, flags);
  if (!inv) return EXIT.ok;
  return runWithUi({ io, flags, runbook: inv.runbook, registry: inv.registry, params: inv.params, opts: inv.opts });
}

/** `runbook run --plan FILE [options]`: the saved plan's runbook and params, refused if either changed. */
async function runSavedPlan(file: string, rest: string[], io: CliIO, flags: GlobalFlags): Promise<number> {
  const saved = readSavedPlan(file, io.cwd);
  const inv = await parseInvocation('run', [saved.file, ...rest], io, flags, saved.params);
  if (!inv) return EXIT.ok;
  if (runbookDigest(inv.runbook, saved.params) !== saved.digest) {
    throw new RunbookError('E_PLAN_STALE', `--plan ${file}: the runbook ${saved.file} changed since the plan was saved; nothing was changed`, { hint: `review a new plan: runbook plan ${saved.runbook} ... --out ${file}`, exitCode: EXIT.declined });
  }
  return runWithUi({ io, flags, runbook: inv.runbook, registry: inv.registry, params: saved.params, opts: inv.opts, savedPlanDigest: saved.planDigest });
}
