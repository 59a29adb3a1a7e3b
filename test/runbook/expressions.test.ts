// The expression language of `${{ }}`, `when:` and `forEach:`: parsing (precedence, literals,
// errors with offsets), evaluation (functions, loose equality, missing values), the reference
// walk the validator relies on, and the guarantee that matters for safety: no prototype
// access, by name or by index. Templates in strings: expressions-templates.test.ts.
import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluate, FUNCTION_NAMES, interpolate, parseExpression, referencesOf } from '../../src/runbook/expressions.js';

const scope = {
  params: { node: 'k3s-worker-1', force: true, off: false, count: 3, nodes: ['a', 'b', 'c'], 'min-not-ready': '5m', empty: '' },
  steps: { find: { outputs: { vmid: 104, pending: false, names: ['x', 'y'], meta: { zone: 'pve1' } } } },
  item: { name: 'k3s-worker-2', index: 1 },
};

const run = (src: string, s: object = scope) => evaluate(parseExpression(src), s);

/** The ExpressionError `fn` throws (fails the test when it throws anything else, or nothing). */
function errorOf(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error('expected an ExpressionError, nothing was thrown');
}

describe('parseExpression: precedence and grouping', () => {
  it('binds && tighter than ||', () => {
    const e = parseExpression('a || b && c');
    expect(e).toMatchObject({ kind: 'binary', op: '||', left: { kind: 'ref', name: 'a' }, right: { kind: 'binary', op: '&&' } });
    expect(run('true || false && false')).toBe(true);
    expect(run('(true || false) && false')).toBe(false);
  });

  it('binds comparisons tighter than && and ||', () => {
    const e = parseExpression('params.count > 2 && params.node == "x"');
    expect(e).toMatchObject({ kind: 'binary', op: '&&', left: { op: '>' }, right: { op: '==' } });
    expect(run('params.count > 2 && params.node == "k3s-worker-1"')).toBe(true);
    expect(run('params.count > 5 || params.count <= 3')).toBe(true);
  });

  it('binds ! tighter than comparison', () => {
    expect(parseExpression('!params.off == true')).toMatchObject({ kind: 'binary', op: '==', left: { kind: 'not' } });
    expect(run('!params.off == true')).toBe(true);
    expect(run('!(params.count == 3)')).toBe(false);
    expect(run('!!params.node')).toBe(true);
  });

  it('chains same-level operators left to right', () => {
    expect(parseExpression('1 < 2 == true')).toMatchObject({ op: '==', left: { op: '<' } });
    expect(run('1 < 2 == true')).toBe(true);
  });

  it('reads members, indexes and kebab-case names', () => {
    expect(run('params.nodes[1]')).toBe('b');
    expect(run('params.nodes[item.index]')).toBe('b');
    expect(run('params.nodes[params.count]')).toBeUndefined();
    expect(run("steps.find.outputs['vmid']")).toBe(104);
    expect(run('steps.find.outputs.meta.zone')).toBe('pve1');
    expect(run('params.min-not-ready')).toBe('5m');
    expect(run('item.name')).toBe('k3s-worker-2');
    expect(run('params.nodes.length')).toBe(3);
  });
});

describe('literals', () => {
  it('reads numbers, booleans and null', () => {
    expect(run('42')).toBe(42);
    expect(run('1.5')).toBe(1.5);
    expect(run('true')).toBe(true);
    expect(run('false')).toBe(false);
    expect(run('null')).toBeNull();
  });

  it('reads strings in either quote, a doubled quote escaping itself', () => {
    expect(run("'plain'")).toBe('plain');
    expect(run('"plain"')).toBe('plain');
    expect(run("'it''s'")).toBe("it's");
    expect(run('"say ""hi"""')).toBe('say "hi"');
    expect(run(`'a "double" inside'`)).toBe('a "double" inside');
    expect(run("''")).toBe('');
    expect(run("'a || b && c'")).toBe('a || b && c');
  });

  it('builds lists, empty and nested, from any expressions', () => {
    expect(run('[]')).toEqual([]);
    expect(run("[1, 'two', params.node, [true, null]]")).toEqual([1, 'two', 'k3s-worker-1', [true, null]]);
    expect(parseExpression('[1, 2]')).toEqual({ kind: 'list', items: [{ kind: 'literal', value: 1 }, { kind: 'literal', value: 2 }] });
    expect(run("contains(['a', 'b'], params.nodes[0])")).toBe(true);
  });
});

