// `runbook plan NAME [params]`: preflight + plan, read-only. Exit 3 when preflight fails or an
// API error stops the plan (README: 3 is "could not check").
import type { Command } from 'commander';
import { ApiError, EXIT, RunbookError } from '../../errors.js';
import { cliAdapters } from '../adapters.js';
import type { CommandResult } from '../context.js';
import { globalFlags } from '../context.js';
import { formatPlan, formatPreflight } from '../format-plan.js';
import type { CliIO } from '../io.js';
import { secretParamsHider } from '../../redact.js';
import { writeSavedPlan } from '../saved-plan.js';
import { parseInvocation } from './invocation.js';
import { SUMMARIES } from './summaries.js';

export function registerPlan(program: Command, io: CliIO, result: CommandResult): void {
  program
    .command('plan')
    .description(SUMMARIES.plan.description)
    .argument('[runbook]', 'runbook name or path')
    .argument('[params...]', 'the runbook\'s params as flags (see `runbook plan NAME --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_n: unknown, _r: unknown, _o: unknown, cmd: Command) => {
      const inv = await parseInvocation('plan', cmd.args, io, globalFlags(cmd));
      if (!inv) return;
      const { planRunbook } = await import('../../engine/run.js');
      // In a terminal, a spinner on stderr while the APIs are read (a slow or black-holed one
      // takes up to the request timeout); never in pipes, CI or JSON output.
      const spinning = io.stdoutIsTTY && inv.opts.output !== 'json' && !io.env.CI;
      const stopSpinner = spinning ? (await import('../../ui/spinner.js')).startSpinner(io.err, `checking ${inv.runbook.name} against the cluster and Proxmox (preflight, plan)…`) : () => {};
      const outcome = await planRunbook({ runbook: inv.runbook, registry: inv.registry, params: inv.params, adapters: cliAdapters(io, inv.opts) })
        .catch((e: unknown) => {
          // An API that refuses or fails while planning: nothing was judged, like a failed preflight.
          if (e instanceof ApiError) throw new RunbookError(e.code, `could not plan: ${e.message}`, { ...(e.hint ? { hint: e.hint } : {}), exitCode: EXIT.preflightFailed, cause: e });
          throw e;
        })
        .finally(stopSpinner);
      const out = typeof inv.opts.out === 'string' && outcome.exitCode === EXIT.ok ? inv.opts.out : undefined;
      if (out) writeSavedPlan(out, io.cwd, inv.runbook, inv.params, outcome);
      // A secret param's value stays out of what is printed, wherever a step put it (a label, a summary).
      const shown = secretParamsHider(inv.params)(outcome);
      if (inv.opts.output === 'json') io.out(JSON.stringify(shown, null, 2) + '\n');
      else {
        io.out(formatPreflight(shown.preflight));
        if (outcome.exitCode === EXIT.ok) io.out(formatPlan(shown.runbook, shown.plan, shown.digest));
        if (out) io.out(`Saved the plan to ${out} (plan digest ${outcome.planDigest!.slice(0, 12)}): \`runbook run --plan ${out}\` runs exactly it.\n`);
      }
      result.exitCode = outcome.exitCode;
    });
}
