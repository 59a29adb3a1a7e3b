// The run lock as two people would hit it: two processes, one cluster. Shared by the lab test
// and the real-apiserver test, so both backends prove the same behaviour. The holder waits for
// a file the test writes (no "long enough" hold), and the lease's expiry is proven with an
// injected clock (LeaseLockOptions.now) instead of waiting out its TTL.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createKubeAdapters } from '../../src/adapters/kube/adapter.js';
import { leaseRunLock } from '../../src/adapters/kube/run-lock.js';
import { runCli, startCli } from './cli.js';
import { eventually } from './eventually.js';

const RUNBOOK = `apiVersion: runbook.dev/v1
name: lock-test
description: holds the cluster until told to go on
params:
  node: { type: string, required: true, description: node }
  release: { type: string, required: true, description: the file whose existence ends the hold }
steps:
  - { id: cordon, uses: k8s.cordon, with: { node: "\${{ params.node }}" } }
  - { id: hold, uses: core.shell, needs: [cordon], with: { run: "until [ -e \${{ params.release }} ]; do sleep 0.05; done", observeOnly: true } }
  - { id: uncordon, uses: k8s.uncordon, needs: [hold], with: { node: "\${{ params.node }}" } }
`;

const holding = (state: string) => {
  const runs = join(state, 'runs');
  // The hold step has started (the plan record names it too, before the lock is taken).
  return existsSync(runs) && readdirSync(runs).some((f) => readFileSync(join(runs, f), 'utf8').includes('"t":"step-started","key":"hold"'));
};

export async function provesRunLock(env: Record<string, string>, node: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'run-lock-'));
  const file = join(dir, 'lock-test.yaml');
  writeFileSync(file, RUNBOOK);
  const go = join(dir, 'go');
  const never = join(dir, 'never'); // the killed run's hold: written at the end, so its orphaned shell ends
  const run = (state: string, release = go) => ['--state-dir', state, 'run', file, '--node', node, '--release', release, '--yes'] as const;
  try {
    // A holds the lock while it works; B is refused at once, changing nothing.
    const stateA = join(dir, 'a');
    const a = startCli([...run(stateA)], { env });
    await eventually(() => holding(stateA), 'run A to hold the lock');
    const b = await runCli([...run(join(dir, 'b'))], { env });
    expect(b.code).toBe(3);
    expect(b.stdout).toMatch(/another run holds this cluster's run lock: lock-test\/\S+@/);
    expect(b.stdout).toMatch(/nothing was changed/);
    writeFileSync(go, '');
    expect((await a.done).code).toBe(0);
    // Released at the end: the next run goes through.
    expect((await runCli([...run(join(dir, 'c'))], { env })).code).toBe(0);

    // A run that dies holding the lock blocks others while its lease is fresh...
    const stateD = join(dir, 'd');
    const d = startCli([...run(stateD, never)], { env });
    await eventually(() => holding(stateD), 'run D to hold the lock');
    d.child.kill('SIGKILL');
    await d.done;
    const e = await runCli([...run(join(dir, 'e'))], { env });
    expect(e.code, e.stdout.slice(-500)).toBe(3);
    expect(e.stdout).toMatch(/another run holds this cluster's run lock: lock-test\/\S+@.*it expires in \d+ s unless renewed/);

    // ...and is taken over once it expired: the same lease code, its clock a TTL (60 s) and a second on.
    const { writer } = await createKubeAdapters({ env });
    await expect(leaseRunLock(writer).acquire('f-run', 'lock-test')).rejects.toThrow(/another run holds this cluster's run lock/);
    const later = leaseRunLock(writer, { now: () => Date.now() + 61_000 });
    await (await later.acquire('f-run', 'lock-test')).release();
    // Released by the run that took it over: the next run goes through.
    const f = await runCli([...run(join(dir, 'f'))], { env });
    expect(f.stdout.slice(-300)).toMatch(/succeeded/);
    expect(f.code).toBe(0);
  } finally {
    writeFileSync(never, '');
  }
}
