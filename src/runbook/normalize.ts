// A schema-valid, rule-clean document -> the `Runbook` the compiler consumes: params as a
// list in file order, `needs` always a list, durations in milliseconds, retry defaults.
import { parseWaitDuration } from './duration.js';
import type { RawGroupedStep, RawRunbook, RawStep } from './schema.js';
import { GROUP_USES, RETRY_DEFAULTS } from './types.js';
import type { ParamSpec, RetrySpec, Runbook, RunbookSource, StepSpec } from './types.js';

const ms = (v: string | number | undefined) => (v === undefined ? undefined : parseWaitDuration(v));

function retrySpec(r: NonNullable<RawStep['retry']>): RetrySpec {
  const maxBackoffMs = ms(r.maxBackoff);
  return { attempts: r.attempts, backoffMs: ms(r.backoff) ?? RETRY_DEFAULTS.backoffMs, factor: r.factor ?? RETRY_DEFAULTS.factor, ...(maxBackoffMs !== undefined ? { maxBackoffMs } : {}) };
}

function step(s: RawStep | RawGroupedStep): StepSpec {
  const g = s as RawStep;
  const timeoutMs = ms(s.timeout);
  return {
    id: s.id,
    ...(s.name !== undefined ? { name: s.name } : {}),
    uses: g.steps ? GROUP_USES : (s.uses ?? ''),
    with: s.with ?? {},
    needs: s.needs === undefined ? [] : typeof s.needs === 'string' ? [s.needs] : s.needs,
    ...(s.when !== undefined ? { when: String(s.when) } : {}),
    ...(g.forEach !== undefined ? { forEach: g.forEach } : {}),
    ...(g.serial !== undefined ? { serial: g.serial } : {}),
    ...(g.maxParallel !== undefined ? { maxParallel: g.maxParallel } : {}),
    ...(g.gate ? { gate: { uses: g.gate.uses, with: g.gate.with ?? {} } } : {}),
    ...(s.confirm !== undefined ? { confirm: s.confirm } : {}),
    ...(s.retry ? { retry: retrySpec(s.retry) } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    continueOnError: s.continueOnError ?? false,
    ...(g.steps ? { steps: g.steps.map(step) } : {}),
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
    ...(p.min !== undefined ? { min: p.min } : {}),
    ...(p.max !== undefined ? { max: p.max } : {}),
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
