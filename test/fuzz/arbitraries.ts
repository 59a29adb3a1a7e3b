// Generators for hostile runbooks, expressions, params and durations: structured documents
// built from the format's own vocabulary (so most cases get deep into the validator), then
// mutated, plus raw text, alias bombs and deep nesting.
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { FUNCTION_NAMES } from '../../src/runbook/expressions.js';
import { PARAM_TYPES } from '../../src/runbook/types.js';
import { builtinRegistry } from '../../steps/index.js';

const HEAD = 'apiVersion: runbook.dev/v1\nname: fuzz\ndescription: fuzz\n';
const STEP_TYPES = builtinRegistry().types();
const WITH_KEYS = ['node', 'nodes', 'timeout', 'duration', 'run', 'rollback', 'readOnly', 'irreversible', 'env', 'reason', 'name', 'namespace', 'kind', 'memory', 'minNotReady', 'pvc', 'window', 'interval', 'patch', 'cwd'];

const ident = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const smallText = fc.string({ maxLength: 12 });

/** Expressions as people write them, and as they should not. */
export const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('params.a', 'params.l', 'params.s', 'item', 'item.name', 'steps.x.outputs.y', 'true', 'false', 'null', '1', "'t'", 'params.__proto__', 'params["constructor"]'),
    fc.tuple(tie('e'), fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '&&', '||'), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('e').map((a) => `!${a}`),
    tie('e').map((a) => `(${a})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `${a}[${b}]`),
    fc.array(tie('e'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc.tuple(fc.constantFrom(...FUNCTION_NAMES, 'eval', 'constructor'), fc.array(tie('e'), { maxLength: 3 })).map(([f, xs]) => `${f}(${xs.join(', ')})`),
  ),
})).e;

/** Text from the characters that mean something to the expression tokenizer. */
export const expressionNoise = fc.string({ unit: fc.constantFrom(...'()[]!&|=<>.,\'" _-azAZ09'.split('')), maxLength: 60 });

/** Nesting far past any limit: each kind once shallow, once deep. */
export const deepExpression = fc.tuple(fc.constantFrom('(', '!', '[', 'length(', 'params['), fc.integer({ min: 1, max: 4000 })).map(([open, n]) => {
  const close = { '(': ')', '!': '', '[': ']', 'length(': ')', 'params[': ']' }[open]!;
  return `${open.repeat(n)}1${close.repeat(n)}`;
});

const template = fc.oneof(expression.map((e) => `\${{ ${e} }}`), fc.tuple(smallText, expression).map(([t, e]) => `${t} \${{ ${e} }} ${t}`), fc.constantFrom('${{', '}}', '${{ }}', '${{ params.a }'));

export const durationText = fc.oneof(
  fc.constantFrom('30s', '5m', '1h30m', '500ms', '2d', '0', '5', '90', '30d', '24d20h31m23s', '24d20h31m24s', '', ' ', '1h 30m', '-5s', '.5s', '1.5', '1e3s', 'ms'),
  fc.stringMatching(/^[0-9]{0,12}(\.[0-9]{0,3})?(ms|s|m|h|d)?([0-9]{1,3}(ms|s|m|h|d))?$/),
  fc.string({ unit: fc.constantFrom(...'0123456789.mshd -'.split('')), maxLength: 16 }),
);
const duration = fc.oneof(durationText, fc.integer({ min: -10, max: 3_000_000_000 }), fc.double());

const scalar = fc.oneof(smallText, template, fc.integer(), fc.boolean(), fc.constant(null), durationText);
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...WITH_KEYS), tie('v'), { maxKeys: 3 })),
})).v;

const call = {
  id: ident,
  uses: fc.constantFrom(...STEP_TYPES, 'core.shel', 'nope', ''),
  with: fc.oneof(fc.dictionary(fc.constantFrom(...WITH_KEYS), value, { maxKeys: 4 }), value),
};
const stepFields = {
  ...call,
  name: smallText,
  needs: fc.oneof(ident, fc.array(ident, { maxLength: 3 })),
  when: fc.oneof(expression, template, fc.boolean()),
  forEach: fc.oneof(expression, template),
  serial: fc.integer({ min: -1, max: 5 }),
  maxParallel: fc.integer({ min: -1, max: 5 }),
  timeout: duration,
  retry: fc.record({ attempts: fc.integer({ min: -1, max: 5 }), backoff: duration, factor: fc.double() }, { requiredKeys: [] }),
  confirm: fc.oneof(smallText, template),
  continueOnError: fc.boolean(),
  gate: fc.record(call, { requiredKeys: [] }),
};
const step = fc.record(stepFields, { requiredKeys: ['id'] });
const group = fc.record({ id: ident, forEach: expression, serial: fc.integer({ min: 0, max: 3 }), steps: fc.array(step, { maxLength: 3 }) }, { requiredKeys: ['id', 'steps'] });

const param = fc.record({
  type: fc.constantFrom(...PARAM_TYPES, 'str', 'list'),
  description: smallText,
  required: fc.boolean(),
  default: value,
  pattern: fc.constantFrom('[a-z]+', '^k3s-.*$', '(', 'a{2,3}', '.*'),
  values: fc.array(smallText, { maxLength: 3 }),
  items: fc.constantFrom('string', 'int', 'float'),
}, { requiredKeys: ['type', 'description'] });

const runbookDoc = fc.record({
  apiVersion: fc.constantFrom('runbook.dev/v1', 'runbook.dev/v1', 'v2'),
  name: ident,
  description: smallText,
  params: fc.dictionary(fc.oneof(ident, fc.constantFrom('inventory', 'output', 'no-force', 'state-dir', 'Bad_Name')), param, { maxKeys: 4 }),
  preflight: fc.array(fc.record(call, { requiredKeys: ['id'] }), { maxLength: 2 }),
  steps: fc.array(fc.oneof(step, step, group), { maxLength: 5 }),
}, { requiredKeys: ['apiVersion', 'name', 'description', 'steps'] });

/** One edit a careless or hostile hand makes to a file: insert, delete or repeat some text. */
const mutation = fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.constantFrom('', ':', '- ', '[', '{', '}', ']', '&a ', '*a', '"', "'", '\t', '\n  ', '#', '${{', '}}', '<<: *a', '!!str ', '---\n', '\0', '\u2028'));
function mutate(text: string, edits: [number, number, string][]): string {
  let s = text;
  for (const [at, del, ins] of edits) {
    const i = s.length ? at % s.length : 0;
    s = s.slice(0, i) + ins + s.slice(i + del);
  }
  return s;
}

/** Structured runbooks, dumped to YAML, sometimes edited by hand afterwards. */
export const runbookText = fc.tuple(runbookDoc, fc.array(mutation, { maxLength: 3 })).map(([doc, edits]) => mutate(dump(doc, { lineWidth: -1 }), edits));

/** Text over the characters that matter to YAML, sometimes after a valid head. */
export const yamlNoise = fc.tuple(fc.boolean(), fc.string({ unit: fc.constantFrom(...' \n\t:-[]{}&*!|>\'"#,?%@`${}azAZ09'.split('')), maxLength: 300 })).map(([head, s]) => (head ? HEAD + s : s));

/** `depth` levels of `width` aliases each: from harmless to billions of nodes. */
export const aliasBomb = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('flow', 'block')).map(([depth, width, style]) => {
  let s = `${HEAD}x0: &a0 [${Array(width).fill('x').join(', ')}]\n`;
  for (let i = 1; i < depth; i++) {
    const items = Array(width).fill(`*a${i - 1}`);
    s += style === 'flow' ? `x${i}: &a${i} [${items.join(', ')}]\n` : `x${i}: &a${i}\n${items.map((x) => `  - ${x}`).join('\n')}\n`;
  }
  return `${s}steps:\n  - id: s\n    uses: core.wait\n    with: { duration: 1s, reason: *a${depth - 1} }\n`;
});

