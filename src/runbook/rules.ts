// The rules a schema cannot express: ids, step types, each step's own params, references,
// needs and cycles, fan-out over lists. They run on the raw document even when the schema
// found problems, guarding every access, so one `validate` reports everything at once.
import { z } from 'zod';
import type { StepDefinition, StepRegistry } from '../engine/define-step.js';
import { findCycle } from '../graph/order.js';
import { didYouMean } from '../suggest.js';
import type { Expr, TemplateSite } from './expressions.js';
import { ExpressionError, parseExpression, referencesOf, ROOTS, scanTemplates, unwrapBare } from './expressions.js';
import { coerceValue } from './params.js';
import type { Problem } from './schema-issues.js';
import { checkStepParams } from './step-params-check.js';
import type { ParamSpec } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Flags of `runbook run` itself: a param with one of these names would be unreachable. */
export const RESERVED_PARAM_NAMES = ['help', 'yes', 'output', 'on-interrupt', 'rollback', 'no-rollback', 'concurrency', 'kubeconfig', 'context', 'proxmox-url', 'proxmox-token-id', 'proxmox-env-file', 'proxmox-ca', 'proxmox-fingerprint', 'insecure', 'state-dir', 'runbooks-dir', 'version'];

interface StepInfo { id: string; path: string; raw: Obj; def?: StepDefinition; needs: string[] }

class Rules {
  readonly problems: Problem[] = [];
  private readonly params = new Map<string, Obj>();
  private readonly steps = new Map<string, StepInfo>();

  constructor(private readonly doc: Obj, private readonly registry: StepRegistry) {}

  private add(p: Problem): void { this.problems.push(p); }

  run(): Problem[] {
    this.checkParams();
    this.collectSteps();
    this.checkNeeds();
    for (const [i, p] of list(this.doc.preflight).entries()) if (isObj(p)) this.checkCall(p, `preflight.${i}`, 'preflight');
    for (const s of this.steps.values()) this.checkStep(s);
    return this.problems;
  }

