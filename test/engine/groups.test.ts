// Groups: a sequence of steps run once per item, rolling (drain, reconfigure, reboot, wait,
// uncordon node 1, then node 2). A failure undoes the failing item only.
import { beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { readJournal } from '../../src/engine/journal.js';
import { staticInstances } from '../../src/engine/static-instances.js';
import { compile } from '../../src/graph/compile.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { log, parse, registry, resetLog, run, tempDir } from './harness.js';

const HEAD = 'apiVersion: runbook.dev/v1\nname: t\ndescription: test\nparams:\n  nodes: { type: list, default: [n1, n2, n3], description: nodes }\n';

beforeEach(resetLog);

describe('groups', () => {
  it('run their steps in order for one item, then the next, with a gate between batches', async () => {
    const out = await run(`${HEAD}steps:
  - { id: before, uses: test.record, with: { name: before } }
  - id: roll
    needs: [before]
    forEach: params.nodes
    serial: 1
    gate: { uses: test.record, with: { name: gate } }
    steps:
      - { id: second, uses: test.record, needs: [first], with: { name: "\${{ steps.first.outputs.name }}-2" } }
      - { id: first, uses: test.record, with: { name: "\${{ item }}" } }
  - { id: after, uses: test.record, needs: [roll], with: { name: after } }
`);
    expect(out.status).toBe('succeeded');
    expect(log).toEqual(['+before', '+n1', '+n1-2', '+gate', '+n2', '+n2-2', '+gate', '+n3', '+n3-2', '+after']);
  });

  it('a failure inside an item undoes that item only and stops the rollout', async () => {
    const stateDir = tempDir();
    const out = await run(
      `${HEAD}steps:
  - id: roll
    forEach: params.nodes
    serial: 1
    steps:
      - { id: first, uses: test.record, with: { name: "\${{ item }}" } }
      - { id: boom, uses: test.fail, needs: [first], when: "item == 'n2'", with: { id: "\${{ item }}" } }
`,
      { stateDir },
    );
    expect(out.status).toBe('rolled-back');
    expect(out.exitCode).toBe(EXIT.stepFailed);
    expect(out.message).toContain('roll.boom[n2]');
    expect(log).toEqual(['+n1', '+n2', '-n2']);
    const records = await readJournal(stateDir, out.runId);
    expect(records.filter((r) => r.t === 'item-committed')).toEqual([expect.objectContaining({ key: 'roll[n1]', keys: ['roll.first[n1]'] })]);
  });

  it('over no items plans nothing, not even a step that reads a sibling\'s outputs', () => {
    const graph = compile(parse(`${HEAD}steps:
  - id: roll
    forEach: params.nodes
    steps:
      - { id: first, uses: test.record, with: { name: "\${{ item }}" } }
      - { id: second, uses: test.record, needs: [first], with: { name: "\${{ steps.first.outputs.name }}" } }
`), registry);
    expect(staticInstances(graph, { nodes: [] }).map((e) => [e.node.id, e.kind, e.kind === 'instances' ? e.instances.length : e.reason])).toEqual([
      ['roll.first', 'instances', 0],
      ['roll.second', 'instances', 0],
    ]);
  });

  it('validate: a group needs forEach, its steps may use item and their siblings, nothing else', () => {
    const { diagnostics } = parseRunbook(
      `${HEAD}steps:
  - id: roll
    steps:
      - { id: a, uses: test.record, with: { name: "\${{ item }}" } }
      - { id: b, uses: test.record, with: { name: "\${{ steps.a.outputs.name }}" } }
      - { id: c, uses: test.record, needs: [zz], with: { name: c } }
`,
      'g.yaml',
      registry,
    );
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      '8:5 group `roll` runs its steps once per item: it needs `forEach:`',
      '10:45 step `b` uses outputs of `a` without depending on it',
      '11:45 step `c` in group `roll` needs unknown step `zz`',
    ]);
  });
});
