// What the lab's Helm charts make of a HelmRelease's values, and the values digest Flux keeps.
// Only the parts the incident turns on are rendered: for the metallb chart, each container's
// resources from the values path the chart version uses (src/metallb-chart.ts: the speaker's
// frr / reloader / frr-metrics containers up to 0.15, the frr-k8s DaemonSet's from 0.16;
// toYaml: absent values render no resources), and `speaker.priorityClassName` the speaker
// pods' priorityClassName.
import { createHash } from 'node:crypto';
import { frrMode, metallbDaemonSets, valueAt as at } from '../../metallb-chart.js';
import type { KubeObject } from '../kubelet/types.js';

export type Values = Record<string, unknown>;
type Resources = { limits?: Record<string, string>; requests?: Record<string, string> };

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


function resourcesAt(values: Values, path: string[]): Resources | undefined {
  const r = at(values, path);
  return r && typeof r === 'object' && Object.keys(r).length ? structuredClone(r as Resources) : undefined;
}

/** The workloads a chart renders from the values; an unknown chart renders nothing the lab checks. */
export function renderChart(chart: string, version: string, values: Values, namespace: string): RenderedWorkload[] {
  if (chart !== 'metallb') return [];
  const pc = at(values, ['speaker', 'priorityClassName']);
  // A version range the lab cannot resolve renders as the incident's chart did (FRR in the speaker).
  return metallbDaemonSets(frrMode(version, values) ?? 'frr').map((ds) => ({
    apiVersion: 'apps/v1' as const,
    kind: 'DaemonSet' as const,
    namespace,
    labels: ds.labels,
    resources: Object.fromEntries(Object.entries(ds.resources).map(([c, path]) => [c, resourcesAt(values, path)])),
    ...(ds.labels['app.kubernetes.io/component'] === 'speaker' && typeof pc === 'string' && pc ? { priorityClassName: pc } : {}),
    // FRR leaks (the incident's 9.0.2): unlimited, its daemons grow until the kernel kills
    // them, so the pods never all become ready within Helm's wait.
    mustLimitMemory: 'frr' in ds.resources ? ['frr'] : [],
  }));
}

/** The lab object a rendered workload stands for (by the chart's labels in the release namespace). */
export function findWorkload(objects: KubeObject[], w: RenderedWorkload): KubeObject | undefined {
  return objects.find((o) => o.metadata.namespace === w.namespace && Object.entries(w.labels).every(([k, v]) => o.metadata.labels?.[k] === v));
}
