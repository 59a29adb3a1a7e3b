// Turns graph nodes into runnable instances: evaluates `when`, expands `forEach`, interpolates
// `with:` and parses it with the step type's own schema (so a bad value fails before apply).
import { RunbookError } from '../errors.js';
import type { GraphNode } from '../graph/compile.js';
import { templateExprs } from '../graph/compiled-call.js';
import type { CompiledCall } from '../graph/compiled-call.js';
import { evaluate, referencesOf, render, toText } from '../runbook/expressions.js';
import type { Expr } from '../runbook/expressions.js';
import type { StepDefinition } from '../step/define-step.js';
import type { InstanceInfo } from './types.js';

export interface Scope {
  params: Record<string, unknown>;
  steps: Record<string, { outputs: Record<string, unknown> }>;
  item?: unknown;
}

export interface StepInstance extends InstanceInfo {
  node: GraphNode;
  def: StepDefinition;
  params: unknown;
  /** The step's `confirm:` message with its expressions filled in. */
  confirm?: string;
}

/** A step's `with`, `when` and `forEach` expressions. */
export function nodeExprs(node: GraphNode): Expr[] {
  return [...templateExprs(node.call.with), ...node.call.env.map(([, e]) => e), ...(node.when ? [node.when] : []), ...(node.forEach ? [node.forEach] : [])];
}

/** Step ids whose outputs these expressions refer to but `scope` lacks yet. */
export function missingStepRefs(exprs: readonly Expr[], scope: Scope): string[] {
  const missing = new Set<string>();
  for (const path of exprs.flatMap((e) => referencesOf(e))) {
    if (path[0] === 'steps' && path[1] && !(path[1] in scope.steps)) missing.add(path[1]);
  }
  return [...missing];
}

export function conditionHolds(when: Expr | undefined, scope: Scope): boolean {
  if (when === undefined) return true;
  return Boolean(evaluate(when, scope));
}

export function forEachItems(node: GraphNode, scope: Scope): unknown[] | undefined {
  if (node.forEach === undefined) return undefined;
  const value = evaluate(node.forEach, scope);
  if (!Array.isArray(value)) {
    throw new RunbookError('E_FOREACH', `step ${node.id}: forEach gave ${value === null ? 'null' : typeof value}, not a list`, {
      hint: 'forEach must name a list param or a list output',
    });
  }
  return value;
}

function itemLabel(item: unknown, index: number): string {
  if (typeof item === 'string' || typeof item === 'number') return String(item);
  if (item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string') return (item as { name: string }).name;
  return String(index);
}

export function instanceKey(stepId: string, item: unknown, index: number | undefined): string {
  return index === undefined ? stepId : `${stepId}[${itemLabel(item, index)}]`;
}

/** Renders and schema-checks a call's `with:`. Errors name the step and the param. */
export function resolveParams(call: CompiledCall, def: StepDefinition, scope: Scope, where: string): unknown {
  const env = Object.fromEntries(call.env.map(([name, expr]) => [name, toText(evaluate(expr, scope))]));
  const raw = render(call.with, scope);
  const parsed = def.params.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(with)'}: ${i.message}`).join('; ');
    throw new RunbookError('E_STEP_PARAMS', `${where}: invalid parameters for ${call.uses}: ${detail}`, {
      hint: 'check the runbook params and the outputs this step uses',
    });
  }
  if (call.env.length === 0) return parsed.data;
  const data = parsed.data as { env?: Record<string, string> };
  return { ...data, env: { ...data.env, ...env } };
}

export function makeInstance(node: GraphNode, scope: Scope, item?: unknown, index?: number): StepInstance {
  const key = instanceKey(node.id, item, index);
  const itemScope: Scope = index === undefined ? scope : { ...scope, item };
  return {
    key,
    stepId: node.id,
    title: node.spec.name ? (index === undefined ? node.spec.name : `${node.spec.name} (${itemLabel(item, index)})`) : key,
    uses: node.spec.uses,
    ...(index === undefined ? {} : { item }),
    node,
    def: node.def,
    params: resolveParams(node.call, node.def, itemScope, `step ${key}`),
    ...(node.confirm !== undefined ? { confirm: String(render(node.confirm, itemScope)) } : {}),
  };
}
