// reboot-node with exactly the ClusterRole `runbook rbac reboot-node` derives, on a real
// kube-apiserver v1.20 with RBAC: drain (policy/v1beta1 eviction, PDB respected), reboot the VM
// in the Proxmox simulator, wait until the node is Ready again, uncordon. The test plays the
// disruption controller (PDB status at seeding), the kubelet that confirms evicted pods gone,
// and the node's kubelet across the reboot (NotReady while the VM is down, Ready after).
// Every rule: the derived role is exactly what the run used (audit log) plus rollback-only
// rules, and each used pair taken away alone makes the run fail with the apiserver's forbidden.
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { DRAIN_NAMESPACE, podPath, prepareDrainNamespace, seedDrainableNode } from '../support/real-apiserver/drainable-node.js';
import { playNodeKubelet } from '../support/real-apiserver/node-kubelet.js';
import { playPodTerminator } from '../support/real-apiserver/pod-terminator.js';
import { useProofCluster } from '../support/real-apiserver/proof-cluster.js';
import type { ProxmoxSim } from '../support/real-apiserver/proxmox-sim.js';
import { expectUsedExactly, itProvesEveryRule, runGranted } from '../support/real-apiserver/every-rule.js';

/** What the successful run used, and the exit code when that one pair is taken away. */
const USED: Record<string, number> = {
  'get nodes': EXIT.preflightFailed,
  'list pods': EXIT.preflightFailed,
  'list poddisruptionbudgets.policy': EXIT.preflightFailed,
  'patch nodes': EXIT.stepFailed,
  'get leases.coordination.k8s.io': EXIT.stepFailed,
  'create leases.coordination.k8s.io': EXIT.stepFailed,
  'patch leases.coordination.k8s.io': EXIT.stepFailed,
  'get pods': EXIT.stepFailed,
  'create pods/eviction': EXIT.stepFailed,
  'create events': EXIT.ok, // best effort: refused, the run only warns (every-rule.ts)
  'watch pods': EXIT.stepFailed,
  'watch nodes': EXIT.stepFailed,
};
const ROLLBACK_ONLY: Record<string, string> = {};

const RUNS = 2 + Object.keys(USED).length;
let pve: ProxmoxSim;
const c = useProofCluster('reboot', RUNS, async ({ admin, auditLog, users, onStop, startProxmox }) => {
  await prepareDrainNamespace(admin);
  // One VM per run (node-<i>), so no run sees another's reboot.
  pve = await startProxmox({ nodes: [{ name: 'pve1', memoryMiB: 65536 }], vms: Array.from({ length: RUNS }, (_, i) => ({ vmid: 100 + i, name: `node-${i}`, node: 'pve1', memory: 2048 })), rebootSeconds: 1 });
  onStop(playPodTerminator(admin, DRAIN_NAMESPACE, auditLog, users));
  onStop(playNodeKubelet(admin, pve.state, auditLog, users));
});

async function rebootAs(drop?: string) {
  const { i, user } = c.nextRun();
  const node = `node-${i}`;
  const pods = await seedDrainableNode(c.admin, node);
  const r = await runGranted(c, { runbook: 'reboot-node', user, drop, args: ['--node', node, '--yes', '--drain-timeout', '20s', '--ready-timeout', '30s'], env: { PROXMOX_ENV_FILE: pve.envFile } });
  return { r, user: user.user, node, pods, vmid: 100 + i };
}

describe('reboot-node with exactly the permissions `runbook rbac` derives (real kube-apiserver, RBAC)', () => {
  it('drains, reboots the VM, waits Ready, uncordons; the audit log shows what it used', async () => {
    const { r, user, node, pods, vmid } = await rebootAs();
    expect(r.stdout.slice(-600)).toMatch(/succeeded: 4 step\(s\) applied/);
    expect(r.code).toBe(0);
    const n = (await c.admin.call('GET', `/api/v1/nodes/${node}`)).body;
    expect(n.spec.unschedulable ?? false).toBe(false);
    expect(n.status.conditions.find((cond: { type: string }) => cond.type === 'Ready').status).toBe('True');
    expect(pve.state.tasks().some((t) => t.type === 'qmreboot' && t.id === String(vmid) && t.exitstatus === 'OK')).toBe(true);
    expect((await c.admin.call('GET', podPath(pods.onNode))).status).toBe(404);
    await expectUsedExactly(c.auditLog, user, USED);
  }, 60_000);

  itProvesEveryRule({
    runbook: 'reboot-node',
    used: USED,
    rollbackOnly: ROLLBACK_ONLY,
    run: rebootAs,
  });
});
