// Node names for shell completion: one request to the current cluster, no retries, bounded by
// `withinMs` in all (loading the kubeconfig included). Anything else (no cluster, too slow,
// refused) completes nothing: completion never waits on, nor complains about, a cluster.
import { DEFAULT_CALL_POLICY } from '../adapters/api-call.js';

export async function clusterNodeNames(env: Record<string, string | undefined>, target: { kubeconfig?: string; context?: string }, withinMs: number): Promise<string[]> {
  const policy = { requestTimeoutMs: withinMs, retry: { ...DEFAULT_CALL_POLICY.retry, maximumAttempts: 1 } };
  const lookup = (async () => {
    const { createKubeAdapters } = await import('../adapters/kube/adapter.js');
    const { reader } = await createKubeAdapters({ env, ...target, warn: () => undefined }, policy);
    return (await reader.list({ apiVersion: 'v1', kind: 'Node' })).map((n) => n.metadata.name).sort();
  })().catch(() => []);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string[]>((done) => (timer = setTimeout(() => done([]), withinMs)));
  try {
    return await Promise.race([lookup, late]);
  } finally {
    clearTimeout(timer);
  }
}
