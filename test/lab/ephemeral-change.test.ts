// What the lab does not save to disk: heartbeats and node leases (the kubelets post them again),
// so an idle 500-node lab stops rewriting its 30 MB state every 2 seconds. Everything else is saved.
import { describe, expect, it } from 'vitest';
import { isEphemeralChange } from '../../src/lab/ephemeral-change.js';
import type { KubeObject } from '../../src/lab/kube/store.js';

const node = (beat: string, memory = '2Gi', ready = 'True'): KubeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', resourceVersion: beat },
  status: { capacity: { memory }, conditions: [{ type: 'Ready', status: ready, lastHeartbeatTime: beat, lastTransitionTime: '2026-01-01T00:00:00Z' }] },
});
const lease = (namespace: string): KubeObject => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'x', namespace } });

describe('isEphemeralChange', () => {
  it('a heartbeat alone and a node lease renewal are not saved', () => {
    expect(isEphemeralChange({ type: 'MODIFIED', object: node('2026-01-01T00:00:10Z'), oldObject: node('2026-01-01T00:00:00Z') })).toBe(true);
    expect(isEphemeralChange({ type: 'MODIFIED', object: lease('kube-node-lease') })).toBe(true);
  });

  it('anything else is saved: a capacity or readiness change, a new node, the run lock', () => {
    expect(isEphemeralChange({ type: 'MODIFIED', object: node('2026-01-01T00:00:10Z', '4Gi'), oldObject: node('2026-01-01T00:00:00Z') })).toBe(false);
    expect(isEphemeralChange({ type: 'MODIFIED', object: node('2026-01-01T00:00:10Z', '2Gi', 'Unknown'), oldObject: node('2026-01-01T00:00:00Z') })).toBe(false);
    expect(isEphemeralChange({ type: 'ADDED', object: node('2026-01-01T00:00:00Z') })).toBe(false);
    expect(isEphemeralChange({ type: 'MODIFIED', object: lease('kube-system') })).toBe(false);
  });
});
