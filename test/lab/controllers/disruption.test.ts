// The disruption controller's part, which the lab runs as a controller (not in the API server:
// a real server without kube-controller-manager leaves PDB status empty).
import { describe, expect, it } from 'vitest';
import { syncDisruption } from '../../../src/lab/kubelet/disruption.js';
import { harness } from './harness.js';

describe('disruption controller', () => {
  it('keeps PodDisruptionBudget status in step with its pods, and only when asked to run', () => {
    const { store, ctx } = harness();
    store.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'b', namespace: 'default' }, spec: { maxUnavailable: '50%', selector: { matchLabels: { app: 'a' } } } });
    const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    for (const n of ['1', '2', '3', '4']) store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n, namespace: 'default', labels: { app: 'a' } }, spec: {}, status: ready });
    // The store itself computes nothing.
    expect(store.get('policy/v1', 'PodDisruptionBudget', 'b', 'default')?.status).toBeUndefined();
    expect(syncDisruption(ctx)).toBe(true);
    expect(store.get('policy/v1', 'PodDisruptionBudget', 'b', 'default')?.status).toMatchObject({ expectedPods: 4, desiredHealthy: 2, currentHealthy: 4, disruptionsAllowed: 2, observedGeneration: 1 });
    expect(syncDisruption(ctx)).toBe(false);
    store.mutate('v1', 'Pod', '1', 'default', (p) => { p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] }; });
    syncDisruption(ctx);
    expect(store.get('policy/v1', 'PodDisruptionBudget', 'b', 'default')?.status).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 1 });
  });
});

describe('namespace controller', () => {
  it('empties a terminating namespace (pods gracefully, through their kubelet) and then removes it', async () => {
    const { syncAll } = await import('../../../src/lab/kubelet/controllers.js');
    const h = harness();
    h.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    h.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'team' } });
    h.store.delete('v1', 'Namespace', 'team');
    syncAll(h.ctx);
    expect(h.store.list('v1', 'ConfigMap', { namespace: 'team' })).toEqual([]);
    expect(h.store.get('v1', 'Namespace', 'team')).toBeUndefined();
  });
});
