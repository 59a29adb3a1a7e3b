// The rules a schema cannot express: ids, step types, each step's own params, references,
// needs and cycles, fan-out over lists. They run on the raw document even when the schema
// found problems, guarding every access, so one `validate` reports everything at once.
import { z } from '../zod.js';
import type { StepDefinition, StepRegistry } from '../step/define-step.js';
import { RESERVED_PARAM_NAMES } from '../command-flags.js';
import { findCycle } from '../dependency-order.js';
import { didYouMean } from '../suggest.js';
import { formatDuration, parseWaitDuration } from './duration.js';
import type { Expr, TemplateSite } from './expressions.js';
import { ExpressionError, parseExpression, referencesOf, ROOTS, scanTemplates, unwrapBare } from './expressions.js';
import { coerceValue } from './params.js';
import { rewriteShellText } from './shell-templates.js';
import type { Problem } from './schema-issues.js';
import { checkStepParams } from './step-params-check.js';
import { RETRY_DEFAULTS } from './types.js';
import type { ParamSpec } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);


interface StepInfo {
  id: string;
  path: string;
  raw: Obj;
  def?: StepDefinition | undefined;
  needs: string[];
  /** The group this step belongs to (its siblings are `group.children`). */
  group?: StepInfo;
  children?: Map<string, StepInfo>;
}

class Rules {
  readonly problems: Problem[] = [];
  private readonly params = new Map<string, Obj>();
  private readonly steps = new Map<string, StepInfo>();
  /** Steps with a duplicate or missing id: not referable, but their own fields still get checked. */
  private readonly orphans: StepInfo[] = [];

  constructor(private readonly doc: Obj, private readonly registry: StepRegistry) {}

  private add(p: Problem): void { this.problems.push(p); }

  run(): Problem[] {
    this.checkParams();
    this.collectSteps();
    this.checkNeeds();
    for (const [i, p] of list(this.doc.preflight).entries()) if (isObj(p)) this.checkCall(p, `preflight.${i}`, 'preflight');
    for (const s of this.steps.values()) this.checkStep(s);
    for (const s of this.orphans) this.checkCall(s.raw, s.path, 'step', s);
    return this.problems;
  }

