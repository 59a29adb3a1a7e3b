// `runbook validate FILE...`: every problem in every file, as file:line:col; exit 2 on error.
import type { Command } from 'commander';
import { EXIT, formatDiagnostic } from '../../errors.js';
import type { Diagnostic } from '../../errors.js';
import type { CommandResult } from '../context.js';
import { globalFlags, loadRegistry, searchPathOf } from '../context.js';
import { findRunbook } from '../find-runbook.js';
import type { CliIO } from '../io.js';
import { outputOption } from '../output-option.js';
import { SUMMARIES } from './summaries.js';

export function registerValidate(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('validate')
    .description(SUMMARIES.validate.description)
    .argument('<files...>', 'runbook files or names')
    .addOption(outputOption(['text', 'json']))
    .addHelpText('after', '\nExamples:\n  runbook validate runbooks/*.yaml\n  runbook validate ./my-runbook.yaml --output json\n\nExit code 2 when any file has an error.\n')
    .action(async (files: string[], opts: { output: string }, cmd: Command) => {
      const registry = await loadRegistry();
      const { loadRunbookFile } = await import('../../runbook/load.js');
      const all: Diagnostic[] = [];
      const sp = searchPathOf(io, globalFlags(cmd));
      for (const f of files) {
        const { file } = findRunbook(f, sp);
        const { diagnostics } = await loadRunbookFile(file, registry);
        all.push(...diagnostics);
        if (opts.output !== 'json' && !diagnostics.some((d) => d.severity === 'error')) io.out(`${f}: ok\n`);
      }
      const errors = all.filter((d) => d.severity === 'error').length;
      if (opts.output === 'json') io.out(JSON.stringify({ ok: errors === 0, diagnostics: all }, null, 2) + '\n');
      else {
        for (const d of all) io.err(formatDiagnostic(d) + '\n');
        if (errors) io.err(`${errors} error(s)\n`);
      }
      result.exitCode = errors ? EXIT.invalidInput : EXIT.ok;
    });
}
