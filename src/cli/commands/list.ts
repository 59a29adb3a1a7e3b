// `runbook list`: every runbook visible by name, one line each.
import type { Command } from 'commander';
import type { CommandResult } from '../context.js';
import { globalFlags, loadRegistry, searchPathOf } from '../context.js';
import { listRunbooks } from '../find-runbook.js';
import type { CliIO } from '../io.js';
import { outputOption } from '../output-option.js';
import { SUMMARIES } from './summaries.js';

export function registerList(program: Command, io: CliIO, _result: CommandResult): void {
  program
    .command('list')
    .description(SUMMARIES.list.description)
    .addOption(outputOption(['text', 'json']))
    .addHelpText('after', '\nExample:\n  runbook list --runbooks-dir ./my-runbooks\n')
    .action(async (opts: { output: string }, cmd: Command) => {
      const locations = listRunbooks(searchPathOf(io, globalFlags(cmd)));
      const registry = await loadRegistry();
      const { loadRunbookFile } = await import('../../runbook/load.js');
      const rows = [];
      for (const l of locations) {
        const { runbook, diagnostics } = await loadRunbookFile(l.file, registry);
        const invalid = diagnostics.some((d) => d.severity === 'error');
        rows.push({ name: l.name, origin: l.origin, file: l.file, valid: !invalid, description: runbook?.description.split('\n')[0] ?? '(invalid: run `runbook validate`)' });
      }
      if (opts.output === 'json') return io.out(JSON.stringify(rows, null, 2) + '\n');
      const width = Math.max(4, ...rows.map((r) => r.name.length));
      for (const r of rows) io.out(`${r.name.padEnd(width)}  ${r.origin === 'shipped' ? '' : `[${r.origin}] `}${r.description}\n`);
    });
}
