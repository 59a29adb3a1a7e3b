// The workload controllers the incident's repairs lean on, reduced to "keep the pods":
// - ReplicaSet: recreates missing replicas (a drained node's pods come back elsewhere);
// - StatefulSet: recreates missing ordinals and their volumeClaimTemplates claims (deleting a
//   stale PVC and its pod gets a fresh volume on a live node);
// - DaemonSet: one pod per node, bound directly to it;
// - PodGC: pods bound to a node that no longer exists are deleted.
// No rolling updates, scaling history or revisions: template changes apply to new pods only.
import { stableSuffix } from './names.js';
import { isTerminal, podSpec } from './pod-model.js';
import type { ControllerContext, KubeObject } from './types.js';

/** A replacement pod's name: from the owner, the clock and the names taken (reproducible, never a recent name again). */
function nextName(owner: KubeObject, taken: Set<string>, extra: string): string {
  for (let i = 0; ; i++) {
    const name = `${owner.metadata.name}-${stableSuffix(`${owner.metadata.uid ?? ''}/${extra}/${i}`, 5)}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/** Pods by the uid of each owner they name: one pass, instead of scanning every pod per owner. */
function podsByOwner(pods: readonly KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const p of pods) {
    for (const r of (p.metadata.ownerReferences ?? []) as { uid?: string }[]) {
      if (!r.uid) continue;
      const list = out.get(r.uid) ?? [];
      list.push(p);
      out.set(r.uid, list);
    }
  }
  return out;
}

interface Template {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

function newPod(owner: KubeObject, name: string, extra: { nodeName?: string; labels?: Record<string, string>; claims?: string[] }): KubeObject {
  const t = ((owner.spec as { template?: Template } | undefined)?.template ?? {}) as Template;
  const spec: Record<string, unknown> = { ...structuredClone(t.spec ?? {}) };
  if (extra.nodeName) spec.nodeName = extra.nodeName;
  if (extra.claims?.length) spec.volumes = [...((spec.volumes as unknown[]) ?? []), ...extra.claims.map((claimName) => ({ name: claimName.slice(0, 63), persistentVolumeClaim: { claimName } }))];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...t.metadata?.labels, ...extra.labels },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec,
    status: { phase: 'Pending' },
  };
}

export function syncWorkloads(ctx: ControllerContext): boolean {
  let changed = false;
  const nodes = ctx.store.list('v1', 'Node');
  const nodeNames = new Set(nodes.map((n) => n.metadata.name));
  let pods = ctx.store.list('v1', 'Pod');
  // PodGC first, so a deleted node's DaemonSet pod is not counted below.
  for (const p of pods) {
    const nodeName = podSpec(p).nodeName;
    if (nodeName && !nodeNames.has(nodeName)) {
      // PodGC force-deletes: no kubelet is left to confirm.
      ctx.store.delete('v1', 'Pod', p.metadata.name, p.metadata.namespace, { gracePeriodSeconds: 0 });
      changed = true;
    }
  }
  if (changed) pods = ctx.store.list('v1', 'Pod');
  const owned = podsByOwner(pods);
  const ownedBy = (owner: KubeObject) => owned.get(owner.metadata.uid ?? '') ?? [];
  const taken = new Set(pods.map((p) => p.metadata.name));
  const live = (owner: KubeObject) => ownedBy(owner).filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp);

  for (const rs of ctx.store.list('apps/v1', 'ReplicaSet')) {
    if (rs.metadata.deletionTimestamp) continue;
    const want = Number((rs.spec as { replicas?: number } | undefined)?.replicas ?? 1);
    for (let have = live(rs).length; have < want; have++) {
      ctx.store.create(newPod(rs, nextName(rs, taken, `${ctx.now()}/${have}`), {}));
      changed = true;
    }
  }

  for (const sts of ctx.store.list('apps/v1', 'StatefulSet')) {
    if (sts.metadata.deletionTimestamp) continue;
    const spec = (sts.spec ?? {}) as { replicas?: number; volumeClaimTemplates?: { metadata: { name: string }; spec?: Record<string, unknown> }[] };
    const existing = new Map(ownedBy(sts).map((p) => [p.metadata.name, p]));
    const ensureClaims = (name: string) =>
      (spec.volumeClaimTemplates ?? []).map((t) => {
        const claim = `${t.metadata.name}-${name}`;
        if (!ctx.store.get('v1', 'PersistentVolumeClaim', claim, sts.metadata.namespace)) {
          ctx.store.create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, namespace: sts.metadata.namespace, finalizers: ['kubernetes.io/pvc-protection'] }, spec: { storageClassName: 'local-path', volumeMode: 'Filesystem', ...structuredClone(t.spec ?? {}) }, status: { phase: 'Pending' } });
          changed = true;
        }
        return claim;
      });
    for (let i = 0; i < (spec.replicas ?? 1); i++) {
      const name = `${sts.metadata.name}-${i}`;
      if (existing.has(name)) {
        // A Pending replica gets its missing claims back (stateful_set_control.go, since 1.26:
        // "If the Pod is in pending state then trigger PVC creation to create missing PVCs").
        const pod = existing.get(name);
        if ((pod?.status as { phase?: string } | undefined)?.phase === 'Pending') ensureClaims(name);
        continue;
      }
      const claims = ensureClaims(name);
      // The template's own claim volumes are replaced by the per-ordinal claims.
      const pod = newPod(sts, name, { labels: { 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) }, claims });
      const vols = ((pod.spec as { volumes?: { name: string; persistentVolumeClaim?: unknown }[] }).volumes ?? []).filter((v) => !v.persistentVolumeClaim || claims.some((c) => c.slice(0, 63) === v.name));
      (pod.spec as Record<string, unknown>).volumes = vols;
      ctx.store.create(pod);
      changed = true;
    }
  }

  for (const ds of ctx.store.list('apps/v1', 'DaemonSet')) {
    if (ds.metadata.deletionTimestamp) continue;
    const covered = new Set(live(ds).map((p) => podSpec(p).nodeName));
    for (const node of nodes) {
      if (covered.has(node.metadata.name) || node.metadata.deletionTimestamp) continue;
      ctx.store.create(newPod(ds, nextName(ds, taken, `${ctx.now()}/${node.metadata.name}`), { nodeName: node.metadata.name }));
      changed = true;
    }
  }
  return changed;
}
