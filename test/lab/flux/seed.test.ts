// What the incident scenario hands the Flux controllers and a diagnosis: the release's Helm
// history and counters, the Kustomization inventory, and the etcd instability evidence.
import { describe, expect, it } from 'vitest';
import { valuesDigest } from '../../../src/lab/flux/helm-values.js';
import { cond, ks, metallb, scenarioHarness, status } from './fixture.js';

describe('incident scenario: Flux state and etcd evidence', () => {
  it('seeds the stuck release as helm-controller leaves it: rolled back (v4) after the counted failure (v3), out of retries', () => {
    const h = scenarioHarness('incident-2025-08');
    const hr = metallb(h);
    const s = status(hr);
    expect((s.history as { version: number; status: string }[]).map((x) => `v${x.version}:${x.status}`)).toEqual(['v4:deployed', 'v3:superseded']);
    expect(s).toMatchObject({ failures: 4, upgradeFailures: 4, lastAttemptedGeneration: 1, lastAttemptedReleaseAction: 'upgrade', lastAttemptedConfigDigest: valuesDigest((hr.spec as { values: Record<string, unknown> }).values) });
    expect(cond(hr, 'Stalled')?.reason).toBe('RetriesExceeded');
    expect(status(ks(h, 'infra-controllers')).inventory).toEqual({ entries: [{ id: 'metallb-system_metallb_helm.toolkit.fluxcd.io_HelmRelease', v: 'v2' }] });
  });

  it('carries the etcd leader changes as events from 40 minutes before: the failed upgrade, a failed kube-system write, leader elections', () => {
    const h = scenarioHarness('incident-2025-08');
    const evs = h.store.list('v1', 'Event');
    const leader = evs.filter((e) => String(e.message).includes('etcdserver: leader changed'));
    expect(leader.map((e) => `${e.type} ${e.reason} ${(e.involvedObject as { kind: string }).kind}/${e.metadata.namespace}`).sort()).toEqual([
      'Warning FailedToUpdateEndpointSlices Service/kube-system',
      'Warning UpgradeFailed HelmRelease/metallb-system',
    ]);
    const elections = evs.filter((e) => e.reason === 'LeaderElection');
    expect(elections.map((e) => e.message)).toContain('k3s-server-2_b9e4a7c2-1d5f-4e8a-a3c6-7f0d2e9b4a15 became leader');
    for (const e of [...leader, ...elections]) expect(h.clock.now - Date.parse(String(e.lastTimestamp))).toBe(40 * 60_000);
  });
});
