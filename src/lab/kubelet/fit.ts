// kube-scheduler's filter plugins, in their default order, for the resources the lab models.
// Each node fails on the first plugin that rejects it; the messages are kube-scheduler's own.
// Pure: everything comes in as plain objects.
import { allocatableMiB, isCordoned, nodeTaints, type Taint } from './node-model.js';
import { claimNames, podRequest, podSpec, type PodSpecLike } from './pod-model.js';
import type { KubeObject } from './types.js';

export interface NodeVerdict {
  /** kube-scheduler's reason text, e.g. "Insufficient memory". */
  reason: string;
  /** UnschedulableAndUnresolvable: preemption cannot help on this node. */
  unresolvable: boolean;
}

export interface ClusterView {
  nodes: KubeObject[];
  /** non-terminal pods bound to each node, by node name */
  podsByNode: Map<string, KubeObject[]>;
  pvcs: KubeObject[];
  pvs: KubeObject[];
}

type Toleration = NonNullable<PodSpecLike['tolerations']>[number];

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.operator === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

interface NodeSelectorTerm {
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
  matchFields?: { key: string; operator: string; values?: string[] }[];
}

function matchesRequirement(value: string | undefined, op: string, values: string[] = []): boolean {
  switch (op) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    default: return false;
  }
}

/** A NodeSelector: the terms are ORed, the requirements inside a term ANDed. */
export function matchesNodeSelectorTerms(node: KubeObject, terms: NodeSelectorTerm[]): boolean {
  const labels = node.metadata.labels ?? {};
  return terms.some(
    (term) =>
      (term.matchExpressions ?? []).every((r) => matchesRequirement(labels[r.key], r.operator, r.values)) &&
      (term.matchFields ?? []).every((r) => matchesRequirement(r.key === 'metadata.name' ? node.metadata.name : undefined, r.operator, r.values)),
  );
}

/** PreFilter failures that reject the pod on every node (VolumeBinding's PreFilter). */
export function podPrefilter(pod: KubeObject, view: ClusterView): string | undefined {
  for (const claim of claimNames(pod)) {
    const pvc = view.pvcs.find((p) => p.metadata.name === claim && p.metadata.namespace === pod.metadata.namespace);
    if (!pvc) return `persistentvolumeclaim "${claim}" not found`;
    if (pvc.metadata.deletionTimestamp) return `persistentvolumeclaim "${claim}" is being deleted`;
  }
  return undefined;
}

export function filterNode(pod: KubeObject, node: KubeObject, view: ClusterView): NodeVerdict | undefined {
  const spec = podSpec(pod);
  // NodeUnschedulable
  const unschedulableTolerated = (spec.tolerations ?? []).some((t) => tolerates(t, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }));
  if (isCordoned(node) && !unschedulableTolerated) return { reason: 'node(s) were unschedulable', unresolvable: true };
  // TaintToleration: only NoSchedule/NoExecute taints filter
  const untolerated = nodeTaints(node).find((taint) => taint.effect !== 'PreferNoSchedule' && !(spec.tolerations ?? []).some((t) => tolerates(t, taint)));
  if (untolerated) return { reason: `node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ''}}`, unresolvable: true };
  // NodeAffinity (nodeSelector only)
  const labels = node.metadata.labels ?? {};
  if (Object.entries(spec.nodeSelector ?? {}).some(([k, v]) => labels[k] !== v)) {
    return { reason: "node(s) didn't match Pod's node affinity/selector", unresolvable: true };
  }
  // NodeResourcesFit
  const onNode = view.podsByNode.get(node.metadata.name) ?? [];
  for (const resource of ['cpu', 'memory'] as const) {
    const want = podRequest(pod, resource);
    if (want === 0) continue;
    const used = onNode.reduce((a, p) => a + podRequest(p, resource), 0);
    const alloc = resource === 'memory' ? allocatableMiB(node) * 2 ** 20 : Number((node.status as { allocatable?: { cpu?: string } } | undefined)?.allocatable?.cpu ?? 0);
    if (used + want > alloc) return { reason: `Insufficient ${resource}`, unresolvable: false };
  }
  // VolumeBinding: bound PVs must be reachable from the node (local-path pins them)
  for (const claim of claimNames(pod)) {
    const pvc = view.pvcs.find((p) => p.metadata.name === claim && p.metadata.namespace === pod.metadata.namespace);
    const volumeName = (pvc?.spec as { volumeName?: string } | undefined)?.volumeName;
    if (!volumeName) continue; // unbound WaitForFirstConsumer claim: provisioned where the pod lands
    const pv = view.pvs.find((v) => v.metadata.name === volumeName);
    const terms = (pv?.spec as { nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } | undefined)?.nodeAffinity?.required?.nodeSelectorTerms;
    if (terms && !matchesNodeSelectorTerms(node, terms)) return { reason: 'node(s) had volume node affinity conflict', unresolvable: true };
  }
  return undefined;
}

/** "2 Insufficient memory, 1 node(s) had ..." sorted as kube-scheduler's FitError sorts them. */
function histogram(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
}

/** The FailedScheduling message: the filter histogram, then what DefaultPreemption concluded. */
export function failedSchedulingMessage(total: number, verdicts: NodeVerdict[], prefilter?: string): string {
  const head = prefilter ?? histogram(verdicts.map((v) => v.reason));
  const preemption = prefilter
    ? histogram(Array.from({ length: total }, () => 'Preemption is not helpful for scheduling'))
    : histogram(verdicts.map((v) => (v.unresolvable ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod')));
  return `0/${total} nodes are available: ${head}. preemption: 0/${total} nodes are available: ${preemption}.`;
}
