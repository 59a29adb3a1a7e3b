// Requests and limits of pods and nodes computed exactly as `kubectl describe node` does
// (k8s.io/kubectl/pkg/util/resource PodRequestsAndLimits, then getPodsTotalRequestsAndLimits
// over the node's non-terminated pods): the sum of the containers (with the resized
// allocation when larger), max'ed with each init container (restartable "sidecar" init
// containers, restartPolicy Always, add to the sum AND to every later init container),
// plus the pod overhead (added to limits only where a limit exists).
import type { KubeObject } from '../adapters/ports.js';
import { parseQuantity } from '../kube-quantity.js';
import { isNonTerminated, podSpec, podStatus, type ContainerSpec } from './objects.js';

type ResourceList = Record<string, number>;

function toList(raw: Record<string, string | number> | undefined): ResourceList {
  const out: ResourceList = {};
  for (const [name, q] of Object.entries(raw ?? {})) {
    try {
      out[name] = parseQuantity(q);
    } catch {
      // An unparsable quantity is rejected by the apiserver; count it as nothing here.
    }
  }
  return out;
}

function add(list: ResourceList, more: ResourceList): void {
  for (const [name, q] of Object.entries(more)) list[name] = (list[name] ?? 0) + q;
}

function maxInto(list: ResourceList, other: ResourceList): void {
  for (const [name, q] of Object.entries(other)) if (list[name] === undefined || q > list[name]!) list[name] = q;
}

function getMax(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = { ...a };
  maxInto(out, b);
  return out;
}

const isSidecar = (c: ContainerSpec) => c.restartPolicy === 'Always';

function initAware(pod: KubeObject, field: 'requests' | 'limits', sum: ResourceList): ResourceList {
  const restartable: ResourceList = {};
  const init: ResourceList = {};
  for (const c of podSpec(pod).initContainers ?? []) {
    let own = toList(c.resources?.[field]);
    if (isSidecar(c)) {
      add(sum, own);
      add(restartable, own);
      own = { ...restartable };
    } else {
      const tmp: ResourceList = {};
      add(tmp, own);
      add(tmp, restartable);
      own = tmp;
    }
    maxInto(init, own);
  }
  maxInto(sum, init);
  return sum;
}

export function podRequests(pod: KubeObject): ResourceList {
  const statuses = new Map((podStatus(pod).containerStatuses ?? []).map((s) => [s.name, s]));
  const reqs: ResourceList = {};
  for (const c of podSpec(pod).containers ?? []) {
    let own = toList(c.resources?.requests);
    const cs = statuses.get(c.name);
    if (cs?.resources) {
      const allocated = toList(cs.resources.requests);
      own = podStatus(pod).resize === 'Infeasible' ? allocated : getMax(own, allocated);
    }
    add(reqs, own);
  }
  initAware(pod, 'requests', reqs);
  add(reqs, toList(podSpec(pod).overhead));
  return reqs;
}

export function podLimits(pod: KubeObject): ResourceList {
  const limits: ResourceList = {};
  for (const c of podSpec(pod).containers ?? []) add(limits, toList(c.resources?.limits));
  initAware(pod, 'limits', limits);
  for (const [name, q] of Object.entries(toList(podSpec(pod).overhead))) {
    if (limits[name] !== undefined && limits[name] !== 0) limits[name] += q;
  }
  return limits;
}

interface NodeAllocation {
  allocatable: number;
  requests: number;
  limits: number;
  /** percent of allocatable, truncated like kubectl's int64(fraction) */
  requestsPct: number;
  limitsPct: number;
  pods: number;
}

/** The "Allocated resources" memory row of `kubectl describe node`, in bytes. */
export function nodeAllocation(node: KubeObject, pods: readonly KubeObject[], resource = 'memory'): NodeAllocation {
  const allocatable = toList((node.status as { allocatable?: Record<string, string> } | undefined)?.allocatable)[resource] ?? 0;
  let requests = 0;
  let limits = 0;
  let count = 0;
  for (const pod of pods) {
    if (podSpec(pod).nodeName !== node.metadata.name || !isNonTerminated(pod)) continue;
    count++;
    requests += podRequests(pod)[resource] ?? 0;
    limits += podLimits(pod)[resource] ?? 0;
  }
  const pct = (v: number) => (allocatable > 0 ? Math.trunc((v / allocatable) * 100) : 0);
  return { allocatable, requests, limits, requestsPct: pct(requests), limitsPct: pct(limits), pods: count };
}

const UNITS = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
] as const;

/** Bytes as Kubernetes prints a binary quantity: the largest unit that divides it exactly. */
export function formatBytes(bytes: number): string {
  const b = Math.ceil(bytes);
  if (b === 0) return '0';
  for (const [unit, size] of UNITS) if (b % size === 0) return `${b / size}${unit}`;
  return String(b);
}

export function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