  private checkParams(): void {
    if (!isObj(this.doc.params)) return;
    for (const [name, spec] of Object.entries(this.doc.params)) {
      const path = `params.${name}`;
      if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) this.add({ path, message: `param name \`${name}\` must be kebab-case (it becomes the flag --${name})` });
      if (RESERVED_PARAM_NAMES.includes(name)) this.add({ path, message: `param name \`${name}\` clashes with the runbook command's own --${name} flag`, hint: 'rename the param' });
      // commander reads --no-x as "x = false": a param called no-x could never be set.
      if (name.startsWith('no-')) this.add({ path, message: `param name \`${name}\` cannot start with no-: --${name} would be read as the negation of --${name.slice(3)}`, hint: `name it ${name.slice(3)} (a bool) and let people pass --no-${name.slice(3)}` });
      this.params.set(name, isObj(spec) ? spec : {}); // declared, even if its spec is broken (the schema says how)
      if (!isObj(spec)) continue;
      if (spec.type === 'enum' && !Array.isArray(spec.values)) this.add({ path: `${path}.type`, message: `enum param \`${name}\` needs \`values:\``, hint: 'list the allowed values' });
      if (spec.type !== 'enum' && spec.values !== undefined) this.add({ path: `${path}.values`, message: '`values:` only applies to enum params' });
      const ints = spec.type === 'int' || (spec.type === 'list' && spec.items === 'int');
      for (const bound of ['min', 'max'] as const) if (spec[bound] !== undefined && !ints) this.add({ path: `${path}.${bound}`, message: `\`${bound}:\` only applies to int params (and lists of int)` });
      let patternOk = true;
      if (typeof spec.pattern === 'string') {
        try { new RegExp(spec.pattern); } catch (e) { patternOk = false; this.add({ path: `${path}.pattern`, message: `invalid pattern: ${(e as Error).message}` }); }
      }
      const enumOk = spec.type !== 'enum' || Array.isArray(spec.values);
      if (spec.required === true && spec.default !== undefined) this.add({ path: `${path}.default`, message: `param \`${name}\` is required and has a default: the default is never used`, severity: 'warning' });
      if (spec.default !== undefined && typeof spec.type === 'string' && patternOk && enumOk) {
        try { coerceValue({ ...(spec as unknown as ParamSpec), name }, spec.default); }
        catch (e) { this.add({ path: `${path}.default`, message: `default of \`${name}\` is not a valid ${String(spec.type)}: ${(e as Error).message.replace(/^--\S+ /, '')}` }); }
      }
    }
  }

  private collectSteps(): void {
    const seen = new Map<string, string>();
    const visit = (raw: unknown, path: string, scope: Map<string, string>) => {
      if (!isObj(raw)) return undefined;
      const id = str(raw.id);
      if (id === undefined) return undefined;
      const first = scope.get(id);
      if (first) this.add({ path: `${path}.id`, message: `duplicate id \`${id}\` (first used at ${first})`, hint: 'every step and preflight check needs its own id' });
      else scope.set(id, path);
      return first ? undefined : id;
    };
    const needsOf = (raw: Obj) => (typeof raw.needs === 'string' ? [raw.needs] : list(raw.needs).filter((n): n is string => typeof n === 'string'));
    for (const [i, raw] of list(this.doc.preflight).entries()) visit(raw, `preflight.${i}`, seen);
    for (const [i, raw] of list(this.doc.steps).entries()) {
      const path = `steps.${i}`;
      const id = visit(raw, path, seen);
      if (!isObj(raw)) continue;
      if (id === undefined) {
        if (raw.steps === undefined) this.orphans.push({ id: str(raw.id) ?? `#${i}`, path, raw, def: this.lookup(raw.uses, `${path}.uses`), needs: [] });
        continue;
      }
      const isGroup = raw.steps !== undefined;
      if (isGroup && raw.uses !== undefined) this.add({ path: `${path}.uses`, message: `step \`${id}\` has both \`uses:\` and \`steps:\``, hint: 'a step either runs a step type (uses) or is a group (steps)' });
      if (!isGroup && raw.uses === undefined) this.add({ path, message: `step \`${id}\` needs \`uses:\` (a step type) or \`steps:\` (a group)` });
      const info: StepInfo = { id, path, raw, def: isGroup ? undefined : this.lookup(raw.uses, `${path}.uses`), needs: needsOf(raw) };
      this.steps.set(id, info);
      if (!isGroup) continue;
      if (raw.forEach === undefined) this.add({ path: `${path}.steps`, message: `group \`${id}\` runs its steps once per item: it needs \`forEach:\`` });
      if (raw.with !== undefined) this.add({ path: `${path}.with`, message: `group \`${id}\` has no parameters of its own`, hint: 'put `with:` on the steps inside it' });
      info.children = new Map();
      const inner = new Map<string, string>();
      for (const [j, child] of list(raw.steps).entries()) {
        const cpath = `${path}.steps.${j}`;
        const cid = visit(child, cpath, inner);
        if (cid === undefined || !isObj(child)) continue;
        info.children.set(cid, { id: cid, path: cpath, raw: child, def: this.lookup(child.uses, `${cpath}.uses`), needs: needsOf(child), group: info });
      }
    }
    for (const g of this.steps.values()) {
      for (const c of g.children?.values() ?? []) {
        if (this.steps.has(c.id)) this.add({ path: `${c.path}.id`, message: `step \`${c.id}\` in group \`${g.id}\` has the id of a top-level step`, hint: 'rename one: `steps.ID` would be ambiguous' });
      }
    }
  }

  private lookup(uses: unknown, path: string): StepDefinition | undefined {
    if (typeof uses !== 'string') return undefined;
    const def = this.registry.get(uses);
    if (!def) this.add({ path, message: `unknown step type \`${uses}\``, hint: didYouMean(uses, this.registry.types()) ?? 'see `runbook describe --steps` for the step types' });
    return def;
  }

  private checkNeeds(): void {
    this.checkNeedsAmong(this.steps, '');
    for (const g of this.steps.values()) if (g.children) this.checkNeedsAmong(g.children, ` in group \`${g.id}\``);
  }

  private checkNeedsAmong(steps: Map<string, StepInfo>, where: string): void {
    for (const s of steps.values()) {
      for (const [j, n] of s.needs.entries()) {
        const path = typeof s.raw.needs === 'string' ? `${s.path}.needs` : `${s.path}.needs.${j}`;
        if (n === s.id) this.add({ path, message: `step \`${s.id}\` needs itself` });
        else if (!steps.has(n)) this.add({ path, message: `step \`${s.id}\`${where} needs unknown step \`${n}\``, hint: didYouMean(n, steps.keys()) });
      }
    }
    // Every independent cycle, not just the first: take each found cycle out and look again.
    const out = new Set<string>();
    for (;;) {
      const ids = [...steps.keys()].filter((id) => !out.has(id));
      const cycle = findCycle({ ids, needs: (id) => (steps.get(id)?.needs ?? []).filter((n) => n !== id && !out.has(n)) });
      if (!cycle) break;
      for (const id of cycle) out.add(id);
      this.add({ path: `${steps.get(cycle[0]!)!.path}.needs`, message: `dependency cycle: ${cycle.join(' -> ')}`, hint: 'remove one of these `needs:`' });
    }
  }

  /** Steps `info` depends on, directly or not; for a step in a group, its group's too. */
  private ancestors(info: StepInfo): Set<StepInfo> {
    const out = new Set<StepInfo>();
    const among = info.group?.children ?? this.steps;
    const stack = [...info.needs];
    while (stack.length) {
      const n = among.get(stack.pop()!);
      if (!n || out.has(n)) continue;
      out.add(n);
      stack.push(...n.needs);
    }
    if (info.group) for (const a of this.ancestors(info.group)) out.add(a);
    return out;
  }

  /** What `steps.NAME` means from inside `owner`: a sibling in its group first, then a top-level step. */
  private resolveStep(owner: StepInfo | undefined, name: string): StepInfo | undefined {
    return owner?.group?.children?.get(name) ?? this.steps.get(name);
  }

  private checkCall(raw: Obj, path: string, kind: 'preflight' | 'step' | 'gate', owner?: StepInfo): void {
    const def = kind === 'step' ? owner?.def : this.lookup(raw.uses, `${path}.uses`);
    const withBlock = raw.with === undefined ? {} : raw.with;
    if (def && isObj(withBlock)) for (const p of checkStepParams(def, withBlock, `${path}.with`)) this.add(p);
    if (def?.shellText && isObj(withBlock)) this.checkShellText(def.shellText, withBlock, `${path}.with`);
    if (def?.renamedParams && isObj(withBlock)) this.checkRenamedParams(def.renamedParams, withBlock, `${path}.with`);
    for (const site of scanTemplates(withBlock)) {
      this.checkSite(site, `${path}.with${site.path ? `.${site.path}` : ''}`, { kind, owner, allowItem: kind === 'step' && owner !== undefined && this.hasItem(owner) });
    }
  }

  /** A template's value is passed as a variable; warn where the shell would parse it again. */
  private checkShellText(fields: readonly string[], withBlock: Obj, path: string): void {
    for (const field of fields) {
      const text = withBlock[field];
      if (typeof text !== 'string') continue;
      for (const t of rewriteShellText(text).templates) {
        if (!t.reparsed) continue;
        this.add({ path: `${path}.${field}`, severity: 'warning', message: `\`\${{${t.src}}}\` sits ${t.reparsed}: its value (passed as $${t.name}) may run as code there`, hint: 'use the value as a plain argument of a command' });
      }
    }
  }

  /** An old param name still works, so runbooks written for it keep running; say what to write now. */
  private checkRenamedParams(renamed: Readonly<Record<string, string>>, withBlock: Obj, path: string): void {
    for (const [old, now] of Object.entries(renamed)) {
      if (old in withBlock) this.add({ path: `${path}.${old}`, severity: 'warning', message: `\`${old}\` is deprecated: it is now called \`${now}\``, hint: `write \`${now}: ${JSON.stringify(withBlock[old])}\`` });
    }
  }

  private hasItem(s: StepInfo): boolean {
    return s.group !== undefined || (s.raw.forEach !== undefined && !s.children);
  }

  /** A retry's ceiling may not be under its first delay (as the engine's RetryPolicy is checked). */
  private checkRetry(s: StepInfo): void {
    const r = s.raw.retry;
    if (!isObj(r) || r.maxBackoff === undefined) return;
    let first: number;
    let max: number;
    try {
      first = r.backoff === undefined ? RETRY_DEFAULTS.backoffMs : parseWaitDuration(r.backoff as string | number);
      max = parseWaitDuration(r.maxBackoff as string | number);
    } catch {
      return; // the schema reports a malformed duration
    }
    if (max < first) this.add({ path: `${s.path}.retry.maxBackoff`, message: `maxBackoff (${formatDuration(max)}) is shorter than the first delay (backoff: ${formatDuration(first)})`, hint: 'raise maxBackoff or lower backoff' });
  }

  private checkStep(s: StepInfo): void {
    if (!s.children) this.checkCall(s.raw, s.path, 'step', s);
    for (const c of s.children?.values() ?? []) this.checkStep(c);
    for (const field of ['when', 'forEach'] as const) {
      const v = s.raw[field];
      if (typeof v !== 'string') continue;
      const { src, offset } = unwrapBare(v);
      let expr: Expr | undefined;
      let error: ExpressionError | undefined;
      try { expr = parseExpression(src); } catch (e) { if (e instanceof ExpressionError) error = e; else throw e; }
      this.checkSite({ path: '', src, offset, ...(expr ? { expr } : {}), ...(error ? { error } : {}) }, `${s.path}.${field}`, { kind: 'step', owner: s, allowItem: field === 'when' && s.group !== undefined });
      if (field === 'forEach' && expr) this.checkForEachIsList(s, expr);
    }
    const fanOut = s.raw.forEach !== undefined;
    for (const key of ['serial', 'maxParallel', 'gate'] as const) {
      if (s.raw[key] !== undefined && !fanOut) this.add({ path: `${s.path}.${key}`, message: `\`${key}\` only applies to a step with \`forEach\``, hint: 'add forEach: or remove it' });
    }
    if (isObj(s.raw.gate)) this.checkCall(s.raw.gate, `${s.path}.gate`, 'gate', s);
    this.checkRetry(s);
    for (const site of scanTemplates(s.raw.confirm)) this.checkSite(site, `${s.path}.confirm`, { kind: 'step', owner: s, allowItem: this.hasItem(s) });
  }

  private checkSite(site: TemplateSite, path: string, ctx: { kind: 'preflight' | 'step' | 'gate'; owner?: StepInfo | undefined; allowItem: boolean }): void {
    if (site.error || !site.expr) {
      const src = site.src.trim();
      const shown = src.length > 80 ? `${src.slice(0, 77)}...` : src;
      this.add({ path, message: `bad expression \`${shown}\`: ${site.error?.message ?? 'unparsable'}`, offset: site.offset + (site.error?.offset ?? 0) });
      return;
    }
    for (const ref of referencesOf(site.expr)) this.checkRef(ref, path, ctx);
  }

  private checkRef(ref: string[], path: string, ctx: { kind: string; owner?: StepInfo | undefined; allowItem: boolean }): void {
    const [root, name, third, fourth] = ref;
    if (!(ROOTS as readonly string[]).includes(root!)) {
      this.add({ path, message: `unknown name \`${root}\` in expression`, hint: didYouMean(root!, ROOTS) ?? `expressions start with ${ROOTS.join(', ')}` });
    } else if (root === 'item') {
      if (!ctx.allowItem) this.add({ path, message: '`item` is only defined inside a step with `forEach` (its `with:` and `confirm:`) or a group\'s steps' });
    } else if (root === 'params') {
      if (name === undefined) return;
      if (!this.params.has(name)) this.add({ path, message: `unknown param \`${name}\``, hint: didYouMean(name, this.params.keys()) ?? 'declare it under `params:`' });
    } else if (root === 'steps') {
      if (ctx.kind === 'preflight') { this.add({ path, message: 'preflight checks run before any step: they cannot use step outputs' }); return; }
      if (name === undefined) return;
      const target = this.resolveStep(ctx.owner, name);
      if (!target) { this.add({ path, message: `unknown step \`${name}\` in expression`, hint: didYouMean(name, [...this.steps.keys(), ...(ctx.owner?.group?.children?.keys() ?? [])]) }); return; }
      if (target.children) { this.add({ path, message: `group \`${name}\` has no outputs`, hint: 'use the outputs of a step inside it, from a step in the same group' }); return; }
      if (ctx.owner && target !== ctx.owner && !this.ancestors(ctx.owner).has(target)) {
        this.add({ path, message: `step \`${ctx.owner.id}\` uses outputs of \`${name}\` without depending on it`, hint: `add \`needs: [${name}]\`` });
      }
      if (ctx.owner === target) this.add({ path, message: `step \`${name}\` cannot use its own outputs` });
      if (third !== undefined && third !== 'outputs') { this.add({ path, message: `\`steps.${name}.${third}\`: a step exposes only \`outputs\``, hint: `write steps.${name}.outputs.NAME` }); return; }
      const outputs = target.def ? Object.keys(target.def.outputs?.shape ?? {}) : undefined;
      if (fourth !== undefined && outputs && !outputs.includes(fourth)) {
        this.add({ path, message: `step \`${name}\` (${target.def?.type}) has no output \`${fourth}\``, hint: didYouMean(fourth, outputs) ?? (outputs.length ? `its outputs: ${outputs.join(', ')}` : 'it has no outputs') });
      }
    }
  }

  private checkForEachIsList(s: StepInfo, expr: Expr): void {
    const path = `${s.path}.forEach`;
    if (expr.kind === 'list') return;
    if (expr.kind === 'literal') {
      this.add({ path, message: `forEach over ${JSON.stringify(expr.value)}, which is not a list`, hint: 'use a list param, a list output or a literal list like [a, b]' });
      return;
    }
    const refs = referencesOf(expr);
    if (expr.kind !== 'ref' && expr.kind !== 'member' && expr.kind !== 'index') return; // computed: checked at run time
    const ref = refs[0];
    if (!ref) return;
    if (ref[0] === 'params' && ref.length === 2) {
      const p = this.params.get(ref[1]!);
      if (p && p.type !== 'list') this.add({ path, message: `forEach over param \`${ref[1]}\` of type ${String(p.type)}: it must be a list`, hint: `declare it with \`type: list\`` });
    } else if (ref[0] === 'steps' && ref.length === 4) {
      const target = this.resolveStep(s, ref[1]!);
      const def = target?.def;
      const out = def?.outputs?.shape[ref[3]!] as z.ZodType | undefined;
      // A fan-out step's outputs are lists whatever their type: one entry per item.
      const fannedOut = target?.raw.forEach !== undefined;
      if (out && !fannedOut && !(unwrap(out) instanceof z.ZodArray)) this.add({ path, message: `forEach over output \`${ref[3]}\` of ${def!.type}, which is not a list` });
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
