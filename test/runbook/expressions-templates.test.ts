// `${{ }}` templates inside runbook values: finding them (with paths and offsets, errors kept
// for the validator), interpolating them (a whole-template string keeps the value's type,
// mixed text becomes text) and the bare `when:`/`forEach:` form.
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/runbook/expressions.js';
import { evaluate, ExpressionError, findExpressions, interpolate, parseExpression, scanTemplates, unwrapBare } from '../../src/runbook/expressions.js';

const scope = {
  params: { node: 'k3s-worker-1', force: true, off: false, count: 3, nodes: ['a', 'b', 'c'] },
  steps: { find: { outputs: { vmid: 104, meta: { zone: 'pve1' } } } },
  item: { name: 'k3s-worker-2' },
};

describe('scanTemplates', () => {
  it('finds every template in nested strings, with its path and offset', () => {
    const sites = scanTemplates({ node: '${{ params.node }}', args: ['x', 'a ${{ item }} b ${{ params.force }}'], deep: { k: { v: 'v=${{1}}' } }, n: 5 });
    expect(sites.map((s) => [s.path, s.src, s.offset])).toEqual([
      ['node', ' params.node ', 3],
      ['args.1', ' item ', 5],
      ['args.1', ' params.force ', 19],
      ['deep.k.v', '1', 5],
    ]);
    expect(sites.every((s) => s.expr && !s.error)).toBe(true);
  });

  it('keeps a malformed template as an error instead of throwing', () => {
    const [site, ...rest] = scanTemplates('run ${{ params.x == }} now');
    expect(rest).toEqual([]);
    expect(site?.expr).toBeUndefined();
    expect(site?.error).toBeInstanceOf(ExpressionError);
    expect(site?.error?.message).toBe('expression ends too early');
    expect(site && site.offset + site.error!.offset).toBe(' params.x == '.length + 7);
  });

  it('finds nothing in plain values', () => {
    expect(scanTemplates('no templates here')).toEqual([]);
    expect(scanTemplates([1, true, null, { a: 'b' }])).toEqual([]);
    expect(scanTemplates(undefined)).toEqual([]);
  });

  it('findExpressions throws the first malformed template', () => {
    expect(findExpressions({ a: '${{ params.x }}' }).map((x) => x.path)).toEqual(['a']);
    expect(() => findExpressions({ a: '${{ params.x }}', b: '${{ ( }}' })).toThrow(ExpressionError);
  });
});

describe('interpolate', () => {
  it('keeps the value type when a string is exactly one template', () => {
    expect(interpolate('${{ steps.find.outputs.vmid }}', scope)).toBe(104);
    expect(interpolate('${{ params.force }}', scope)).toBe(true);
    expect(interpolate('${{ params.nodes }}', scope)).toEqual(['a', 'b', 'c']);
    expect(interpolate('${{ steps.find.outputs.meta }}', scope)).toEqual({ zone: 'pve1' });
    expect(interpolate('${{params.count}}', scope)).toBe(3);
  });

  it('gives text when templates are mixed with text or with each other', () => {
    expect(interpolate('vm ${{ steps.find.outputs.vmid }}', scope)).toBe('vm 104');
    expect(interpolate('${{ params.count }}${{ params.count }}', scope)).toBe('33');
    expect(interpolate('${{ params.node }} and ${{ item.name }}', scope)).toBe('k3s-worker-1 and k3s-worker-2');
    expect(interpolate('list: ${{ params.nodes }}', scope)).toBe('list: ["a","b","c"]');
    expect(interpolate('flag=${{ params.off }}', scope)).toBe('flag=false');
  });

  it('turns a missing value into undefined alone, empty text inside text', () => {
    expect(interpolate('${{ params.missing }}', scope)).toBeUndefined();
    expect(interpolate('[${{ params.missing }}]', scope)).toBe('[]');
    expect(interpolate('${{ null }}', scope)).toBeNull();
    expect(interpolate('<${{ null }}>', scope)).toBe('<>');
  });

  it('walks lists and maps and leaves other values alone', () => {
    const out = interpolate({ node: '${{ item.name }}', ids: ['${{ steps.find.outputs.vmid }}', 7], nested: { on: '${{ params.force }}' }, n: 1, b: false, z: null }, scope);
    expect(out).toEqual({ node: 'k3s-worker-2', ids: [104, 7], nested: { on: true }, n: 1, b: false, z: null });
    expect(interpolate('plain', scope)).toBe('plain');
  });

  it('throws an ExpressionError for a malformed template', () => {
    expect(() => interpolate('${{ params.x == }}', scope)).toThrow(ExpressionError);
    expect(() => interpolate('a ${{ upper(x) }}', scope)).toThrow(/unknown function "upper"/);
  });
});

describe('unwrapBare', () => {
  it('strips ${{ }} around a whole when/forEach value and reports where the expression starts', () => {
    expect(unwrapBare('${{ params.force }}')).toEqual({ src: ' params.force ', offset: 3 });
    expect(unwrapBare('  ${{ params.force }}  ')).toEqual({ src: ' params.force ', offset: 5 });
    expect(unwrapBare('params.force')).toEqual({ src: 'params.force', offset: 0 });
  });

  it('parses the unwrapped source', () => {
    const e: Expr = parseExpression(unwrapBare('${{ params.count > 1 }}').src);
    expect(evaluate(e, scope)).toBe(true);
  });
});
