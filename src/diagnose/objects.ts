// Typed, defensive reads of the Kubernetes object fields the checks look at, and the object
// names findings use ('node/x', 'pod/ns/name', ...).
import type { KubeObject } from '../adapters/ports.js';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
}

interface ResourceRequirements {
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
}

export interface ContainerSpec {
  name: string;
  image?: string;
  resources?: ResourceRequirements;
  restartPolicy?: string;
}

export interface PodSpec {
  nodeName?: string;
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  overhead?: Record<string, string | number>;
  priorityClassName?: string;
  volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
}

export interface ContainerStatus {
  name: string;
  restartCount?: number;
  resources?: ResourceRequirements;
  state?: { waiting?: { reason?: string; message?: string }; running?: unknown; terminated?: { reason?: string; exitCode?: number; finishedAt?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number; finishedAt?: string } };
}

export interface PodStatus {
  phase?: string;
  resize?: string;
  conditions?: Condition[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

export function conditionsOf(obj: KubeObject): Condition[] {
  const list = (obj.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(list) ? (list as Condition[]) : [];
}

export function conditionOf(obj: KubeObject, type: string): Condition | undefined {
  return conditionsOf(obj).find((c) => c.type === type);
}

export function podSpec(pod: KubeObject): PodSpec {
  return (pod.spec ?? {}) as PodSpec;
}

export function podStatus(pod: KubeObject): PodStatus {
  return (pod.status ?? {}) as PodStatus;
}

/** Pods `kubectl describe node` counts: not Succeeded/Failed (Terminating ones included). */
export function isNonTerminated(pod: KubeObject): boolean {
  const phase = podStatus(pod).phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** 'node/x', 'pod/ns/x', 'pv/x': what findings list in `objects`. */
export function objectName(obj: KubeObject): string {
  const kind = KIND_NAMES[obj.kind] ?? obj.kind.toLowerCase();
  return `${kind}/${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

const KIND_NAMES: Record<string, string> = {
  PersistentVolume: 'pv',
  PersistentVolumeClaim: 'pvc',
};

export function nsName(obj: KubeObject): string {
  return `${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

/**
 * The workload a pod belongs to, for grouping (DaemonSet speaker, not its 6 pods): the
 * controller owner, with a ReplicaSet's pod-template hash dropped (Deployment name).
 */
export function workloadOf(pod: KubeObject): string {
  const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return pod.metadata.name;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -hash.length - 1);
  if (owner.kind === 'ReplicaSet') return owner.name.replace(/-[a-z0-9]{5,10}$/, '');
  return owner.name;
}

export function ageMs(iso: string | undefined, now: number): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : Math.max(0, now - t);
}

/** '36h', '5m', '40s': how long, for evidence lines. */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

export interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string; apiVersion?: string };
  series?: { count?: number };
}

export function eventOf(ev: KubeObject): EventLike {
  return ev as unknown as EventLike;
}

export function eventCount(ev: EventLike): number {
  return Number(ev.series?.count ?? ev.count ?? 1);
}
