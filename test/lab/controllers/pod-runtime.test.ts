import { describe, expect, it } from 'vitest';
import { syncNodeStatus } from '../../../src/lab/kubelet/node-status.js';
import { syncPodRuntime } from '../../../src/lab/kubelet/pod-runtime.js';
import type { KubeObject } from '../../../src/lab/kubelet/types.js';
import { events, harness, node, pod, type Harness } from './harness.js';

interface Cs { name: string; ready: boolean; restartCount: number; state: Record<string, { reason?: string; message?: string }>; lastState?: { terminated?: { reason: string; exitCode: number } } }
const statusOf = (p: KubeObject | undefined, c: string) => ((p?.status as { containerStatuses?: Cs[] } | undefined)?.containerStatuses ?? []).find((s) => s.name === c);
const get = (h: Harness, name: string) => h.store.get('v1', 'Pod', name, 'metallb-system');

/** one node: 516Mi seen by the guest -> 416Mi allocatable, 250Mi used by k3s itself */
function smallNode(): Harness {
  const h = harness({ crashLoop: 10 });
  h.proxmox.add(111, 4096, 516);
  h.store.create(node('k3s-replica-0', 111, { systemMemory: '250Mi' }));
  h.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'metallb-system' } });
  syncNodeStatus(h.ctx);
  return h;
}

const speaker = (name: string, frr: { limit?: string; usage: string }) =>
  pod(name, [
    { name: 'speaker', limits: { memory: '64Mi' }, usage: '40Mi' },
    { name: 'frr', ...(frr.limit ? { limits: { memory: frr.limit } } : {}), usage: frr.usage, processes: ['zebra', 'bgpd', 'staticd'] },
  ], { namespace: 'metallb-system', nodeName: 'k3s-replica-0' });

describe('pod runtime (simulated kubelet)', () => {
  it('OOM-kills a container over its limit: OOMKilled/137, CrashLoopBackOff, one restart per crash-loop period, BackOff events', () => {
    const h = smallNode();
    h.store.create(speaker('speaker-a', { limit: '64Mi', usage: '90Mi' }));
    syncPodRuntime(h.ctx);
    let frr = statusOf(get(h, 'speaker-a'), 'frr')!;
    expect(frr.lastState?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(frr.state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(frr.ready).toBe(false);
    expect(frr.restartCount).toBe(1);
    expect(statusOf(get(h, 'speaker-a'), 'speaker')?.ready).toBe(true);
    h.advance(5);
    syncPodRuntime(h.ctx);
    expect(statusOf(get(h, 'speaker-a'), 'frr')!.restartCount).toBe(1);
    h.advance(5);
    syncPodRuntime(h.ctx);
    frr = statusOf(get(h, 'speaker-a'), 'frr')!;
    expect(frr.restartCount).toBe(2);
    // repeats aggregate into one Event with a count, as client-go's correlator does
    const backoffs = events(h.store, 'BackOff');
    expect(backoffs.map((e) => e.count)).toEqual([2]);
    expect(backoffs[0]?.message).toMatch(/^Back-off restarting failed container frr in pod speaker-a_metallb-system\(/);
    // a per-container OOM is the cgroup's, not the node's
    expect(events(h.store, 'SystemOOM')).toHaveLength(0);
  });

  it('on an overcommitted node the kernel OOM killer takes the biggest container without a limit, and the kubelet reports SystemOOM on the Node', () => {
    const h = smallNode();
    // 250Mi system + 40Mi speaker + 280Mi frr = 570Mi > 416Mi allocatable
    h.store.create(speaker('speaker-b', { usage: '280Mi' }));
    syncPodRuntime(h.ctx);
    expect(statusOf(get(h, 'speaker-b'), 'frr')?.lastState?.terminated?.reason).toBe('OOMKilled');
    expect(statusOf(get(h, 'speaker-b'), 'speaker')?.ready).toBe(true);
    const oom = events(h.store, 'SystemOOM');
    expect(oom).toHaveLength(1);
    expect(oom[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Node', name: 'k3s-replica-0' }, source: { component: 'kubelet' } });
    expect(oom[0]?.message).toMatch(/^System OOM encountered, victim process: bgpd, pid: \d+$/);
  });

  it('lets the crash-looping container run again once its node has the memory (ballooning off)', () => {
    const h = smallNode();
    h.store.create(speaker('speaker-c', { usage: '280Mi' }));
    syncPodRuntime(h.ctx);
    h.proxmox.set(111, { config: { memory: 2048, balloon: 0, cores: 2 } });
    syncNodeStatus(h.ctx);
    h.advance(10);
    syncPodRuntime(h.ctx);
    const frr = statusOf(get(h, 'speaker-c'), 'frr')!;
    expect(frr.state.running).toBeDefined();
    expect(frr.ready).toBe(true);
    expect(frr.lastState?.terminated?.reason).toBe('OOMKilled');
    h.advance(60);
    syncPodRuntime(h.ctx);
    expect(statusOf(get(h, 'speaker-c'), 'frr')!.restartCount).toBe(1);
  });

  it('restarts the running containers of a node whose VM rebooted (lastState Unknown/255), once', () => {
    const h = smallNode();
    h.store.create(speaker('speaker-e', { limit: '300Mi', usage: '20Mi' }));
    syncPodRuntime(h.ctx);
    expect(statusOf(get(h, 'speaker-e'), 'frr')!.restartCount).toBe(0);
    h.advance(60);
    h.proxmox.set(111, { uptimeStartedAt: h.clock.now });
    h.advance(5);
    syncPodRuntime(h.ctx);
    syncPodRuntime(h.ctx);
    const frr = statusOf(get(h, 'speaker-e'), 'frr')!;
    expect(frr.restartCount).toBe(1);
    expect(frr.lastState?.terminated).toMatchObject({ reason: 'Unknown', exitCode: 255 });
    expect(frr.state.running).toBeDefined();
  });

  it('leaves pods on a node that is not Ready exactly as they were', () => {
    const h = harness();
    h.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'metallb-system' } });
    h.store.create(node('k3s-replica-0', 113, { systemMemory: '250Mi', status: { conditions: [{ type: 'Ready', status: 'Unknown' }], allocatable: { memory: '100Mi' } } }));
    const created = h.store.create(speaker('speaker-d', { usage: '900Mi' }));
    expect(syncPodRuntime(h.ctx)).toBe(false);
    expect(get(h, 'speaker-d')?.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });
});