  private checkParams(): void {
    if (!isObj(this.doc.params)) return;
    for (const [name, spec] of Object.entries(this.doc.params)) {
      const path = `params.${name}`;
      if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) this.add({ path, message: `param name \`${name}\` must be kebab-case (it becomes the flag --${name})` });
      if (RESERVED_PARAM_NAMES.includes(name)) this.add({ path, message: `param name \`${name}\` clashes with the runbook command's own --${name} flag`, hint: 'rename the param' });
      if (!isObj(spec)) continue;
      this.params.set(name, spec);
      if (spec.type === 'enum' && !Array.isArray(spec.values)) this.add({ path: `${path}.type`, message: `enum param \`${name}\` needs \`values:\``, hint: 'list the allowed values' });
      if (spec.type !== 'enum' && spec.values !== undefined) this.add({ path: `${path}.values`, message: '`values:` only applies to enum params' });
      if (typeof spec.pattern === 'string') {
        try { new RegExp(spec.pattern); } catch (e) { this.add({ path: `${path}.pattern`, message: `invalid pattern: ${(e as Error).message}` }); }
      }
      if (spec.required === true && spec.default !== undefined) this.add({ path: `${path}.default`, message: `param \`${name}\` is required and has a default: the default is never used`, severity: 'warning' });
      if (spec.default !== undefined && typeof spec.type === 'string') {
        try { coerceValue({ ...(spec as unknown as ParamSpec), name }, spec.default); }
        catch (e) { this.add({ path: `${path}.default`, message: `default of \`${name}\` is not a valid ${String(spec.type)}: ${(e as Error).message.replace(/^--\S+ /, '')}` }); }
      }
    }
  }

  private collectSteps(): void {
    const seen = new Map<string, string>();
    const visit = (raw: unknown, path: string) => {
      if (!isObj(raw)) return undefined;
      const id = str(raw.id);
      if (id === undefined) return undefined;
      const first = seen.get(id);
      if (first) this.add({ path: `${path}.id`, message: `duplicate id \`${id}\` (first used at ${first})`, hint: 'every step and preflight check needs its own id' });
      else seen.set(id, path);
      return first ? undefined : id;
    };
    for (const [i, raw] of list(this.doc.preflight).entries()) visit(raw, `preflight.${i}`);
    for (const [i, raw] of list(this.doc.steps).entries()) {
      const path = `steps.${i}`;
      const id = visit(raw, path);
      if (id === undefined || !isObj(raw)) continue;
      const needs = typeof raw.needs === 'string' ? [raw.needs] : list(raw.needs).filter((n): n is string => typeof n === 'string');
      this.steps.set(id, { id, path, raw, def: this.lookup(raw.uses, `${path}.uses`), needs });
    }
  }

  private lookup(uses: unknown, path: string): StepDefinition | undefined {
    if (typeof uses !== 'string') return undefined;
    const def = this.registry.get(uses);
    if (!def) this.add({ path, message: `unknown step type \`${uses}\``, hint: didYouMean(uses, this.registry.types()) ?? 'see `runbook describe --steps` for the step types' });
    return def;
  }

  private checkNeeds(): void {
    for (const s of this.steps.values()) {
      for (const [j, n] of s.needs.entries()) {
        const path = typeof s.raw.needs === 'string' ? `${s.path}.needs` : `${s.path}.needs.${j}`;
        if (n === s.id) this.add({ path, message: `step \`${s.id}\` needs itself` });
        else if (!this.steps.has(n)) this.add({ path, message: `step \`${s.id}\` needs unknown step \`${n}\``, hint: didYouMean(n, this.steps.keys()) });
      }
    }
    const cycle = findCycle({ ids: [...this.steps.keys()], needs: (id) => (this.steps.get(id)?.needs ?? []).filter((n) => n !== id) });
    if (cycle) this.add({ path: `${this.steps.get(cycle[0]!)!.path}.needs`, message: `dependency cycle: ${cycle.join(' -> ')}`, hint: 'remove one of these `needs:`' });
  }

  /** Steps `id` depends on, directly or not. */
  private ancestors(id: string): Set<string> {
    const out = new Set<string>();
    const stack = [...(this.steps.get(id)?.needs ?? [])];
    while (stack.length) {
      const n = stack.pop()!;
      if (out.has(n)) continue;
      out.add(n);
      stack.push(...(this.steps.get(n)?.needs ?? []));
    }
    return out;
  }

  private checkCall(raw: Obj, path: string, kind: 'preflight' | 'step' | 'gate', owner?: StepInfo): void {
    const def = kind === 'step' ? owner?.def : this.lookup(raw.uses, `${path}.uses`);
    const withBlock = raw.with === undefined ? {} : raw.with;
    if (def && isObj(withBlock)) for (const p of checkStepParams(def, withBlock, `${path}.with`)) this.add(p);
    for (const site of scanTemplates(withBlock)) {
      this.checkSite(site, `${path}.with${site.path ? `.${site.path}` : ''}`, { kind, owner, allowItem: kind === 'step' && owner?.raw.forEach !== undefined });
    }
  }

  private checkStep(s: StepInfo): void {
    this.checkCall(s.raw, s.path, 'step', s);
    for (const field of ['when', 'forEach'] as const) {
      const v = s.raw[field];
      if (typeof v !== 'string') continue;
      const { src, offset } = unwrapBare(v);
      let expr: Expr | undefined;
      let error: ExpressionError | undefined;
      try { expr = parseExpression(src); } catch (e) { if (e instanceof ExpressionError) error = e; else throw e; }
      this.checkSite({ path: '', src, offset, ...(expr ? { expr } : {}), ...(error ? { error } : {}) }, `${s.path}.${field}`, { kind: 'step', owner: s, allowItem: false });
      if (field === 'forEach' && expr) this.checkForEachIsList(s, expr);
    }
    const fanOut = s.raw.forEach !== undefined;
    for (const key of ['serial', 'maxParallel', 'gate'] as const) {
      if (s.raw[key] !== undefined && !fanOut) this.add({ path: `${s.path}.${key}`, message: `\`${key}\` only applies to a step with \`forEach\``, hint: 'add forEach: or remove it' });
    }
    if (isObj(s.raw.gate)) this.checkCall(s.raw.gate, `${s.path}.gate`, 'gate', s);
    for (const site of scanTemplates(s.raw.confirm)) this.checkSite(site, `${s.path}.confirm`, { kind: 'step', owner: s, allowItem: fanOut });
  }

  private checkSite(site: TemplateSite, path: string, ctx: { kind: 'preflight' | 'step' | 'gate'; owner?: StepInfo | undefined; allowItem: boolean }): void {
    if (site.error || !site.expr) {
      this.add({ path, message: `bad expression \`${site.src.trim()}\`: ${site.error?.message ?? 'unparsable'}`, offset: site.offset + (site.error?.offset ?? 0) });
      return;
    }
    for (const ref of referencesOf(site.expr)) this.checkRef(ref, path, ctx);
  }

  private checkRef(ref: string[], path: string, ctx: { kind: string; owner?: StepInfo | undefined; allowItem: boolean }): void {
    const [root, name, third, fourth] = ref;
    if (!(ROOTS as readonly string[]).includes(root!)) {
      this.add({ path, message: `unknown name \`${root}\` in expression`, hint: didYouMean(root!, ROOTS) ?? `expressions start with ${ROOTS.join(', ')}` });
    } else if (root === 'item') {
      if (!ctx.allowItem) this.add({ path, message: '`item` is only defined in the `with:` of a step with `forEach`' });
    } else if (root === 'params') {
      if (name === undefined) return;
      if (!this.params.has(name)) this.add({ path, message: `unknown param \`${name}\``, hint: didYouMean(name, this.params.keys()) ?? 'declare it under `params:`' });
    } else if (root === 'steps') {
      if (ctx.kind === 'preflight') { this.add({ path, message: 'preflight checks run before any step: they cannot use step outputs' }); return; }
      if (name === undefined) return;
      const target = this.steps.get(name);
      if (!target) { this.add({ path, message: `unknown step \`${name}\` in expression`, hint: didYouMean(name, this.steps.keys()) }); return; }
      if (ctx.owner && target.id !== ctx.owner.id && !this.ancestors(ctx.owner.id).has(target.id)) {
        this.add({ path, message: `step \`${ctx.owner.id}\` uses outputs of \`${name}\` without depending on it`, hint: `add \`needs: [${name}]\`` });
      }
      if (ctx.owner?.id === name) this.add({ path, message: `step \`${name}\` cannot use its own outputs` });
      if (third !== undefined && third !== 'outputs') { this.add({ path, message: `\`steps.${name}.${third}\`: a step exposes only \`outputs\``, hint: `write steps.${name}.outputs.NAME` }); return; }
      const outputs = target.def?.outputs ? Object.keys(target.def.outputs.shape) : undefined;
      if (fourth !== undefined && outputs && !outputs.includes(fourth)) {
        this.add({ path, message: `step \`${name}\` (${target.def?.type}) has no output \`${fourth}\``, hint: didYouMean(fourth, outputs) ?? (outputs.length ? `its outputs: ${outputs.join(', ')}` : 'it has no outputs') });
      }
    }
  }

  private checkForEachIsList(s: StepInfo, expr: Expr): void {
    const path = `${s.path}.forEach`;
    if (expr.kind === 'list') return;
    const refs = referencesOf(expr);
    if (expr.kind !== 'ref' && expr.kind !== 'member' && expr.kind !== 'index') return; // computed: checked at run time
    const ref = refs[0];
    if (!ref) return;
    if (ref[0] === 'params' && ref.length === 2) {
      const p = this.params.get(ref[1]!);
      if (p && p.type !== 'list') this.add({ path, message: `forEach over param \`${ref[1]}\` of type ${String(p.type)}: it must be a list`, hint: `declare it with \`type: list\`` });
    } else if (ref[0] === 'steps' && ref.length === 4) {
      const def = this.steps.get(ref[1]!)?.def;
      const out = def?.outputs?.shape[ref[3]!] as z.ZodType | undefined;
      if (out && !(unwrap(out) instanceof z.ZodArray)) this.add({ path, message: `forEach over output \`${ref[3]}\` of ${def!.type}, which is not a list` });
    }
  }
}

function unwrap(t: z.ZodType): z.ZodType {
  let s: z.ZodType = t;
  for (let i = 0; i < 5; i++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    else break;
  }
  return s;
}

export function checkRules(doc: unknown, registry: StepRegistry): Problem[] {
  return isObj(doc) ? new Rules(doc, registry).run() : [];
}
