// Hostile input meets limits, each reported where it is: alias bombs, deep nesting, huge files,
// expressions and param values. Every case used to hang, overflow the stack or crash (exit 70).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { globMatch, globMatcher } from '../../src/kube-facts.js';
import { MAX_EXPRESSION_DEPTH, parseExpression } from '../../src/runbook/expressions.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { coerceParams, MAX_PARAM_VALUE_LENGTH } from '../../src/runbook/params.js';
import { builtinRegistry } from '../../steps/index.js';
import { runMain } from '../support/in-process.js';

const registry = builtinRegistry();
const HEAD = 'apiVersion: runbook.dev/v1\nname: hostile\ndescription: hostile input\n';
const errorsOf = (text: string) => parseRunbook(text, 'h.yaml', registry).diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);

/** Nine levels of nine aliases: a ~1 KB file whose value has 9^9 leaves. */
function aliasBomb(): string {
  let s = `${HEAD}params:\n  x0: { type: list, description: "&", default: &a0 [x, x, x, x, x, x, x, x, x] }\n`;
  for (let i = 1; i <= 8; i++) s += `  x${i}: { type: list, description: l, default: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}] }\n`;
  return `${s}steps:\n  - id: a\n    uses: core.wait\n    with: { duration: 1s, reason: *a8 }\n`;
}

describe('runbook file limits', () => {
  test('an alias bomb is one diagnostic at the alias that passes the limit, not minutes of validate', () => {
    // x5's first alias (line 10): x4 already stands for 9^5 nodes, x5 passes 100000.
    expect(errorsOf(aliasBomb())).toEqual(['10:51: aliases here expand the document past 100000 nodes (an alias bomb?)']);
  });

  test('a few aliases are fine', () => {
    const text = `${HEAD}params:\n  n: { type: list, description: d, default: &nodes [a, b] }\nsteps:\n  - id: a\n    uses: core.wait\n    with: { duration: 1s, reason: "x" }\n    forEach: params.n\n`;
    expect(errorsOf(text)).toEqual([]);
  });

  test('YAML nested past 100 levels', () => {
    expect(errorsOf(`${HEAD}steps: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)).toEqual(['4:107: YAML nested more than 100 levels deep']);
  });

  test('a file over 1 MiB', () => {
    expect(errorsOf(`${HEAD}# ${'x'.repeat(1024 * 1024)}\nsteps: []\n`)).toEqual([`1:1: the file is ${HEAD.length + 3 + 1024 * 1024 + 10} characters; a runbook may hold at most 1048576`]);
  });
});

describe('expression limits', () => {
  test('2000 nested parentheses in when: are a positioned diagnostic, not a stack overflow', () => {
    const when = `${'('.repeat(2000)}true${')'.repeat(2000)}`;
    const errors = errorsOf(`${HEAD}steps:\n  - id: a\n    uses: core.wait\n    when: "${when}"\n    with: { duration: 1s }\n`);
    expect(errors).toEqual([`7:5: bad expression \`${'('.repeat(77)}...\`: expression nested more than ${MAX_EXPRESSION_DEPTH} levels deep`]);
  });

  test.each([
    ['parentheses', (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`],
    ['negations', (n: number) => `${'!'.repeat(n)}true`],
    ['lists', (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`],
    ['calls', (n: number) => `${'length('.repeat(n)}1${')'.repeat(n)}`],
    ['indexes', (n: number) => `params${'[params'.repeat(n)}${']'.repeat(n)}`],
  ])('%s: nested to the limit parse, one more level is refused', (_what, nest) => {
    expect(() => parseExpression(nest(MAX_EXPRESSION_DEPTH - 1))).not.toThrow();
    expect(() => parseExpression(nest(MAX_EXPRESSION_DEPTH))).toThrow(`expression nested more than ${MAX_EXPRESSION_DEPTH} levels deep`);
  });

  test('an expression over 10000 characters', () => {
    const errors = errorsOf(`${HEAD}steps:\n  - id: a\n    uses: core.wait\n    when: "${'true && '.repeat(2000)}true"\n    with: { duration: 1s }\n`);
    expect(errors).toEqual([expect.stringMatching(/^7:5: bad expression `true && .*\.\.\.`: expression is 16004 characters long; the limit is 10000$/)]);
  });
});

describe('param and glob limits', () => {
  test('a param value over 64 KiB names the flag', () => {
    const { errors } = coerceParams({ params: [{ name: 'pvc', type: 'list', description: 'd', required: false }] }, { pvc: ['x'.repeat(MAX_PARAM_VALUE_LENGTH + 1)] });
    expect(errors).toEqual([`--pvc is ${MAX_PARAM_VALUE_LENGTH + 1} characters long; the limit is ${MAX_PARAM_VALUE_LENGTH}`]);
  });

  test.each([
    ['monitoring/prometheus-*', 'monitoring/prometheus-db-0', true],
    ['monitoring/prometheus-*', 'monitoring/alertmanager-0', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*a*b*c*', 'xxaxxbxxcxx', true],
    ['*a*b*c', 'xxaxxbxxcxx', false],
    ['a.b', 'axb', false],
    ['(x)+[y]', '(x)+[y]', true],
    ['**x', 'yyx', true],
    ['a*', 'a', true],
  ])('glob %j matches %j: %s', (glob, name, expected) => {
    expect(globMatch(glob, name)).toBe(expected);
  });

  test('a glob of 60k stars and letters matches without a RegExp (one used to be too large to compile)', () => {
    const glob = `${'*a'.repeat(30_000)}*`;
    expect(globMatcher([glob])('a'.repeat(40_000))).toBe(true);
    expect(globMatcher([glob])('a'.repeat(100))).toBe(false);
  });

  test('the CLI: `--pvc` with a 120k-character glob is exit 2 naming the flag, not exit 70', async () => {
    const state = mkdtempSync(join(tmpdir(), 'hostile-'));
    const kubeconfig = join(state, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const r = await runMain(['--state-dir', state, 'plan', 'purge-dead-node', '--node', 'k3s-w1', '--pvc', `${'*x'.repeat(60_000)}`, '--kubeconfig', kubeconfig]);
    expect(r.stderr).toContain('--pvc is 120000 characters long; the limit is 65536');
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(2);
  });

  test('the CLI: validate of an alias bomb and of 2000 parentheses is exit 2 with file:line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    writeFileSync(join(dir, 'bomb.yaml'), aliasBomb());
    writeFileSync(join(dir, 'parens.yaml'), `${HEAD}steps:\n  - id: a\n    uses: core.wait\n    when: "${'('.repeat(2000)}true${')'.repeat(2000)}"\n    with: { duration: 1s }\n`);
    const r = await runMain(['validate', join(dir, 'bomb.yaml'), join(dir, 'parens.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'bomb.yaml')}:10:51: error: aliases here expand the document past 100000 nodes`);
    expect(r.stderr).toContain(`${join(dir, 'parens.yaml')}:7:5: error: bad expression`);
    expect(r.stderr).not.toContain('internal error');
  });
});
