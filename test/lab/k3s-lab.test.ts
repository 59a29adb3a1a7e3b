// The incident lab as kubectl shows its k3s Nodes: how old they are (the scenario's `age`, not
// the lab's start), the finalizers k3s puts on every Node, the etcd annotations of the servers,
// and a deletion that waits for k3s's controllers (real HTTP through kubectl).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { deadServerScenario } from '../support/k3s-scenarios.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'runbook-k3s-lab-'));
let lab: Lab;
const kubectl = async (...args: string[]) => (await run('kubectl', ['--kubeconfig', lab.kubeconfigPath, ...args])).stdout;
const DAY = 86_400_000;

beforeAll(async () => {
  lab = await startLab({ dir, scenario: 'incident-2025-08' });
  lab.settle();
});
afterAll(async () => {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('k3s Nodes in the incident lab', () => {
  it('are as old as the scenario says: the dead replica joined 157 days ago, not when the lab started', async () => {
    const created = await kubectl('get', 'node', 'k3s-replica-2', '-o', 'jsonpath={.metadata.creationTimestamp}');
    expect(Math.round((Date.now() - Date.parse(created)) / DAY)).toBe(157);
    expect(await kubectl('get', 'nodes', '--no-headers')).toMatch(/^k3s-replica-2 +NotReady +<none> +157d /m);
  });

  it('carry k3s finalizers; the servers carry the etcd member annotations of the lab etcd member list', async () => {
    const nodes = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as { items: { metadata: { name: string; finalizers?: string[]; annotations: Record<string, string> } }[] };
    for (const n of nodes.items) expect(n.metadata.finalizers, n.metadata.name).toEqual(['wrangler.cattle.io/node', 'wrangler.cattle.io/managed-etcd-controller']);
    const annotated = nodes.items.filter((n) => n.metadata.annotations['etcd.k3s.cattle.io/node-name']).map((n) => [n.metadata.annotations['etcd.k3s.cattle.io/node-name'], n.metadata.annotations['etcd.k3s.cattle.io/node-address']]);
    expect(annotated).toEqual(lab.etcd!.members.list().map((m) => [m.name, m.address]));
    expect(annotated.map(([name]) => name)).toEqual([expect.stringMatching(/^k3s-server-0-[0-9a-f]{8}$/), expect.stringMatching(/^k3s-server-1-/), expect.stringMatching(/^k3s-server-2-/)]);
  });

  it('kubectl delete node returns while the Node is Terminating; k3s removes its node-password secret and hosts entry, then the Node goes', async () => {
    await kubectl('delete', 'node', 'k3s-replica-2', '--wait=false');
    expect(await kubectl('get', 'node', 'k3s-replica-2', '-o', 'jsonpath={.metadata.deletionTimestamp}')).not.toBe('');
    // kubectl's own wait: a watch until the Node is gone (bounded)
    await kubectl('wait', '--for=delete', 'node/k3s-replica-2', '--timeout=20s');
    await expect(kubectl('get', 'secret', '-n', 'kube-system', 'k3s-replica-2.node-password.k3s')).rejects.toThrow(/NotFound/);
    expect(await kubectl('get', 'configmap', '-n', 'kube-system', 'coredns', '-o', 'jsonpath={.data.NodeHosts}')).not.toContain('k3s-replica-2');
  });
});

describe('the lab etcd member list', () => {
  it('is lab state, kept across restarts: a member k3s could not remove outlives its Node when the finalizer is removed by hand', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-k3s-etcd-'));
    try {
      writeFileSync(join(root, 'scenario.yaml'), deadServerScenario(false)); // k3s never annotated k3s-server-2's member
      let l = await startLab({ dir: join(root, 'lab'), scenario: join(root, 'scenario.yaml') });
      l.settle();
      const kc = ['--kubeconfig', l.kubeconfigPath];
      await run('kubectl', [...kc, 'delete', 'node', 'k3s-server-2', '--wait=false']);
      // what people do with a Node stuck Terminating: drop its finalizers; its etcd member stays behind
      await run('kubectl', [...kc, 'patch', 'node', 'k3s-server-2', '--type', 'merge', '-p', '{"metadata":{"finalizers":null}}']);
      await run('kubectl', [...kc, 'wait', '--for=delete', 'node/k3s-server-2', '--timeout=20s']);
      const stale = ['k3s-server-0', 'k3s-server-1', 'k3s-server-2'];
      expect(l.etcd!.members.list().map((m) => m.node)).toEqual(stale);
      await l.stop();
      l = await startLab({ dir: join(root, 'lab') });
      expect(l.etcd!.members.list().map((m) => m.node)).toEqual(stale);
      await l.stop();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
