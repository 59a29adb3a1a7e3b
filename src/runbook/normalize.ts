// A schema-valid, rule-clean document -> the `Runbook` the compiler consumes: params as a
// list in file order, `needs` always a list, durations in milliseconds, retry defaults.
import { parseDuration } from './duration.js';
import type { RawRunbook, RawStep } from './schema.js';
import type { ParamSpec, Runbook, RunbookSource, StepSpec } from './types.js';

const ms = (v: string | number | undefined) => (v === undefined ? undefined : typeof v === 'number' ? v : parseDuration(v));

function step(s: RawStep): StepSpec {
  const timeoutMs = ms(s.timeout);
  return {
    id: s.id,
    ...(s.name !== undefined ? { name: s.name } : {}),
    uses: s.uses,
    with: s.with ?? {},
    needs: s.needs === undefined ? [] : typeof s.needs === 'string' ? [s.needs] : s.needs,
    ...(s.when !== undefined ? { when: String(s.when) } : {}),
    ...(s.forEach !== undefined ? { forEach: s.forEach } : {}),
    ...(s.serial !== undefined ? { serial: s.serial } : {}),
    ...(s.maxParallel !== undefined ? { maxParallel: s.maxParallel } : {}),
    ...(s.gate ? { gate: { uses: s.gate.uses, with: s.gate.with ?? {} } } : {}),
    ...(s.confirm !== undefined ? { confirm: s.confirm } : {}),
    ...(s.retry ? { retry: { attempts: s.retry.attempts, backoffMs: ms(s.retry.backoff) ?? 1000, factor: s.retry.factor ?? 2 } } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    continueOnError: s.continueOnError ?? false,
  };
}

export function normalize(raw: RawRunbook, source: RunbookSource): Runbook {
  const params: ParamSpec[] = Object.entries(raw.params ?? {}).map(([name, p]) => ({
    name,
    type: p.type,
    description: p.description,
    required: p.required ?? false,
    ...(p.default !== undefined ? { default: p.default } : {}),
    ...(p.pattern !== undefined ? { pattern: p.pattern } : {}),
    ...(p.values !== undefined ? { values: p.values } : {}),
    ...(p.items !== undefined ? { items: p.items } : {}),
  }));
  return {
    apiVersion: raw.apiVersion,
    name: raw.name,
    description: raw.description,
    params,
    preflight: (raw.preflight ?? []).map((p) => ({ id: p.id, ...(p.name !== undefined ? { name: p.name } : {}), uses: p.uses, with: p.with ?? {} })),
    steps: raw.steps.map(step),
    source,
  };
}
