// The compiler: nodes bound to step definitions, needs/dependents edges, a stable order,
// serial batches for rolling fan-out, and cycles found with their path.
import { describe, expect, it } from 'vitest';
import { batchesOf, compile } from '../../src/graph/compile.js';
import { findCycle, topologicalOrder } from '../../src/dependency-order.js';
import { staticInstances } from '../../src/engine/static-instances.js';
import { parse, registry } from '../engine/harness.js';

const HEAD = 'apiVersion: runbook.dev/v1\nname: t\ndescription: test\n';

describe('compile', () => {
  it('orders by needs, ties broken by file order, with reverse edges', () => {
    const graph = compile(parse(`${HEAD}steps:
  - { id: d, uses: test.record, with: { name: d }, needs: [b, c] }
  - { id: c, uses: test.record, with: { name: c } }
  - { id: b, uses: test.record, with: { name: b }, needs: [a] }
  - { id: a, uses: test.record, with: { name: a } }
`), registry);
    expect(graph.order).toEqual(['c', 'a', 'b', 'd']);
    expect(graph.nodes.get('a')!.dependents).toEqual(['b']);
    expect(graph.nodes.get('d')!.needs).toEqual(['b', 'c']);
    expect(graph.nodes.get('a')!.def.type).toBe('test.record');
  });

  it('binds the gate step of a rolling fan-out and keeps forEach symbolic', () => {
    const graph = compile(parse(`${HEAD}params:
  nodes: { type: list, default: [n1, n2, n3], description: nodes }
steps:
  - id: each
    uses: test.record
    forEach: params.nodes
    serial: 2
    gate: { uses: core.wait, with: { duration: 1s } }
    with: { name: "\${{ item }}" }
`), registry);
    const node = graph.nodes.get('each')!;
    expect(node.gateDef?.type).toBe('core.wait');
    expect(node.spec.forEach).toBe('params.nodes');
    expect(node.spec.serial).toBe(2);
  });

  it('expands fan-out over params statically and defers fan-out over outputs', () => {
    const graph = compile(parse(`${HEAD}params:
  nodes: { type: list, default: [n1, n2], description: nodes }
steps:
  - { id: list, uses: test.list, with: { items: [x, y] } }
  - { id: over-params, uses: test.record, forEach: params.nodes, with: { name: "\${{ item }}" } }
  - { id: over-outputs, uses: test.record, needs: [list], forEach: steps.list.outputs.items, with: { name: "\${{ item }}" } }
`), registry);
    const nodes = staticInstances(graph, { nodes: ['n1', 'n2'] });
    const byId = Object.fromEntries(nodes.map((n) => [n.node.id, n]));
    expect(byId['over-params']!.kind).toBe('instances');
    expect(byId['over-params']!.kind === 'instances' && byId['over-params']!.instances.map((i) => i.key)).toEqual(['over-params[n1]', 'over-params[n2]']);
    expect(byId['over-outputs']!.kind).toBe('deferred');
  });
});

describe('batchesOf', () => {
  it('splits items into serial batches; no serial is one batch; nothing is no batch', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchesOf([1, 2, 3], 1)).toEqual([[1], [2], [3]]);
    expect(batchesOf([1, 2, 3], undefined)).toEqual([[1, 2, 3]]);
    expect(batchesOf([], 2)).toEqual([]);
  });
});

describe('order', () => {
  const graph = (edges: Record<string, string[]>) => ({ ids: Object.keys(edges), needs: (id: string) => edges[id] ?? [] });

  it('finds a cycle and returns its path', () => {
    expect(findCycle(graph({ a: ['c'], b: ['a'], c: ['b'], d: [] }))).toEqual(['a', 'c', 'b', 'a']);
    expect(findCycle(graph({ a: [], b: ['a'] }))).toBeUndefined();
  });

  it('topological order puts dependencies first', () => {
    expect(topologicalOrder(graph({ app: ['infra'], infra: ['crds'], crds: [] }))).toEqual(['crds', 'infra', 'app']);
  });

  it('ignores needs on unknown ids and breaks ties by file order', () => {
    expect(topologicalOrder(graph({ z: ['gone'], y: [], x: ['y', 'y'] }))).toEqual(['z', 'y', 'x']);
  });

  // A recursive depth-first visit overflowed the stack on long chains (and a rescan per pick
  // made the order quadratic): 50,000 steps, each needing the one after it in the file.
  it('orders and checks a 50,000-step chain without exhausting the stack', () => {
    const n = 50_000;
    const ids = Array.from({ length: n }, (_, i) => `s${i}`);
    const chain = { ids, needs: (id: string) => { const i = Number(id.slice(1)); return i + 1 < n ? [`s${i + 1}`] : []; } };
    expect(findCycle(chain)).toBeUndefined();
    const order = topologicalOrder(chain);
    expect(order[0]).toBe(`s${n - 1}`);
    expect(order[n - 1]).toBe('s0');
    expect(new Set(order).size).toBe(n);
    const cyclic = { ids, needs: (id: string) => (id === `s${n - 1}` ? ['s0'] : chain.needs(id)) };
    expect(findCycle(cyclic)).toHaveLength(n + 1);
  });
});
