// Read-only views over Node objects shared by the scheduler and the pod runtime.
import { toMiB } from './quantity.js';
import { LAB_ANNOTATIONS, type KubeObject } from './types.js';

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
/** Put on every new Node by the TaintNodesByCondition admission plugin; lifted once it is Ready. */
export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';

export function nodeTaints(node: KubeObject): Taint[] {
  return ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []).slice();
}

export function nodeConditions(node: KubeObject): { type: string; status: string; lastHeartbeatTime?: string }[] {
  return ((node.status as { conditions?: { type: string; status: string; lastHeartbeatTime?: string }[] } | undefined)?.conditions ?? []).slice();
}

export function isNodeReady(node: KubeObject): boolean {
  return nodeConditions(node).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isCordoned(node: KubeObject): boolean {
  return Boolean((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable);
}

export function allocatableMiB(node: KubeObject, resource = 'memory'): number {
  const a = (node.status as { allocatable?: Record<string, string> } | undefined)?.allocatable?.[resource];
  return toMiB(a) ?? 0;
}

export function nodeVmid(node: KubeObject): number | undefined {
  const v = node.metadata.annotations?.[LAB_ANNOTATIONS.vmid];
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

export function systemMemoryMiB(node: KubeObject): number {
  return toMiB(node.metadata.annotations?.[LAB_ANNOTATIONS.systemMemory]) ?? 0;
}
