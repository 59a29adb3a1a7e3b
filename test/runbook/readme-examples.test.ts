// The README's runbook example does what its text says when followed against the lab: it is a
// real rolling fix (each node drained, rebooted, back and uncordoned before the next one is
// touched), not just a file that validates. Runs the built CLI as a user would.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { builtinRegistry } from '../../steps/index.js';
import { ROOT } from '../support/cli.js';
import { runMain } from '../support/in-process.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const runbookBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.includes('apiVersion: runbook.dev/'));
const NODES = ['k3s-replica-0', 'k3s-replica-1'];

describe('the README runbook example, followed', () => {
  const root = mkdtempSync(join(tmpdir(), 'runbook-readme-'));
  let lab: Lab;
  const env = () => ({ KUBECONFIG: lab.kubeconfigPath, PROXMOX_ENV_FILE: lab.proxmoxEnvPath });
  beforeAll(async () => {
    lab = await startLab({ dir: join(root, 'lab'), rebootSeconds: 0.2 });
    lab.settle();
  });
  afterAll(async () => {
    await lab?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('has runbook blocks, each one validates', () => {
    expect(runbookBlocks.length).toBeGreaterThan(0);
    for (const block of runbookBlocks) expect(parseRunbook(block, 'README.md', builtinRegistry()).diagnostics).toEqual([]);
  });

  it('plans and runs as a rolling fix: one node whole (drain, reboot, ready, uncordon) before the next', async () => {
    const file = join(ROOT, 'examples', 'reboot-workers.yaml');
    const plan = await runMain(['--state-dir', join(root, 'state'), 'plan', file, '--nodes', NODES.join(',')], { env: env() });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const run = await runMain(['--state-dir', join(root, 'state'), 'run', file, '--nodes', NODES.join(','), '--yes'], { env: env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const runs = join(root, 'state', 'runs');
    const journal = readFileSync(join(runs, readdirSync(runs).find((f) => f.endsWith('.jsonl'))!), 'utf8');
    const done = journal.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { t: string; key?: string }).filter((r) => r.t === 'step-succeeded').map((r) => r.key);
    const perNode = (n: string) => ['drain', 'reboot', 'ready', 'uncordon'].map((s) => `node.${s}[${n}]`);
    expect(done.filter((k) => k?.startsWith('node.'))).toEqual([...perNode(NODES[0]!), ...perNode(NODES[1]!)]);
    for (const n of NODES) expect((lab.kube.store.get('v1', 'Node', n)?.spec as { unschedulable?: boolean } | undefined)?.unschedulable ?? false).toBe(false);
  }, 120_000);
});