/** Nesting in YAML and in `when:`, from shallow to far past the limits. */
export const deepRunbook = fc.tuple(fc.constantFrom('flow-seq', 'flow-map', 'block', 'when'), fc.integer({ min: 1, max: 3000 })).map(([kind, n]) => {
  if (kind === 'flow-seq') return `${HEAD}steps: ${'['.repeat(n)}${']'.repeat(n)}\n`;
  if (kind === 'flow-map') return `${HEAD}steps:\n  - id: s\n    uses: core.wait\n    with: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;
  if (kind === 'block') return `${HEAD}x:\n${Array.from({ length: Math.min(n, 400) }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}\nsteps: []\n`;
  return `${HEAD}steps:\n  - id: s\n    uses: core.wait\n    when: "${'('.repeat(n)}true${')'.repeat(n)}"\n    with: { duration: 1s }\n`;
});

/** Param specs as a validated runbook has them, and what a person might pass. */
export const paramCase = fc.array(
  fc.record({
    name: ident,
    type: fc.constantFrom(...PARAM_TYPES),
    description: smallText,
    required: fc.boolean(),
    pattern: fc.constantFrom(undefined, '[a-z0-9-]+', 'k3s-.*', 'a|b'),
    values: fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 3 }),
    items: fc.constantFrom(undefined, 'string', 'int'),
    raw: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 20 }), durationText, fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), fc.integer(), fc.boolean(), fc.string({ minLength: 65_530, maxLength: 65_540 })),
  }),
  { maxLength: 4 },
).map((ps) => {
  const seen = new Set<string>();
  const specs = ps.filter((p) => !seen.has(p.name) && seen.add(p.name));
  return {
    specs: specs.map(({ raw: _raw, pattern, items, values, ...p }) => ({ ...p, ...(pattern !== undefined && (p.type === 'string' || p.type === 'list') ? { pattern } : {}), ...(p.type === 'enum' ? { values } : {}), ...(items !== undefined && p.type === 'list' ? { items } : {}) })),
    raw: Object.fromEntries(specs.filter((p) => p.raw !== undefined).map((p) => [p.name, p.raw])),
  };
});
