// `runbook history` and `runbook show RUN_ID`: the journal of past runs.
import type { Command } from 'commander';
import { readJournal, summarize, listRuns } from '../../engine/journal.js';
import type { CommandResult } from '../context.js';
import { globalFlags, stateDirOf } from '../context.js';
import type { CliIO } from '../io.js';
import { formatShow } from '../format-show.js';
import { outputOption } from '../output-option.js';
import { SUMMARIES } from './summaries.js';

export function registerHistory(program: Command, io: CliIO, _result: CommandResult): void {
  program
    .command('history')
    .description(SUMMARIES.history.description)
    .addOption(outputOption(['text', 'json']))
    .option('-n, --limit <n>', 'show only the last N runs', '20')
    .addHelpText('after', '\nExample:\n  runbook history -n 5\n  runbook show 20261125-001122Z-ab12\n')
    .action(async (opts: { output: string; limit: string }, cmd: Command) => {
      const runs = (await listRuns(stateDirOf(io, globalFlags(cmd)))).slice(-Number(opts.limit));
      if (opts.output === 'json') return io.out(JSON.stringify(runs, null, 2) + '\n');
      if (!runs.length) return io.out('No runs yet.\n');
      // CLUSTER: the kubeconfig context and API server the run targeted ('-' when it touched none).
      io.out(`${'RUN ID'.padEnd(26)} ${'RUNBOOK'.padEnd(22)} ${'STATUS'.padEnd(20)} STEPS  ${'STARTED'.padEnd(24)}  CLUSTER\n`);
      for (const r of runs) io.out(`${r.runId.padEnd(26)} ${r.runbook.padEnd(22)} ${r.status.padEnd(20)} ${String(r.steps).padStart(5)}  ${r.startedAt.padEnd(24)}  ${r.target ? `${r.target.context} (${r.target.server})` : '-'}\n`);
    });

  program
    .command('show')
    .description(SUMMARIES.show.description)
    .argument('<run-id>', 'from `runbook history`')
    .addOption(outputOption(['text', 'json'], ' (json prints the journal records)'))
    .action(async (runId: string, opts: { output: string }, cmd: Command) => {
      const records = await readJournal(stateDirOf(io, globalFlags(cmd)), runId);
      if (opts.output === 'json') return io.out(JSON.stringify({ summary: summarize(runId, records), records }, null, 2) + '\n');
      io.out(formatShow(runId, records));
    });
}
