// The picture the incident report drew by hand: per node, status and memory (capacity, what
// pods request and are allowed to use), then what is not running and how Flux is doing.
// Read-only, one list per resource type; used by `runbook lab demo` (and `doctor` later).
import type { KubeObject, KubeReader } from '../adapters/ports.js';
import { parseQuantity } from '../kube-quantity.js';

type Any = Record<string, any>; // Kubernetes objects as JSON: read defensively below.

const MI = 2 ** 20;

function condition(obj: KubeObject, type: string): Any | undefined {
  return ((obj as Any).status?.conditions ?? []).find((c: Any) => c.type === type);
}

function nodeStatus(node: KubeObject): string {
  const ready = condition(node, 'Ready');
  const status = ready?.status === 'True' ? 'Ready' : 'NotReady';
  return (node as Any).spec?.unschedulable ? `${status},SchedulingDisabled` : status;
}

function podMemory(pod: KubeObject, field: 'requests' | 'limits'): number {
  const containers: Any[] = (pod as Any).spec?.containers ?? [];
  return containers.reduce((sum, c) => sum + parseQuantity(c.resources?.[field]?.memory ?? 0), 0);
}

function podState(pod: KubeObject): string {
  const statuses: Any[] = (pod as Any).status?.containerStatuses ?? [];
  const waiting = statuses.find((s) => s.state?.waiting?.reason)?.state.waiting.reason as string | undefined;
  const oom = statuses.some((s) => s.lastState?.terminated?.reason === 'OOMKilled');
  return [waiting ?? (pod as Any).status?.phase ?? 'Unknown', oom ? '(OOMKilled)' : ''].filter(Boolean).join(' ');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const pct = (part: number, whole: number) => (whole > 0 ? `${Math.round((100 * part) / whole)}%` : '-');

interface ClusterPicture {
  text: string;
  nodes: number;
  notRunning: number;
}

export async function clusterPicture(kube: KubeReader): Promise<ClusterPicture> {
  const [nodes, pods] = await Promise.all([kube.list({ apiVersion: 'v1', kind: 'Node' }), kube.list({ apiVersion: 'v1', kind: 'Pod' })]);
  const live = pods.filter((p) => !['Succeeded', 'Failed'].includes((p as Any).status?.phase));
  const rows = [['NODE', 'STATUS', 'MEMORY', 'REQUESTS', 'LIMITS', 'PODS']];
  for (const node of nodes) {
    const name = node.metadata.name;
    const allocatable = parseQuantity((node as Any).status?.allocatable?.memory ?? 0);
    const onNode = live.filter((p) => (p as Any).spec?.nodeName === name);
    const req = onNode.reduce((s, p) => s + podMemory(p, 'requests'), 0);
    const lim = onNode.reduce((s, p) => s + podMemory(p, 'limits'), 0);
    rows.push([name, nodeStatus(node), `${Math.round(allocatable / MI)}Mi`, pct(req, allocatable), pct(lim, allocatable), String(onNode.length)]);
  }
  const troubled = live.filter((p) => !['Running'].includes(podState(p)));
  const out = [table(rows)];
  if (troubled.length) {
    out.push('', table([['NAMESPACE', 'POD', 'STATE', 'NODE'], ...troubled.map((p) => [p.metadata.namespace ?? '', p.metadata.name, podState(p), String((p as Any).spec?.nodeName ?? '-')])]));
  } else {
    out.push('', `All ${live.length} pods running.`);
  }
  const flux = await fluxRows(kube);
  if (flux.length > 1) out.push('', table(flux));
  return { text: `${out.join('\n')}\n`, nodes: nodes.length, notRunning: troubled.length };
}

async function fluxRows(kube: KubeReader): Promise<string[][]> {
  const kinds = [
    { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' },
    { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
  ];
  const rows = [['FLUX', 'READY', 'REASON']];
  for (const k of kinds) {
    // Flux may not be installed: its absence is not an error for a picture.
    const objs = await kube.list(k).catch(() => [] as KubeObject[]);
    for (const o of objs) {
      const ready = condition(o, 'Ready');
      rows.push([`${k.kind}/${o.metadata.namespace}/${o.metadata.name}`, String(ready?.status ?? 'Unknown'), String(ready?.reason ?? '')]);
    }
  }
  return rows;
}
