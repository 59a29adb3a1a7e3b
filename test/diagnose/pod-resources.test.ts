// The `kubectl describe node` arithmetic (k8s.io/kubectl/pkg/util/resource): containers summed,
// init containers max'ed, restartable sidecars added to both, overhead on requests always and
// on limits only where a limit exists, resized allocations, non-terminated pods only.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/adapters/ports.js';
import { formatBytes, nodeAllocation, podLimits, podRequests } from '../../src/diagnose/pod-resources.js';

const Mi = 2 ** 20;
type C = { name: string; req?: string; lim?: string; sidecar?: boolean };
const container = (c: C) => ({
  name: c.name,
  resources: { ...(c.req ? { requests: { memory: c.req } } : {}), ...(c.lim ? { limits: { memory: c.lim } } : {}) },
  ...(c.sidecar ? { restartPolicy: 'Always' } : {}),
});
function pod(name: string, containers: C[], init: C[] = [], extra: { overhead?: string; node?: string; phase?: string; statuses?: unknown[]; resize?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: extra.node ?? 'n1', containers: containers.map(container), initContainers: init.map(container), ...(extra.overhead ? { overhead: { memory: extra.overhead } } : {}) },
    status: { phase: extra.phase ?? 'Running', ...(extra.statuses ? { containerStatuses: extra.statuses } : {}), ...(extra.resize ? { resize: extra.resize } : {}) },
  };
}

describe('podRequests / podLimits', () => {
  it('sums the containers; a container without a limit adds nothing to limits', () => {
    const p = pod('p', [{ name: 'a', req: '100Mi', lim: '200Mi' }, { name: 'b', req: '50Mi' }]);
    expect(podRequests(p).memory).toBe(150 * Mi);
    expect(podLimits(p).memory).toBe(200 * Mi);
  });

  it('takes the largest init container when it exceeds the sum', () => {
    const p = pod('p', [{ name: 'a', req: '100Mi', lim: '100Mi' }], [{ name: 'i1', req: '300Mi', lim: '400Mi' }, { name: 'i2', req: '250Mi', lim: '500Mi' }]);
    expect(podRequests(p).memory).toBe(300 * Mi);
    expect(podLimits(p).memory).toBe(500 * Mi);
  });

  it('adds a sidecar (restartPolicy Always) to the sum and to every init container after it, not before', () => {
    const containers = [{ name: 'a', req: '100Mi', lim: '200Mi' }, { name: 'b', req: '50Mi' }];
    const before = pod('p', containers, [{ name: 'i1', req: '300Mi', lim: '400Mi' }, { name: 's1', req: '20Mi', lim: '30Mi', sidecar: true }, { name: 'i2', req: '250Mi', lim: '260Mi' }], { overhead: '10Mi' });
    // requests: max(150 + 20, 300, 20, 250 + 20) + overhead 10 = 310
    expect(podRequests(before).memory).toBe(310 * Mi);
    // limits: max(200 + 30, 400, 30, 260 + 30) + overhead 10 = 410
    expect(podLimits(before).memory).toBe(410 * Mi);
    const first = pod('p', containers, [{ name: 's1', req: '20Mi', lim: '30Mi', sidecar: true }, { name: 'i1', req: '300Mi', lim: '400Mi' }], { overhead: '10Mi' });
    // i1 now runs beside s1: 300 + 20 and 400 + 30
    expect(podRequests(first).memory).toBe(330 * Mi);
    expect(podLimits(first).memory).toBe(440 * Mi);
  });

  it('a sidecar alone outweighs small containers: it is added, not max-ed', () => {
    const p = pod('p', [{ name: 'a', req: '10Mi', lim: '10Mi' }], [{ name: 's', req: '64Mi', lim: '64Mi', sidecar: true }]);
    expect(podRequests(p).memory).toBe(74 * Mi);
    expect(podLimits(p).memory).toBe(74 * Mi);
  });

  it('adds the pod overhead to requests always and to limits only where a limit is set', () => {
    const p = pod('p', [{ name: 'a', req: '64Mi' }], [], { overhead: '16Mi' });
    expect(podRequests(p).memory).toBe(80 * Mi);
    expect(podLimits(p).memory).toBeUndefined();
  });

  it('uses the larger of spec and status resources (in-place resize), the status alone when the resize is Infeasible', () => {
    const statuses = [{ name: 'a', resources: { requests: { memory: '200Mi' } } }];
    expect(podRequests(pod('p', [{ name: 'a', req: '100Mi' }], [], { statuses })).memory).toBe(200 * Mi);
    const shrunk = [{ name: 'a', resources: { requests: { memory: '50Mi' } } }];
    expect(podRequests(pod('p', [{ name: 'a', req: '100Mi' }], [], { statuses: shrunk })).memory).toBe(100 * Mi);
    expect(podRequests(pod('p', [{ name: 'a', req: '100Mi' }], [], { statuses: shrunk, resize: 'Infeasible' })).memory).toBe(50 * Mi);
  });

  it('reads decimal and binary quantities alike', () => {
    const p = pod('p', [{ name: 'a', req: '128M', lim: '1Gi' }, { name: 'b', req: '134217728', lim: '512Mi' }]);
    expect(podRequests(p).memory).toBe(128e6 + 134217728);
    expect(podLimits(p).memory).toBe(1536 * Mi);
  });
});

describe('nodeAllocation', () => {
  const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { allocatable: { memory: '416Mi' } } };

  it('counts the non-terminated pods of that node only and truncates percentages like kubectl', () => {
    const pods = [
      pod('a', [{ name: 'c', req: '16Mi', lim: '32Mi' }]),
      pod('done', [{ name: 'c', req: '100Mi', lim: '100Mi' }], [], { phase: 'Succeeded' }),
      pod('failed', [{ name: 'c', req: '100Mi', lim: '100Mi' }], [], { phase: 'Failed' }),
      pod('elsewhere', [{ name: 'c', req: '100Mi', lim: '100Mi' }], [], { node: 'n2' }),
      pod('pending', [{ name: 'c', req: '50Mi', lim: '60Mi' }], [], { phase: 'Pending' }),
    ];
    const a = nodeAllocation(node, pods);
    expect(a).toMatchObject({ allocatable: 416 * Mi, requests: 66 * Mi, limits: 92 * Mi, pods: 2 });
    // 66/416 = 15.86% -> 15, 92/416 = 22.1% -> 22 (kubectl: int64(fraction))
    expect([a.requestsPct, a.limitsPct]).toEqual([15, 22]);
  });

  it('formats byte counts as Kubernetes prints binary quantities', () => {
    expect(formatBytes(86 * Mi)).toBe('86Mi');
    expect(formatBytes(2048 * Mi)).toBe('2Gi');
    expect(formatBytes(1074 * Mi)).toBe('1074Mi');
    expect(formatBytes(0)).toBe('0');
    expect(formatBytes(1500)).toBe('1500');
  });
});
