// Small builders for snapshots the checks run on, without any server.
import type { KubeObject, ProxmoxVmSummary } from '../../src/adapters/ports.js';
import { resolveOptions } from '../../src/diagnose/diagnose.js';
import type { ProxmoxSnapshot, ResolvedOptions, Snapshot } from '../../src/diagnose/types.js';

export const NOW = Date.parse('2025-08-20T12:00:00Z');
export const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export function node(name: string, o: { ready?: 'True' | 'False' | 'Unknown'; sinceMs?: number; heartbeatMs?: number; capacity?: string; allocatable?: string; controlPlane?: boolean; pressure?: boolean } = {}): KubeObject {
  const ready = o.ready ?? 'True';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: o.controlPlane ? { 'node-role.kubernetes.io/control-plane': 'true' } : {} },
    status: {
      capacity: { memory: o.capacity ?? '2Gi' },
      allocatable: { memory: o.allocatable ?? '1948Mi' },
      conditions: [
        { type: 'MemoryPressure', status: o.pressure ? 'True' : 'False' },
        { type: 'Ready', status: ready, reason: ready === 'Unknown' ? 'NodeStatusUnknown' : 'KubeletReady', lastTransitionTime: iso(o.sinceMs ?? HOUR), lastHeartbeatTime: iso(o.heartbeatMs ?? 0) },
      ],
    },
  };
}

export interface PodOptions {
  ns?: string;
  node?: string;
  phase?: string;
  owner?: { kind: string; name: string };
  containers?: Array<{ name: string; limit?: string; request?: string }>;
  statuses?: unknown[];
  claims?: string[];
  conditions?: unknown[];
  priorityClassName?: string;
  deletedMsAgo?: number;
  finalizers?: string[];
}

export function pod(name: string, o: PodOptions = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.ns ?? 'default',
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner.kind, name: o.owner.name, uid: 'u', controller: true }] } : {}),
      ...(o.deletedMsAgo !== undefined ? { deletionTimestamp: iso(o.deletedMsAgo) } : {}),
      ...(o.finalizers ? { finalizers: o.finalizers } : {}),
    },
    spec: {
      ...(o.node ? { nodeName: o.node } : {}),
      ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}),
      containers: (o.containers ?? [{ name: 'main', limit: '64Mi', request: '32Mi' }]).map((c) => ({
        name: c.name,
        resources: { ...(c.request ? { requests: { memory: c.request } } : {}), ...(c.limit ? { limits: { memory: c.limit } } : {}) },
      })),
      volumes: (o.claims ?? []).map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })),
    },
    status: { phase: o.phase ?? 'Running', ...(o.statuses ? { containerStatuses: o.statuses } : {}), ...(o.conditions ? { conditions: o.conditions } : {}) },
  };
}

export function event(o: { kind: string; name: string; ns?: string; reason: string; message: string; count?: number; type?: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${o.name}.${o.reason}`, namespace: o.ns ?? 'default' },
    involvedObject: { kind: o.kind, name: o.name, ...(o.ns ? { namespace: o.ns } : {}) },
    reason: o.reason,
    message: o.message,
    type: o.type ?? 'Warning',
    count: o.count ?? 1,
    lastTimestamp: iso(0),
  };
}

export function localPv(name: string, nodeName: string, claim: { ns: string; name: string }, o: { deletedMsAgo?: number } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { 'local.path.provisioner/selected-node': nodeName }, finalizers: ['kubernetes.io/pv-protection'], ...(o.deletedMsAgo !== undefined ? { deletionTimestamp: iso(o.deletedMsAgo) } : {}) },
    spec: { claimRef: { namespace: claim.ns, name: claim.name }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [nodeName] }] }] } } },
    status: { phase: 'Bound' },
  };
}

export function pvc(ns: string, name: string, volumeName: string): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: ns, finalizers: ['kubernetes.io/pvc-protection'] }, spec: { volumeName }, status: { phase: 'Bound' } };
}

export function flux(kind: 'HelmRelease' | 'Kustomization', ns: string, name: string, ready: { status: string; reason: string; message?: string }, o: { dependsOn?: string[]; stalled?: boolean; values?: unknown } = {}): KubeObject {
  return {
    apiVersion: kind === 'HelmRelease' ? 'helm.toolkit.fluxcd.io/v2' : 'kustomize.toolkit.fluxcd.io/v1',
    kind,
    metadata: { name, namespace: ns },
    spec: { ...(o.dependsOn ? { dependsOn: o.dependsOn.map((d) => ({ name: d })) } : {}), ...(o.values ? { values: o.values } : {}) },
    status: { conditions: [{ type: 'Ready', ...ready }, ...(o.stalled ? [{ type: 'Stalled', status: 'True', reason: ready.reason, message: 'gave up' }] : [])] },
  };
}

/** `gone`: node name -> the inventory's VM that PVE answered "does not exist" for. */
export function proxmox(vms: Array<ProxmoxVmSummary & { memory: number; balloon?: number }>, hostMiB = 8192, gone: Record<string, number> = {}): ProxmoxSnapshot {
  return {
    vmsGone: new Map(Object.entries(gone).map(([name, vmid]) => [name, { vmid, node: 'pve', message: `Configuration file 'nodes/pve/qemu-server/${vmid}.conf' does not exist` }])),
    vms: vms.map(({ node, vmid, name, status }) => ({ node, vmid, name, status })),
    configs: new Map(vms.map((v) => [v.vmid, { digest: 'd', values: { memory: v.memory, ...(v.balloon !== undefined ? { balloon: v.balloon } : {}) } }])),
    hosts: new Map([['pve', { memoryTotal: hostMiB * 2 ** 20, memoryUsed: 1024 * 2 ** 20 }]]),
    errors: [],
  };
}

export function snapshot(s: Partial<Snapshot> = {}): Snapshot {
  return { now: NOW, apiReady: true, nodes: [], pods: [], pvs: [], pvcs: [], events: [], helmReleases: [], kustomizations: [], priorityClasses: [], unavailable: [], gitops: [], ...s };
}

export function options(o: Partial<ResolvedOptions> = {}): ResolvedOptions {
  return { ...resolveOptions({ now: NOW }), ...o };
}
