// Turns graph nodes into runnable instances: evaluates `when`, expands `forEach`, interpolates
// `with:` and parses it with the step type's own schema (so a bad value fails before apply).
import { RunbookError } from '../errors.js';
import type { GraphNode } from '../graph/compile.js';
import { evaluate, findExpressions, interpolate, parseExpression, referencesOf, unwrapBare } from '../runbook/expressions.js';
import { shellTextToEnv } from '../runbook/shell-templates.js';
import type { StepCall, StepSpec } from '../runbook/types.js';
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

/** Step ids whose outputs a step's `when`, `forEach` or `with` refer to but `scope` lacks yet. */
export function missingStepRefs(spec: StepSpec, scope: Scope): string[] {
  const exprs = findExpressions(spec.with).map((f) => f.expr);
  for (const bare of [spec.when, spec.forEach]) if (bare !== undefined) exprs.push(parseExpression(unwrapBare(bare).src));
  const missing = new Set<string>();
  for (const path of exprs.flatMap((e) => referencesOf(e))) {
    if (path[0] === 'steps' && path[1] && !(path[1] in scope.steps)) missing.add(path[1]);
  }
  return [...missing];
}

export function conditionHolds(when: string | undefined, scope: Scope): boolean {
  if (when === undefined) return true;
  return Boolean(evaluate(parseExpression(unwrapBare(when).src), scope));
}

export function forEachItems(node: GraphNode, scope: Scope): unknown[] | undefined {
  if (node.spec.forEach === undefined) return undefined;
  const value = evaluate(parseExpression(unwrapBare(node.spec.forEach).src), scope);
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

/** Interpolates and schema-checks a call's `with:`. Errors name the step and the param. */
export function resolveParams(call: StepCall, def: StepDefinition, scope: Scope, where: string): unknown {
  const shell = def.shellText ? shellTextToEnv(call.with, def.shellText, scope) : undefined;
  const raw = interpolate(shell?.with ?? call.with, scope);
  const parsed = def.params.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(with)'}: ${i.message}`).join('; ');
    throw new RunbookError('E_STEP_PARAMS', `${where}: invalid parameters for ${call.uses}: ${detail}`, {
      hint: 'check the runbook params and the outputs this step uses',
    });
  }
  if (!shell || Object.keys(shell.env).length === 0) return parsed.data;
  const data = parsed.data as { env?: Record<string, string> };
  return { ...data, env: { ...data.env, ...shell.env } };
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
    params: resolveParams(node.spec, node.def, itemScope, `step ${key}`),
    ...(node.spec.confirm !== undefined ? { confirm: String(interpolate(node.spec.confirm, itemScope)) } : {}),
  };
}
