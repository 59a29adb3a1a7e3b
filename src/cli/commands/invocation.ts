// Shared by `run` and `plan`: find the runbook, build its flags, parse and type the params.
import type { Command } from 'commander';
import type { StepRegistry } from '../../step/define-step.js';
import { RunbookError } from '../../errors.js';
import type { Runbook } from '../../runbook/types.js';
import type { GlobalFlags } from '../context.js';
import { loadRegistry, loadRunbook } from '../context.js';
import type { CliIO } from '../io.js';
import type { InvocationKind } from '../runbook-options.js';
import { rawParamValues, runbookCommand, splitInvocation } from '../runbook-options.js';

interface Invocation {
  runbook: Runbook;
  registry: StepRegistry;
  params: Record<string, unknown>;
  opts: Record<string, unknown>;
}

/** Returns undefined when only help was asked for (and printed). */
/** `saved`: the params of a saved plan (`run --plan`), typed already; the flags then set none. */
export async function parseInvocation(kind: InvocationKind, args: readonly string[], io: CliIO, flags: GlobalFlags, saved?: Record<string, unknown>): Promise<Invocation | undefined> {
  const { name, rest } = splitInvocation(args);
  if (!name) {
    if (rest.includes('--help') || rest.includes('-h')) {
      runbookCommand(kind, io).outputHelp();
      return undefined;
    }
    throw new RunbookError('E_USAGE', `which runbook? usage: runbook ${kind} <runbook> [params]`, { hint: 'see `runbook list`' });
  }
  const registry = await loadRegistry();
  const { runbook } = await loadRunbook(name, io, flags, registry);
  const cmd: Command = runbookCommand(kind, io, runbook);
  cmd.parse(rest, { from: 'user' });
  if (saved) {
    const isParam = (long: string | undefined) => runbook.params.some((p) => long === `--${p.name}` || long === `--no-${p.name}`);
    const given = cmd.options.find((o) => isParam(o.long) && cmd.getOptionValueSource(o.attributeName()) === 'cli');
    if (given) throw new RunbookError('E_USAGE', `${given.long}: a saved plan runs with the params it was planned with`, { hint: `plan again with the new value (runbook plan ${runbook.name} ... --out FILE)` });
    return { runbook, registry, params: saved, opts: cmd.opts() };
  }
  const { coerceParams } = await import('../../runbook/params.js');
  const coerced = coerceParams(runbook, rawParamValues(cmd, runbook));
  if (coerced.errors.length) {
    throw new RunbookError('E_PARAMS', coerced.errors.join('\n'), { hint: `see \`runbook ${kind} ${runbook.name} --help\`` });
  }
  return { runbook, registry, params: coerced.values, opts: cmd.opts() };
}
