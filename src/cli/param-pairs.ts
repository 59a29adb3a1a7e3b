// `--param name=value` (repeatable) for commands that pass a runbook's params on, such as
// `schedule` and `rbac`: typed and checked like `run` flags, then turned back into flags.
import { RunbookError } from '../errors.js';
import { coerceParams } from '../runbook/params.js';
import type { Runbook } from '../runbook/types.js';
import { didYouMean } from '../suggest.js';

export function parseParamPairs(runbook: Runbook, pairs: readonly string[], requireAll: boolean): { values: Record<string, unknown>; flags: string[] } {
  const raw: Record<string, string[]> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new RunbookError('E_PARAMS', `--param ${pair}: write name=value`, { hint: 'e.g. --param fix=safe' });
    const name = pair.slice(0, eq);
    if (!runbook.params.some((p) => p.name === name)) {
      throw new RunbookError('E_PARAMS', `${runbook.name} has no param ${name}`, { hint: didYouMean(name, runbook.params.map((p) => p.name)) ?? `its params: ${runbook.params.map((p) => p.name).join(', ') || 'none'}` });
    }
    (raw[name] ??= []).push(pair.slice(eq + 1));
  }
  const typed = coerceParams(runbook, Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, runbook.params.find((p) => p.name === k)?.type === 'list' ? v : v.at(-1)])));
  const errors = requireAll ? typed.errors : typed.errors.filter((e) => !e.startsWith('missing required'));
  if (errors.length) throw new RunbookError('E_PARAMS', errors.join('\n'), { hint: `see \`runbook describe ${runbook.name}\`` });
  const flags = Object.entries(raw).flatMap(([k, vs]) => vs.flatMap((v) => [`--${k}`, v]));
  return { values: typed.values, flags };
}
