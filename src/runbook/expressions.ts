// The expression language of `${{ ... }}`, `when:` and `forEach:`: literals, references
// (`params.x`, `steps.a.outputs.y`, `item.name`, `xs[0]`), comparison, `!`/`&&`/`||` and a
// few pure functions. A hand-written parser and a tree walker: no `eval`, no prototype
// access, nothing that can reach the process. Modelled on GitHub Actions expressions.
import { EXIT, RunbookError } from '../errors.js';

export type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'ref'; name: string; at: number }
  | { kind: 'member'; object: Expr; property: string }
  | { kind: 'index'; object: Expr; index: Expr }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'not'; operand: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'call'; name: FunctionName; args: Expr[]; at: number };

const BINARY_OPS = ['||', '&&', '==', '!=', '<', '<=', '>', '>='] as const;
type BinaryOp = (typeof BINARY_OPS)[number];

export const ROOTS = ['params', 'steps', 'item'] as const;
const FORBIDDEN_PROPERTIES = new Set(['__proto__', 'prototype', 'constructor']);

/** A problem in an expression; `offset` is the character position inside the expression text. */
export class ExpressionError extends RunbookError {
  constructor(message: string, readonly offset: number, options: { cause?: unknown } = {}) {
    super('E_EXPRESSION', message, { ...options, exitCode: EXIT.invalidInput });
    this.name = 'ExpressionError';
  }
}

const FUNCTIONS = {
  contains: (hay: unknown, needle: unknown) =>
    Array.isArray(hay) ? hay.some((x) => looseEquals(x, needle)) : typeof hay === 'string' && hay.includes(String(needle)),
  startsWith: (s: unknown, p: unknown) => String(s ?? '').startsWith(String(p)),
  endsWith: (s: unknown, p: unknown) => String(s ?? '').endsWith(String(p)),
  length: (v: unknown) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  join: (v: unknown, sep: unknown = ',') => (Array.isArray(v) ? v.map(toText).join(String(sep)) : toText(v)),
  format: (template: unknown, ...args: unknown[]) =>
    String(template).replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? toText(args[Number(i)]) : m)),
} satisfies Record<string, (...args: never[]) => unknown>;
type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

type Token = { type: 'num' | 'str' | 'ident' | 'op' | 'end'; text: string; value?: unknown; at: number };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    const rest = src.slice(i);
    const num = /^\d+(\.\d+)?/.exec(rest);
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest);
    const op = /^(\|\||&&|==|!=|<=|>=|[<>!.,()[\]])/.exec(rest);
    if (num) { tokens.push({ type: 'num', text: num[0], value: Number(num[0]), at: i }); i += num[0].length; }
    else if (ident) { tokens.push({ type: 'ident', text: ident[0], at: i }); i += ident[0].length; }
    else if (ch === "'" || ch === '"') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= src.length) throw new ExpressionError('unterminated string', i);
        if (src[j] === ch && src[j + 1] === ch) { value += ch; j += 2; continue; } // '' escapes a quote
        if (src[j] === ch) break;
        value += src[j++];
      }
      tokens.push({ type: 'str', text: src.slice(i, j + 1), value, at: i });
      i = j + 1;
    } else if (op) { tokens.push({ type: 'op', text: op[0], at: i }); i += op[0].length; }
    else throw new ExpressionError(`unexpected character "${ch}"`, i);
  }
  tokens.push({ type: 'end', text: 'end of expression', at: src.length });
  return tokens;
}

