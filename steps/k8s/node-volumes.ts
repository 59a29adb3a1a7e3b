// Which PersistentVolumes and claims live on a node: local-path and local volumes pin their
// PV to one node with nodeAffinity (the incident's prometheus-*/alertmanager-* claims).
import type { KubeObject, KubeReader } from '../../src/adapters/ports.js';
import { PV, PVC, globMatcher, pvClaim, pvPinnedNode } from '../../src/kube-facts.js';

interface NodeVolumes {
  pvs: KubeObject[];
  pvcs: KubeObject[];
}

export async function volumesPinnedTo(kube: KubeReader, node: string, match?: readonly string[]): Promise<NodeVolumes> {
  const matches = globMatcher(match);
  const pvs = (await kube.list(PV)).filter((pv) => pvPinnedNode(pv) === node);
  const claims = new Map<string, KubeObject>();
  for (const pvc of await kube.list(PVC)) claims.set(`${pvc.metadata.namespace}/${pvc.metadata.name}`, pvc);
  const selectedPvs: KubeObject[] = [];
  const selectedPvcs: KubeObject[] = [];
  for (const pv of pvs) {
    const claim = pvClaim(pv);
    // --pvc globs name claims, as namespace/name or name; a PV without a claim by its own name.
    if (!(claim ? matches(`${claim.namespace}/${claim.name}`) || matches(claim.name) : matches(pv.metadata.name))) continue;
    selectedPvs.push(pv);
    const pvc = claim ? claims.get(`${claim.namespace}/${claim.name}`) : undefined;
    // A claim of that name with another uid is a new claim (its StatefulSet re-created it after
    // the old one was deleted, e.g. by a purge killed half-way): the volume is not bound to it
    // (the PV controller compares claimRef.uid too, pkg/controller/volume/persistentvolume/
    // pv_controller.go), and it is not this purge's to delete.
    const uid = (pv.spec as { claimRef?: { uid?: string } } | undefined)?.claimRef?.uid;
    if (pvc && (!uid || pvc.metadata.uid === uid)) selectedPvcs.push(pvc);
  }
  return { pvs: selectedPvs, pvcs: selectedPvcs };
}
