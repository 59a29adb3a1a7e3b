// Plays Flux's helm-controller and kustomize-controller (no Flux runs here): a HelmRelease or
// Kustomization whose reconcile.fluxcd.io/requestedAt was not handled yet gets
// status.lastHandledReconcileAt = that token and Ready=True, as the controllers write after a
// successful reconciliation. It answers only once the run has read the object after the patch
// that set the token (audit log; the token is the run's clock just before that patch): the run
// then watches from what it read, so it sees the answer; answered any earlier, its first read
// would end the wait and whether it needs `watch` would depend on timing.
import { auditedRequests } from './audit.js';
import type { Admin } from './admin.js';
import { playLoop } from './controller-loop.js';

const KINDS = [
  { resource: 'helmreleases', base: '/apis/helm.toolkit.fluxcd.io/v2' },
  { resource: 'kustomizations', base: '/apis/kustomize.toolkit.fluxcd.io/v1' },
] as const;

const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

interface FluxObject {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  status?: { lastHandledReconcileAt?: string };
}

export function playFluxControllers(admin: Admin, auditLogPath: string, users: () => string[]): () => Promise<void> {
  return playLoop(async () => {
    for (const { resource, base } of KINDS) {
      const items = ((await admin.call('GET', `${base}/${resource}`)).body?.items ?? []) as FluxObject[];
      const waiting = items.filter((o) => {
        const token = o.metadata.annotations?.[REQUESTED_AT];
        return token !== undefined && token !== o.status?.lastHandledReconcileAt;
      });
      if (!waiting.length) continue;
      const requests = users().flatMap((u) => auditedRequests(auditLogPath, u)).filter((r) => r.resource === resource && !r.subresource);
      for (const o of waiting) {
        const token = o.metadata.annotations![REQUESTED_AT]!;
        const mine = requests.filter((r) => r.name === o.metadata.name && r.namespace === o.metadata.namespace);
        const patched = mine.filter((r) => r.verb === 'patch' && r.receivedMs >= Date.parse(token)).map((r) => r.receivedMs);
        if (!patched.length) continue;
        const since = Math.min(...patched);
        if (!mine.some((r) => r.verb === 'get' && r.receivedMs > since)) continue;
        await admin.must('PATCH', `${base}/namespaces/${o.metadata.namespace}/${resource}/${o.metadata.name}/status`, {
          status: { lastHandledReconcileAt: token, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:5d2c0e1', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] },
        }, 'application/merge-patch+json');
      }
    }
  });
}
