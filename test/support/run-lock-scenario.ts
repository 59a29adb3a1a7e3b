// The run lock as two people would hit it: two processes, one cluster. Shared by the lab test
// and the real-apiserver test, so both backends prove the same behaviour.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli, startCli } from './cli.js';

const RUNBOOK = `apiVersion: runbook.dev/v1
name: lock-test
description: holds the cluster for a moment
params:
  node: { type: string, required: true, description: node }
steps:
  - { id: cordon, uses: k8s.cordon, with: { node: "\${{ params.node }}" } }
  - { id: hold, uses: core.wait, needs: [cordon], with: { duration: 6s } }
  - { id: uncordon, uses: k8s.uncordon, needs: [hold], with: { node: "\${{ params.node }}" } }
`;

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const holding = (state: string) => {
  const runs = join(state, 'runs');
  // The hold step has started (the plan record names it too, before the lock is taken).
  return existsSync(runs) && readdirSync(runs).some((f) => readFileSync(join(runs, f), 'utf8').includes('"t":"step-started","key":"hold"'));
};

export async function provesRunLock(env: Record<string, string>, node: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'run-lock-'));
  const file = join(dir, 'lock-test.yaml');
  writeFileSync(file, RUNBOOK);
  const run = (state: string) => ['--state-dir', state, 'run', file, '--node', node, '--yes'] as const;

  // A holds the lock while it works; B is refused at once, changing nothing.
  const stateA = join(dir, 'a');
  const a = startCli([...run(stateA)], { env });
  await until(() => holding(stateA));
  const b = await runCli([...run(join(dir, 'b'))], { env });
  expect(b.code).toBe(3);
  expect(b.stdout).toMatch(/another run holds this cluster's run lock: lock-test\/\S+@/);
  expect(b.stdout).toMatch(/nothing was changed/);
  expect((await a.done).code).toBe(0);
  // Released at the end: the next run goes through.
  expect((await runCli([...run(join(dir, 'c'))], { env })).code).toBe(0);

  // A run that dies holding the lock blocks others until the lease expires, then is taken over.
  // The TTL leaves room for a slow machine between the kill and the next run's check.
  const short = { ...env, RUNBOOK_LOCK_TTL: '8s' };
  const stateD = join(dir, 'd');
  const d = startCli([...run(stateD)], { env: short });
  await until(() => holding(stateD));
  d.child.kill('SIGKILL');
  await d.done;
  const e = await runCli([...run(join(dir, 'e'))], { env: short });
  expect(e.code, e.stdout.slice(-500)).toBe(3);
  await new Promise((r) => setTimeout(r, 8500));
  const f = await runCli([...run(join(dir, 'f'))], { env: short });
  expect(f.stdout.slice(-300)).toMatch(/succeeded/);
  expect(f.code).toBe(0);
}
