// The run lock is one Lease (kube-system/runbook-run-lock, src/adapters/kube/run-lock.ts) for the
// whole cluster: whether it exists decides which of `create`/`patch leases` a run uses (absent:
// get, create, and the release's get + patch; present and free: get + patch to take it).
import type { Admin } from './admin.js';

const LEASE = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/runbook-run-lock';

export async function setRunLock(admin: Admin, state: 'absent' | 'free'): Promise<void> {
  const r = await admin.call('DELETE', LEASE);
  if (r.status !== 200 && r.status !== 404) throw new Error(`delete the run lock: ${r.status} ${JSON.stringify(r.body)}`);
  if (state === 'free') {
    await admin.must('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'runbook-run-lock', namespace: 'kube-system' }, spec: { leaseDurationSeconds: 60 },
    });
  }
}
