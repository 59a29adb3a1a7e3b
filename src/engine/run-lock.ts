// One run at a time per cluster: two people (or a person and a CronJob) repairing the same
// cluster at once is how a fix becomes an outage. The engine takes the lock after the plan is
// confirmed possible and before the first change, holds it through apply and rollback, and
// releases it at the end; the lock itself lives in the cluster (a Lease, see
// src/adapters/kube/run-lock.ts), so it works across machines, and expires if its holder dies.

export interface RunLock {
  /** Takes the lock for this run or throws a RunbookError naming who holds it. */
  acquire(runId: string, runbook: string): Promise<HeldLock>;
}

export interface HeldLock {
  release(): Promise<void>;
}
