// core.gate through the engine against the lab API server: as a step, and as the `gate:`
// between the serial batches of a forEach, where a failing gate stops the rollout.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AdapterProvider } from '../../src/engine/adapters.js';
import type { KubeReader } from '../../src/adapters/ports.js';
import { clusterHealth } from '../../steps/core/gate.js';
import { HEAD, adapters, outputsOf, run, startKubeLab } from './fixture.js';
import type { KubeLab } from './fixture.js';

let lab: KubeLab;
let provider: AdapterProvider;

function node(name: string, role: 'control-plane' | 'master' | 'worker', readyStatus: 'True' | 'False' | 'Unknown') {
  const labels: Record<string, string> = { 'kubernetes.io/hostname': name };
  if (role !== 'worker') labels[`node-role.kubernetes.io/${role}`] = 'true';
  lab.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: {}, status: { conditions: [{ type: 'Ready', status: readyStatus, reason: readyStatus === 'True' ? 'KubeletReady' : 'NodeStatusUnknown' }] } });
}

function setReady(name: string, status: 'True' | 'False') {
  lab.store.mutate('v1', 'Node', name, undefined, (n) => {
    n.status = { conditions: [{ type: 'Ready', status, reason: 'KubeletReady' }] };
  });
}

beforeAll(async () => {
  lab = await startKubeLab();
  provider = adapters({ kube: lab });
});
afterAll(async () => {
  await lab.stop();
});

const gate = (extra: string) => `${HEAD}steps:
  - { id: gate, uses: core.gate, with: { ${extra} } }
`;

describe('core.gate', () => {
  test('fails when the cluster has no control-plane node', async () => {
    const out = await run(gate('timeout: 300ms, interval: 100ms'), provider);
    expect(out.status).toBe('failed');
    expect(out.message).toContain('no control-plane node found');
  });

  test('passes when /readyz is ok and every control-plane node is Ready, whatever the workers', async () => {
    node('cp-1', 'control-plane', 'True');
    node('cp-2', 'master', 'True');
    node('worker-1', 'worker', 'Unknown');
    const out = await run(gate('timeout: 2s, interval: 100ms'), provider);
    expect(out.status).toBe('succeeded');
    expect(outputsOf(out, 'gate')).toEqual({ controlPlaneNodes: 2 });
  });

  test('requireAllNodesReady also waits for the workers and names those not Ready', async () => {
    const out = await run(gate('timeout: 400ms, interval: 100ms, requireAllNodesReady: true'), provider);
    expect(out.status).toBe('failed');
    expect(out.message).toContain('cluster not healthy after 400ms: not Ready: worker-1');
  });

  test('polls until a node comes back within the timeout', async () => {
    setReady('cp-2', 'False');
    setTimeout(() => setReady('cp-2', 'True'), 300);
    const out = await run(gate('timeout: 20s, interval: 100ms'), provider);
    expect(out.status).toBe('succeeded');
    expect(lab.store.get('v1', 'Node', 'cp-2')?.status).toMatchObject({ conditions: [{ status: 'True' }] });
  });

  test('as the gate of a rolling forEach: a control-plane node down after batch 1 stops the rollout', async () => {
    setReady('cp-1', 'False');
    const out = await run(`${HEAD}params:
  items: { type: list, default: [one, two, three], description: batches }
steps:
  - id: roll
    forEach: params.items
    serial: 1
    uses: k8s.wait-condition
    with: { kind: Node, name: cp-2, condition: Ready, timeout: 5s }
    gate: { uses: core.gate, with: { timeout: 300ms, interval: 100ms } }
`, provider);
    // The first item was applied, so the engine rolls it back (a wait has nothing to undo).
    expect(out.status).toBe('rolled-back');
    expect(out.message).toContain('gate after batch 1 of roll failed');
    expect(out.message).toContain('not Ready: cp-1');
    expect(out.journal.filter((r) => r.t === 'step-applied').map((r) => (r as { key: string }).key)).toHaveLength(1);
    setReady('cp-1', 'True');
  });
});

describe('clusterHealth (what the gate checks each poll)', () => {
  // The lab API server always answers /readyz ok; an unready or unreachable API server is a stub here.
  const stub = (ready: () => Promise<boolean>): KubeReader => ({
    ready,
    list: async () => { throw new Error('must not list nodes when /readyz fails'); },
    get: async () => undefined,
    waitFor: async () => undefined,
  });

  test('an API server whose /readyz fails or cannot be reached is unhealthy, nodes unread', async () => {
    expect(await clusterHealth(stub(async () => false), false)).toEqual({ ok: false, problems: ['API server /readyz is not ok'], controlPlane: 0 });
    expect((await clusterHealth(stub(async () => { throw new Error('ECONNREFUSED'); }), true)).problems).toEqual(['API server /readyz is not ok']);
  });
});
