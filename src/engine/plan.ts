// Plan: each step's `plan()` with read-only adapters returns the changes it would make.
// Pure data: `runbook plan` prints it, `runbook run` shows it before confirming.
import type { StepGraph } from '../graph/compile.js';
import type { AdapterProvider } from './adapters.js';
import type { PlannedChange, StepDefinition } from '../step/define-step.js';
import { cannotUndoReason, isDestructive } from '../step/define-step.js';
import { readContext } from './step-context.js';
import type { Scope } from './instances.js';
import { staticInstances } from './static-instances.js';
import type { PlanEntry } from './types.js';

export type { PlanEntry } from './types.js';

interface PlanOptions {
  graph: StepGraph;
  params: Record<string, unknown>;
  adapters: AdapterProvider;
  runId: string;
  signal: AbortSignal;
}

/**
 * Runs the read-only steps whose inputs are known, in order, so what depends on their outputs
 * can be planned too (Pulumi's data sources, Terraform's data blocks). Their apply gets the
 * read-only adapters: a step that claims `readOnly` and writes fails here, loudly.
 */
async function evaluateReadOnly(o: PlanOptions): Promise<Scope['steps']> {
  const known: Scope['steps'] = {};
  for (const id of o.graph.order) {
    const node = o.graph.nodes.get(id)!;
    if (!node.def.readOnly || node.children || node.spec.forEach !== undefined) continue;
    const entry = staticInstances(o.graph, o.params, known).find((e) => e.node.id === id);
    if (entry?.kind !== 'instances') continue;
    const inst = entry.instances[0]!;
    const ctx = await readContext(inst.def, inst.params, { runId: o.runId, stepId: inst.stepId, key: inst.key, signal: o.signal, log: () => {} }, o.adapters);
    const readOnlyError = async () => { throw new Error(`${inst.uses} is read-only: it cannot save objects or checkpoint`); };
    const result = await inst.def.apply({ ...ctx, saveObject: readOnlyError, checkpoint: readOnlyError } as never);
    known[id] = { outputs: (result.outputs ?? {}) as Record<string, unknown> };
  }
  return known;
}

export async function plan(o: PlanOptions): Promise<PlanEntry[]> {
  const out: PlanEntry[] = [];
  const known = await evaluateReadOnly(o);
  for (const entry of staticInstances(o.graph, o.params, known)) {
    if (entry.kind !== 'instances') {
      const destructive = typeof entry.node.def.destructive === 'boolean' ? entry.node.def.destructive : true;
      const later = entry.kind === 'deferred' ? { deferred: entry.reason, ...(readsOnly(entry.node.def) ? { readsOnly: true } : {}) } : { skipped: entry.reason };
      out.push({ ...pick(entry.info), destructive, changes: [], ...cannotUndo(entry.node.def, undefined), ...later });
      continue;
    }
    for (const inst of entry.instances) {
      const ctx = await readContext(inst.def, inst.params, { runId: o.runId, stepId: inst.stepId, key: inst.key, signal: o.signal, log: () => {} }, o.adapters);
      out.push({ ...pick(inst), destructive: isDestructive(inst.def, inst.params), changes: await inst.def.plan({ ...ctx, planned: out.slice() }), ...cannotUndo(inst.def, inst.params) });
    }
  }
  return out;
}

const READ_VERBS = ['get', 'list', 'watch'];

/**
 * What a step may do is what its permissions allow (the same data `runbook rbac` derives roles
 * from): no shell, and only reading verbs and Audit privileges, means it changes nothing, even
 * when its inputs are known only at run time (a wait for the pods a deletion displaced).
 */
function readsOnly(def: StepDefinition): boolean {
  if (def.uses.includes('shell') || typeof def.permissions === 'function' || !def.permissions.length) return false;
  return def.permissions.every((p) => (p.kind === 'kube' ? p.verbs.every((v) => READ_VERBS.includes(v)) : p.privileges.every((x) => x.endsWith('.Audit'))));
}

function cannotUndo(def: StepDefinition, params: unknown): { cannotUndo?: string } {
  const reason = cannotUndoReason(def, params);
  return reason ? { cannotUndo: reason } : {};
}

function pick(i: { key: string; stepId: string; title: string; uses: string }) {
  return { key: i.key, stepId: i.stepId, title: i.title, uses: i.uses };
}

export function planByKey(entries: readonly PlanEntry[]): Map<string, PlannedChange[]> {
  return new Map(entries.map((e) => [e.key, e.changes]));
}

export function countChanges(entries: readonly PlanEntry[]): Record<PlannedChange['op'], number> {
  const counts = { noop: 0, create: 0, update: 0, delete: 0, action: 0 };
  for (const e of entries) for (const c of e.changes) counts[c.op]++;
  return counts;
}
