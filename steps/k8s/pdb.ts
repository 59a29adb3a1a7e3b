// PodDisruptionBudgets that cover a pod, to name the one that blocks an eviction. Served as
// policy/v1 since Kubernetes 1.21 and policy/v1beta1 before (v1.20 has only the latter).
import type { KubeObject, KubeReader } from '../../src/adapters/ports.js';
import { ApiError } from '../../src/errors.js';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
    if (e.operator === 'In' && !(has && e.values?.includes(labels[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(labels[e.key]!)) return false;
  }
  return true;
}

async function listPdbs(kube: KubeReader, namespace: string): Promise<KubeObject[]> {
  for (const apiVersion of ['policy/v1', 'policy/v1beta1']) {
    try {
      return await kube.list({ apiVersion, kind: 'PodDisruptionBudget', namespace });
    } catch (e) {
      if (!(e instanceof ApiError && e.kind === 'not-found')) throw e;
    }
  }
  return [];
}

export function disruptionsAllowed(pdb: KubeObject): number | undefined {
  return (pdb.status as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed;
}

export async function pdbsCovering(kube: KubeReader, pod: KubeObject): Promise<KubeObject[]> {
  const pdbs = await listPdbs(kube, pod.metadata.namespace ?? 'default');
  return pdbs.filter((p) => selectorMatches((p.spec as { selector?: LabelSelector })?.selector, pod.metadata.labels));
}
