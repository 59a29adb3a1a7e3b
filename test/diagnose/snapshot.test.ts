// Reading: one list per resource type even through diagnose(); a cluster without Flux is
// diagnosed (its Flux checks skipped, said so) rather than failed; other API errors propagate;
// a Proxmox that cannot be read leaves a warning instead of silence.
import { describe, expect, it } from 'vitest';
import type { KubeListQuery, KubeObject, KubeReader, ProxmoxReader } from '../../src/adapters/ports.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { ApiError } from '../../src/errors.js';
import { node, NOW, pod } from './fixtures.js';

function fakeKube(objects: Record<string, KubeObject[]>, fail: Record<string, ApiError> = {}): { reader: KubeReader; lists: string[] } {
  const lists: string[] = [];
  return {
    lists,
    reader: {
      get: async () => {
        throw new Error('diagnose must not get objects one by one');
      },
      list: async (q: KubeListQuery) => {
        lists.push(q.kind);
        if (fail[q.kind]) throw fail[q.kind];
        return objects[q.kind] ?? [];
      },
      waitFor: async () => {
        throw new Error('diagnose must not wait');
      },
      ready: async () => true,
    },
  };
}

describe('readSnapshot through diagnose()', () => {
  it('lists each resource type once and skips Flux when its CRDs are missing', async () => {
    const notFound = new ApiError('not-found', 'the server could not find the requested resource');
    const kube = fakeKube({ Node: [node('a')], Pod: [pod('p', { node: 'a' })] }, { HelmRelease: notFound, Kustomization: notFound });
    const findings = await diagnose({ kube: kube.reader }, { now: NOW });
    expect(kube.lists.sort()).toEqual(['Event', 'HelmRelease', 'Kustomization', 'Node', 'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'PriorityClass']);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ['unlisted:helmrelease-not-found', 'info'],
      ['unlisted:kustomization-not-found', 'info'],
    ]);
  });

  it('reports a list the API server refused as a warning quoting the refusal, not as a missing type', async () => {
    const refusal = 'list Node: nodes is forbidden: User "hygiene" cannot list resource "nodes" in API group "" at the cluster scope';
    const kube = fakeKube({}, { Node: new ApiError('forbidden', refusal) });
    const findings = await diagnose({ kube: kube.reader }, { now: NOW });
    const refused = findings.find((f) => f.id === 'forbidden:nodes');
    expect(refused).toMatchObject({ severity: 'warning', check: 'read.kube', title: `Not allowed to read, its checks were skipped: ${refusal}`, evidence: [refusal] });
    expect(findings.some((f) => f.id.startsWith('unlisted:node'))).toBe(false);
  });

  it('fails on errors that are not a missing type', async () => {
    const kube = fakeKube({}, { Pod: new ApiError('unavailable', 'connection refused') });
    await expect(diagnose({ kube: kube.reader })).rejects.toThrow('connection refused');
  });

  it('reports a Proxmox that cannot be read as a warning and still diagnoses the cluster', async () => {
    const proxmox: ProxmoxReader = {
      listVms: async () => {
        throw new Error('401 no such token');
      },
      getVmConfig: async () => ({ digest: '', values: {} }),
      getVmPending: async () => [],
      getVmStatus: async () => ({ status: 'running' }),
      getNodeStatus: async () => ({ memoryTotal: 0, memoryUsed: 0 }),
      getTaskStatus: async (_n, upid) => ({ upid, status: 'stopped' }),
    };
    const findings = await diagnose({ kube: fakeKube({ Node: [node('a')] }).reader, proxmox }, { now: NOW });
    expect(findings.map((f) => [f.id, f.severity, f.evidence[0]])).toEqual([['proxmox-unreadable:list-vms', 'warning', 'list VMs: 401 no such token']]);
    // The table shows titles only: the title itself says why.
    expect(findings[0]!.title).toBe('Proxmox: could not read VMs: 401 no such token');
  });
});
