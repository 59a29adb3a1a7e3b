// `runbook resume RUN_ID`: continue an interrupted run from the first step not completed, after
// re-running preflight; the engine checks the runbook is unchanged and rebuilds its state.
import type { Command } from 'commander';
import { resumeState } from '../../engine/resume.js';
import type { CommandResult } from '../context.js';
import { globalFlags, loadRegistry, loadRunbook, stateDirOf } from '../context.js';
import type { CliIO } from '../io.js';
import { loadPastRun } from '../journal-run.js';
import { runWithUi } from '../run-with-ui.js';
import { addTargetOptions } from '../target-options.js';
import { outputOption } from '../output-option.js';
import { SUMMARIES } from './summaries.js';

export function registerResume(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('resume')
    .description(SUMMARIES.resume.description)
    .argument('<run-id>', 'from `runbook history`')
    .option('-y, --yes', 'approve every confirmation (needed without a terminal)')
    .addOption(outputOption(['text', 'json']))
    .option('--on-interrupt <action>', 'after Ctrl-C: ask, rollback or keep', 'ask')
    .addHelpText('after', '\nExample:\n  runbook resume 20261125-001122Z-ab12\n')
    .action(async (runId: string, opts: Record<string, unknown>, c: Command) => {
      const flags = globalFlags(c);
      const past = await loadPastRun(stateDirOf(io, flags), runId);
      const registry = await loadRegistry();
      const { runbook } = await loadRunbook(past.start.file, io, flags, registry);
      const resume = resumeState({ runId, records: past.records, start: past.start, status: past.summary.status }, runbook);
      result.exitCode = await runWithUi({ io, flags, runbook, registry, params: past.start.params, opts, resume });
    });
  addTargetOptions(cmd);
}
