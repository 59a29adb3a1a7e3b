// A runbook's params become the flags of `runbook run|plan NAME`: `--node k3s-replica-2`,
// `--nodes a,b` or `--nodes a --nodes b`, `--force/--no-force`. Commander then gives us
// per-runbook --help and "unknown option (did you mean ...)" for free.
import { Command, Option } from 'commander';
import { PLAN_FLAGS, PLAN_OUT_FLAGS, RUN_FLAGS } from '../command-flags.js';
import { RunbookError } from '../errors.js';
import type { ParamSpec, Runbook } from '../runbook/types.js';
import { positionOf } from '../runbook/types.js';
import { addFlags, repeatable } from './flags.js';
import type { CliIO } from './io.js';
import { addTargetOptions } from './target-options.js';

function paramOption(p: ParamSpec): Option {
  const defaultNote = p.default === undefined ? '' : ` (default: ${Array.isArray(p.default) ? p.default.join(',') : String(p.default)})`;
  const typeNote = p.type === 'enum' ? ` [${(p.values ?? []).join('|')}]` : '';
  const description = `${p.description}${typeNote}${defaultNote}${p.required ? ' (required)' : ''}`;
  switch (p.type) {
    case 'bool':
      // A bool that defaults to true is switched off with --no-NAME (commander's negation): its
      // line says what the flag does, which is the opposite of the param's description.
      return p.default === true ? new Option(`--no-${p.name}`, `turn off (on by default): ${p.description}`) : new Option(`--${p.name}`, description);
    case 'list':
      return new Option(`--${p.name} <${p.items ?? 'value'}>`, `${description}; repeat or comma-separate`).argParser(repeatable);
    case 'int':
      return new Option(`--${p.name} <n>`, description);
    case 'duration':
      return new Option(`--${p.name} <duration>`, `${description}; e.g. 30s, 5m, 1h`);
    default:
      return new Option(`--${p.name} <value>`, description);
  }
}

/** The validator reserves the command's flag names; should one slip through, say where, not crash. */
function addParamOption(cmd: Command, runbook: Runbook, p: ParamSpec): void {
  try {
    cmd.addOption(paramOption(p));
  } catch (e) {
    const at = positionOf(runbook.source, `params.${p.name}`);
    throw new RunbookError('E_RUNBOOK', `${runbook.source.file}:${at.line}:${at.col}: param \`${p.name}\` clashes with a flag of the command: ${(e as Error).message}`, { hint: 'rename the param', cause: e });
  }
}

export type InvocationKind = 'run' | 'plan';

/** The command a person sees for `runbook KIND NAME --help`. */
export function runbookCommand(kind: InvocationKind, io: CliIO, runbook?: Runbook): Command {
  const name = runbook ? `runbook ${kind} ${runbook.name}` : `runbook ${kind}`;
  const cmd = new Command(name)
    .usage(runbook ? '[params] [options]' : '<runbook> [params] [options]')
    .description(runbook ? runbook.description : kind === 'run' ? 'Preflight, plan, confirm, apply and verify a runbook; roll back on failure.' : 'Preflight and plan a runbook: shows what would change and changes nothing.')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
  addFlags(cmd, PLAN_FLAGS);
  addTargetOptions(cmd);
  if (kind === 'run') addFlags(cmd, RUN_FLAGS);
  else addFlags(cmd, PLAN_OUT_FLAGS);
  if (runbook) {
    for (const p of runbook.params) addParamOption(cmd, runbook, p);
    const example = runbook.params.filter((p) => p.required).map((p) => `--${p.name} ${p.type === 'int' ? '3' : 'VALUE'}`).join(' ');
    cmd.addHelpText('after', `\nExample:\n  runbook ${kind} ${runbook.name}${example ? ` ${example}` : ''}${kind === 'run' ? ' --yes' : ''}\n`);
  } else {
    cmd.addHelpText('after', `\nExamples:\n  runbook ${kind} purge-dead-node --node k3s-replica-2\n  runbook ${kind} purge-dead-node --help     the runbook's own params\n`);
  }
  return cmd;
}

/** Raw flag values for the runbook's params, keyed by param name (not camelCase). */
export function rawParamValues(cmd: Command, runbook: Runbook): Record<string, string | string[] | boolean | undefined> {
  const opts = cmd.opts() as Record<string, unknown>;
  const out: Record<string, string | string[] | boolean | undefined> = {};
  for (const opt of cmd.options) {
    const long = opt.long?.replace(/^--/, '');
    const param = runbook.params.find((p) => p.name === long || (opt.negate && `no-${p.name}` === long));
    if (param) out[param.name] = opts[opt.attributeName()] as string | string[] | boolean | undefined;
  }
  return out;
}

/** Splits `runbook run NAME args...`: the runbook name comes first, flags after it. */
export function splitInvocation(args: readonly string[]): { name?: string; rest: string[] } {
  const [first, ...rest] = args;
  if (first === undefined || first.startsWith('-')) return { rest: [...args] };
  return { name: first, rest };
}
