// Where MetalLB's Helm chart puts each container, and which values set its resources, by chart
// version. Read from metallb/metallb charts/metallb (values.yaml, templates/speaker.yaml) at
// v0.14.8 and v0.16.0, and the frr-k8s subchart it bundles at 0.16.0 (charts/frr-k8s-0.0.25.tgz:
// values.yaml, templates/controller.yaml). Up to chart 0.15.x FRR runs inside each speaker pod
// (`speaker.frr.enabled: true` by default); from 0.16.0 the default is frr-k8s
// (`speaker.frr.enabled: false`, `frrk8s.enabled: true`): FRR, its reloader and metrics run in
// the `<release>-frr-k8s` DaemonSet and take their resources from `frr-k8s.frrk8s.*`.
// Shared by the lab (what the chart renders), the step that sets limits and the diagnosis.

export type FrrMode = 'frr' | 'frr-k8s' | 'native';
export type ChartValues = Record<string, unknown>;

/** A DaemonSet the chart renders: its selector labels, and per container the values path of its `resources`. */
interface ChartDaemonSet {
  labels: Record<string, string>;
  resources: Record<string, string[]>;
}

const SPEAKER_LABELS = { 'app.kubernetes.io/name': 'metallb', 'app.kubernetes.io/component': 'speaker' };
const FRR_K8S_LABELS = { 'app.kubernetes.io/name': 'frr-k8s', 'app.kubernetes.io/component': 'frr-k8s' };

/** The value at a path of nested values (undefined when any part is missing). */
export function valueAt(values: ChartValues, path: readonly string[]): unknown {
  let cur: unknown = values;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** `0.16.0` -> [0, 16, 0]; a range or `*` is not a version. */
function parseVersion(v: string | undefined): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Whether this chart version defaults to frr-k8s (0.16.0 and later). */
function defaultsToFrrK8s(chartVersion: string | undefined): boolean | undefined {
  const v = parseVersion(chartVersion);
  return v ? v[0]! > 0 || v[1]! >= 16 : undefined;
}

/**
 * The BGP backend the release runs: explicit values win over the chart's defaults. undefined
 * when the version is unknown and the values do not say (the caller must not guess).
 */
export function frrMode(chartVersion: string | undefined, values: ChartValues): FrrMode | undefined {
  const frrk8s = valueAt(values, ['frrk8s', 'enabled']);
  const frr = valueAt(values, ['speaker', 'frr', 'enabled']);
  const newDefaults = defaultsToFrrK8s(chartVersion);
  const useFrrK8s = typeof frrk8s === 'boolean' ? frrk8s : newDefaults;
  if (useFrrK8s === true) return 'frr-k8s';
  const useFrr = typeof frr === 'boolean' ? frr : newDefaults === undefined ? undefined : !newDefaults;
  if (useFrr === undefined) return undefined;
  return useFrr ? 'frr' : 'native';
}

/** The DaemonSets the chart renders in this mode, and where each container's resources come from. */
export function metallbDaemonSets(mode: FrrMode): ChartDaemonSet[] {
  const speaker: ChartDaemonSet = { labels: SPEAKER_LABELS, resources: { speaker: ['speaker', 'resources'] } };
  if (mode === 'frr') {
    Object.assign(speaker.resources, {
      frr: ['speaker', 'frr', 'resources'],
      reloader: ['speaker', 'reloader', 'resources'],
      'frr-metrics': ['speaker', 'frrMetrics', 'resources'],
    });
  }
  if (mode !== 'frr-k8s') return [speaker];
  const sub = ['frr-k8s', 'frrk8s'];
  return [
    speaker,
    {
      labels: FRR_K8S_LABELS,
      resources: {
        controller: [...sub, 'resources'],
        frr: [...sub, 'frr', 'resources'],
        reloader: [...sub, 'reloader', 'resources'],
        'frr-metrics': [...sub, 'frrMetrics', 'resources'],
        'frr-status': [...sub, 'frrStatus', 'resources'],
      },
    },
  ];
}

/** The values path of a container's resources in this mode, e.g. `frr-k8s.frrk8s.frr.resources`. */
export function resourcesPath(mode: FrrMode, container: string): string[] | undefined {
  for (const ds of metallbDaemonSets(mode)) if (ds.resources[container]) return ds.resources[container];
  return undefined;
}

