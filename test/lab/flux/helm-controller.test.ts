// The lab's helm-controller against the incident's stuck MetalLB release, driven through the
// store the way `flux reconcile hr` and a values change reach it (annotations, spec).
import { describe, expect, it } from 'vitest';
import { syncAll } from '../../../src/lab/kubelet/controllers.js';
import { events } from '../controllers/harness.js';
import { annotate, cond, FIXED_VALUES, HR, LIVE_NODES, metallb, run, scenarioHarness, speakers, status } from './fixture.js';

const T1 = '2025-08-14T10:05:00.000Z';
const T2 = '2025-08-14T10:06:00.000Z';
const PRIORITY = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'infrastructure-priority' }, value: 1_000_000 };

describe('helm-controller (lab)', () => {
  it('leaves a release out of retries failed on a plain requestedAt, recording the request as handled', () => {
    const h = scenarioHarness('incident-2025-08');
    const before = structuredClone(status(metallb(h)).history);
    annotate(h, metallb(h), { 'reconcile.fluxcd.io/requestedAt': T1 });
    syncAll(h.ctx);
    const hr = metallb(h);
    expect(status(hr).lastHandledReconcileAt).toBe(T1);
    expect(cond(hr, 'Ready')?.status).toBe('False');
    expect(cond(hr, 'Stalled')).toMatchObject({ status: 'True', reason: 'RetriesExceeded', message: 'Failed to upgrade after 4 attempt(s)' });
    expect(status(hr).history).toEqual(before);
    expect(status(hr).upgradeFailures).toBe(4);
    expect(events(h.store, 'UpgradeFailed').map((e) => e.count ?? 1)).toEqual([1]);
  });

  it('retries after resetAt, fails each attempt on the reserved PriorityClass, rolls back between attempts and stalls again after 4', () => {
    const h = scenarioHarness('incident-2025-08');
    annotate(h, metallb(h), { 'reconcile.fluxcd.io/requestedAt': T1, 'reconcile.fluxcd.io/resetAt': T1 });
    syncAll(h.ctx);
    const hr = metallb(h);
    expect(status(hr)).toMatchObject({ lastHandledReconcileAt: T1, lastHandledResetAt: T1, upgradeFailures: 4, failures: 4 });
    const released = cond(hr, 'Released');
    expect(released?.reason).toBe('UpgradeFailed');
    expect(released?.message).toBe("Helm upgrade failed for release metallb-system/metallb with chart metallb@0.14.8: PriorityClass.scheduling.k8s.io \"system-infrastructure\" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-infrastructure is not a known system priority class");
    // the last failure is remediated too (remediateLastFailure defaults to true with retries > 0)
    expect(cond(hr, 'Ready')).toMatchObject({ status: 'False', reason: 'RollbackSucceeded' });
    expect(cond(hr, 'Stalled')).toMatchObject({ status: 'True', reason: 'RetriesExceeded', message: 'Failed to upgrade after 4 attempt(s)' });
    expect(cond(hr, 'Reconciling')).toBeUndefined();
    const warnings = events(h.store, 'UpgradeFailed').filter((e) => String(e.message).includes('PriorityClass'));
    expect(warnings.map((e) => e.count)).toEqual([4]);
    expect(events(h.store, 'RollbackSucceeded').length).toBeGreaterThan(0);
    expect((status(hr).history as unknown[]).length).toBeLessThanOrEqual(5);
    // the speakers were not touched
    expect(speakers(h, LIVE_NODES).every((s) => s.frrLimit === undefined)).toBe(true);
  });

  it('fails the upgrade with the apiserver\'s answer while the named PriorityClass does not exist, and on Helm\'s wait while FRR has no memory limit', () => {
    const h = scenarioHarness('incident-2025-08');
    annotate(h, metallb(h), { 'reconcile.fluxcd.io/requestedAt': T1, 'reconcile.fluxcd.io/forceAt': T1 }, FIXED_VALUES);
    syncAll(h.ctx);
    expect(cond(metallb(h), 'Released')?.message).toBe('Helm upgrade failed for release metallb-system/metallb with chart metallb@0.14.8: pods "speaker-" is forbidden: no PriorityClass with name infrastructure-priority was found');
    h.store.create(PRIORITY);
    const noFrrLimit = { speaker: { ...FIXED_VALUES.speaker, frr: { enabled: true } } };
    annotate(h, metallb(h), { 'reconcile.fluxcd.io/requestedAt': T2, 'reconcile.fluxcd.io/forceAt': T2 }, noFrrLimit);
    syncAll(h.ctx);
    expect(cond(metallb(h), 'Released')?.message).toBe("Helm upgrade failed for release metallb-system/metallb with chart metallb@0.14.8: timeout waiting for: [DaemonSet/metallb-system/speaker status: 'InProgress']");
    expect(cond(metallb(h), 'Stalled')?.reason).toBe('RetriesExceeded');
  });

  it('upgrades once the values carry the FRR limits and forceAt/resetAt are handled: Ready, Stalled gone, speakers rolled and no longer OOM-killed', () => {
    const h = scenarioHarness('incident-2025-08');
    h.store.create(PRIORITY);
    const oomBefore = events(h.store, 'SystemOOM').map((e) => [e.metadata.name, e.count]);
    annotate(h, metallb(h), { 'reconcile.fluxcd.io/requestedAt': T1, 'reconcile.fluxcd.io/forceAt': T1, 'reconcile.fluxcd.io/resetAt': T1 }, FIXED_VALUES);
    syncAll(h.ctx);
    const hr = metallb(h);
    expect(cond(hr, 'Ready')).toMatchObject({ status: 'True', reason: 'UpgradeSucceeded', message: 'Helm upgrade succeeded for release metallb-system/metallb.v5 with chart metallb@0.14.8' });
    expect(cond(hr, 'Released')).toMatchObject({ status: 'True', reason: 'UpgradeSucceeded' });
    expect(cond(hr, 'Stalled')).toBeUndefined();
    expect(status(hr)).toMatchObject({ observedGeneration: 2, lastHandledReconcileAt: T1, lastHandledForceAt: T1, lastHandledResetAt: T1, failures: 0, upgradeFailures: 0, lastAttemptedGeneration: 2 });
    expect((status(hr).history as { version: number; status: string }[]).slice(0, 2).map((s) => `v${s.version}:${s.status}`)).toEqual(['v5:deployed', 'v4:superseded']);
    expect(events(h.store, 'UpgradeSucceeded')[0]).toMatchObject({ type: 'Normal', source: { component: 'helm-controller' } });
    // the DaemonSet template carries the values; every live node runs a new speaker with them
    const ds = h.store.get('apps/v1', 'DaemonSet', 'speaker', 'metallb-system')!;
    const tmpl = (ds.spec as { template: { spec: { priorityClassName?: string; containers: { name: string; resources?: unknown }[] } } }).template.spec;
    expect(tmpl.priorityClassName).toBe('infrastructure-priority');
    expect(tmpl.containers.find((c) => c.name === 'frr')?.resources).toEqual({ limits: { cpu: '200m', memory: '128Mi' } });
    run(h, 60, 5);
    const pods = speakers(h, LIVE_NODES);
    expect(pods.map((p) => p.node).sort()).toEqual([...LIVE_NODES].sort());
    for (const p of pods) {
      expect(p.frrLimit).toBe('128Mi');
      expect(p.containers.every((c) => c.ready && c.restartCount === 0 && c.state.running)).toBe(true);
    }
    // the kernel OOM killer stopped: no SystemOOM event grew
    expect(events(h.store, 'SystemOOM').map((e) => [e.metadata.name, e.count])).toEqual(oomBefore);
    // the dead node's speaker is left as its kubelet last reported it
    expect(speakers(h, ['k3s-replica-2'])[0]?.frrLimit).toBeUndefined();
  });

  it('counts a values change as a new attempt: failures reset by the generation change alone', () => {
    const h = scenarioHarness('incident-2025-08');
    h.store.create(PRIORITY);
    h.store.mutate(HR.apiVersion, HR.kind, 'metallb', 'metallb-system', (o) => {
      (o.spec as Record<string, unknown>).values = FIXED_VALUES;
    });
    syncAll(h.ctx);
    expect(cond(metallb(h), 'Ready')?.reason).toBe('UpgradeSucceeded');
    expect(status(metallb(h)).lastHandledReconcileAt).toBeUndefined();
  });

  it('with the default remediation (retries 0) a failed upgrade stalls after one attempt without a rollback', () => {
    const h = scenarioHarness('incident-2025-08');
    h.store.mutate(HR.apiVersion, HR.kind, 'metallb', 'metallb-system', (o) => {
      delete (o.spec as Record<string, unknown>).upgrade;
    });
    syncAll(h.ctx);
    const hr = metallb(h);
    expect(cond(hr, 'Stalled')).toMatchObject({ reason: 'RetriesExceeded', message: 'Failed to upgrade after 1 attempt(s)' });
    expect(cond(hr, 'Ready')).toMatchObject({ status: 'False', reason: 'UpgradeFailed' });
    expect(events(h.store, 'RollbackSucceeded')).toEqual([]);
  });

  it('leaves the healthy scenario\'s Ready release alone, and a forced upgrade of it stays Ready', () => {
    const h = scenarioHarness('healthy');
    const rv = metallb(h).metadata.resourceVersion;
    run(h, 120, 10);
    expect(metallb(h).metadata.resourceVersion).toBe(rv);
    annotate(h, metallb(h), { 'reconcile.fluxcd.io/requestedAt': T1, 'reconcile.fluxcd.io/forceAt': T1 });
    syncAll(h.ctx);
    expect(cond(metallb(h), 'Ready')).toMatchObject({ status: 'True', message: 'Helm upgrade succeeded for release metallb-system/metallb.v6 with chart metallb@0.14.8' });
    expect(h.store.list('v1', 'Event').filter((e) => e.type === 'Warning')).toEqual([]);
  });
});
