// drain-node on a real kube-apiserver v1.20 with exactly the ClusterRole `runbook rbac` derives:
// that server serves PodDisruptionBudget and Eviction only as policy/v1beta1, so this proves the
// adapter's version fallback (as kubectl drain does it) and the derived permissions together.
// The test plays the two missing controllers: the disruption controller (PDB status, written
// when seeding) and the kubelet (a pod with a deletionTimestamp is confirmed gone).
// Then every rule: the derived role is exactly what the run used (audit log), and each used
// pair taken away alone makes it fail with the apiserver's own "forbidden".
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { DRAIN_NAMESPACE, podPath, prepareDrainNamespace, seedDrainableNode } from '../support/real-apiserver/drainable-node.js';
import { playPodTerminator } from '../support/real-apiserver/pod-terminator.js';
import { useProofCluster } from '../support/real-apiserver/proof-cluster.js';
import { expectUsedExactly, itProvesEveryRule, runGranted } from '../support/real-apiserver/every-rule.js';

/** What the successful run used, and the exit code when that one pair is taken away. */
const USED: Record<string, number> = {
  'get nodes': EXIT.preflightFailed, // the preflight: does the node exist, can it be drained
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
};
/** Granted for the rollback only. */
const ROLLBACK_ONLY: Record<string, string> = {};

const c = useProofCluster('drain', 2 + Object.keys(USED).length, async ({ admin, auditLog, users, onStop }) => {
  await prepareDrainNamespace(admin);
  onStop(playPodTerminator(admin, DRAIN_NAMESPACE, auditLog, users));
});

async function drainAs(drop?: string) {
  const { i, user } = c.nextRun();
  const node = `worker-${i}`;
  const pods = await seedDrainableNode(c.admin, node);
  const r = await runGranted(c, { runbook: 'drain-node', user, drop, args: ['--node', node, '--yes', '--timeout', '20s'] });
  return { r, user: user.user, node, pods };
}

describe('drain-node on a real kube-apiserver v1.20 (policy/v1beta1 only), least privilege', () => {
  it('cordons, evicts through the v1beta1 Eviction respecting the PDB, and waits until the pod is gone, with only the derived ClusterRole', async () => {
    const { r, user, node, pods } = await drainAs();
    expect(r.stdout.slice(-600)).toMatch(/succeeded: 2 step\(s\) applied/);
    expect(r.code).toBe(0);
    expect((await c.admin.call('GET', `/api/v1/nodes/${node}`)).body.spec.unschedulable).toBe(true);
    expect((await c.admin.call('GET', podPath(pods.onNode))).status).toBe(404);
    expect((await c.admin.call('GET', podPath(pods.elsewhere))).status).toBe(200);
    await expectUsedExactly(c.auditLog, user, USED);
  }, 60_000);

  itProvesEveryRule({
    runbook: 'drain-node',
    used: USED,
    rollbackOnly: ROLLBACK_ONLY,
    run: drainAs,
  });
});
