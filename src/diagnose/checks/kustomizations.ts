// flux.dependency-chain / flux.kustomization: Kustomizations not Ready. Those blocked on
// DependencyNotReady are traced to the root that fails on its own, and reported there, once
// per root with the whole chain: "fix infrastructure first", the root is what to fix.
import type { KubeObject } from '../../adapters/ports.js';
import { helmReleaseRefs, isBlocked, isReady, isSuspended, keyOf, readyText, tracePaths } from '../flux-facts.js';
import { LESSONS, RUNBOOKS } from '../lessons.js';
import { conditionOf, objectName } from '../objects.js';
import type { Check, Finding } from '../types.js';

export const kustomizations: Check = ({ snap }) => {
  const byKey = new Map(snap.kustomizations.map((k) => [keyOf(k), k]));
  const blockedBehind = new Map<string, { paths: KubeObject[][] }>();
  const roots = new Map<string, KubeObject>();
  for (const k of snap.kustomizations) {
    if (isReady(k) || isSuspended(k)) continue;
    if (!isBlocked(k)) {
      roots.set(keyOf(k), k);
      continue;
    }
    for (const path of tracePaths(k, byKey)) {
      const root = path[path.length - 1]!;
      roots.set(keyOf(root), root);
      const entry = blockedBehind.get(keyOf(root)) ?? { paths: [] };
      entry.paths.push(path);
      blockedBehind.set(keyOf(root), entry);
    }
  }
  const out: Finding[] = [];
  for (const [key, root] of roots) {
    const paths = blockedBehind.get(key)?.paths ?? [];
    const blocked = [...new Map(paths.flatMap((p) => p.slice(0, -1)).map((k) => [keyOf(k), k])).values()];
    const releases = helmReleaseRefs(conditionOf(root, 'Ready')?.message);
    const release = releases[0]?.split('/');
    const chains = paths.map((p) => `chain: ${[...p.map((k) => `kustomization/${keyOf(k)}`), ...releases.map((r) => `helmrelease/${r}`)].join(' -> ')}`);
    out.push({
      id: `kustomization:${key}`,
      check: blocked.length ? 'flux.dependency-chain' : 'flux.kustomization',
      severity: 'critical',
      title: blocked.length
        ? `${blocked.length} Kustomization(s) blocked behind ${key}${releases.length ? ` (HelmRelease ${releases.join(', ')})` : ''}: fix infrastructure first`
        : `Kustomization ${key} not Ready (${conditionOf(root, 'Ready')?.reason ?? 'unknown'})`,
      objects: [objectName(root), ...blocked.map(objectName), ...releases.map((r) => `helmrelease/${r}`)],
      evidence: [
        `root kustomization/${key}: ${readyText(root)}`,
        ...chains,
        ...blocked.map((k) => `kustomization/${keyOf(k)}: ${readyText(k)}`),
      ],
      lesson: blocked.length ? LESSONS.dependencyChain : LESSONS.helmRelease,
      ...(release && release.length === 2
        ? { fix: { runbook: RUNBOOKS.unstickMetallb, params: { namespace: release[0], release: release[1], 'flux-namespace': root.metadata.namespace, root: root.metadata.name } } }
        : {}),
    });
  }
  return out;
};
