// flux.metallb-values: which values give MetalLB's FRR containers their limits depends on the
// chart version (src/metallb-chart.ts): up to 0.15 `speaker.frr` / `speaker.reloader` /
// `speaker.frrMetrics`, from 0.16 (frr-k8s) `frr-k8s.frrk8s.frr` / `.reloader` / `.frrMetrics`.
// A read-only lookup of the release in the cluster: its outputs are the values unstick-metallb
// merges into the HelmRelease, or writes into the GitOps file, at the paths that version uses.
import { z } from '../../src/zod.js';
import type { KubeObject, KubeReader } from '../../src/adapters/ports.js';
import { defineStep } from '../../src/step/define-step.js';
import { frrMode, resourcesPath, type ChartValues, type FrrMode } from '../../src/metallb-chart.js';
import { FLUX_KINDS } from './resources.js';
import { kube } from '../k8s/permissions.js';

const limits = z.object({ memory: z.string().min(1), cpu: z.string().min(1) }).strict();

const params = z
  .object({
    namespace: z.string().min(1),
    release: z.string().min(1),
    /** container -> limits: `speaker`, `frr`, `reloader`, `frrMetrics` */
    limits: z.object({ speaker: limits, frr: limits, reloader: limits, frrMetrics: limits }).strict(),
    priorityClassName: z.string().min(1),
  })
  .strict();

const edit = z.object({ path: z.array(z.string()), value: z.string() });

/**
 * The chart version the next upgrade installs: the spec's when it names one exactly, else (a
 * range such as `0.16.x`) the one helm-controller last resolved it to.
 */
function chartVersionOf(hr: KubeObject): string | undefined {
  const spec = (hr.spec as { chart?: { spec?: { version?: string } } } | undefined)?.chart?.spec?.version;
  if (spec && /^v?\d+\.\d+\.\d+$/.test(spec)) return spec;
  return (hr.status as { lastAttemptedRevision?: string } | undefined)?.lastAttemptedRevision ?? spec;
}

const WHERE: Record<FrrMode, string> = {
  'frr-k8s': 'in frr-k8s (its own DaemonSet): limits go to frr-k8s.frrk8s.*',
  frr: 'in the speaker pods: limits go to speaker.frr, speaker.reloader, speaker.frrMetrics',
  native: 'nowhere (native BGP): only the speaker is limited',
};

/** Where this release's chart version wants the limits: the values to merge and the GitOps file edits. */
async function layout(kube: KubeReader, p: z.infer<typeof params>) {
  const hr = await kube.get({ apiVersion: FLUX_KINDS.HelmRelease.apiVersion, kind: 'HelmRelease', namespace: p.namespace, name: p.release });
  if (!hr) throw new Error(`HelmRelease ${p.namespace}/${p.release} not found`);
  const values = ((hr.spec as { values?: ChartValues } | undefined)?.values ?? {}) as ChartValues;
  const version = chartVersionOf(hr);
  const mode = frrMode(version, values);
  if (!mode) throw new Error(`cannot tell where HelmRelease ${p.namespace}/${p.release} runs FRR: chart version ${version ?? 'unknown'} is not a version and the values set neither frrk8s.enabled nor speaker.frr.enabled`);
  const edits: z.infer<typeof edit>[] = [];
  for (const [param, container] of CONTAINERS) {
    const path = resourcesPath(mode, container);
    if (!path) continue; // no FRR at all (native BGP): only the speaker is limited
    for (const [k, v] of Object.entries(p.limits[param])) edits.push({ path: [...path, 'limits', k], value: v });
  }
  // The cluster's HelmRelease gets the class by value; the GitOps file renames the old one where it is used.
  const merged: ChartValues = {};
  for (const e of [{ path: ['speaker', 'priorityClassName'], value: p.priorityClassName }, ...edits]) setPath(merged, e.path, e.value);
  return { chartVersion: version ?? 'unknown', mode, values: merged, edits: edits.map((e) => ({ path: ['spec', 'values', ...e.path], value: e.value })) };
}

const CONTAINERS = [['speaker', 'speaker'], ['frr', 'frr'], ['reloader', 'reloader'], ['frrMetrics', 'frr-metrics']] as const;

export const fluxMetallbValues = defineStep({
  type: 'flux.metallb-values',
  description: "Reads a MetalLB HelmRelease's chart version and mode (FRR in the speaker, or frr-k8s from chart 0.16) and returns the values that set the speaker and FRR containers' limits there.",
  params,
  outputs: z.object({ chartVersion: z.string(), mode: z.string(), values: z.record(z.string(), z.unknown()), edits: z.array(edit) }),
  uses: ['kube'],
  destructive: false,
  readOnly: true,
  permissions: [kube(FLUX_KINDS.HelmRelease.resource, ['get'], FLUX_KINDS.HelmRelease.group)],
  async plan({ params: p, adapters }) {
    const l = await layout(adapters.kube, p);
    return [{ op: 'noop', target: `helmrelease/${p.namespace}/${p.release}`, summary: `chart ${l.chartVersion} runs FRR ${WHERE[l.mode]}` }];
  },
  async apply({ params: p, adapters }) {
    return { outputs: await layout(adapters.kube, p) };
  },
});

function setPath(target: ChartValues, path: string[], value: unknown): void {
  let cur = target;
  for (const key of path.slice(0, -1)) cur = (cur[key] ??= {}) as ChartValues;
  cur[path.at(-1)!] = value;
}

