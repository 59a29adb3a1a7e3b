// Saved plans (DESIGN section 2; terraform's `plan -out` / `apply PLANFILE`): `runbook plan
// --out FILE` writes the runbook, its params, the runbook digest and the plan with its digest;
// `runbook run --plan FILE` runs that runbook with those params and no question for what the
// plan approved, as long as the runbook is unchanged and the plan computed now is the same.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PlanEntry } from '../engine/plan.js';
import { planDigest } from '../engine/plan-digest.js';
import { RunbookError } from '../errors.js';
import { isSecretKey, redact } from '../redact.js';
import type { Runbook } from '../runbook/types.js';

const FORMAT = 'runbook.dev/plan-v1';

interface SavedPlan {
  format: typeof FORMAT;
  runbook: string;
  /** Where the runbook was loaded from: `run --plan` loads it from there again. */
  file: string;
  params: Record<string, unknown>;
  digest: string;
  planDigest: string;
  plan: PlanEntry[];
}

export function writeSavedPlan(path: string, cwd: string, runbook: Runbook, params: Record<string, unknown>, outcome: { digest: string; plan: PlanEntry[]; planDigest?: string }): void {
  // The file is not a journal: a secret written there would sit in clear text.
  const secret = runbook.params.find((p) => isSecretKey(p.name) && params[p.name] !== undefined && params[p.name] !== '');
  if (secret) throw new RunbookError('E_USAGE', `plan --out cannot save a plan with the secret param --${secret.name}: it would be written to ${path} in clear text`, { hint: `run it with \`runbook run ${runbook.name}\` instead` });
  const { digest, plan } = outcome;
  // The digest covers the real values; the file shows a Secret the plan would create by key digests.
  const saved: SavedPlan = { format: FORMAT, runbook: runbook.name, file: runbook.source.file, params, digest, planDigest: outcome.planDigest ?? planDigest(digest, plan), plan: redact(plan) as PlanEntry[] };
  writeFileSync(resolve(cwd, path), JSON.stringify(saved, null, 2) + '\n');
}

export function readSavedPlan(path: string, cwd: string): SavedPlan {
  const full = resolve(cwd, path);
  let value: Partial<SavedPlan>;
  try {
    value = JSON.parse(readFileSync(full, 'utf8')) as Partial<SavedPlan>;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new RunbookError('E_USAGE', `--plan ${path}: cannot read the saved plan: ${why}`, { hint: 'write one with `runbook plan NAME [params] --out FILE`' });
  }
  if (value?.format !== FORMAT || typeof value.file !== 'string' || typeof value.digest !== 'string' || typeof value.planDigest !== 'string' || typeof value.params !== 'object' || value.params === null) {
    throw new RunbookError('E_USAGE', `--plan ${path}: not a plan saved by \`runbook plan --out\``, { hint: 'write one with `runbook plan NAME [params] --out FILE`' });
  }
  return value as SavedPlan;
}

/** Takes `--plan FILE` / `--plan=FILE` out of `runbook run`'s arguments. */
export function takePlanFlag(args: readonly string[]): { file?: string; rest: string[] } {
  const rest = [...args];
  const at = rest.findIndex((a) => a === '--plan' || a.startsWith('--plan='));
  if (at < 0) return { rest };
  const [flag] = rest.splice(at, 1);
  const file = flag!.includes('=') ? flag!.slice('--plan='.length) : rest.splice(at, 1)[0];
  if (!file || file.startsWith('-')) throw new RunbookError('E_USAGE', '--plan needs the file `runbook plan --out FILE` wrote', { hint: 'runbook run --plan FILE' });
  return { file, rest };
}
