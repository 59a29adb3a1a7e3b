// Root cause -> symptom links between findings, from the incident's chains:
// host overcommit -> ballooning -> capacity -> node memory pressure -> OOM kills -> failed
// HelmRelease -> blocked Kustomizations; control-plane pressure -> etcd leader changes ->
// failed HelmRelease; unlimited containers -> their OOM kills; reserved PriorityClass ->
// what Flux could not apply; dead node -> Pending pods and stuck objects tied to it.
import type { KubeObject } from '../adapters/ports.js';
import { isControlPlane } from '../kube-facts.js';
import { podSpec } from './objects.js';
import type { Finding, Snapshot } from './types.js';
import { nodeVms } from './vm-facts.js';

const subject = (f: Finding) => f.id.slice(f.id.indexOf(':') + 1);

function podsOf(f: Finding, pods: Map<string, KubeObject>): KubeObject[] {
  return f.objects.filter((o) => o.startsWith('pod/')).map((o) => pods.get(o.slice(4))).filter((p) => p !== undefined);
}

export function linkCauses(findings: Finding[], snap: Snapshot): Finding[] {
  const pods = new Map(snap.pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
  const nodes = new Map(snap.nodes.map((n) => [n.metadata.name, n]));
  const hostOf = new Map(nodeVms(snap).map((nv) => [nv.node.metadata.name, nv.vm.node]));
  const of = (check: string | string[]) => findings.filter((f) => (Array.isArray(check) ? check : [check]).includes(f.check));
  const links = new Map<Finding, Set<string>>();
  const link = (from: Finding, to: Finding) => {
    if (from === to) return;
    const set = links.get(from) ?? new Set<string>();
    set.add(to.id);
    links.set(from, set);
  };
  const nodeFindings = (node: string, checks: string[]) => of(checks).filter((f) => f.objects.includes(`node/${node}`));
  const podNodes = (f: Finding) => new Set(podsOf(f, pods).map((p) => podSpec(p).nodeName).filter((n) => n !== undefined));

  for (const f of of('proxmox.host-overcommit')) {
    const host = subject(f);
    for (const [node, h] of hostOf) if (h === host) for (const g of nodeFindings(node, ['proxmox.ballooning', 'proxmox.capacity-mismatch'])) link(f, g);
  }
  for (const f of of('proxmox.ballooning')) for (const g of nodeFindings(subject(f), ['proxmox.capacity-mismatch', 'node.memory-pressure', 'node.memory-commitment'])) link(f, g);
  for (const f of of('proxmox.capacity-mismatch')) {
    for (const g of nodeFindings(subject(f), ['node.memory-pressure', 'node.memory-commitment'])) link(f, g);
    for (const g of of('pod.pending')) if (g.evidence.some((e) => /Insufficient memory/.test(e))) link(f, g);
  }
  const crashes = of(['pod.oom-killed', 'pod.restart-loop']);
  for (const f of of('node.memory-pressure')) {
    const node = subject(f);
    for (const g of crashes) if (podNodes(g).has(node)) link(f, g);
    const n = nodes.get(node);
    if (n && isControlPlane(n)) for (const g of of('api.etcd-instability')) link(f, g);
  }
  for (const f of of('pod.no-memory-limit')) {
    if (f.severity === 'info') continue;
    const key = subject(f);
    for (const g of crashes) if (subject(g) === key) link(f, g);
    const ran = podNodes(f);
    for (const g of of('node.memory-pressure')) if (f.severity === 'critical' && ran.has(subject(g))) link(f, g);
  }
  const releases = of('flux.helmrelease');
  for (const f of crashes) {
    if (f.check !== 'pod.oom-killed') continue;
    const ns = subject(f).split('/')[0];
    for (const g of releases) if (subject(g).split('/')[0] === ns) link(f, g);
  }
  for (const f of of('api.etcd-instability')) for (const g of releases) if (f.objects.includes(`helmrelease/${subject(g)}`)) link(f, g);
  const chains = of(['flux.dependency-chain', 'flux.kustomization']);
  for (const f of releases) for (const g of chains) if (g.objects.includes(`helmrelease/${subject(f)}`)) link(f, g);
  for (const f of of('flux.reserved-priority-class')) {
    for (const g of [...chains, ...releases]) if (g.objects.some((o) => (o.startsWith('kustomization/') || o.startsWith('helmrelease/')) && f.objects.includes(o))) link(f, g);
  }
  for (const f of of(['node.dead', 'node.not-ready'])) {
    const node = subject(f);
    const pinned = new RegExp(`(pinned|bound) to node ${node.replace(/[.]/g, '\\.')}\\b`);
    for (const g of of(['pod.pending', 'object.stuck-terminating'])) if (g.evidence.some((e) => pinned.test(e))) link(f, g);
  }
  return findings.map((f) => {
    const causes = [...(links.get(f) ?? [])].sort();
    return causes.length ? { ...f, causes } : f;
  });
}
