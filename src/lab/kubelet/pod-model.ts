// Read-only views over pod objects: resource requests as kube-scheduler counts them, what the
// containers really use (from the scenario's usage annotation) and where the pod stands.
import { quantityValue, toMiB } from './quantity.js';
import { LAB_ANNOTATIONS, type KubeObject } from './types.js';

export interface ContainerSpec {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface PodSpecLike {
  nodeName?: string;
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  tolerations?: { key?: string; operator?: string; value?: string; effect?: string }[];
  nodeSelector?: Record<string, string>;
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
  overhead?: Record<string, string>;
}

export function podSpec(pod: KubeObject): PodSpecLike {
  return (pod.spec ?? {}) as PodSpecLike;
}

export function podStatus(pod: KubeObject): Record<string, unknown> {
  return (pod.status ?? {}) as Record<string, unknown>;
}

function podPhase(pod: KubeObject): string {
  return String(podStatus(pod).phase ?? 'Pending');
}

export function isTerminal(pod: KubeObject): boolean {
  const p = podPhase(pod);
  return p === 'Succeeded' || p === 'Failed';
}

/** A container's request; the API server defaults a missing request to the limit. */
function containerRequest(c: ContainerSpec, resource: 'memory' | 'cpu'): number {
  const r = c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource];
  return quantityValue(r) ?? 0;
}

/**
 * The pod's effective request, as kube-scheduler's NodeResourcesFit computes it:
 * max(sum of app containers, largest init container) + pod overhead. Bytes (memory) or cores.
 */
export function podRequest(pod: KubeObject, resource: 'memory' | 'cpu'): number {
  const spec = podSpec(pod);
  const sum = (spec.containers ?? []).reduce((a, c) => a + containerRequest(c, resource), 0);
  const init = Math.max(0, ...(spec.initContainers ?? []).map((c) => containerRequest(c, resource)));
  return Math.max(sum, init) + (quantityValue(spec.overhead?.[resource]) ?? 0);
}

export interface ContainerUsage {
  memoryMiB: number;
  processes: string[];
}

/** What each container really uses: the scenario's figure, else its request (cgroup-capped at its limit for the node total). */
export function containerUsage(pod: KubeObject): Map<string, ContainerUsage> {
  let declared: Record<string, { memory?: string; processes?: string[] }> = {};
  const raw = pod.metadata.annotations?.[LAB_ANNOTATIONS.usage];
  if (raw) {
    try {
      declared = JSON.parse(raw) as typeof declared;
    } catch {
      declared = {};
    }
  }
  const out = new Map<string, ContainerUsage>();
  for (const c of podSpec(pod).containers ?? []) {
    const d = declared[c.name];
    const memoryMiB = toMiB(d?.memory) ?? toMiB(c.resources?.requests?.memory) ?? 0;
    out.set(c.name, { memoryMiB, processes: d?.processes?.length ? d.processes : [c.name] });
  }
  return out;
}

export function memoryLimitMiB(c: ContainerSpec): number | undefined {
  return toMiB(c.resources?.limits?.memory);
}

export function claimNames(pod: KubeObject): string[] {
  return (podSpec(pod).volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
}
