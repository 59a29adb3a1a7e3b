// What the lab's Helm charts make of a HelmRelease's values, and the values digest Flux keeps.
// Only the parts the incident turns on are rendered: for the metallb chart (charts/metallb,
// templates/speaker.yaml) `speaker.resources`, `speaker.frr.resources`,
// `speaker.reloader.resources` and `speaker.frrMetrics.resources` become the resources of the
// speaker DaemonSet's speaker / frr / reloader / frr-metrics containers (toYaml: absent values
// render no resources), and `speaker.priorityClassName` its pods' priorityClassName.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kubelet/types.js';

export type Values = Record<string, unknown>;
export type Resources = { limits?: Record<string, string>; requests?: Record<string, string> };

/** A workload of the release and what the chart renders into its pod template. */
export interface RenderedWorkload {
  apiVersion: 'apps/v1';
  kind: 'DaemonSet' | 'Deployment';
  namespace: string;
  /** selects the lab's object (the chart's selector labels) */
  labels: Record<string, string>;
  /** container name -> rendered resources (undefined: none) */
  resources: Record<string, Resources | undefined>;
  priorityClassName?: string;
  /** containers the chart's app needs limited to stay healthy (a known leak) */
  mustLimitMemory: string[];
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** status.lastAttemptedConfigDigest / history[].configDigest: `sha256:<hex>` of the values (chartutil.DigestValues, digest.Canonical). */
export function valuesDigest(values: Values | undefined): string {
  return `sha256:${createHash('sha256').update(canonicalJson(values ?? {})).digest('hex')}`;
}

function at(values: Values, path: string[]): unknown {
  let cur: unknown = values;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function resourcesAt(values: Values, path: string[]): Resources | undefined {
  const r = at(values, path);
  return r && typeof r === 'object' && Object.keys(r).length ? structuredClone(r as Resources) : undefined;
}

/** The workloads a chart renders from the values; an unknown chart renders nothing the lab checks. */
export function renderChart(chart: string, values: Values, namespace: string): RenderedWorkload[] {
  if (chart !== 'metallb') return [];
  const pc = at(values, ['speaker', 'priorityClassName']);
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      namespace,
      labels: { 'app.kubernetes.io/name': 'metallb', 'app.kubernetes.io/component': 'speaker' },
      resources: {
        speaker: resourcesAt(values, ['speaker', 'resources']),
        frr: resourcesAt(values, ['speaker', 'frr', 'resources']),
        reloader: resourcesAt(values, ['speaker', 'reloader', 'resources']),
        'frr-metrics': resourcesAt(values, ['speaker', 'frrMetrics', 'resources']),
      },
      ...(typeof pc === 'string' && pc ? { priorityClassName: pc } : {}),
      // FRR 9.0.2 leaks (the incident): unlimited, its daemons grow until the kernel kills them,
      // so the speakers never all become ready within Helm's wait.
      mustLimitMemory: ['frr'],
    },
  ];
}

/** The lab object a rendered workload stands for (by the chart's labels in the release namespace). */
export function findWorkload(objects: KubeObject[], w: RenderedWorkload): KubeObject | undefined {
  return objects.find((o) => o.metadata.namespace === w.namespace && Object.entries(w.labels).every(([k, v]) => o.metadata.labels?.[k] === v));
}
