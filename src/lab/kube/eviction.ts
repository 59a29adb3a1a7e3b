// The pods/eviction subresource (pkg/registry/core/pod/storage/eviction.go): a pod that is
// Pending, Succeeded, Failed or already terminating is deleted without a PDB check; otherwise
// its one matching PodDisruptionBudget must allow a disruption, which the eviction consumes
// (status.disruptionsAllowed - 1, status.disruptedPods[pod]) before the pod is deleted.
import { pdbMatches, podIsReady } from './pdb.js';
import type { PdbStatus } from './pdb.js';
import { badRequest, notFound, statusObject, tooManyRequests } from './status.js';
import type { KubeObject, KubeStore } from './store.js';

const PODS = { group: '', resource: 'pods' };
const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

export interface EvictionResult { code: number; body: KubeObject }

interface EvictionBody { metadata?: { name?: string }; deleteOptions?: { dryRun?: string[]; gracePeriodSeconds?: number } }

export function evictPod(store: KubeStore, namespace: string, name: string, body: unknown, dryRunQuery: boolean): EvictionResult {
  const eviction = (body ?? {}) as EvictionBody;
  if (eviction.metadata?.name !== name) throw badRequest('name in URL does not match name in Eviction object');
  const dryRun = dryRunQuery || (eviction.deleteOptions?.dryRun ?? []).includes('All');
  const pod = store.get('v1', 'Pod', name, namespace);
  if (!pod) throw notFound(PODS, name);
  const success: EvictionResult = { code: 201, body: statusObject('Success', 201, '', '') };
  const remove = () => {
    // Deleted as any delete is: gracefully, so a bound pod stays Terminating until its kubelet confirms.
    const grace = eviction.deleteOptions?.gracePeriodSeconds;
    if (!dryRun) store.delete('v1', 'Pod', name, namespace, grace === undefined ? {} : { gracePeriodSeconds: grace });
    return success;
  };

  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp) return remove();

  const pdbs = store.list('policy/v1', 'PodDisruptionBudget', { namespace }).filter((p) => pdbMatches(p, pod));
  if (pdbs.length > 1) {
    return { code: 500, body: statusObject('Failure', 500, '', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.') };
  }
  const pdb = pdbs[0];
  if (!pdb) return remove();
  const status = (pdb.status ?? {}) as Partial<PdbStatus>;
  const desired = status.desiredHealthy ?? 0;
  const current = status.currentHealthy ?? 0;
  // An unready pod does not count as healthy: evicting it costs no disruption.
  if (!podIsReady(pod) && current >= desired && desired > 0) return remove();
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
    throw tooManyRequests(VIOLATION, 10, [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} is still being processed by the server.` }]);
  }
  if ((status.disruptionsAllowed ?? 0) <= 0) {
    throw tooManyRequests(VIOLATION, 0, [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} needs ${desired} healthy pods and has ${current} currently` }]);
  }
  if (dryRun) return success;
  store.update({
    ...pdb,
    status: { ...status, disruptionsAllowed: (status.disruptionsAllowed ?? 0) - 1, disruptedPods: { ...(status.disruptedPods ?? {}), [name]: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } },
  }, { statusOnly: true });
  return remove();
}