/** Nesting (parentheses, `!`, lists, calls, indexes) a recursive parser can take safely. */
export const MAX_EXPRESSION_DEPTH = 64;
/** Characters in one expression: real ones are a line. */
const MAX_EXPRESSION_LENGTH = 10_000;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token { return this.tokens[this.pos]!; }
  private next(): Token { return this.tokens[this.pos++]!; }
  private accept(text: string): boolean {
    const t = this.peek();
    if ((t.type === 'op' || t.type === 'ident') && t.text === text) { this.pos++; return true; }
    return false;
  }
  private expect(text: string): void {
    const t = this.peek();
    if (!this.accept(text)) throw new ExpressionError(`expected "${text}" but found "${t.text}"`, t.at);
  }

  parseAll(): Expr {
    const e = this.binary(0);
    const t = this.peek();
    if (t.type !== 'end') throw new ExpressionError(`unexpected "${t.text}"`, t.at);
    return e;
  }

  // Precedence climbing: || < && < comparisons.
  private binary(level: number): Expr {
    const levels: BinaryOp[][] = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>=']];
    if (level >= levels.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      const op = levels[level]!.find((o) => t.type === 'op' && t.text === o);
      if (!op) return left;
      this.pos++;
      left = { kind: 'binary', op, left, right: this.binary(level + 1) };
    }
  }

  // Every nesting passes here: bounding it bounds the recursion (2000 `(` overflowed the stack).
  private unary(): Expr {
    if (++this.depth > MAX_EXPRESSION_DEPTH) throw new ExpressionError(`expression nested more than ${MAX_EXPRESSION_DEPTH} levels deep`, this.peek().at);
    try {
      if (this.accept('!')) return { kind: 'not', operand: this.unary() };
      return this.postfix(this.primary());
    } finally {
      this.depth--;
    }
  }

  private postfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      if (this.accept('.')) {
        const t = this.next();
        if (t.type !== 'ident' && t.type !== 'num') throw new ExpressionError(`expected a property name after "." but found "${t.text}"`, t.at);
        if (FORBIDDEN_PROPERTIES.has(t.text)) throw new ExpressionError(`property "${t.text}" is not allowed`, t.at);
        e = { kind: 'member', object: e, property: t.text };
      } else if (this.accept('[')) {
        const at = this.peek().at;
        const index = this.binary(0);
        this.expect(']');
        if (index.kind === 'literal' && FORBIDDEN_PROPERTIES.has(String(index.value))) throw new ExpressionError(`property "${String(index.value)}" is not allowed`, at);
        e = { kind: 'index', object: e, index };
      } else return e;
    }
  }

  private primary(): Expr {
    const t = this.next();
    if (t.type === 'num' || t.type === 'str') return { kind: 'literal', value: t.value };
    if (t.type === 'ident') {
      if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true' };
      if (t.text === 'null') return { kind: 'literal', value: null };
      if (this.accept('(')) return this.call(t);
      return { kind: 'ref', name: t.text, at: t.at };
    }
    if (t.type === 'op' && t.text === '(') {
      const e = this.binary(0);
      this.expect(')');
      return e;
    }
    if (t.type === 'op' && t.text === '[') {
      const items: Expr[] = [];
      if (!this.accept(']')) {
        do items.push(this.binary(0)); while (this.accept(','));
        this.expect(']');
      }
      return { kind: 'list', items };
    }
    throw new ExpressionError(t.type === 'end' ? 'expression ends too early' : `unexpected "${t.text}"`, t.at);
  }

  private call(name: Token): Expr {
    if (!(FUNCTION_NAMES as string[]).includes(name.text)) {
      throw new ExpressionError(`unknown function "${name.text}" (known: ${FUNCTION_NAMES.join(', ')})`, name.at);
    }
    const args: Expr[] = [];
    if (!this.accept(')')) {
      do args.push(this.binary(0)); while (this.accept(','));
      this.expect(')');
    }
    return { kind: 'call', name: name.text as FunctionName, args, at: name.at };
  }
}

export function parseExpression(src: string): Expr {
  if (src.length > MAX_EXPRESSION_LENGTH) throw new ExpressionError(`expression is ${src.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`, MAX_EXPRESSION_LENGTH);
  return new Parser(tokenize(src)).parseAll();
}

/** A value as text in a template: null/undefined are empty, lists and maps are JSON. */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b || (a == null && b == null);
}

function property(object: unknown, key: unknown): unknown {
  if (object === null || object === undefined) return undefined;
  const k = String(key);
  if (FORBIDDEN_PROPERTIES.has(k)) return undefined;
  if (Array.isArray(object)) return k === 'length' ? object.length : object[Number(k)];
  if (typeof object === 'object' && Object.hasOwn(object, k)) return (object as Record<string, unknown>)[k];
  return undefined;
}

export function evaluate(e: Expr, scope: object): unknown {
  switch (e.kind) {
    case 'literal': return e.value;
    case 'ref': return property(scope, e.name);
    case 'member': return property(evaluate(e.object, scope), e.property);
    case 'index': return property(evaluate(e.object, scope), evaluate(e.index, scope));
    case 'list': return e.items.map((i) => evaluate(i, scope));
    case 'not': return !evaluate(e.operand, scope);
    case 'call': return (FUNCTIONS[e.name] as (...a: unknown[]) => unknown)(...e.args.map((a) => evaluate(a, scope)));
    case 'binary': {
      if (e.op === '||') return evaluate(e.left, scope) || evaluate(e.right, scope);
      if (e.op === '&&') return evaluate(e.left, scope) && evaluate(e.right, scope);
      const l = evaluate(e.left, scope);
      const r = evaluate(e.right, scope);
      if (e.op === '==') return looseEquals(l, r);
      if (e.op === '!=') return !looseEquals(l, r);
      const [a, b] = typeof l === 'string' && typeof r === 'string' ? [l, r] : [Number(l), Number(r)];
      return e.op === '<' ? a < b : e.op === '<=' ? a <= b : e.op === '>' ? a > b : a >= b;
    }
  }
}

