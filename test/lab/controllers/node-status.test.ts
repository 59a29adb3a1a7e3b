import { describe, expect, it } from 'vitest';
import { syncNodeStatus } from '../../../src/lab/kubelet/node-status.js';
import { condition, events, harness, node } from './harness.js';

describe('node-status controller', () => {
  it('reports the memory the guest sees (the balloon target) as capacity, allocatable minus the 100Mi eviction threshold', () => {
    const h = harness();
    h.proxmox.add(111, 4096, 516);
    h.store.create(node('k3s-replica-0', 111));
    syncNodeStatus(h.ctx);
    const n = h.store.get('v1', 'Node', 'k3s-replica-0')!;
    const status = n.status as { capacity: Record<string, string>; allocatable: Record<string, string> };
    expect(status.capacity.memory).toBe('516Mi');
    expect(status.allocatable.memory).toBe('416Mi');
    expect(status.capacity.cpu).toBe('2');
    expect(condition(n, 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    const lease = h.store.get('coordination.k8s.io/v1', 'Lease', 'k3s-replica-0', 'kube-node-lease');
    expect(lease?.spec).toMatchObject({ holderIdentity: 'k3s-replica-0', leaseDurationSeconds: 40 });
  });

  it('follows a balloon change: the node grows to the full configured memory', () => {
    const h = harness();
    h.proxmox.add(111, 4096, 516);
    h.store.create(node('n', 111));
    syncNodeStatus(h.ctx);
    h.proxmox.set(111, { config: { memory: 2048, balloon: 0, cores: 2 } });
    syncNodeStatus(h.ctx);
    expect((h.store.get('v1', 'Node', 'n')!.status as { capacity: { memory: string } }).capacity.memory).toBe('2048Mi');
  });

  it('keeps a stopped VM\'s node Ready during the grace period, then Unknown with both unreachable taints', () => {
    const h = harness({ grace: 40 });
    h.proxmox.add(101, 2048);
    h.store.create(node('k3s-server-0', 101));
    syncNodeStatus(h.ctx);
    h.proxmox.set(101, { status: 'stopped' });
    h.advance(30);
    syncNodeStatus(h.ctx);
    expect(condition(h.store.get('v1', 'Node', 'k3s-server-0'), 'Ready')?.status).toBe('True');
    h.advance(11);
    syncNodeStatus(h.ctx);
    const n = h.store.get('v1', 'Node', 'k3s-server-0')!;
    expect(condition(n, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(condition(n, 'MemoryPressure')?.status).toBe('Unknown');
    const taints = (n.spec as { taints: { key: string; effect: string; timeAdded?: string }[] }).taints;
    expect(taints.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    // Dated when the grace period ran out (last heartbeat 10:00:00 + 40 s), not when observed.
    expect(taints[1]?.timeAdded).toBe('2025-08-14T10:00:40Z');
    expect(condition(n, 'Ready')?.lastTransitionTime).toBe('2025-08-14T10:00:40Z');
  });

  it('marks a node whose VM was deleted Unknown, and a restarted VM Ready again without the unreachable taints but with the others', () => {
    const h = harness({ grace: 40 });
    h.proxmox.add(101, 2048, 0, 'stopped');
    h.store.create(node('a', 101));
    h.store.create(node('gone', 113, { status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2025-08-13T00:00:00Z' }] } }));
    h.store.mutate('v1', 'Node', 'a', undefined, (o) => {
      o.spec = { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] };
    });
    h.advance(60);
    syncNodeStatus(h.ctx);
    expect(condition(h.store.get('v1', 'Node', 'gone'), 'Ready')?.status).toBe('Unknown');
    expect(condition(h.store.get('v1', 'Node', 'a'), 'Ready')?.status).toBe('Unknown');
    h.proxmox.set(101, { status: 'running' });
    syncNodeStatus(h.ctx);
    const a = h.store.get('v1', 'Node', 'a')!;
    expect(condition(a, 'Ready')?.status).toBe('True');
    expect((a.spec as { taints: unknown[] }).taints).toEqual([{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }]);
  });

  it('reports a new bootID and a Rebooted warning when the VM was started again', () => {
    const h = harness();
    h.proxmox.add(101, 2048);
    h.store.create(node('a', 101));
    syncNodeStatus(h.ctx);
    const bootOf = () => (h.store.get('v1', 'Node', 'a')!.status as { nodeInfo: { bootID: string } }).nodeInfo.bootID;
    const first = bootOf();
    expect(events(h.store, 'NodeReady').map((e) => e.message)).toEqual(['Node a status is now: NodeReady']);
    h.advance(30);
    h.proxmox.set(101, { uptimeStartedAt: h.clock.now });
    syncNodeStatus(h.ctx);
    expect(bootOf()).not.toBe(first);
    expect(events(h.store, 'Rebooted').map((e) => e.message)).toEqual([`Node a has been rebooted, boot id: ${bootOf()}`]);
  });

  it('writes nothing between heartbeats, and renews heartbeat and lease once the period passed', () => {
    const h = harness({ grace: 40 });
    h.proxmox.add(101, 2048);
    h.store.create(node('a', 101));
    syncNodeStatus(h.ctx);
    const rv = h.store.get('v1', 'Node', 'a')!.metadata.resourceVersion;
    h.advance(5);
    expect(syncNodeStatus(h.ctx)).toBe(false);
    expect(h.store.get('v1', 'Node', 'a')!.metadata.resourceVersion).toBe(rv);
    h.advance(5);
    expect(syncNodeStatus(h.ctx)).toBe(true);
    expect(condition(h.store.get('v1', 'Node', 'a'), 'Ready')?.lastHeartbeatTime).toBe('2025-08-14T10:00:10Z');
    expect((h.store.get('coordination.k8s.io/v1', 'Lease', 'a', 'kube-node-lease')!.spec as { renewTime: string }).renewTime).toBe('2025-08-14T10:00:10.000000Z');
  });
});
