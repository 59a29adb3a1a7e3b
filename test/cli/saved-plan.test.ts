// Saved plans (issue 13 item 4; DESIGN section 2): `runbook plan --out FILE` writes the plan,
// `runbook run --plan FILE` runs exactly it without asking for what it approved, and refuses
// (exit 4, nothing changed) when the cluster or the runbook changed so the plan differs.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab } from '../../src/lab/lab.js';
import { startLab } from '../../src/lab/lab.js';
import { ROOT } from '../support/cli.js';
import { runMain } from '../support/in-process.js';
import { cordoned as labCordoned } from '../support/lab-facts.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});

const exec = promisify(execFile);

async function lab() {
  const root = mkdtempSync(join(tmpdir(), 'runbook-saved-plan-'));
  const l = await startLab({ dir: join(root, 'lab'), scenario: 'healthy', rebootSeconds: 0.2 });
  labs.push(l);
  l.settle();
  const env = { KUBECONFIG: l.kubeconfigPath, PROXMOX_ENV_FILE: l.proxmoxEnvPath };
  const cordoned = (node: string) => labCordoned(l, node);
  return {
    root,
    cordoned,
    cli: (args: string[]) => runMain(['--state-dir', join(root, 'state'), ...args], { env }),
    kubectl: (args: string[]) => exec('kubectl', ['--kubeconfig', l.kubeconfigPath, ...args], { encoding: 'utf8' }),
  };
}

describe('runbook plan --out / runbook run --plan', () => {
  it('runs exactly the saved plan, without a terminal and without --yes', async () => {
    const { root, cli, cordoned } = await lab();
    const file = join(root, 'drain.plan.json');
    const plan = await cli(['plan', 'drain-node', '--node', 'k3s-replica-0', '--out', file]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/Saved the plan to .*drain\.plan\.json \(plan digest [0-9a-f]{12}\): `runbook run --plan /);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { runbook: string; params: Record<string, unknown>; planDigest: string; plan: { key: string }[] };
    expect(saved).toMatchObject({ runbook: 'drain-node', params: { node: 'k3s-replica-0' }, planDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(saved.plan.map((e) => e.key)).toContain('drain');
    // `plan -o json` says the same digest: what a pipeline compares before `run --plan`.
    const json = await cli(['plan', 'drain-node', '--node', 'k3s-replica-0', '-o', 'json']);
    expect((JSON.parse(json.stdout) as { planDigest: string }).planDigest).toBe(saved.planDigest);
    expect(cordoned('k3s-replica-0')).toBe(false); // planning changed nothing

    // The same run without --plan has no terminal to ask and no --yes: refused.
    const unapproved = await cli(['run', 'drain-node', '--node', 'k3s-replica-0']);
    expect(unapproved.code).toBe(4);
    const run = await cli(['run', '--plan', file]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Run \S+ succeeded/);
    expect(cordoned('k3s-replica-0')).toBe(true);
  }, 120_000);

  it('is refused, exit 4 and nothing changed, once the cluster changed so the plan differs', async () => {
    const { root, cli, kubectl, cordoned } = await lab();
    const file = join(root, 'reboot.plan.json');
    expect((await cli(['plan', 'reboot-node', '--node', 'k3s-server-1', '--out', file])).code).toBe(0);
    // Someone cordons the node meanwhile: the drain would no longer cordon it.
    await kubectl(['cordon', 'k3s-server-1']);
    const run = await cli(['run', '--plan', file]);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(run.stdout + run.stderr).toMatch(/the saved plan no longer matches: .* \(the cluster changed\); nothing was changed/);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at \S+ \(/);
    // Nothing ran: not uncordoned by the runbook's last step, no reboot.
    expect(cordoned('k3s-server-1')).toBe(true);
  }, 120_000);

  it('never writes or prints the value of a Secret the plan would create', async () => {
    const { root, cli } = await lab();
    const book = join(root, 'secret.yaml');
    writeFileSync(book, `apiVersion: runbook.dev/v1
name: make-secret
description: Creates a Secret.
steps:
  - id: s
    uses: k8s.ensure
    with:
      object: { apiVersion: v1, kind: Secret, metadata: { name: s1, namespace: default }, stringData: { key: hunter2-value } }
`);
    const file = join(root, 's.json');
    const plan = await cli(['plan', book, '--out', file, '-o', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/"key": "sha256:[0-9a-f]{64}"/);
    expect(plan.stdout + readFileSync(file, 'utf8')).not.toContain('hunter2-value');
    const run = await cli(['run', '--plan', file]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
  }, 120_000);

  it('is refused (exit 4) when the runbook file changed, and does not take new params', async () => {
    const { root, cli } = await lab();
    const book = join(root, 'drain-node.yaml');
    copyFileSync(join(ROOT, 'runbooks', 'drain-node.yaml'), book);
    const file = join(root, 'p.json');
    expect((await cli(['plan', book, '--node', 'k3s-replica-0', '--out', file])).code).toBe(0);
    const params = await cli(['run', '--plan', file, '--node', 'k3s-server-0']);
    expect(params.code).toBe(2);
    expect(params.stderr).toMatch(/--node: a saved plan runs with the params it was planned with/);
    writeFileSync(book, readFileSync(book, 'utf8').replace('default: 5m', 'default: 6m'));
    const changed = await cli(['run', '--plan', file]);
    expect(changed.code).toBe(4);
    expect(changed.stderr).toMatch(/the runbook .*drain-node\.yaml changed since the plan was saved; nothing was changed/);
    const missing = await cli(['run', '--plan', join(root, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the saved plan: no such file/);
  }, 120_000);
});
