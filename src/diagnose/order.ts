// Root causes before symptoms: a topological order of the `causes` links, ties broken by how
// close to the root a check usually is, then severity, then id (stable output).
import type { Finding, Severity } from './types.js';

const CHECK_RANK: readonly string[] = [
  'api.unready',
  'read.kube',
  'read.proxmox',
  'proxmox.host-overcommit',
  'proxmox.ballooning',
  'proxmox.capacity-mismatch',
  'node.dead',
  'node.not-ready',
  'etcd.quorum',
  'pod.no-memory-limit',
  'node.memory-pressure',
  'node.memory-commitment',
  'api.etcd-instability',
  'pod.oom-killed',
  'pod.restart-loop',
  'flux.reserved-priority-class',
  'flux.helmrelease',
  'flux.dependency-chain',
  'flux.kustomization',
  'object.stuck-terminating',
  'pod.pending',
];

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

function compare(a: Finding, b: Finding): number {
  const rank = (f: Finding) => {
    const i = CHECK_RANK.indexOf(f.check);
    return i < 0 ? CHECK_RANK.length : i;
  };
  return rank(a) - rank(b) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.id.localeCompare(b.id);
}

export function orderFindings(findings: readonly Finding[]): Finding[] {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const indegree = new Map(findings.map((f) => [f.id, 0]));
  for (const f of findings) for (const c of f.causes ?? []) if (byId.has(c)) indegree.set(c, (indegree.get(c) ?? 0) + 1);
  const remaining = new Set(findings);
  const out: Finding[] = [];
  while (remaining.size) {
    const ready = [...remaining].filter((f) => indegree.get(f.id) === 0).sort(compare);
    // A cycle (should not happen) must not lose findings: take the best-ranked one.
    const next = ready[0] ?? [...remaining].sort(compare)[0]!;
    remaining.delete(next);
    out.push(next);
    for (const c of next.causes ?? []) if (indegree.has(c)) indegree.set(c, indegree.get(c)! - 1);
  }
  return out;
}
