// `runbook restore RUN_ID [--object GLOB...]`: re-create what a run deleted, from its journal,
// through the guarded write path: an Event per re-created object, the cluster's run lock held
// on behalf of that run (a dead run's own lease is taken over, another run's is respected).
import type { Command } from 'commander';
import { RunbookError } from '../../errors.js';
import { cliAdapters } from '../adapters.js';
import type { AdapterFlags } from '../adapters.js';
import type { CommandResult } from '../context.js';
import { globalFlags, stateDirOf } from '../context.js';
import type { CliIO } from '../io.js';
import { loadPastRun } from '../journal-run.js';
import { restoreObjects, savedObjects } from '../restore-objects.js';
import type { RestoreResult } from '../restore-objects.js';
import { lazyLeaseLock } from '../run-with-ui.js';
import { repeatable } from '../flags.js';
import { addTargetOptions } from '../target-options.js';
import { outputOption } from '../output-option.js';
import { SUMMARIES } from './summaries.js';

export function registerRestore(program: Command, io: CliIO, result: CommandResult): void {
  const cmd = program
    .command('restore')
    .description(SUMMARIES.restore.description)
    .argument('<run-id>', 'from `runbook history`')
    .option('--object <glob>', 'only these (repeatable): a name, kind/name or journal ref, * allowed', repeatable)
    .option('--dry-run', 'say what would be re-created, change nothing')
    .addOption(outputOption(['text', 'json']))
    .addHelpText('after', `
Examples:
  runbook restore 20261126-021500Z-ab12                       everything that run deleted
  runbook restore 20261126-021500Z-ab12 --object 'persistentvolume/*' --dry-run
`);
  addTargetOptions(cmd);
  cmd.action(async (runId: string, opts: AdapterFlags & { object?: string[]; dryRun?: boolean; output: string }, c: Command) => {
    // Refused while the run is still in progress: restore takes the lock on its behalf.
    const { records, start } = await loadPastRun(stateDirOf(io, globalFlags(c)), runId);
    const saved = savedObjects(records, opts.object ?? []);
    if (!saved.length) {
      throw new RunbookError('E_NOTHING_SAVED', `run ${runId} saved no Kubernetes objects${opts.object?.length ? ` matching ${opts.object.join(', ')}` : ''}`, { hint: `see \`runbook show ${runId}\`` });
    }
    const runbook = start.runbook;
    const adapters = cliAdapters(io, opts, { runbook, runId: () => runId });
    const kube = await adapters.writer(['kube']);
    const held = opts.dryRun ? undefined : await lazyLeaseLock(adapters, io).acquire(runId, runbook);
    let results: RestoreResult[];
    try {
      results = await restoreObjects(kube.kube, saved, Boolean(opts.dryRun));
    } finally {
      await held?.release();
    }
    if (opts.output === 'json') io.out(`${JSON.stringify(results, null, 2)}\n`);
    else for (const r of results) io.out(`${r.outcome.padEnd(9)} ${r.ref}${r.detail ? `: ${r.detail}` : ''}\n`);
    result.exitCode = results.some((r) => r.outcome === 'failed') ? 1 : 0;
  });
}
