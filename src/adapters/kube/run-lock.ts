// The per-cluster run lock as a coordination.k8s.io/v1 Lease (the object Kubernetes' own
// leader election uses): holderIdentity names the run, renewTime is refreshed every third of
// the lease, and a lease not renewed for leaseDurationSeconds may be taken over (its holder
// crashed), or at once by the same run (its resume or rollback: the journal guard in
// src/cli/journal-run.ts makes sure its first process is gone). Every write carries the
// resourceVersion read: two takers cannot both win.
import { hostname } from 'node:os';
import { ApiError, EXIT, RunbookError } from '../../errors.js';
import type { HeldLock, RunLock } from '../../engine/run-lock.js';
import type { KubeObject, KubeRef, KubeWriter } from '../ports.js';

export interface LeaseLockOptions {
  namespace?: string;
  name?: string;
  /** Seconds without renewal after which another run may take the lock over. */
  ttlSeconds?: number;
  now?: () => number;
}

type Lease = KubeObject & { spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string } };

const micro = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z'); // MicroTime

export function leaseRunLock(kube: KubeWriter, o: LeaseLockOptions = {}): RunLock {
  const ref: KubeRef = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: o.name ?? 'runbook-run-lock', namespace: o.namespace ?? 'kube-system' };
  const ttl = o.ttlSeconds ?? 60;
  const now = o.now ?? Date.now;

  const spec = (holder: string, acquired: number) => ({ holderIdentity: holder, leaseDurationSeconds: ttl, acquireTime: micro(acquired), renewTime: micro(now()) });

  async function take(holder: string, run: string): Promise<number> {
    const current = (await kube.get(ref)) as Lease | undefined;
    const acquired = now();
    if (!current) {
      await kube.create({ ...ref, metadata: { name: ref.name, namespace: ref.namespace, labels: { 'app.kubernetes.io/managed-by': 'runbook' } }, spec: spec(holder, acquired) } as KubeObject);
      return acquired;
    }
    const s = current.spec ?? {};
    const renewed = s.renewTime ? Date.parse(s.renewTime) : 0;
    const expires = renewed + (s.leaseDurationSeconds ?? ttl) * 1000;
    // The same run (a resume or rollback after its process died) takes its own lease over.
    const ours = s.holderIdentity === holder || s.holderIdentity?.startsWith(`${run}@`);
    if (s.holderIdentity && !ours && expires > now()) {
      throw new RunbookError('E_LOCKED', `another run holds this cluster's run lock: ${s.holderIdentity} (renewed ${Math.round((now() - renewed) / 1000)} s ago; it expires in ${Math.round((expires - now()) / 1000)} s unless renewed)`, {
        hint: `wait for it to finish (runbook history on its machine), or if its process is gone, retry after the lease expires (kubectl -n ${ref.namespace} get lease ${ref.name})`,
        exitCode: EXIT.preflightFailed,
      });
    }
    // Free, expired (its holder died) or ours already: take it with the version we read.
    await kube.patch(ref, [
      { op: 'test', path: '/metadata/resourceVersion', value: current.metadata.resourceVersion },
      { op: 'replace', path: '/spec', value: spec(holder, acquired) },
    ], 'json');
    return acquired;
  }

  return {
    async acquire(runId, runbook) {
      const run = `${runbook}/${runId}`;
      const holder = `${run}@${hostname()}:${process.pid}`;
      let acquired: number;
      try {
        acquired = await take(holder, run);
      } catch (e) {
        // Lost a race with another taker: report it as held, never overwrite.
        if (e instanceof ApiError && (e.kind === 'conflict' || e.kind === 'invalid')) throw new RunbookError('E_LOCKED', 'another run took this cluster\'s run lock at the same moment', { exitCode: EXIT.preflightFailed });
        throw e;
      }
      const renew = setInterval(() => {
        void kube.patch(ref, { spec: { renewTime: micro(now()) } }, 'merge').catch(() => {});
      }, (ttl * 1000) / 3);
      renew.unref();
      const held: HeldLock = {
        async release() {
          clearInterval(renew);
          const current = (await kube.get(ref).catch(() => undefined)) as Lease | undefined;
          if (current?.spec?.holderIdentity !== holder) return;
          await kube.patch(ref, [
            { op: 'test', path: '/metadata/resourceVersion', value: current.metadata.resourceVersion },
            { op: 'replace', path: '/spec', value: { leaseDurationSeconds: ttl, acquireTime: micro(acquired), renewTime: micro(now()) } },
          ], 'json').catch(() => {});
        },
      };
      return held;
    },
  };
}
