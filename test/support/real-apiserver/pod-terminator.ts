// Plays the kubelet's part in a drain (no kubelet runs here): a pod asked to terminate (it has a
// deletionTimestamp) is confirmed gone, but only once the run has read it after evicting it, as
// the audit log shows. The run then watches from what it read, so it sees the deletion; gone
// any earlier, its first read would end the wait and whether it needs `watch pods` would depend
// on timing.
import { auditedRequests } from './audit.js';
import type { Admin } from './admin.js';
import { playLoop } from './controller-loop.js';

export function playPodTerminator(admin: Admin, namespace: string, auditLogPath: string, users: () => string[]): () => Promise<void> {
  return playLoop(async () => {
    const pods = ((await admin.call('GET', `/api/v1/namespaces/${namespace}/pods`)).body?.items ?? []) as { metadata: { name: string; deletionTimestamp?: string } }[];
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp);
    if (!terminating.length) return;
    const requests = users().flatMap((u) => auditedRequests(auditLogPath, u)).filter((r) => r.resource === 'pods' && r.namespace === namespace);
    for (const p of terminating) {
      const name = p.metadata.name;
      const evicted = requests.filter((r) => r.name === name && r.subresource === 'eviction').map((r) => r.receivedMs);
      if (!evicted.length) continue;
      const since = Math.min(...evicted);
      if (!requests.some((r) => r.name === name && !r.subresource && r.verb === 'get' && r.receivedMs > since)) continue;
      await admin.call('DELETE', `/api/v1/namespaces/${namespace}/pods/${name}?gracePeriodSeconds=0`);
    }
  });
}