/** The static reference paths an expression reads, e.g. `[['steps','find','outputs','vmid']]`. */
export function referencesOf(e: Expr): string[][] {
  const out: string[][] = [];
  const pathOf = (x: Expr): string[] | undefined => {
    if (x.kind === 'ref') return [x.name];
    if (x.kind === 'member') { const p = pathOf(x.object); return p && [...p, x.property]; }
    if (x.kind === 'index') {
      const p = pathOf(x.object);
      return p && (x.index.kind === 'literal' ? [...p, String(x.index.value)] : p);
    }
    return undefined;
  };
  const walk = (x: Expr): void => {
    const p = pathOf(x);
    if (p) { out.push(p); if (x.kind === 'index') walk(x.index); return; }
    if (x.kind === 'member') walk(x.object);
    else if (x.kind === 'index') { walk(x.object); walk(x.index); }
    else if (x.kind === 'list') x.items.forEach(walk);
    else if (x.kind === 'not') walk(x.operand);
    else if (x.kind === 'binary') { walk(x.left); walk(x.right); }
    else if (x.kind === 'call') x.args.forEach(walk);
  };
  walk(e);
  return out;
}

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

export interface TemplateSite {
  /** Dot path of the string inside the scanned value (`node`, `targets.0`). */
  path: string;
  /** The expression text between the braces. */
  src: string;
  /** Character offset of `src` within the string. */
  offset: number;
  expr?: Expr;
  error?: ExpressionError;
}

/** Every `${{ }}` inside a value (strings nested in lists and maps), parsed; errors kept, not thrown. */
export function scanTemplates(value: unknown, path = ''): TemplateSite[] {
  if (typeof value === 'string') {
    const sites: TemplateSite[] = [];
    // Templates do not overlap and come in order: a `${{` outside every one is never closed.
    const covered = [...value.matchAll(TEMPLATE)].map((m) => [m.index, m.index + m[0].length] as const);
    let c = 0;
    for (const open of value.matchAll(/\$\{\{/g)) {
      while (c < covered.length && covered[c]![1] <= open.index) c++;
      if (!(c < covered.length && covered[c]![0] <= open.index)) {
        sites.push({ path, src: value.slice(open.index + 3), offset: open.index, error: new ExpressionError('`${{` is never closed: end it with `}}`', 0) });
      }
    }
    for (const m of value.matchAll(TEMPLATE)) {
      const src = m[1]!;
      const offset = m.index + 3;
      try {
        sites.push({ path, src, offset, expr: parseExpression(src) });
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        sites.push({ path, src, offset, error: e });
      }
    }
    return sites;
  }
  const join = (k: string | number) => (path === '' ? String(k) : `${path}.${k}`);
  if (Array.isArray(value)) return value.flatMap((v, i) => scanTemplates(v, join(i)));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => scanTemplates(v, join(k)));
  return [];
}

/** Parsed templates of a value; throws on the first malformed one (validated runbooks have none). */
export function findExpressions(value: unknown): { path: string; expr: Expr }[] {
  return scanTemplates(value).map((s) => {
    if (s.error) throw s.error;
    return { path: s.path, expr: s.expr! };
  });
}

/** A value with its templates parsed once, rendered in any scope by `render`. */
export type Template =
  | { kind: 'value'; value: unknown }
  | { kind: 'whole'; expr: Expr }
  | { kind: 'text'; parts: (string | Expr)[] }
  | { kind: 'list'; items: Template[] }
  | { kind: 'map'; entries: [string, Template][] };

/** Parses every `${{ }}` inside a value; throws on a malformed one (validated runbooks have none). */
export function compileTemplate(value: unknown): Template {
  if (typeof value === 'string') {
    const whole = /^\$\{\{([\s\S]*?)\}\}$/.exec(value);
    if (whole && !whole[1]!.includes('}}')) return { kind: 'whole', expr: parseExpression(whole[1]!) };
    const parts: (string | Expr)[] = [];
    let last = 0;
    for (const m of value.matchAll(TEMPLATE)) {
      parts.push(value.slice(last, m.index), parseExpression(m[1]!));
      last = m.index + m[0].length;
    }
    return parts.length ? { kind: 'text', parts: [...parts, value.slice(last)] } : { kind: 'value', value };
  }
  if (Array.isArray(value)) return { kind: 'list', items: value.map(compileTemplate) };
  if (value && typeof value === 'object') return { kind: 'map', entries: Object.entries(value).map(([k, v]) => [k, compileTemplate(v)]) };
  return { kind: 'value', value };
}

/** A compiled value with its templates replaced by their values in `scope`. */
export function render(t: Template, scope: object): unknown {
  switch (t.kind) {
    case 'value':
      return t.value;
    case 'whole':
      return evaluate(t.expr, scope);
    case 'text':
      return t.parts.map((p) => (typeof p === 'string' ? p : toText(evaluate(p, scope)))).join('');
    case 'list':
      return t.items.map((i) => render(i, scope));
    case 'map':
      return Object.fromEntries(t.entries.map(([k, v]) => [k, render(v, scope)]));
  }
}

/** Replaces templates with their values. A string that is one whole template keeps the value's type. */
export function interpolate(value: unknown, scope: object): unknown {
  return render(compileTemplate(value), scope);
}

/** `when:`/`forEach:` accept a bare expression or one wrapped in `${{ }}`. */
export function unwrapBare(src: string): { src: string; offset: number } {
  const m = /^(\s*\$\{\{)([\s\S]*)\}\}\s*$/.exec(src);
  return m ? { src: m[2]!, offset: m[1]!.length } : { src, offset: 0 };
}
