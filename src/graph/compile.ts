// Compiles a validated runbook into a StepGraph: nodes bound to their step definitions, with
// `needs` edges, reverse edges and a stable topological order. Fan-out (`forEach`) stays
// symbolic here: its list may come from another step's outputs, known only at run time.
import type { StepDefinition, StepRegistry } from '../step/define-step.js';
import { z } from '../zod.js';
import { RunbookError } from '../errors.js';
import { GROUP_USES } from '../runbook/types.js';
import type { PreflightSpec, Runbook, StepCall, StepSpec } from '../runbook/types.js';
import { topologicalOrder } from '../dependency-order.js';
import type { Expr, Template } from '../runbook/expressions.js';
import { compileTemplate } from '../runbook/expressions.js';
import { compileBare, compileCall } from './compiled-call.js';
import type { CompiledCall } from './compiled-call.js';

export interface GraphNode {
  id: string;
  spec: StepSpec;
  def: StepDefinition;
  gateDef?: StepDefinition;
  needs: readonly string[];
  dependents: readonly string[];
  /** `with:`, `when:`, `forEach:`, `confirm:` and the gate's `with:`, parsed once. */
  call: CompiledCall;
  when?: Expr;
  forEach?: Expr;
  confirm?: Template;
  gateCall?: CompiledCall;
  /** A group's steps, in dependency order; they run once per `forEach` item. */
  children?: readonly GraphNode[];
  /** For a step inside a group: the group's id and the step's own id within it. */
  group?: { id: string; localId: string };
}

interface PreflightNode {
  id: string;
  spec: PreflightSpec;
  def: StepDefinition;
  call: CompiledCall;
}

export interface StepGraph {
  runbook: Runbook;
  nodes: ReadonlyMap<string, GraphNode>;
  /** Dependencies first; ties broken by file order. */
  order: readonly string[];
  preflight: readonly PreflightNode[];
}

function lookup(registry: StepRegistry, call: StepCall, where: string): StepDefinition {
  const def = registry.get(call.uses);
  if (!def) throw new RunbookError('E_UNKNOWN_STEP', `${where}: unknown step type "${call.uses}"`, { hint: 'run `runbook validate` on the file' });
  return def;
}

/** What a group node "runs": nothing itself; the executor runs its children per item. */
const GROUP_DEF: StepDefinition = {
  type: 'core.group',
  description: 'runs its steps once per item',
  params: z.object({}),
  uses: [],
  destructive: false,
  permissions: [],
  plan: async () => [],
  apply: async () => ({}),
};

/** The expressions of a step, parsed once for every instance and phase. */
function compiledParts(spec: StepSpec, def: StepDefinition, gateDef?: StepDefinition): Pick<GraphNode, 'call' | 'when' | 'forEach' | 'confirm' | 'gateCall'> {
  const when = compileBare(spec.when);
  const forEach = compileBare(spec.forEach);
  return {
    call: compileCall(spec, def),
    ...(when ? { when } : {}),
    ...(forEach ? { forEach } : {}),
    ...(spec.confirm !== undefined ? { confirm: compileTemplate(spec.confirm) } : {}),
    ...(spec.gate && gateDef ? { gateCall: compileCall(spec.gate, gateDef) } : {}),
  };
}

function compileChildren(group: StepSpec, registry: StepRegistry): GraphNode[] {
  const specs = new Map((group.steps ?? []).map((s) => [s.id, s]));
  const order = topologicalOrder({ ids: [...specs.keys()], needs: (id) => specs.get(id)?.needs ?? [] });
  return order.map((localId) => {
    const spec = specs.get(localId)!;
    const id = `${group.id}.${localId}`;
    const def = lookup(registry, spec, `step ${id}`);
    return { id, spec, def, needs: spec.needs, dependents: [], ...compiledParts(spec, def), group: { id: group.id, localId } };
  });
}

export function compile(runbook: Runbook, registry: StepRegistry): StepGraph {
  const dependents = new Map<string, string[]>(runbook.steps.map((s) => [s.id, []]));
  for (const s of runbook.steps) for (const n of s.needs) dependents.get(n)?.push(s.id);
  const nodes = new Map<string, GraphNode>();
  for (const spec of runbook.steps) {
    const def = spec.uses === GROUP_USES ? GROUP_DEF : lookup(registry, spec, `step ${spec.id}`);
    const gateDef = spec.gate ? lookup(registry, spec.gate, `gate of step ${spec.id}`) : undefined;
    nodes.set(spec.id, {
      id: spec.id,
      spec,
      def,
      ...(spec.steps ? { children: compileChildren(spec, registry) } : {}),
      ...(gateDef ? { gateDef } : {}),
      needs: spec.needs,
      dependents: dependents.get(spec.id) ?? [],
      ...compiledParts(spec, def, gateDef),
    });
  }
  const order = topologicalOrder({ ids: runbook.steps.map((s) => s.id), needs: (id) => nodes.get(id)?.needs ?? [] });
  const preflight = runbook.preflight.map((spec) => {
    const def = lookup(registry, spec, `preflight ${spec.id}`);
    return { id: spec.id, spec, def, call: compileCall(spec, def) };
  });
  return { runbook, nodes, order, preflight };
}

/** Splits fan-out items into batches: `serial: n` gives batches of n; no serial gives one batch. */
export function batchesOf<T>(items: readonly T[], serial: number | undefined): T[][] {
  if (!serial || serial <= 0) return items.length ? [items.slice()] : [];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += serial) out.push(items.slice(i, i + serial));
  return out;
}