describe('evaluate: comparison and logic', () => {
  it('compares loosely across numbers and numeric strings, strictly between strings', () => {
    expect(run("1 == '1'")).toBe(true);
    expect(run("'10' > 9")).toBe(true);
    expect(run("'10' < '9'")).toBe(true); // two strings compare as text
    expect(run("'a' != 'A'")).toBe(true);
    expect(run('params.count >= 3')).toBe(true);
    expect(run('params.count < 3')).toBe(false);
  });

  it('treats a missing value as equal to null only', () => {
    expect(run('params.missing == null')).toBe(true);
    expect(run("params.missing == ''")).toBe(false);
    expect(run('params.missing == false')).toBe(false);
  });

  it('returns the deciding operand of && and ||, like GitHub Actions', () => {
    expect(run("params.missing || 'fallback'")).toBe('fallback');
    expect(run("params.node || 'fallback'")).toBe('k3s-worker-1');
    expect(run('params.force && params.count')).toBe(3);
    expect(run('params.off && params.count')).toBe(false);
  });
});

describe('functions', () => {
  it('has exactly the documented functions', () => {
    expect([...FUNCTION_NAMES].sort()).toEqual(['contains', 'endsWith', 'format', 'join', 'length', 'startsWith']);
  });

  it('contains: list membership (loose) and substring', () => {
    expect(run("contains(params.nodes, 'b')")).toBe(true);
    expect(run("contains(params.nodes, 'z')")).toBe(false);
    expect(run("contains([1, 2], '2')")).toBe(true);
    expect(run("contains(params.node, 'worker')")).toBe(true);
    expect(run("contains(params.count, '3')")).toBe(false); // neither a list nor a string
  });

  it('startsWith and endsWith, a missing value reading as empty text', () => {
    expect(run("startsWith(params.node, 'k3s-')")).toBe(true);
    expect(run("startsWith(params.node, 'worker')")).toBe(false);
    expect(run("endsWith(params.node, '-1')")).toBe(true);
    expect(run("startsWith(params.missing, 'k3s')")).toBe(false);
    expect(run("endsWith(params.missing, '')")).toBe(true);
  });

  it('length of lists, strings and maps; 0 for anything else', () => {
    expect(run('length(params.nodes)')).toBe(3);
    expect(run('length(params.node)')).toBe(12);
    expect(run('length(steps.find.outputs)')).toBe(4);
    expect(run('length(params.count)')).toBe(0);
    expect(run('length(params.missing)')).toBe(0);
  });

  it('join: comma by default, any separator, objects as JSON, missing items empty', () => {
    expect(run('join(params.nodes)')).toBe('a,b,c');
    expect(run("join(params.nodes, ' ')")).toBe('a b c');
    expect(run("join([1, null, steps.find.outputs.meta], '|')")).toBe('1||{"zone":"pve1"}');
    expect(run('join(params.node)')).toBe('k3s-worker-1');
    expect(run('join(params.missing)')).toBe('');
  });

  it('format: {N} placeholders, unknown indexes kept, missing values empty', () => {
    expect(run("format('{0} has vmid {1}', params.node, steps.find.outputs.vmid)")).toBe('k3s-worker-1 has vmid 104');
    expect(run("format('{1}-{0}-{1}', 'a', 'b')")).toBe('b-a-b');
    expect(run("format('{0} and {2}', 'x')")).toBe('x and {2}');
    expect(run("format('[{0}]', params.missing)")).toBe('[]');
    expect(run("format('{0}', params.nodes)")).toBe('["a","b","c"]');
  });

  it('nests calls inside calls and comparisons', () => {
    expect(run("length(format('{0}{1}', 'ab', 'c')) == 3")).toBe(true);
    expect(run("contains(join(params.nodes, '-'), 'a-b')")).toBe(true);
  });
});

