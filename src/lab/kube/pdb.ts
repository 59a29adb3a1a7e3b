// PodDisruptionBudget status as the disruption controller computes it
// (pkg/controller/disruption/disruption.go: getExpectedPodCount, countHealthyPods,
// updatePdbStatus). Simplification: the expected pod count is the number of matching pods
// instead of the owning controllers' scale, which is the same for our workloads.
import { canonical } from './object-meta.js';
import { isEmptyLabelSelector, labelSelectorObjectMatcher } from './selectors.js';
import type { LabelSelectorObject } from './selectors.js';
import type { KubeObject } from './types.js';

interface PdbSpec { selector?: LabelSelectorObject; minAvailable?: number | string; maxUnavailable?: number | string }

export function podIsReady(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** A PDB selects pods of its namespace; a missing or empty selector selects none (eviction.go). */
export function pdbMatches(pdb: KubeObject, pod: KubeObject): boolean {
  const spec = (pdb.spec ?? {}) as PdbSpec;
  if (pdb.metadata.namespace !== pod.metadata.namespace || isEmptyLabelSelector(spec.selector)) return false;
  return labelSelectorObjectMatcher(spec.selector)(pod.metadata.labels);
}

/** intstr.GetScaledValueFromIntOrPercent */
function scaled(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const pct = Number.parseInt(v.replace('%', ''), 10);
  const raw = (pct * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

export interface PdbStatus {
  observedGeneration: number;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions: { type: string; status: string; reason: string; message: string; observedGeneration: number; lastTransitionTime: string }[];
  disruptedPods?: Record<string, string>;
}

function computePdbStatus(pdb: KubeObject, podsInNamespace: KubeObject[], now: string): PdbStatus {
  const spec = (pdb.spec ?? {}) as PdbSpec;
  const pods = podsInNamespace.filter((p) => pdbMatches(pdb, p));
  const expectedPods = pods.length;
  // Pods the eviction handler has approved (status.disruptedPods) no longer count as healthy.
  const disrupted = (pdb.status as { disruptedPods?: Record<string, string> } | undefined)?.disruptedPods ?? {};
  const stillThere = Object.entries(disrupted).filter(([name]) => pods.some((p) => p.metadata.name === name));
  const currentHealthy = pods.filter((p) => !p.metadata.deletionTimestamp && podIsReady(p) && !Object.hasOwn(disrupted, p.metadata.name)).length;
  let desiredHealthy = 0;
  if (spec.minAvailable !== undefined) desiredHealthy = scaled(spec.minAvailable, expectedPods, true);
  else if (spec.maxUnavailable !== undefined) desiredHealthy = Math.max(0, expectedPods - scaled(spec.maxUnavailable, expectedPods, true));
  const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
  const generation = pdb.metadata.generation ?? 1;
  const previous = (pdb.status as Partial<PdbStatus> | undefined)?.conditions?.find((c) => c.type === 'DisruptionAllowed');
  const allowed = disruptionsAllowed > 0 ? 'True' : 'False';
  return {
    ...(stillThere.length ? { disruptedPods: Object.fromEntries(stillThere) } : {}),
    observedGeneration: generation,
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods,
    conditions: [{
      type: 'DisruptionAllowed',
      status: allowed,
      reason: allowed === 'True' ? 'SufficientPods' : 'InsufficientPods',
      message: '',
      observedGeneration: generation,
      lastTransitionTime: previous && previous.status === allowed ? previous.lastTransitionTime : now,
    }],
  };
}

/** PDBs of `namespace` whose computed status differs from the stored one, with the new status. */
export function pdbStatusChanges(objects: KubeObject[], namespace: string, now: string): [KubeObject, PdbStatus][] {
  const inNs = objects.filter((o) => o.metadata.namespace === namespace);
  const pods = inNs.filter((o) => o.kind === 'Pod' && o.apiVersion === 'v1');
  const out: [KubeObject, PdbStatus][] = [];
  for (const pdb of inNs.filter((o) => o.kind === 'PodDisruptionBudget')) {
    const status = computePdbStatus(pdb, pods, now);
    if (canonical(status) !== canonical(pdb.status)) out.push([pdb, status]);
  }
  return out;
}
