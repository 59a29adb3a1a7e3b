// Least privilege, proven on a real kube-apiserver with RBAC: purge-dead-node runs with only
// the ClusterRole `runbook rbac` derives for it, against a seeded dead node with a local-path
// volume stuck on its protection finalizer (the incident's situation: no controller runs
// here, so finalizers are never removed for us). The Node carries k3s's wrangler.cattle.io/node
// finalizer: the test plays k3s's node controller, which removes the node-password secret and
// then lets the Node go (playK3sNodeController). The audit log of that run says which
// (verb, resource) pairs it used; the derived role must be exactly those plus the rollback-only
// ones below. Take any one used pair away and the run is refused with the apiserver's own
// "forbidden" naming the verb and resource (and what it did is rolled back).
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { deadNodeObjects, playK3sNodeController, playScheduler, prepareDeadNodeNamespace, seedDeadNode } from '../support/real-apiserver/dead-node.js';
import { useProofCluster } from '../support/real-apiserver/proof-cluster.js';
import type { ProxmoxSim } from '../support/real-apiserver/proxmox-sim.js';
import { expectUsedExactly, itProvesEveryRule, runGranted } from '../support/real-apiserver/every-rule.js';

/** What the successful run used, and the exit code when that one pair is taken away. */
const USED: Record<string, number> = {
  'get nodes': EXIT.preflightFailed, // the preflight reads the node first
  'list nodes': EXIT.preflightFailed, // the preflight's control-plane / etcd quorum check
  'get leases.coordination.k8s.io': EXIT.stepFailed, // the run lock, before the first change
  'create leases.coordination.k8s.io': EXIT.stepFailed,
  'patch leases.coordination.k8s.io': EXIT.stepFailed,
  'list pods': EXIT.stepFailed,
  'get pods': EXIT.stepFailed, // the final wait: past the point of no return, the rollback keeps everything
  'delete pods': EXIT.stepFailed,
  'list persistentvolumeclaims': EXIT.stepFailed,
  'get persistentvolumeclaims': EXIT.rollbackIncomplete, // re-read before clearing its finalizer, and by the restore
  'delete persistentvolumeclaims': EXIT.stepFailed,
  'patch persistentvolumeclaims': EXIT.rollbackIncomplete,
  'list persistentvolumes': EXIT.stepFailed,
  'get persistentvolumes': EXIT.rollbackIncomplete,
  'delete persistentvolumes': EXIT.stepFailed,
  'patch persistentvolumes': EXIT.rollbackIncomplete,
  'get secrets': EXIT.stepFailed, // delete-node's verify: k3s removed the node-password secret (kept: past the point of no return)
  'delete nodes': EXIT.stepFailed, // refused before anything is past the point of no return: claim, volume and pod are restored
  'watch nodes': EXIT.stepFailed, // the wait until k3s lets the Node go (its deletion is kept)
  'create events': EXIT.ok, // best effort: refused, the run only warns (every-rule.ts)
  'watch pods': EXIT.stepFailed,
};

/** Granted for the rollback only: the successful run never needs them. */
const ROLLBACK_ONLY: Record<string, string> = {
  'create pods': 'restoring a deleted pod nobody owns',
  'create persistentvolumeclaims': 'restoring a deleted claim',
  'create persistentvolumes': 'restoring a deleted volume',
};

let pve: ProxmoxSim;
const c = useProofCluster('purge', 2 + Object.keys(USED).length, async ({ admin, auditLog, users, onStop, startProxmox }) => {
  await prepareDeadNodeNamespace(admin);
  // purge-dead-node also asks Proxmox whether the node's VM still runs: a simulator with none
  // (and --vm-gone below: not being listed is no evidence; the Proxmox proof covers that part).
  pve = await startProxmox({ nodes: [{ name: 'pve', memoryMiB: 8192 }], vms: [] });
  onStop(playScheduler(admin, auditLog, users));
  onStop(playK3sNodeController(admin, auditLog, users));
});

/** A fresh user and a fresh dead node, the derived role granted (less `drop`), then the run. */
async function purgeAs(drop?: string) {
  const { i, user } = c.nextRun();
  const node = `dead-${i}`;
  await seedDeadNode(c.admin, node);
  const r = await runGranted(c, { runbook: 'purge-dead-node', user, drop, args: ['--node', node, '--vm-gone', '--yes', '--schedule-timeout', '30s'], env: { PROXMOX_ENV_FILE: pve.envFile } });
  return { r, user: user.user, node, objects: deadNodeObjects(node) };
}

describe('purge-dead-node with exactly the permissions `runbook rbac` derives (real kube-apiserver, RBAC)', () => {
  it('succeeds: the node, its pod, volume, claim and secret (removed by k3s, played) are gone, the waiting pod is scheduled; the audit log shows what it used', async () => {
    const { r, user, objects } = await purgeAs();
    expect(r.stdout.slice(-600)).toMatch(/succeeded: 4 step\(s\) applied/);
    expect(r.code).toBe(0);
    for (const gone of [objects.node, objects.pv, objects.pvc, objects.boundPod, objects.secret]) expect((await c.admin.call('GET', gone)).status, gone).toBe(404);
    expect((await c.admin.call('GET', objects.pendingPod)).body.spec.nodeName).toBe('live-1');
    await expectUsedExactly(c.auditLog, user, USED);
  }, 60_000);

  itProvesEveryRule({
    runbook: 'purge-dead-node',
    used: USED,
    rollbackOnly: ROLLBACK_ONLY,
    run: purgeAs,
    async afterRefusal(pair, { r, objects }) {
      if (pair !== 'delete persistentvolumes') return;
      // The claim it had deleted before the refusal is back; the node was never touched.
      expect(r.stdout).toMatch(/Rolled back/);
      expect((await c.admin.call('GET', objects.pvc)).status).toBe(200);
      expect((await c.admin.call('GET', objects.node)).status).toBe(200);
    },
  });
});
