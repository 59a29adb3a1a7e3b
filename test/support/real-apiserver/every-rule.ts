// The shared half of every runbook's RBAC proof on the real apiserver (register inside a
// describe): the derived ClusterRole is exactly what the successful run used plus the rules only
// a rollback needs, and each used (verb, resource) refused alone makes the run fail with the
// apiserver's own "forbidden" — except `create events`, which only warns (Events are best effort).
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, type CliResult } from '../cli.js';
import { forbiddenPattern } from './derived-rules.js';
import { derivedVersusAccounted, parseUse, usesOnceLogged } from './rule-proof.js';
import type { ProofCluster } from './proof-cluster.js';
import { setRunLock } from './run-lock-state.js';

export interface ProofRun {
  r: CliResult;
  user: string;
}

export interface EveryRuleProof<R extends ProofRun> {
  runbook: string;
  /** Each pair the successful run uses -> the exit code when that pair alone is refused. */
  used: Record<string, number>;
  /** Granted only for the rollback: pair -> why. */
  rollbackOnly: Record<string, string>;
  /** Runs the runbook as a fresh user granted the derived role, less `drop` when given. */
  run(drop?: string): Promise<R>;
  /** More to check after a refused run (what its rollback restored, what it reported). */
  afterRefusal?(pair: string, run: R): Promise<void> | void;
  timeoutMs?: number;
}

const BEST_EFFORT = 'create events';

/** The audit log shows `user` used exactly the pairs of `used`, and nothing was refused. */
export async function expectUsedExactly(auditLog: string, user: string, used: Record<string, number>): Promise<void> {
  const pairs = Object.keys(used);
  const uses = await usesOnceLogged(auditLog, user, pairs);
  expect(uses.forbidden).toEqual([]);
  expect(uses.allowed).toEqual([...pairs].sort());
}

export function itProvesEveryRule<R extends ProofRun>(p: EveryRuleProof<R>): void {
  const timeout = p.timeoutMs ?? 60_000;
  it('derives no rule that is neither used by that run nor needed by its rollback', async () => {
    const { derived, accounted } = await derivedVersusAccounted(p.runbook, Object.keys(p.used), p.rollbackOnly);
    expect(derived).toEqual(accounted);
  });

  for (const [pair, code] of Object.entries(p.used).filter(([pair]) => pair !== BEST_EFFORT)) {
    it(`without \`${pair}\` it fails (exit ${code}) with the apiserver's forbidden naming it`, async () => {
      const run = await p.run(pair);
      expect(run.r.stdout + run.r.stderr).toMatch(forbiddenPattern(run.user, parseUse(pair)));
      expect(run.r.code).toBe(code);
      await p.afterRefusal?.(pair, run);
    }, timeout);
  }

  if (BEST_EFFORT in p.used) {
    it('without `create events` it warns with the forbidden and still succeeds (Events are best effort)', async () => {
      const { r, user } = await p.run(BEST_EFFORT);
      expect(r.stdout + r.stderr).toMatch(/could not record a Kubernetes Event/);
      expect(r.stdout + r.stderr).toMatch(forbiddenPattern(user, parseUse(BEST_EFFORT)));
      expect(r.code).toBe(0);
    }, timeout);
  }
}

export interface GrantedRun {
  runbook: string;
  user: { user: string; token: string };
  /** The one pair taken away from the derived role, if any. */
  drop?: string | undefined;
  /** Everything after `run RUNBOOK`. */
  args: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Grants `user` the role `runbook rbac` derives (less `drop`), then runs the runbook as that user. */
export async function runGranted(c: Pick<ProofCluster, 'admin' | 'api' | 'dir'>, o: GrantedRun): Promise<CliResult> {
  await c.admin.grant(o.runbook, o.user.user, o.drop ? parseUse(o.drop) : undefined);
  // Absent, the run creates the lock (get, create); to be refused `patch leases`, the lock must
  // already be there, free.
  await setRunLock(c.admin, o.drop === 'patch leases.coordination.k8s.io' ? 'free' : 'absent');
  return runCli(['--state-dir', mkdtempSync(join(c.dir, 'state-')), 'run', o.runbook, ...o.args], {
    env: { KUBECONFIG: c.api.kubeconfigFor(o.user.token), ...o.env },
    timeoutMs: o.timeoutMs ?? 60_000,
  });
}
