// The digest an approval of a whole plan is bound to: what would change (op, target, before,
// after per step instance) and the runbook digest. Summaries are prose and noop lines carry
// "now ..." readings of the cluster: neither changes what runs, so neither is in it.
import { createHash } from 'node:crypto';
import { canonical } from '../runbook/digest.js';
import type { PlanEntry } from './plan.js';

export function planDigest(runbookDigest: string, entries: readonly PlanEntry[]): string {
  const what = entries.map((e) => ({
    key: e.key,
    uses: e.uses,
    ...(e.deferred ? { deferred: true } : {}),
    ...(e.skipped ? { skipped: true } : {}),
    changes: e.changes.filter((c) => c.op !== 'noop').map((c) => ({ op: c.op, target: c.target, before: c.before, after: c.after })),
  }));
  return createHash('sha256').update(runbookDigest).update('\0').update(JSON.stringify(canonical(what))).digest('hex');
}
