// unstick-metallb with exactly the ClusterRole `runbook rbac unstick-metallb` derives, on a real
// kube-apiserver v1.20 with RBAC and the Flux CRDs: the replacement PriorityClass is created,
// the HelmRelease gets memory limits and the new PriorityClass, is forced and reset out of
// RetriesExceeded, and the Kustomizations blocked behind it are reconciled in order. The test
// plays Flux's helm-controller and kustomize-controller (they answer each reconcile request).
// Every rule: the derived role is exactly what the run used (audit log) plus rollback-only
// rules, and each used pair taken away alone makes the run fail with the apiserver's forbidden.
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors.js';
import { bootstrapLikeLab } from '../support/real-apiserver/bootstrap.js';
import { playFluxControllers } from '../support/real-apiserver/flux-controllers.js';
import { useProofCluster } from '../support/real-apiserver/proof-cluster.js';
import { expectUsedExactly, itProvesEveryRule, runGranted } from '../support/real-apiserver/every-rule.js';
import { helmReleasePath, kustomizationPath, seedStuckMetallb } from '../support/real-apiserver/stuck-metallb.js';

const HR = 'helmreleases.helm.toolkit.fluxcd.io';
const KS = 'kustomizations.kustomize.toolkit.fluxcd.io';
const PC = 'priorityclasses.scheduling.k8s.io';

/** What the successful run used, and the exit code when that one pair is taken away. */
const USED: Record<string, number> = {
  'list events': EXIT.preflightFailed, // etcd quiet? (Warning events)
  [`get ${HR}`]: EXIT.preflightFailed,
  [`list ${KS}`]: EXIT.preflightFailed,
  [`get ${PC}`]: EXIT.stepFailed,
  [`create ${PC}`]: EXIT.stepFailed,
  [`patch ${HR}`]: EXIT.stepFailed,
  [`get ${KS}`]: EXIT.stepFailed,
  [`patch ${KS}`]: EXIT.stepFailed,
  'get leases.coordination.k8s.io': EXIT.stepFailed,
  'create leases.coordination.k8s.io': EXIT.stepFailed,
  'patch leases.coordination.k8s.io': EXIT.stepFailed,
  'create events': EXIT.ok, // best effort: refused, the run only warns (every-rule.ts)
  [`watch ${HR}`]: EXIT.stepFailed,
  [`watch ${KS}`]: EXIT.stepFailed,
};
/** Granted for the rollback only: the successful run never needs them. */
const ROLLBACK_ONLY: Record<string, string> = {
  [`delete ${PC}`]: 'removing the PriorityClass the run created',
};

const RUNS = 2 + Object.keys(USED).length;
const c = useProofCluster('metallb', RUNS, async ({ api, admin, auditLog, users, onStop }) => {
  await bootstrapLikeLab(api); // the Flux CRDs, established
  onStop(playFluxControllers(admin, auditLog, users));
});

async function unstickAs(drop?: string) {
  const { i, user } = c.nextRun();
  const ns = { release: `metallb-${i}`, flux: `flux-${i}`, priorityClass: `infrastructure-${i}` };
  await seedStuckMetallb(c.admin, ns.release, ns.flux);
  const r = await runGranted(c, { runbook: 'unstick-metallb', user, drop, args: ['--namespace', ns.release, '--flux-namespace', ns.flux, '--priority-class', ns.priorityClass, '--timeout', '30s', '--yes'] });
  return { r, user: user.user, ns };
}

const ready = (obj: { status?: { conditions?: { type: string; status: string }[] } }) => obj.status?.conditions?.find((cond) => cond.type === 'Ready')?.status;

describe('unstick-metallb with exactly the permissions `runbook rbac` derives (real kube-apiserver, RBAC)', () => {
  it('limits and PriorityClass set, release forced and reset, chain reconciled in order; the audit log shows what it used', async () => {
    const { r, user, ns } = await unstickAs();
    expect(r.stdout.slice(-600)).toMatch(/succeeded/);
    expect(r.code).toBe(0);
    expect((await c.admin.call('GET', `/apis/scheduling.k8s.io/v1/priorityclasses/${ns.priorityClass}`)).body.value).toBe(1_000_000);
    const hr = await c.admin.must('GET', helmReleasePath(ns.release));
    expect(hr.spec.values.speaker.priorityClassName).toBe(ns.priorityClass);
    expect(hr.spec.values.speaker.frr.resources.limits.memory).toBe('128Mi');
    expect(hr.metadata.annotations['reconcile.fluxcd.io/resetAt']).toBe(hr.metadata.annotations['reconcile.fluxcd.io/requestedAt']);
    expect(ready(hr)).toBe('True');
    for (const k of ['infra-controllers', 'apps']) expect(ready(await c.admin.must('GET', kustomizationPath(ns.flux, k)))).toBe('True');
    await expectUsedExactly(c.auditLog, user, USED);
  }, 60_000);

  itProvesEveryRule({
    runbook: 'unstick-metallb',
    used: USED,
    rollbackOnly: ROLLBACK_ONLY,
    run: unstickAs,
  });
});
