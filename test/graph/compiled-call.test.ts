// Expressions are parsed once, into the graph: `when`, `forEach`, `with` (its shell text
// rewritten into variables) and `confirm` are compiled nodes that every phase renders in its
// own scope.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/graph/compile.js';
import { compileTemplate, render } from '../../src/runbook/expressions.js';
import { parse, registry } from '../engine/harness.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { registry as stepRegistry } from '../steps/fixture.js';

const HEAD = 'apiVersion: runbook.dev/v1\nname: t\ndescription: test\n';

describe('compiled expressions in the graph', () => {
  it('a node carries its parsed when, forEach, with and confirm; rendering needs no text', () => {
    const graph = compile(parse(`${HEAD}params:
  nodes: { type: list, default: [n1, n2], description: nodes }
  go: { type: bool, default: true, description: go }
steps:
  - id: each
    uses: test.record
    forEach: params.nodes
    when: \${{ params.go }}
    confirm: "record \${{ item }}?"
    with: { name: "node-\${{ item }}" }
`), registry);
    const node = graph.nodes.get('each')!;
    expect(node.when).toMatchObject({ kind: 'member' });
    expect(node.forEach).toMatchObject({ kind: 'member' });
    const scope = { params: { nodes: ['n1', 'n2'], go: true }, steps: {}, item: 'n2' };
    expect(render(node.call.with, scope)).toEqual({ name: 'node-n2' });
    expect(render(node.confirm!, scope)).toBe('record n2?');
    expect(render(node.call.with, { ...scope, item: 'n1' })).toEqual({ name: 'node-n1' });
  });

  it('shell text is rewritten once; its variables keep their parsed expressions', () => {
    const { runbook } = parseRunbook(`apiVersion: runbook.dev/v1\nname: t\ndescription: t\nparams:\n  msg: { type: string, description: m, default: hi }\nsteps:\n  - { id: sh, uses: core.shell, with: { run: 'echo \${{ params.msg }}', observeOnly: true } }\n`, 't.yaml', stepRegistry);
    const node = compile(runbook!, stepRegistry).nodes.get('sh')!;
    expect(render(node.call.with, { params: { msg: 'x; y' }, steps: {} })).toEqual({ run: 'echo "${RUNBOOK_EXPR_1}"', observeOnly: true });
    expect(node.call.env.map(([name]) => name)).toEqual(['RUNBOOK_EXPR_1']);
  });

  it('render keeps a whole template\'s type and joins text, as interpolate always did', () => {
    const t = compileTemplate({ n: '${{ params.n }}', s: 'a-${{ params.n }}-b', l: ['${{ params.xs }}', 'plain'], k: 3 });
    expect(render(t, { params: { n: 2, xs: ['p', 'q'] } })).toEqual({ n: 2, s: 'a-2-b', l: [['p', 'q'], 'plain'], k: 3 });
  });
});
