// fix-ballooning with exactly the ClusterRole `runbook rbac fix-ballooning` derives, on a real
// kube-apiserver v1.20 with RBAC, the incident's fix #1: two nodes whose VMs have 4 GiB but
// balloon down to 1 GiB get fixed memory, one at a time: drain, set memory with the balloon
// off and reboot in the Proxmox simulator, wait until the node is Ready with the new capacity,
// uncordon, then the health gate (control plane Ready) before the next node. The test plays the
// disruption controller (PDB status at seeding), the kubelet that confirms evicted pods gone,
// and each node's kubelet across its reboot (NotReady while down, Ready with 4 GiB after).
// Every rule: the derived role is exactly what the run used (audit log) plus rollback-only
// rules, and each used pair taken away alone makes the run fail with the apiserver's forbidden.
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { parseQuantity } from '../../src/kube-quantity.js';
import { DRAIN_NAMESPACE, prepareDrainNamespace, seedDrainableNode } from '../support/real-apiserver/drainable-node.js';
import { playNodeKubelet } from '../support/real-apiserver/node-kubelet.js';
import { playPodTerminator } from '../support/real-apiserver/pod-terminator.js';
import { seedReadyNode, SERVER_LABELS } from '../support/real-apiserver/nodes.js';
import { useProofCluster } from '../support/real-apiserver/proof-cluster.js';
import type { ProxmoxSim } from '../support/real-apiserver/proxmox-sim.js';
import { expectUsedExactly, itProvesEveryRule, runGranted } from '../support/real-apiserver/every-rule.js';

/** What the successful run used, and the exit code when that one pair is taken away. */
const USED: Record<string, number> = {
  // The drain's own preflight does not run per item of a forEach: these fail in the step.
  'get nodes': EXIT.stepFailed,
  'list pods': EXIT.stepFailed,
  'patch nodes': EXIT.stepFailed,
  'list nodes': EXIT.stepFailed, // the gate between the two nodes
  'get leases.coordination.k8s.io': EXIT.stepFailed,
  'create leases.coordination.k8s.io': EXIT.stepFailed,
  'patch leases.coordination.k8s.io': EXIT.stepFailed,
  'get pods': EXIT.stepFailed,
  'create pods/eviction': EXIT.stepFailed,
  'create events': EXIT.ok, // best effort: refused, the run only warns (every-rule.ts)
  'watch pods': EXIT.stepFailed,
  'watch nodes': EXIT.stepFailed,
};
/** Granted for the rollback or failure handling only: the successful run never needs them. */
const ROLLBACK_ONLY: Record<string, string> = {
  'list poddisruptionbudgets.policy': 'naming the PodDisruptionBudget that blocks a refused (429) eviction; drain-node and reboot-node also read them in their preflight',
};

const RUNS = 2 + Object.keys(USED).length;
const BALLOONED_MIB = 1024;
const FIXED_MIB = 4096;
const nodesOf = (i: number) => [`bal-${i}-a`, `bal-${i}-b`];

let pve: ProxmoxSim;
const c = useProofCluster('balloon', RUNS, async ({ admin, auditLog, users, onStop, startProxmox }) => {
  await prepareDrainNamespace(admin);
  // The gate between nodes wants a Ready control-plane node.
  await seedReadyNode(admin, 'server-0', { labels: SERVER_LABELS, memoryMiB: FIXED_MIB });
  // Two VMs per run, 4 GiB ballooning down to 1 GiB; one big host so every size fits.
  const vms = Array.from({ length: RUNS }, (_, i) => nodesOf(i).map((name, j) => ({ vmid: 1000 + 2 * i + j, name, node: 'pve1', memory: FIXED_MIB, balloon: BALLOONED_MIB }))).flat();
  pve = await startProxmox({ nodes: [{ name: 'pve1', memoryMiB: 1024 * 1024 }], vms, rebootSeconds: 1 });
  onStop(playPodTerminator(admin, DRAIN_NAMESPACE, auditLog, users));
  onStop(playNodeKubelet(admin, pve.state, auditLog, users));
});

async function fixAs(drop?: string) {
  const { i, user } = c.nextRun();
  const nodes = nodesOf(i);
  for (const node of nodes) await seedDrainableNode(c.admin, node, BALLOONED_MIB);
  const r = await runGranted(c, { runbook: 'fix-ballooning', user, drop, args: ['--nodes', nodes.join(','), '--memory', String(FIXED_MIB), '--yes', '--drain-timeout', '20s', '--ready-timeout', '30s'], env: { PROXMOX_ENV_FILE: pve.envFile }, timeoutMs: 90_000 });
  return { r, user: user.user, nodes };
}

describe('fix-ballooning with exactly the permissions `runbook rbac` derives (real kube-apiserver, RBAC)', () => {
  it('fixes both nodes one at a time: Ready with 4 GiB, ballooning off, uncordoned; the audit log shows what it used', async () => {
    const { r, user, nodes } = await fixAs();
    expect(r.stdout.slice(-600)).toMatch(/succeeded/);
    expect(r.code).toBe(0);
    for (const node of nodes) {
      const n = (await c.admin.call('GET', `/api/v1/nodes/${node}`)).body;
      expect(n.spec.unschedulable ?? false).toBe(false);
      expect(parseQuantity(n.status.capacity.memory) / 2 ** 20).toBe(FIXED_MIB);
      const vm = pve.state.vms().find((v) => v.name === node)!;
      expect([vm.config.memory, vm.config.balloon]).toEqual([FIXED_MIB, 0]);
    }
    await expectUsedExactly(c.auditLog, user, USED);
  }, 90_000);

  itProvesEveryRule({
    runbook: 'fix-ballooning',
    used: USED,
    rollbackOnly: ROLLBACK_ONLY,
    run: fixAs,
    timeoutMs: 90_000,
  });
});
