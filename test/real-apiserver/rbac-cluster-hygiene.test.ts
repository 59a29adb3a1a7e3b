// cluster-hygiene (report mode, the unattended check) with exactly the ClusterRole
// `runbook rbac cluster-hygiene` derives, on a real kube-apiserver v1.20 with RBAC and the Flux
// CRDs, and the Proxmox simulator: a healthy one-server cluster (VM with fixed memory) gives a
// clean report. Every rule: the derived role is exactly what the run used (audit log), and each
// used pair is taken away alone: the run lock's are refused with the apiserver's forbidden; a
// refused list makes the check fail with a warning quoting it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { bootstrapLikeLab } from '../support/real-apiserver/bootstrap.js';
import { forbiddenPattern } from '../support/real-apiserver/derived-rules.js';
import { seedReadyNode, SERVER_LABELS } from '../support/real-apiserver/nodes.js';
import { useProofCluster } from '../support/real-apiserver/proof-cluster.js';
import type { ProxmoxSim } from '../support/real-apiserver/proxmox-sim.js';
import { expectUsedExactly, itProvesEveryRule, runGranted } from '../support/real-apiserver/every-rule.js';
import { parseUse } from '../support/real-apiserver/rule-proof.js';

/** The diagnosis reads one list per resource type: the kind each list is of. */
const LISTS: Record<string, string> = {
  'list nodes': 'Node',
  'list pods': 'Pod',
  'list persistentvolumes': 'PersistentVolume',
  'list persistentvolumeclaims': 'PersistentVolumeClaim',
  'list events': 'Event',
  'list priorityclasses.scheduling.k8s.io': 'PriorityClass',
  'list helmreleases.helm.toolkit.fluxcd.io': 'HelmRelease',
  'list kustomizations.kustomize.toolkit.fluxcd.io': 'Kustomization',
};
/** The run lock: refused, the run fails with the apiserver's forbidden. */
const LOCK: Record<string, number> = {
  'get leases.coordination.k8s.io': EXIT.stepFailed,
  'create leases.coordination.k8s.io': EXIT.stepFailed,
  'patch leases.coordination.k8s.io': EXIT.stepFailed,
};
/** Refused, a list leaves its checks blind: a warning quoting the refusal, exit 6. */
const USED: Record<string, number> = { ...Object.fromEntries(Object.keys(LISTS).map((pair) => [pair, EXIT.findingsWarning])), ...LOCK };
const ROLLBACK_ONLY: Record<string, string> = {};

const RUNS = 2 + Object.keys(USED).length;
let pve: ProxmoxSim;
const c = useProofCluster('hygiene', RUNS, async ({ api, admin, startProxmox }) => {
  await bootstrapLikeLab(api); // the Flux CRDs, established
  // One healthy server: Ready, its VM with fixed memory (no balloon), the host far from full.
  await seedReadyNode(admin, 'server-0', { labels: SERVER_LABELS, memoryMiB: 4096 });
  pve = await startProxmox({ nodes: [{ name: 'pve1', memoryMiB: 65536 }], vms: [{ vmid: 100, name: 'server-0', node: 'pve1', memory: 4096, balloon: 0 }] });
});

async function hygieneAs(drop?: string) {
  const { i, user } = c.nextRun();
  const report = join(c.dir, `report-${i}.json`);
  const r = await runGranted(c, { runbook: 'cluster-hygiene', user, drop, args: ['--report-json', report, '--yes'], env: { PROXMOX_ENV_FILE: pve.envFile } });
  return { r, user: user.user, report };
}

describe('cluster-hygiene with exactly the permissions `runbook rbac` derives (real kube-apiserver, RBAC)', () => {
  it('a healthy cluster gives a clean report (exit 0); the audit log shows what it used', async () => {
    const { r, user, report } = await hygieneAs();
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ worst: null, findings: [] });
    await expectUsedExactly(c.auditLog, user, USED);
  }, 60_000);

  // A refused list does not stop the diagnosis, but it is a warning naming the server's refusal
  // (src/diagnose/checks/read-gaps.ts): the unattended check fails instead of passing blind.
  itProvesEveryRule({
    runbook: 'cluster-hygiene',
    used: USED,
    rollbackOnly: ROLLBACK_ONLY,
    run: hygieneAs,
    afterRefusal(pair, { user, report }) {
      if (!(pair in LISTS)) return;
      const json = JSON.parse(readFileSync(report, 'utf8')) as { worst: string; exitCode: number; findings: { severity: string; title: string }[] };
      expect(json).toMatchObject({ worst: 'warning', exitCode: EXIT.findingsWarning });
      expect(json.findings).toContainEqual(expect.objectContaining({ severity: 'warning', title: expect.stringMatching(forbiddenPattern(user, parseUse(pair))) }));
    },
  });
});