describe('missing values', () => {
  it('reads as undefined at any depth, never throws', () => {
    expect(run('params.nope')).toBeUndefined();
    expect(run('params.nope.deeper.still')).toBeUndefined();
    expect(run('steps.later.outputs.x')).toBeUndefined();
    expect(run('params.nodes[10]')).toBeUndefined();
    expect(run('item', {})).toBeUndefined();
  });

  it('does not see inherited properties of values', () => {
    expect(run('params.toString')).toBeUndefined();
    expect(run('params.node.length')).toBeUndefined(); // strings have no members: use length()
    expect(run('params.hasOwnProperty')).toBeUndefined();
  });
});

describe('no prototype access', () => {
  it('rejects __proto__, prototype and constructor as member names at parse time', () => {
    for (const name of ['__proto__', 'prototype', 'constructor']) {
      const e = errorOf(() => parseExpression(`params.${name}`));
      expect(e.message).toBe(`property "${name}" is not allowed`);
      expect(e.offset).toBe(7);
    }
  });

  it('rejects them as literal indexes at parse time', () => {
    for (const src of ["params['__proto__']", 'params["constructor"]', "item['prototype']"]) {
      expect(() => parseExpression(src)).toThrow(ExpressionError);
    }
  });

  it('names the property and points at it when it is a literal index', () => {
    const e = errorOf(() => parseExpression("params['__proto__']"));
    expect(e.message).toContain('"__proto__"');
    expect(e.offset).toBe(7);
  });

  it('yields undefined for them when the index is computed at run time', () => {
    const s = { params: { key: '__proto__', ctor: 'constructor', obj: { a: 1 } } };
    expect(run('params.obj[params.key]', s)).toBeUndefined();
    expect(run('params.obj[params.ctor]', s)).toBeUndefined();
    expect(run('params[params.ctor]', s)).toBeUndefined();
    expect(run("params.obj['a']", s)).toBe(1);
  });

  it('cannot reach Object or Function through a chain', () => {
    const s = { params: { k: 'constructor' } };
    expect(run("params[params.k][params.k]", s)).toBeUndefined();
    expect(interpolate('${{ params[params.k] }}', s)).toBeUndefined();
  });
});

describe('parse errors carry the offset of the problem', () => {
  const cases: [string, string, number][] = [
    ['params.x ==', 'expression ends too early', 11],
    ['params.x $ 1', 'unexpected character "$"', 9],
    ["'open", 'unterminated string', 0],
    ['a == "open', 'unterminated string', 5],
    ['upper(params.x)', 'unknown function "upper" (known: contains, startsWith, endsWith, length, join, format)', 0],
    ['params.x params.y', 'unexpected "params"', 9],
    ['params.', 'expected a property name after "." but found "end of expression"', 7],
    ['params.x[0', 'expected "]" but found "end of expression"', 10],
    ['(params.x', 'expected ")" but found "end of expression"', 9],
    ['format("a", ', 'expression ends too early', 12],
    ['[1, 2', 'expected "]" but found "end of expression"', 5],
    ['== 1', 'unexpected "=="', 0],
    ['', 'expression ends too early', 0],
    ['params.x = 1', 'unexpected character "="', 9],
  ];
  it.each(cases)('%j', (src, message, offset) => {
    const e = errorOf(() => parseExpression(src));
    expect(e.message).toBe(message);
    expect(e.offset).toBe(offset);
    expect(e.name).toBe('ExpressionError');
  });
});

describe('referencesOf', () => {
  const refs = (src: string) => referencesOf(parseExpression(src));

  it('gives each static reference path once, in reading order', () => {
    expect(refs('steps.find.outputs.vmid')).toEqual([['steps', 'find', 'outputs', 'vmid']]);
    expect(refs('params.a && !params.b || item')).toEqual([['params', 'a'], ['params', 'b'], ['item']]);
    expect(refs("format('{0}', params.x, [steps.s.outputs.y])")).toEqual([['params', 'x'], ['steps', 's', 'outputs', 'y']]);
  });

  it('folds literal indexes into the path and walks computed ones', () => {
    expect(refs('params.nodes[0]')).toEqual([['params', 'nodes', '0']]);
    expect(refs("steps.find.outputs['vmid']")).toEqual([['steps', 'find', 'outputs', 'vmid']]);
    expect(refs('params.nodes[params.i]')).toEqual([['params', 'nodes'], ['params', 'i']]);
  });

  it('finds nothing in literals', () => {
    expect(refs("'params.x' == 1")).toEqual([]);
    expect(refs('[1, true, null]')).toEqual([]);
  });
});
