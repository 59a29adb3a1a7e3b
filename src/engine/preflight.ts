// Read-only checks before any write: the runbook's own `preflight:` list, then every step's
// `preflight()` for the instances known up front. Any failure means nothing is changed.
import type { StepGraph } from '../graph/compile.js';
import type { AdapterProvider } from './adapters.js';
import type { CheckResult, StepDefinition } from '../step/define-step.js';
import { resolveParams } from './instances.js';
import { readContext } from './step-context.js';
import { staticInstances } from './static-instances.js';
import type { PreflightOutcome, SourcedCheck } from './types.js';


export type { PreflightOutcome, SourcedCheck } from './types.js';

interface PreflightOptions {
  graph: StepGraph;
  params: Record<string, unknown>;
  adapters: AdapterProvider;
  runId: string;
  signal: AbortSignal;
}

async function check(def: StepDefinition, params: unknown, source: string, stepId: string, o: PreflightOptions): Promise<SourcedCheck[]> {
  if (!def.preflight) return [];
  try {
    const ctx = await readContext(def, params, { runId: o.runId, stepId, key: source, signal: o.signal, log: () => {} }, o.adapters);
    return (await def.preflight(ctx)).map((r) => ({ ...r, source }));
  } catch (e) {
    // An adapter that can't reach its API is a failed check, not a crash.
    return [{ ok: false, message: e instanceof Error ? e.message : String(e), source }];
  }
}

export async function preflight(o: PreflightOptions): Promise<PreflightOutcome> {
  const results: SourcedCheck[] = [];
  for (const p of o.graph.preflight) {
    try {
      const params = resolveParams(p.call, p.def, { params: o.params, steps: {} }, `preflight ${p.id}`);
      if (!p.def.preflight) {
        results.push({ ok: false, source: `preflight.${p.id}`, message: `${p.spec.uses} has no checks: it cannot be used under preflight:` });
        continue;
      }
      results.push(...(await check(p.def, params, `preflight.${p.id}`, p.id, o)));
    } catch (e) {
      results.push({ ok: false, source: `preflight.${p.id}`, message: e instanceof Error ? e.message : String(e) });
    }
  }
  for (const entry of staticInstances(o.graph, o.params)) {
    if (entry.kind !== 'instances') continue;
    for (const inst of entry.instances) results.push(...(await check(inst.def, inst.params, `step.${inst.key}`, inst.stepId, o)));
  }
  return { ok: results.every((r) => r.ok), results };
}
