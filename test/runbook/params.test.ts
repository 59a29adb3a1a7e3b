// Param coercion: what a person types on the command line (strings, repeated flags) or writes
// as a YAML default becomes a typed value, and every bad or missing param is reported at once.
import { describe, expect, it } from 'vitest';
import { coerceParams, coerceValue } from '../../src/runbook/params.js';
import type { ParamSpec } from '../../src/runbook/types.js';

const spec = (name: string, type: ParamSpec['type'], more: Partial<ParamSpec> = {}): ParamSpec => ({ name, type, description: `the ${name}`, required: false, ...more });
const one = (s: ParamSpec, v: unknown) => coerceValue(s, v);

describe('coerceValue: each type', () => {
  it('string: text as is, numbers and booleans as text, never lists or maps', () => {
    const s = spec('node', 'string');
    expect(one(s, 'k3s-worker-1')).toBe('k3s-worker-1');
    expect(one(s, 5)).toBe('5');
    expect(one(s, true)).toBe('true');
    expect(() => one(s, ['a'])).toThrow('--node must be text, not a list');
    expect(() => one(s, { a: 1 })).toThrow('--node must be text, not a map');
  });

  it('string with a pattern: the whole value must match', () => {
    const s = spec('node', 'string', { pattern: 'k3s-[a-z]+-\\d+' });
    expect(one(s, 'k3s-worker-1')).toBe('k3s-worker-1');
    expect(() => one(s, 'x-k3s-worker-1')).toThrow('--node "x-k3s-worker-1" does not match the pattern k3s-[a-z]+-\\d+');
    expect(() => one(s, 'k3s-worker-1x')).toThrow(/does not match/);
    // An alternation is anchored as a whole, not just its first branch.
    const alt = spec('mode', 'string', { pattern: 'a|b' });
    expect(one(alt, 'b')).toBe('b');
    expect(() => one(alt, 'ab')).toThrow(/does not match/);
  });

  it('int: whole numbers from numbers or text, nothing else', () => {
    const s = spec('memory', 'int');
    expect(one(s, 4096)).toBe(4096);
    expect(one(s, '4096')).toBe(4096);
    expect(one(s, ' 7 ')).toBe(7);
    expect(one(s, '-3')).toBe(-3);
    expect(one(s, 0)).toBe(0);
    for (const bad of ['abc', '4.5', 4.5, '', '12abc', '1e3', String(2 ** 60), true]) {
      expect(() => one(s, bad), String(bad)).toThrow(`--memory must be a whole number, not "${String(bad)}"`);
    }
  });

  it('bool: true/false and yes/no, as booleans or text', () => {
    const s = spec('force', 'bool');
    expect(one(s, true)).toBe(true);
    expect(one(s, false)).toBe(false);
    expect(one(s, 'true')).toBe(true);
    expect(one(s, 'yes')).toBe(true);
    expect(one(s, 'false')).toBe(false);
    expect(one(s, 'no')).toBe(false);
    for (const bad of ['1', 'on', 'TRUE', 1, '']) {
      expect(() => one(s, bad), String(bad)).toThrow(`--force must be true or false, not "${String(bad)}"`);
    }
  });

  it('duration: text with a unit to milliseconds; a number other than 0 needs a unit', () => {
    const s = spec('min-not-ready', 'duration');
    expect(one(s, '5m')).toBe(300_000);
    expect(one(s, '1h30m')).toBe(5_400_000);
    expect(one(s, '0')).toBe(0);
    expect(one(s, 0)).toBe(0);
    // `--min-not-ready 5` once meant 5 ms and passed the dead-node guard that `5m` refuses.
    expect(() => one(s, '5')).toThrow('duration "5" has no unit: did you mean 5m? (or 5s, 5ms)');
    expect(() => one(s, '250')).toThrow('did you mean 250m?');
    expect(() => one(s, 1500)).toThrow('duration "1500" has no unit: did you mean 1500m?');
    expect(() => one(s, 'soon')).toThrow(/"soon" is not a duration/);
    expect(() => one(s, -5)).toThrow(/not a duration/);
    expect(() => one(s, 1.5)).toThrow(/has no unit/);
  });

  it('duration: at most what a timer can wait (2^31-1 ms, about 24.8 days)', () => {
    const s = spec('pause', 'duration');
    expect(one(s, '24d20h31m23s')).toBe(2_147_483_000);
    expect(() => one(s, '30d')).toThrow('duration "30d" is too long: the longest is 24d20h31m23.647s (about 24.8 days)');
  });

  it('enum: one of the values, as text', () => {
    const s = spec('mode', 'enum', { values: ['fast', 'safe', '1'] });
    expect(one(s, 'safe')).toBe('safe');
    expect(one(s, 1)).toBe('1');
    expect(() => one(s, 'slow')).toThrow('--mode must be one of fast, safe, 1, not "slow"');
    expect(() => one(s, 'Fast')).toThrow(/must be one of/);
  });

  it('list: comma-separated text, repeated flags and YAML lists alike', () => {
    const s = spec('nodes', 'list');
    expect(one(s, 'a,b, c')).toEqual(['a', 'b', 'c']);
    expect(one(s, ['a,b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(one(s, 'single')).toEqual(['single']);
    expect(one(s, 'a,,b,')).toEqual(['a', 'b']);
    expect(one(s, [])).toEqual([]);
    expect(one(s, [1, 2])).toEqual(['1', '2']);
  });

  it('list of ints: each item typed, the bad one named by index', () => {
    const s = spec('vmids', 'list', { items: 'int' });
    expect(one(s, '101, 102')).toEqual([101, 102]);
    expect(one(s, ['101', 102])).toEqual([101, 102]);
    expect(() => one(s, '101,x')).toThrow('--vmids[1] must be a whole number, not "x"');
  });

  it('list with a pattern: every item must match', () => {
    const s = spec('nodes', 'list', { pattern: 'k3s-.*' });
    expect(one(s, 'k3s-a,k3s-b')).toEqual(['k3s-a', 'k3s-b']);
    expect(() => one(s, 'k3s-a,other,k3s-c')).toThrow('--nodes[1] "other" does not match the pattern k3s-.*');
  });
});

describe('coerceParams', () => {
  const runbook = {
    params: [
      spec('node', 'string', { required: true }),
      spec('memory', 'int', { default: 4096 }),
      spec('force', 'bool'),
      spec('nodes', 'list'),
      spec('labels', 'list', { default: ['a', 'b'] }),
      spec('wait', 'duration'),
      spec('mode', 'enum', { values: ['fast', 'safe'], default: 'safe' }),
    ],
  };

  it('types what was given and fills defaults for the rest', () => {
    const { values, errors } = coerceParams(runbook, { node: 'k3s-worker-1', memory: '8192', force: 'yes', nodes: 'a,b', wait: '30s' });
    expect(errors).toEqual([]);
    expect(values).toEqual({ node: 'k3s-worker-1', memory: 8192, force: true, nodes: ['a', 'b'], labels: ['a', 'b'], wait: 30_000, mode: 'safe' });
  });

  it('gives an unset optional list [] and an unset bool false; leaves other unset params out', () => {
    const { values, errors } = coerceParams(runbook, { node: 'n' });
    expect(errors).toEqual([]);
    expect(values).toEqual({ node: 'n', memory: 4096, force: false, nodes: [], labels: ['a', 'b'], mode: 'safe' });
    expect('wait' in values).toBe(false);
  });

  it('uses the default when a repeatable flag was given no values', () => {
    expect(coerceParams(runbook, { node: 'n', labels: [] }).values.labels).toEqual(['a', 'b']);
    expect(coerceParams(runbook, { node: 'n', nodes: [] }).values.nodes).toEqual([]);
  });

  it('copies defaults, so a run cannot change the runbook', () => {
    const first = coerceParams(runbook, { node: 'n' }).values;
    (first.labels as string[]).push('mutated');
    expect(coerceParams(runbook, { node: 'n' }).values.labels).toEqual(['a', 'b']);
    expect(runbook.params[4]!.default).toEqual(['a', 'b']);
  });

  it('reports every missing and every bad param at once, in declaration order', () => {
    const { values, errors } = coerceParams(runbook, { memory: 'lots', force: 'maybe', wait: 'later', mode: 'slow' });
    expect(errors).toEqual([
      'missing required param --node (the node)',
      '--memory must be a whole number, not "lots"',
      '--force must be true or false, not "maybe"',
      expect.stringContaining('"later" is not a duration'),
      '--mode must be one of fast, safe, not "slow"',
    ]);
    expect(values).toEqual({ nodes: [], labels: ['a', 'b'] });
  });

  it('reports every missing required param', () => {
    const rb = { params: [spec('a', 'string', { required: true }), spec('b', 'int', { required: true }), spec('c', 'list', { required: true })] };
    expect(coerceParams(rb, {}).errors).toEqual(['missing required param --a (the a)', 'missing required param --b (the b)', 'missing required param --c (the c)']);
  });

  it('prefers a given value over the default, and a default over required', () => {
    const rb = { params: [spec('memory', 'int', { required: true, default: 1024 })] };
    expect(coerceParams(rb, {})).toEqual({ values: { memory: 1024 }, errors: [] });
    expect(coerceParams(rb, { memory: '2048' })).toEqual({ values: { memory: 2048 }, errors: [] });
  });
});
