// `runbook rollback RUN_ID`: undo a past run's applied steps from the journal alone (works
// after a crash, the step it died in included), through the guarded write path: Events for
// every Kubernetes change, the cluster's run lock, the run's journal.
import type { Command } from 'commander';
import { appliedFromJournal } from '../../engine/journal-replay.js';
import { rollbackRun } from '../../engine/rollback-run.js';
import { EXIT, RunbookError } from '../../errors.js';
import { cliAdapters } from '../adapters.js';
import type { AdapterFlags } from '../adapters.js';
import type { CommandResult } from '../context.js';
import { globalFlags, loadRegistry, stateDirOf } from '../context.js';
import type { CliIO } from '../io.js';
import { keptLines, rolledBackSummary } from '../format-run.js';
import { loadPastRun } from '../journal-run.js';
import { lazyLeaseLock } from '../run-with-ui.js';
import { addTargetOptions } from '../target-options.js';
import { outputOption } from '../output-option.js';
import { SUMMARIES } from './summaries.js';

export function registerRollback(program: Command, io: CliIO, result: CommandResult): void {
  const rollbackCmd = program
    .command('rollback')
    .description(SUMMARIES.rollback.description)
    .argument('<run-id>', 'from `runbook history`')
    .option('-y, --yes', 'do not ask (needed without a terminal)')
    .addOption(outputOption(['text', 'json']))
    .addHelpText('after', '\nExample:\n  runbook rollback 20261125-001122Z-ab12 --yes\n')
    .action(async (runId: string, opts: { yes?: boolean; output: string } & AdapterFlags, cmd: Command) => {
      const stateDir = stateDirOf(io, globalFlags(cmd));
      const past = await loadPastRun(stateDir, runId);
      const entries = appliedFromJournal(past.records);
      if (!entries.length) {
        io.out(`Run ${runId}: nothing to roll back.\n`);
        return;
      }
      const list = entries.map((e) => e.key).reverse().join(', ');
      if (!opts.yes) {
        if (!io.stdinIsTTY) throw new RunbookError('E_CONFIRM', `rolling back ${list} needs confirmation and there is no terminal`, { hint: 'pass --yes', exitCode: EXIT.declined });
        const { askYesNo } = await import('../../ui/prompt.js');
        if (!(await askYesNo(`Roll back ${entries.length} step(s) of ${runId}: ${list}?`, false, io.stdin))) {
          result.exitCode = EXIT.declined;
          return;
        }
      }
      const registry = await loadRegistry();
      const adapters = cliAdapters(io, opts, { runbook: past.start.runbook, runId: () => runId });
      const touchesKube = entries.some((e) => registry.get(e.uses)?.uses.includes('kube'));
      const rb = await rollbackRun({
        runId,
        runbook: past.start.runbook,
        entries,
        registry,
        adapters,
        stateDir,
        ...(touchesKube ? { lock: lazyLeaseLock(adapters, io) } : {}),
        observer: { rollbackStep: (key, ok, error, detail) => opts.output !== 'json' && io.out(`${detail && 'kept' in detail ? 'kept' : detail ? 'nothing to undo:' : ok ? 'rolled back' : 'FAILED to roll back'} ${key}${error ? `: ${error.message}` : ''}\n`) },
      });
      const exitCode = rb.ok ? EXIT.ok : EXIT.rollbackIncomplete;
      if (opts.output === 'json') io.out(JSON.stringify({ runId, ok: rb.ok, rolledBack: rb.rolledBack, nothingToUndo: rb.nothingToUndo, kept: rb.kept, failures: rb.failures.map((f) => ({ key: f.key, error: f.error.message })) }, null, 2) + '\n');
      else {
        io.out(rb.ok ? `Run ${runId}: ${rolledBackSummary(rb)}\n` : `Run ${runId}: ROLLBACK INCOMPLETE (${rb.failures.length} failed); fix the cause and run it again.\n`);
        for (const line of keptLines(rb.kept)) io.out(`${line}\n`);
      }
      result.exitCode = exitCode;
    });
  addTargetOptions(rollbackCmd);
}
