// A step call's expressions parsed once, when the graph is compiled: preflight, plan and
// execute each render them in their own scope instead of parsing the text again.
import { compileTemplate, parseExpression, unwrapBare } from '../runbook/expressions.js';
import type { Expr, Template } from '../runbook/expressions.js';
import { compileShellText } from '../runbook/shell-templates.js';
import type { StepCall } from '../runbook/types.js';
import type { StepDefinition } from '../step/define-step.js';

export interface CompiledCall {
  uses: string;
  /** `with:`, its shell text (def.shellText) rewritten into variable references. */
  with: Template;
  /** The variables those references read, and the expression each one's value comes from. */
  env: readonly (readonly [string, Expr])[];
}

export function compileCall(call: StepCall, def: StepDefinition): CompiledCall {
  const shell = def.shellText ? compileShellText(call.with, def.shellText) : undefined;
  return { uses: call.uses, with: compileTemplate(shell?.with ?? call.with), env: shell?.env ?? [] };
}

/** `when:`/`forEach:`: a bare expression or one wrapped in `${{ }}`. */
export function compileBare(src: string | undefined): Expr | undefined {
  return src === undefined ? undefined : parseExpression(unwrapBare(src).src);
}

/** Every expression of a compiled value, in order. */
export function templateExprs(t: Template): Expr[] {
  switch (t.kind) {
    case 'value':
      return [];
    case 'whole':
      return [t.expr];
    case 'text':
      return t.parts.filter((p): p is Expr => typeof p !== 'string');
    case 'list':
      return t.items.flatMap(templateExprs);
    case 'map':
      return t.entries.flatMap(([, v]) => templateExprs(v));
  }
}
